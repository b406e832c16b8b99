/*
 * web/internal.h — what the files of web/ share and nothing else
 * includes (the unit tests do, to reach the route table and parsers).
 *
 * A request flows through the files in this order:
 *   api.c       web_begin: limits, security (security.c), the target and
 *               its query (parse.c), the route (routes.c), then one of
 *               the handlers: h_topology.c, h_memory.c, h_monitor.c,
 *               h_events.c, h_openapi.c, h_page.c;
 *   reply.c     every answer and error is built there, as JSON;
 *   memaccess.c guest memory, piece by piece, with the first failing
 *               address.
 */
#ifndef WEB_INTERNAL_H
#define WEB_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <memcore/memory.h>
#include <monitor/machine.h>
#include <web/api.h>

struct WebApi {
    const MonitorMachine *machine;
    WebEvents *events;
    char *token;              /* NULL: none */
    size_t token_len;
    uint64_t max_read;
    uint64_t max_write;
    char *host;               /* as the user gave it, brackets removed */
    char *bound_host;         /* numeric, may be NULL */
    unsigned port;
    bool wildcard;            /* 0.0.0.0 or ::: any address literal */
};

/* ---- parse.c: the request target, numbers, headers ---------------------- */

typedef struct WebParam {
    char *name;
    char *value;              /* "" when the query had no '=' */
} WebParam;

/* web_pct_decode: percent-decode @len bytes of @s ('+' as a space when
 * @plus_space, as in a query).  NULL on a bad escape, an encoded NUL or
 * no memory (*@oom tells which). */
char *web_pct_decode(const char *s, size_t len, bool plus_space, bool *oom);

/* web_parse_query: split and decode "a=1&b=2".  false on a bad escape,
 * an empty name or no memory (*@oom). */
bool web_parse_query(const char *q, WebParam **out, size_t *n, bool *oom);
void web_params_free(WebParam *p, size_t n);

/* web_parse_u64: "0x1F" (any case) or "31", the whole string, no sign,
 * no overflow. */
bool web_parse_u64(const char *s, uint64_t *v);

/* web_req_header: the value of request header @name (any case), or
 * NULL. */
const char *web_req_header(const WebRequest *req, const char *name);

/* web_media_type_is: whether the Content-Type value @ct names @type
 * (parameters such as charset ignored, any case). */
bool web_media_type_is(const char *ct, const char *type);

/* web_accepts_json: whether an Accept value lists application/json. */
bool web_accepts_json(const char *accept);

typedef enum WebRangeKind {
    WEB_RANGE_NONE,           /* no header, or a unit other than bytes */
    WEB_RANGE_OK,             /* [*first, *last] within the length */
    WEB_RANGE_UNSATISFIABLE,  /* 416 */
    WEB_RANGE_BAD,            /* malformed, or several ranges: 400 */
} WebRangeKind;

/* web_parse_range: a Range header against a body of @len bytes. */
WebRangeKind web_parse_range(const char *h, uint64_t len, uint64_t *first,
                             uint64_t *last);

/* ---- security.c ---------------------------------------------------------- */

/* web_host_ok: the Host header names where memcored listens, or
 * localhost (DNS rebinding). */
bool web_host_ok(const WebApi *api, const char *host);

/* web_origin_ok: a state-changing request's Origin (NULL: none sent) is
 * memcored's own, "http://" + the request's Host. */
bool web_origin_ok(const char *origin, const char *host);

/* web_token_ok: "Bearer TOKEN" in @authorization, compared in constant
 * time. */
bool web_token_ok(const WebApi *api, const char *authorization);

/* web_token_equal: constant-time comparison of @given with the token. */
bool web_token_equal(const WebApi *api, const char *given);

/* ---- reply.c: answers ----------------------------------------------------- */

/* The JSON error classes of rest.md and this endpoint. */
#define WEB_E_INVALID "InvalidParameter"
#define WEB_E_NOT_FOUND "NotFound"
#define WEB_E_UNAUTHORIZED "Unauthorized"
#define WEB_E_FORBIDDEN "Forbidden"
#define WEB_E_READ_ONLY "ReadOnly"
#define WEB_E_METHOD "MethodNotAllowed"
#define WEB_E_TOO_LARGE "TooLarge"
#define WEB_E_MEDIA_TYPE "UnsupportedMediaType"
#define WEB_E_RANGE "RangeNotSatisfiable"
#define WEB_E_TOO_MANY_STREAMS "TooManyStreams"
#define WEB_E_DECODE "DecodeError"
#define WEB_E_DEVICE "DeviceError"
#define WEB_E_INTERNAL "InternalError"

/* Status codes used by name. */
enum {
    WEB_OK = 200,
    WEB_PARTIAL = 206,
    WEB_BAD_REQUEST = 400,
    WEB_UNAUTHORIZED = 401,
    WEB_FORBIDDEN = 403,
    WEB_NOT_FOUND = 404,
    WEB_METHOD_NOT_ALLOWED = 405,
    WEB_TOO_LARGE = 413,
    WEB_URI_TOO_LONG = 414,
    WEB_UNSUPPORTED_MEDIA = 415,
    WEB_RANGE_NOT_SATISFIABLE = 416,
    WEB_UNPROCESSABLE = 422,
    WEB_TOO_MANY_REQUESTS = 429,
    WEB_HEADERS_TOO_LARGE = 431,
    WEB_INTERNAL = 500,
};

#define WEB_JSON "application/json"

/* web_reply_json: answer @status with @j (reference stolen; NULL means
 * memory ran out: a 500). */
void web_reply_json(WebResponse *r, unsigned status, json_t *j);

/* web_reply_body: answer with @body (malloc'ed, stolen; NULL with
 * @len 0 is an empty body). */
void web_reply_body(WebResponse *r, unsigned status, const char *ctype,
                    char *body, size_t len);

/* web_error: {"error":{"class":CLASS,"desc":"..."}} with @status; a
 * previous answer (but not its headers) is replaced. */
void web_error(WebResponse *r, unsigned status, const char *cls,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* web_error_oom: a 500 that needs no memory beyond what it can get. */
void web_error_oom(WebResponse *r);

/*
 * web_error_memtx: a failed memory transaction: 422, class DecodeError
 * (MEMTX_DECODE_ERROR set) or DeviceError, "result" naming the
 * MemTxResult bits and "addr" the first failing address; @what says
 * what failed ("read", "write", "load", "store").
 */
void web_error_memtx(WebResponse *r, const char *what, MemTxResult res,
                     uint64_t addr);
/* ... and "written": how many bytes a write wrote before it failed. */
void web_error_memtx_written(WebResponse *r, const char *what,
                             MemTxResult res, uint64_t addr, uint64_t written);

/* web_memtx_names: "MEMTX_ERROR|MEMTX_DECODE_ERROR" into @buf. */
void web_memtx_names(MemTxResult res, char *buf, size_t len);

/* web_add_header: add a response header (false when memory ran out). */
bool web_add_header(WebResponse *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* web_hex: "0x1f" as a JSON string; web_hex_size: a size where
 * UINT64_MAX stands for 2^64 ("0x10000000000000000"). */
json_t *web_hex(uint64_t v);
json_t *web_hex_size(uint64_t size);

/* web_str, web_strn: a JSON string of text that may not be UTF-8 (guest
 * text, names): each byte that is not part of valid UTF-8 becomes
 * U+FFFD.  web_str(NULL) is JSON null. */
json_t *web_str(const char *s);
json_t *web_strn(const char *s, size_t n);

/* web_set: json_object_set_new that remembers a failure in *@ok. */
void web_set(json_t *o, const char *key, json_t *v, bool *ok);

/* ---- routes.c ------------------------------------------------------------- */

typedef struct WebCtx WebCtx;

/* What a route does with a body. */
typedef enum WebBodyKind {
    WEB_BODY_NONE,            /* answered at once; a body is ignored */
    WEB_BODY_JSON,            /* application/json, at most
                               * WEB_MAX_JSON_BODY bytes, parsed */
    WEB_BODY_UPLOAD,          /* streamed to the route's upload hooks */
} WebBodyKind;

typedef struct WebUpload WebUpload;

typedef struct WebRoute {
    const char *method;       /* GET (also answers HEAD), PUT or POST */
    const char *pattern;      /* "/api/v1/address-spaces/{as}/memory" */
    bool write;               /* refused under --read-only */
    WebBodyKind body;
    void (*get)(WebCtx *c, WebResponse *r);
    void (*json)(WebCtx *c, json_t *body, WebResponse *r);
    /* WEB_BODY_UPLOAD: begin answers @r (error) or returns the state. */
    WebUpload *(*upload_begin)(WebCtx *c, WebResponse *r);
    void (*upload_data)(WebUpload *u, const void *data, size_t len);
    void (*upload_end)(WebUpload *u, WebResponse *r);
    void (*upload_free)(WebUpload *u);
} WebRoute;

/* The route table, in the order the OpenAPI document lists paths. */
extern const WebRoute web_routes[];
extern const size_t web_nroutes;

#define WEB_MAX_CAPTURES 2

/*
 * web_route_find: the route for @method and @path (raw, percent-encoded).
 * Returns it, with its {captures} decoded into @caps (malloc'ed; free
 * them).  NULL when none matches: *@status is 404, or 405 with the
 * methods the path allows in @allow ("GET, HEAD"), or 400 for a bad
 * escape in a captured segment, or 500 when memory ran out.
 */
const WebRoute *web_route_find(const char *method, const char *path,
                               char *caps[WEB_MAX_CAPTURES], unsigned *status,
                               char *allow, size_t allow_len);

/* ---- api.c: one request being handled -------------------------------------- */

struct WebCtx {
    WebApi *api;
    const WebRoute *route;
    const WebRequest *req;    /* NULL after web_begin returned */
    bool head;                /* a HEAD request (answered as GET) */
    char *path;               /* raw path */
    WebParam *params;
    size_t nparams;
    bool *used;               /* which params a handler asked for */
    char *caps[WEB_MAX_CAPTURES];
    /* Request headers the handlers need after web_begin. */
    char *range;
    bool accept_json;
};

/* web_param: the decoded value of query parameter @name, NULL when
 * absent; marks it known. */
const char *web_param(WebCtx *c, const char *name);

/*
 * web_params_check: after a handler asked for every parameter it knows,
 * answer 400 for one it did not (a typo must not silently read the
 * wrong memory); true when there is none.
 */
bool web_params_check(WebCtx *c, WebResponse *r);

/* web_param_u64: parameter @name as a number; @def when absent (and
 * @required false).  Answers 400 and returns false otherwise. */
bool web_param_u64(WebCtx *c, WebResponse *r, const char *name,
                   bool required, uint64_t def, uint64_t *v);

/* web_ctx_as: the address space named by the {as} capture, or a 404. */
AddressSpace *web_ctx_as(WebCtx *c, WebResponse *r);

/* web_json_u64: a JSON body member: a string in hex or decimal, or a
 * non-negative integer.  Answers 400 naming @key otherwise. */
bool web_json_u64(json_t *body, const char *key, bool required,
                  uint64_t def, uint64_t *v, WebResponse *r);

/* ---- the handlers ------------------------------------------------------------ */

void web_h_address_spaces(WebCtx *c, WebResponse *r);
void web_h_tree(WebCtx *c, WebResponse *r);
void web_h_flatview(WebCtx *c, WebResponse *r);
void web_h_find(WebCtx *c, WebResponse *r);
void web_h_regions(WebCtx *c, WebResponse *r);
void web_h_region(WebCtx *c, WebResponse *r);

void web_h_mtree(WebCtx *c, WebResponse *r);
void web_h_monitor(WebCtx *c, json_t *body, WebResponse *r);

void web_h_memory_get(WebCtx *c, WebResponse *r);
WebUpload *web_h_memory_put_begin(WebCtx *c, WebResponse *r);
void web_h_memory_put_data(WebUpload *u, const void *data, size_t len);
void web_h_memory_put_end(WebUpload *u, WebResponse *r);
void web_h_memory_put_free(WebUpload *u);
void web_h_ld(WebCtx *c, WebResponse *r);
void web_h_st(WebCtx *c, json_t *body, WebResponse *r);

void web_h_events(WebCtx *c, WebResponse *r);
void web_h_openapi(WebCtx *c, WebResponse *r);
void web_h_page(WebCtx *c, WebResponse *r);

/* The OpenAPI document (openapi_json.c, generated from openapi.json). */
extern const char web_openapi_json[];

/* ---- memaccess.c: guest memory ------------------------------------------------ */

/*
 * web_mem_check: whether every byte of [@addr, @addr + @len) is mapped
 * in the current view of @as (for a write: and not read-only).  When not,
 * *@bad is the first byte that is not.  Nothing is accessed.
 */
bool web_mem_check(AddressSpace *as, uint64_t addr, uint64_t len,
                   bool is_write, uint64_t *bad);

/*
 * web_mem_rw: read (write) @len bytes at @addr through @as, piece by
 * piece: RAM in one copy per flat range, anything else in aligned
 * accesses of at most 8 bytes, stopping at the first piece that fails.
 * Returns MEMTX_OK, or the failing piece's MemTxResult with *@fail its
 * address (nothing from there on is read or written).
 */
MemTxResult web_mem_rw(AddressSpace *as, uint64_t addr, uint8_t *buf,
                       size_t len, bool is_write, uint64_t *fail);

#endif /* WEB_INTERNAL_H */
