/*
 * web/api.h — the REST endpoint's request handler, independent of any
 * HTTP library.
 *
 * A request comes in as a WebRequest (method, the raw request target,
 * headers, and a body fed in pieces), an answer goes out as a
 * WebResponse (status, headers, and a body that is either a buffer or a
 * WebStream read while it is sent).  The libmicrohttpd transport
 * (web/http_server.h) only moves bytes between the two; the unit tests
 * and the fuzz target call web_handle() directly.
 *
 * Everything rest.md promises is decided here: routing, the security
 * rules (Host, Origin, token, content types, --read-only), limits, the
 * JSON of every answer and every error.  See web/README.md.
 *
 * Threads: a WebApi is shared by every transport thread; its calls may
 * run concurrently.  A WebExchange and a WebResponse belong to one
 * thread at a time.
 */
#ifndef WEB_API_H
#define WEB_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <monitor/machine.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct WebEvents WebEvents;

/* Defaults of WebApiConfig's limits (0 in the config selects them). */
#define WEB_DEFAULT_MAX_READ ((uint64_t)64 << 20)  /* GET memory */
#define WEB_DEFAULT_MAX_WRITE ((uint64_t)64 << 20) /* PUT memory body */
/* Fixed limits: a request target, all header lines together, a JSON
 * body, and what a monitor command may print into one answer. */
#define WEB_MAX_TARGET 8192
#define WEB_MAX_HEADERS 16384
#define WEB_MAX_JSON_BODY 65536
#define WEB_MAX_MONITOR_OUTPUT ((size_t)64 << 20)

typedef struct WebApiConfig {
    /* The machine: its address spaces, regions, the monitor's command
     * table (POST /api/v1/monitor) and its read_only flag (--read-only),
     * under which every HTTP write is refused with 403.  Must outlive
     * the WebApi. */
    const MonitorMachine *machine;
    /* The event hub behind GET /api/v1/events (NULL: that path answers
     * 404).  Must outlive the WebApi. */
    WebEvents *events;
    /* --http-token: required as "Authorization: Bearer TOKEN" on every
     * /api/ request.  NULL: no token.  Copied. */
    const char *token;
    /* Largest GET memory answer and PUT memory body (0: the defaults). */
    uint64_t max_read;
    uint64_t max_write;
    /*
     * Where the server listens, for the Host check against DNS
     * rebinding: @host as the user gave it ("127.0.0.1", "localhost",
     * "::1", "0.0.0.0"), @bound_host the numeric address bound (may equal
     * @host or be NULL), @port the port bound (never 0).  Copied.
     */
    const char *host;
    const char *bound_host;
    unsigned port;
} WebApiConfig;

typedef struct WebApi WebApi;

/* web_api_new: NULL when out of memory or the config lacks a machine or
 * a port. */
WebApi *web_api_new(const WebApiConfig *cfg);
void web_api_free(WebApi *api);

/* One request header (pointers owned by the caller). */
typedef struct WebHeader {
    const char *name;
    const char *value;
} WebHeader;

typedef struct WebRequest {
    const char *method;      /* "GET", "PUT", ... as sent */
    const char *target;      /* the request target as sent: path and
                              * query, still percent-encoded */
    const WebHeader *headers;
    size_t nheaders;
    /* web_handle only: the whole body. */
    const void *body;
    size_t body_len;
} WebRequest;

/* A body produced while it is sent (big memory reads, the event
 * stream).  Implementations embed it as their first member. */
typedef struct WebStream WebStream;

#define WEB_STREAM_END ((ssize_t)-1)   /* the body is complete */
#define WEB_STREAM_ERROR ((ssize_t)-2) /* abort: close the connection */
#define WEB_LENGTH_UNKNOWN UINT64_MAX

struct WebStream {
    /* Bytes the body will have, or WEB_LENGTH_UNKNOWN (sent chunked). */
    uint64_t length;
    /* How many bytes a read should be offered at most. */
    size_t block_size;
    /*
     * read: copy up to @max bytes of what follows into @buf.  Returns the
     * number copied (> 0), WEB_STREAM_END, WEB_STREAM_ERROR, or 0 when
     * nothing is ready: the transport then waits (without polling) until
     * the stream calls the wake function given to @set_wake.
     */
    ssize_t (*read)(WebStream *s, char *buf, size_t max);
    /* optional (streams whose read can return 0): from now on, call
     * @wake(@arg) from any thread whenever read may have more; never
     * after @free has begun. */
    void (*set_wake)(WebStream *s, void (*wake)(void *arg), void *arg);
    /* Text the transport sends when the stream has been idle a while
     * (an SSE comment, so a client that went away is noticed); NULL
     * for none. */
    const char *idle_text;
    void (*free)(WebStream *s);
};

/* One response header (both strings malloc'ed, freed with the response). */
typedef struct WebOutHeader {
    char *name;
    char *value;
} WebOutHeader;

typedef struct WebResponse {
    unsigned status;          /* 0 until the request is answered */
    const char *content_type; /* static string */
    WebOutHeader *headers;
    size_t nheaders;
    char *body;               /* malloc'ed; NULL with body_len 0 */
    size_t body_len;
    WebStream *stream;        /* instead of body when not NULL */
} WebResponse;

/* web_response_free: free what @resp holds (the stream too) and zero it. */
void web_response_free(WebResponse *resp);

/* web_response_header: the value of response header @name (any case),
 * or NULL. */
const char *web_response_header(const WebResponse *resp, const char *name);

typedef struct WebExchange WebExchange;

/*
 * web_begin: the request line and headers are in.  When the answer is
 * already known (errors, every GET), fills @resp and returns NULL; any
 * body the client sends is then to be discarded.  Otherwise returns an
 * exchange that wants the body: feed it to web_body, then call web_end.
 * @req's body fields are ignored.
 */
WebExchange *web_begin(WebApi *api, const WebRequest *req, WebResponse *resp);

/* web_body: the next @len bytes of the body (any split). */
void web_body(WebExchange *x, const void *data, size_t len);

/* web_end: the body is complete; fills @resp and frees @x. */
void web_end(WebExchange *x, WebResponse *resp);

/* web_exchange_free: drop an exchange whose client went away (NULL is
 * fine). */
void web_exchange_free(WebExchange *x);

/*
 * web_response_too_many_streams: turn @resp, an answer that opens an
 * event stream, into the 429 TooManyStreams error the transport sends
 * instead when the client already holds @max of them (the stream is
 * freed; the headers every answer carries stay).
 */
void web_response_too_many_streams(WebResponse *resp, unsigned max);

/* web_handle: web_begin + web_body(@req->body) + web_end in one call. */
void web_handle(WebApi *api, const WebRequest *req, WebResponse *resp);

#ifdef __cplusplus
}
#endif

#endif /* WEB_API_H */
