/*
 * tests/fuzz/fuzz_web.c — libFuzzer target for the REST endpoint's
 * handler layer (web/include/web/api.h): requests as a client would send
 * them, through web_begin / web_body / web_end, on a small writable
 * machine built once (web_machine.c), without sockets.
 *
 * An input is a sequence of requests separated by a line "%%":
 *
 *     PUT /api/v1/address-spaces/memory/memory?addr=0x80000000
 *     Host: 127.0.0.1:8080
 *     Content-Length: 4
 *     @chunk 1
 *
 *     abcd
 *     %%
 *     GET /api/v1/address-spaces
 *     ...
 *
 * The first line is the method and the request target (a trailing
 * " HTTP/1.1" is dropped), then header lines "Name: value" (the value
 * trimmed, as libmicrohttpd does), then, after an empty line, the body.
 * Lines starting with '@' are for the harness: "@api plain|token|ro"
 * picks the WebApi (no token; --http-token s3cret with small limits;
 * --read-only), "@chunk N" feeds the body in pieces of N bytes, "@abort"
 * drops the exchange after the body as a client that went away does.
 *
 * After every request the target checks what rest.md promises:
 *   - the status is one rest.md lists (never 500: nothing runs out of
 *     memory here), with the headers every answer carries;
 *   - an error is application/json {"error":{"class","desc"}} with the
 *     class its status has (405 with Allow, 401 with WWW-Authenticate,
 *     416 with Content-Range); a JSON answer parses; a streamed body has
 *     the length it announced;
 *   - Host, the token and Origin were checked: an answer other than a
 *     refusal means the request had the right Host, the token (token
 *     API, under /api/) and, for a write, its own Origin; two different
 *     Content-Length values, or one with Transfer-Encoding, are a 400;
 *   - memory: no RAM byte changed but those a successful (or, for PUT,
 *     partial: "written") write names, to the values it wrote; nothing
 *     at all under --read-only (and no view changed); ROM and two canary
 *     blocks mapped nowhere never change; bytes a read returned from RAM
 *     or ROM are what the machine holds.
 * A monitor command sent with POST /api/v1/monitor may change anything
 * (that is fuzz_monitor's to check): the shadow then takes what is
 * there.  After every input the machine is put back as built.
 * libFuzzer adds: no crash, no sanitizer report, no leak.
 *
 * FUZZ_VERBOSE=1 prints each request and its answer's status and body.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include <memcore/memcore.h>
#include <web/api.h>
#include <web/events.h>

#include "web_machine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_REQUESTS 16
#define MAX_HEADERS 32
#define TOKEN "s3cret"

enum { API_PLAIN, API_TOKEN, API_RO, API_COUNT };

static struct {
    WebApi *api[API_COUNT];
    WebEvents *events;
    int verbose;
} fw;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
                                                     noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;

    fputs("fuzz_web: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static void init(void)
{
    static const struct {
        const char *token;
        bool read_only;
        uint64_t max_read, max_write;
    } cfgs[API_COUNT] = {
        /* past WEB_MEM_BUFFERED (64 KiB) reads stream; bodies past
         * max_write get their own 413 */
        [API_PLAIN] = { NULL, false, 128 << 10, 4 << 10 },
        [API_TOKEN] = { TOKEN, false, 4 << 10, 64 },
        [API_RO] = { NULL, true, 96 << 10, 4 << 10 },
    };

    wm_init();
    fw.events = web_events_new();
    if (!fw.events) {
        die("out of memory");
    }
    for (int i = 0; i < API_COUNT; i++) {
        WebApiConfig cfg = {
            .machine = wm_monitor(cfgs[i].read_only),
            .events = fw.events,
            .token = cfgs[i].token,
            .max_read = cfgs[i].max_read,
            .max_write = cfgs[i].max_write,
            .host = "127.0.0.1",
            .bound_host = "127.0.0.1",
            .port = 8080,
        };

        fw.api[i] = web_api_new(&cfg);
        if (!fw.api[i]) {
            die("web_api_new failed");
        }
    }
    const char *e = getenv("FUZZ_VERBOSE");
    fw.verbose = e && *e && strcmp(e, "0") != 0;
}

/* ---- decoding a request ----------------------------------------------------- */

typedef struct Req {
    char *text;               /* the request's lines, NUL-terminated */
    const char *method, *target;
    WebHeader h[MAX_HEADERS];
    size_t nh;
    const uint8_t *body;
    size_t body_len;
    int api;
    size_t chunk;             /* 0: the whole body at once */
    bool abort;
} Req;

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) {
        *--e = '\0';
    }
    return s;
}

static void pseudo_line(Req *q, const char *line)
{
    if (strcmp(line, "@api token") == 0) {
        q->api = API_TOKEN;
    } else if (strcmp(line, "@api ro") == 0) {
        q->api = API_RO;
    } else if (strcmp(line, "@api plain") == 0) {
        q->api = API_PLAIN;
    } else if (strncmp(line, "@chunk ", 7) == 0) {
        q->chunk = strtoul(line + 7, NULL, 10) % 4096;
    } else if (strcmp(line, "@abort") == 0) {
        q->abort = true;
    }
}

/* Decode [@p, @p + @n) into @q; false when it names no request. */
static bool decode(const uint8_t *p, size_t n, Req *q)
{
    const uint8_t *blank = memmem(p, n, "\n\n", 2);
    size_t head = blank ? (size_t)(blank - p) : n;
    char *line, *next, *sp;

    memset(q, 0, sizeof(*q));
    if (blank) {
        q->body = blank + 2;
        q->body_len = n - head - 2;
    }
    q->text = malloc(head + 1);
    if (!q->text) {
        die("out of memory");
    }
    memcpy(q->text, p, head);
    q->text[head] = '\0';
    for (line = q->text; line; line = next) {
        char *colon;

        next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        if (line[0] == '@') {
            pseudo_line(q, trim(line));
            continue;
        }
        if (!q->method) {
            /* METHOD TARGET [HTTP/1.x] */
            sp = strchr(line, ' ');
            if (!sp) {
                return false;
            }
            *sp = '\0';
            q->method = line;
            q->target = sp + 1;
            sp = strrchr(sp + 1, ' ');
            if (sp && strncmp(sp, " HTTP/", 6) == 0) {
                *sp = '\0';
            }
            if (!*q->method || !*q->target) {
                return false;
            }
            continue;
        }
        colon = strchr(line, ':');
        if (!colon || colon == line || q->nh == MAX_HEADERS) {
            continue;
        }
        *colon = '\0';
        q->h[q->nh].name = line;
        q->h[q->nh].value = trim(colon + 1);
        q->nh++;
    }
    return q->method != NULL;
}

static const char *header(const Req *q, const char *name)
{
    for (size_t i = 0; i < q->nh; i++) {
        if (strcasecmp(q->h[i].name, name) == 0) {
            return q->h[i].value;
        }
    }
    return NULL;
}

/* ---- what the oracle needs from the target ------------------------------------ */

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decode [@s, @s + @n) into a new string; NULL on a bad escape or
 * an encoded NUL (the handler answers 400 to both). */
static char *pct(const char *s, size_t n, bool plus)
{
    char *out = malloc(n + 1), *o = out;

    if (!out) {
        die("out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int a = n - i < 3 ? -1 : hexval((unsigned char)s[i + 1]);
            int b = a < 0 ? -1 : hexval((unsigned char)s[i + 2]);

            if (b < 0 || (a == 0 && b == 0)) {
                free(out);
                return NULL;
            }
            *o++ = (char)(a * 16 + b);
            i += 2;
        } else {
            *o++ = plus && s[i] == '+' ? ' ' : s[i];
        }
    }
    *o = '\0';
    return out;
}

/* "0x1F" or "31", all of it, at most 64 bits (rest.md's numbers). */
static bool parse_u64(const char *s, uint64_t *v)
{
    unsigned base = 10;
    uint64_t x = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        int d = hexval((unsigned char)*s);

        if (d < 0 || (unsigned)d >= base || x > (UINT64_MAX - (unsigned)d) /
                                                    base) {
            return false;
        }
        x = x * base + (unsigned)d;
    }
    *v = x;
    return true;
}

/* The query parameter @name of @target, decoded (malloc'ed), or NULL. */
static char *query_param(const char *target, const char *name)
{
    const char *q = strchr(target, '?');

    if (!q) {
        return NULL;
    }
    for (const char *p = q + 1; *p; ) {
        size_t len = strcspn(p, "&");
        const char *eq = memchr(p, '=', len);
        size_t nlen = eq ? (size_t)(eq - p) : len;
        char *n = pct(p, nlen, true);

        if (n && strcmp(n, name) == 0) {
            free(n);
            return eq ? pct(eq + 1, len - nlen - 1, true) : strdup("");
        }
        free(n);
        p += len;
        if (*p == '&') {
            p++;
        }
    }
    return NULL;
}

typedef enum Kind {
    K_OTHER,
    K_PUT,
    K_ST,
    K_MONITOR,
    K_MEMORY_GET,
    K_EVENTS,
} Kind;

/* What the request is, judged from its raw path as rest.md spells the
 * paths; the address space of /address-spaces/{as}/... into *@as. */
static Kind kind(const Req *q, AddressSpace **as)
{
    size_t plen = strcspn(q->target, "?");
    static const char pre[] = "/api/v1/address-spaces/";
    const char *seg, *slash;

    *as = NULL;
    if (plen == 15 && strncmp(q->target, "/api/v1/monitor", 15) == 0) {
        return strcmp(q->method, "POST") == 0 ? K_MONITOR : K_OTHER;
    }
    if (plen == 14 && strncmp(q->target, "/api/v1/events", 14) == 0) {
        return K_EVENTS;
    }
    if (plen <= sizeof(pre) - 1 ||
        strncmp(q->target, pre, sizeof(pre) - 1) != 0) {
        return K_OTHER;
    }
    seg = q->target + sizeof(pre) - 1;
    slash = memchr(seg, '/', plen - (size_t)(seg - q->target));
    if (!slash || slash == seg) {
        return K_OTHER;
    }
    char *name = pct(seg, (size_t)(slash - seg), false);
    if (name) {
        *as = wm_as(name);
        free(name);
    }
    size_t rest = plen - (size_t)(slash + 1 - q->target);
    if (rest == 6 && strncmp(slash + 1, "memory", 6) == 0) {
        return strcmp(q->method, "PUT") == 0 ? K_PUT
             : strcmp(q->method, "GET") == 0 ? K_MEMORY_GET : K_OTHER;
    }
    if (rest == 2 && strncmp(slash + 1, "st", 2) == 0 &&
        strcmp(q->method, "POST") == 0) {
        return K_ST;
    }
    return K_OTHER;
}

/* ---- the answer --------------------------------------------------------------- */

typedef struct Answer {
    WebResponse r;
    char *body;               /* the whole body, the stream's included */
    size_t len;
    bool stream_failed;
    bool stream_open;         /* an event stream: read what was there */
} Answer;

static void append(Answer *a, const char *p, size_t n)
{
    char *b = realloc(a->body, a->len + n + 1);

    if (!b) {
        die("out of memory");
    }
    memcpy(b + a->len, p, n);
    a->body = b;
    a->len += n;
    a->body[a->len] = '\0';
}

/* Read the stream the way the transport does: to its end, or (the event
 * stream) until it has nothing; then once more after an event.  The
 * transport may offer less than block_size: @offer bytes (0: all). */
static void read_stream(Answer *a, bool events, size_t offer)
{
    /* One buffer for every read: a fresh 256 KiB each time costs more
     * page faults than the request does work. */
    static char *buf;
    static size_t buf_size;
    WebStream *s = a->r.stream;
    size_t block = s->block_size ? s->block_size : 4096;
    bool published = false;

    if (offer && offer < block) {
        block = offer;
    }
    if (block > buf_size) {
        free(buf);
        buf = malloc(block);
        buf_size = block;
        if (!buf) {
            die("out of memory");
        }
    }
    for (;;) {
        ssize_t got = s->read(s, buf, block);

        if (got == WEB_STREAM_END) {
            break;
        }
        if (got == WEB_STREAM_ERROR) {
            a->stream_failed = true;
            break;
        }
        if (got == 0) {
            if (!events || published) {
                a->stream_open = true;
                break;
            }
            web_events_publish(fw.events, "topology",
                               "{\"address_spaces\":[\"memory\"]}");
            published = true;
            continue;
        }
        if (got < 0 || (size_t)got > block) {
            die("a stream read returned %zd for a buffer of %zu", got, block);
        }
        append(a, buf, (size_t)got);
    }
    if (!a->stream_failed && !a->stream_open &&
        s->length != WEB_LENGTH_UNKNOWN && a->len != s->length) {
        die("a stream announced %" PRIu64 " bytes and gave %zu", s->length,
            a->len);
    }
    if (events && !strstr(a->body ? a->body : "", "event: topology\n")) {
        die("the event stream did not pass on an event published to it");
    }
}

static const char *resp_header(const WebResponse *r, const char *name)
{
    return web_response_header(r, name);
}

static const char *expected_class(unsigned status)
{
    switch (status) {
    case 400: return "InvalidParameter";
    case 401: return "Unauthorized";
    case 403: return "Forbidden|ReadOnly";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 413: case 414: case 431: return "TooLarge";
    case 415: return "UnsupportedMediaType";
    case 416: return "RangeNotSatisfiable";
    case 422: return "DecodeError|DeviceError";
    default: return NULL;
    }
}

static bool class_ok(const char *cls, const char *allowed)
{
    size_t n = strlen(cls);

    for (const char *p = allowed; p; ) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);

        if (len == n && strncmp(p, cls, n) == 0) {
            return true;
        }
        p = bar ? bar + 1 : NULL;
    }
    return false;
}

static json_t *parse_json(const Answer *a, const char *what)
{
    json_error_t err;
    json_t *j = json_loadb(a->body ? a->body : "", a->len, 0, &err);

    if (!j) {
        die("%s: %u answer is not JSON (%s): %.300s", what, a->r.status,
            err.text, a->body ? a->body : "");
    }
    return j;
}

static uint64_t hex_member(json_t *o, const char *key, const char *what)
{
    json_t *m = json_object_get(o, key);
    uint64_t v;

    if (!json_is_string(m) || strncmp(json_string_value(m), "0x", 2) != 0 ||
        !parse_u64(json_string_value(m), &v)) {
        die("%s: member %s is not a hex string", what, key);
    }
    return v;
}

/* The error object of rest.md; returns the parsed body. */
static json_t *check_error(const Answer *a, const char *what)
{
    const WebResponse *r = &a->r;
    json_t *j, *e, *cls, *desc;

    if (!r->content_type || strcmp(r->content_type, "application/json")) {
        die("%s: %u answer is not application/json", what, r->status);
    }
    if (a->r.stream) {
        die("%s: %u answer is streamed", what, r->status);
    }
    j = parse_json(a, what);
    e = json_object_get(j, "error");
    cls = json_object_get(e, "class");
    desc = json_object_get(e, "desc");
    if (json_object_size(j) != 1 || !json_is_string(cls) ||
        !json_is_string(desc) || json_string_length(desc) == 0) {
        die("%s: not {\"error\":{\"class\",\"desc\"}}: %.300s", what,
            a->body);
    }
    if (!class_ok(json_string_value(cls), expected_class(r->status))) {
        die("%s: status %u with class %s", what, r->status,
            json_string_value(cls));
    }
    if (r->status == 405 && !resp_header(r, "Allow")) {
        die("%s: 405 without Allow", what);
    }
    if (r->status == 401 && !resp_header(r, "WWW-Authenticate")) {
        die("%s: 401 without WWW-Authenticate", what);
    }
    if (r->status == 416 && !resp_header(r, "Content-Range")) {
        die("%s: 416 without Content-Range", what);
    }
    return j;
}

static void check_common(const Answer *a, const char *what)
{
    static const unsigned statuses[] = { 200, 206, 400, 401, 403, 404, 405,
                                         413, 414, 415, 416, 422, 431 };
    static const char *const always[] = { "X-Content-Type-Options",
                                          "Referrer-Policy",
                                          "Content-Security-Policy",
                                          "Cache-Control" };
    const WebResponse *r = &a->r;
    bool known = false;

    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        known |= r->status == statuses[i];
    }
    if (!known) {
        die("%s: status %u (body %.300s)", what, r->status,
            r->body ? r->body : "");
    }
    for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
        if (!resp_header(r, always[i])) {
            die("%s: no %s header", what, always[i]);
        }
    }
    for (size_t i = 0; i < r->nheaders; i++) {
        if (strncasecmp(r->headers[i].name, "Access-Control-", 15) == 0) {
            die("%s: a %s header", what, r->headers[i].name);
        }
    }
    if (!r->content_type) {
        die("%s: no Content-Type", what);
    }
}

/* Host names where the APIs listen (127.0.0.1:8080), or localhost: the
 * name in any case, the port as a number ("08080" is 8080), no port only
 * for localhost (a browser leaves out the default port). */
static bool host_ok(const char *host)
{
    const char *colon = host ? strrchr(host, ':') : NULL;
    size_t n = colon ? (size_t)(colon - host) : host ? strlen(host) : 0;
    uint64_t port;

    if (!host) {
        return false;
    }
    if (!colon) {
        return strcasecmp(host, "localhost") == 0;
    }
    if (!((n == 9 && strncmp(host, "127.0.0.1", 9) == 0) ||
          (n == 9 && strncasecmp(host, "localhost", 9) == 0))) {
        return false;
    }
    return strlen(colon + 1) <= 5 && strspn(colon + 1, "0123456789") == strlen(colon + 1) &&
           parse_u64(colon + 1, &port) && port == 8080;
}

/* Whether where the body ends is ambiguous: two Content-Length values
 * that differ, or one next to Transfer-Encoding (request smuggling). */
static bool framing_bad(const Req *q)
{
    const char *cl = NULL;
    bool te = false;

    for (size_t i = 0; i < q->nh; i++) {
        uint64_t x, y;

        if (strcasecmp(q->h[i].name, "Transfer-Encoding") == 0) {
            te = true;
        }
        if (strcasecmp(q->h[i].name, "Content-Length") != 0) {
            continue;
        }
        if (cl && strcmp(cl, q->h[i].value) != 0 &&
            !(parse_u64(cl, &x) && parse_u64(q->h[i].value, &y) &&
              x == y)) {
            return true;
        }
        cl = q->h[i].value;
    }
    return cl && te;
}

/* An answer other than a refusal tells that the security checks passed:
 * check that they should have. */
static void check_security(const Req *q, const Answer *a, const char *what)
{
    unsigned st = a->r.status;
    const char *host = header(q, "Host");

    if (st == 414 || st == 431) {
        return;
    }
    if (framing_bad(q)) {
        if (st != 400) {
            die("%s: answered %u to an ambiguous body length", what, st);
        }
        return;
    }
    if (st != 403 && !host_ok(host)) {
        die("%s: answered %u to Host '%s'", what, st, host ? host : "(none)");
    }
    if (st == 400 || st == 401 || st == 403) {
        return;
    }
    size_t plen = strcspn(q->target, "?");
    if (q->api == API_TOKEN &&
        ((plen >= 5 && strncmp(q->target, "/api/", 5) == 0) ||
         (plen == 4 && strncmp(q->target, "/api", 4) == 0))) {
        const char *auth = header(q, "Authorization");

        if (!(auth && strstr(auth, TOKEN)) && !strstr(q->target, TOKEN)) {
            die("%s: answered %u without the token", what, st);
        }
    }
    if (st < 300 && strcmp(q->method, "GET") && strcmp(q->method, "HEAD") &&
        strcmp(q->method, "OPTIONS")) {
        const char *origin = header(q, "Origin");

        if (origin && (strncasecmp(origin, "http://", 7) != 0 ||
                       strcasecmp(origin + 7, host) != 0)) {
            die("%s: a %s from Origin '%s' answered %u", what, q->method,
                origin, st);
        }
    }
}

/* ---- the memory oracle -------------------------------------------------------- */

/* How many bytes of the body a PUT's answer says were written. */
static uint64_t put_written(const Answer *a, json_t *j, const char *what)
{
    unsigned st = a->r.status;

    if (st == 200) {
        return hex_member(j, "written", what);
    }
    if (st == 422) {
        json_t *e = json_object_get(j, "error");
        return json_object_get(e, "written") ? hex_member(e, "written", what)
                                             : 0;
    }
    if (st == 413) {
        /* "...; 0x10 bytes were written" when the body passed the cap */
        const char *d = json_string_value(
            json_object_get(json_object_get(j, "error"), "desc"));
        const char *p = d ? strstr(d, "; 0x") : NULL;
        unsigned long long w;

        if (p && sscanf(p, "; 0x%llx bytes were written", &w) == 1) {
            return w;
        }
    }
    return 0;
}

static bool target_addr(const Req *q, uint64_t *addr)
{
    char *s = query_param(q->target, "addr");
    bool ok = s && parse_u64(s, addr);

    free(s);
    return ok;
}

static void after_put(const Req *q, const Answer *a, json_t *j,
                      AddressSpace *as, const char *what)
{
    uint64_t written = put_written(a, j, what), addr;

    if (a->r.status == 200 && written != q->body_len) {
        die("%s: 200 with \"written\" 0x%" PRIx64 " for a body of %zu bytes",
            what, written, q->body_len);
    }
    if (written > q->body_len) {
        die("%s: wrote 0x%" PRIx64 " bytes of a %zu-byte body", what,
            written, q->body_len);
    }
    if (!written) {
        return;
    }
    if (q->api == API_RO) {
        die("%s: wrote under --read-only", what);
    }
    if (!as || !target_addr(q, &addr)) {
        die("%s: wrote 0x%" PRIx64 " bytes, but the harness cannot tell the "
            "address space or addr", what, written);
    }
    wm_shadow_write(as, addr, q->body, written);
}

static void st_bytes(uint64_t v, unsigned size, bool big, uint8_t *out)
{
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = 8 * (big ? size - 1 - i : i);
        out[i] = (uint8_t)(v >> shift);
    }
}

static void after_st(const Req *q, json_t *j, AddressSpace *as,
                     const char *what)
{
    uint64_t addr = hex_member(j, "addr", what);
    uint64_t size = hex_member(j, "size", what);
    uint64_t value = hex_member(j, "value", what);
    json_t *body = json_loadb((const char *)q->body, q->body_len,
                              JSON_REJECT_DUPLICATES, NULL);
    const char *endian = json_string_value(json_object_get(body, "endian"));
    bool big = memcore_target_big_endian();
    uint8_t bytes[8];

    if (q->api == API_RO) {
        die("%s: stored under --read-only", what);
    }
    if (!as || (size != 1 && size != 2 && size != 4 && size != 8)) {
        die("%s: stored %" PRIu64 " bytes somewhere the harness cannot "
            "tell", what, size);
    }
    if (endian && strcmp(endian, "le") == 0) {
        big = false;
    } else if (endian && strcmp(endian, "be") == 0) {
        big = true;
    }
    st_bytes(value, (unsigned)size, big, bytes);
    wm_shadow_write(as, addr, bytes, size);
    json_decref(body);
}

static void check_memory_read(const Req *q, const Answer *a, json_t *j,
                              AddressSpace *as, const char *what)
{
    uint64_t addr, len, first = 0;

    if (!as || a->stream_failed || !strcmp(q->method, "HEAD")) {
        return;
    }
    if (j) {
        /* {"addr","len","data":"hex"} */
        const char *hex = json_string_value(json_object_get(j, "data"));
        uint8_t *bytes;

        addr = hex_member(j, "addr", what);
        len = hex_member(j, "len", what);
        if (!hex || strlen(hex) != 2 * len) {
            die("%s: \"data\" does not hold 0x%" PRIx64 " bytes", what, len);
        }
        bytes = malloc(len ? len : 1);
        if (!bytes) {
            die("out of memory");
        }
        for (uint64_t i = 0; i < len; i++) {
            int hi = hexval((unsigned char)hex[2 * i]);
            int lo = hexval((unsigned char)hex[2 * i + 1]);

            if (hi < 0 || lo < 0) {
                die("%s: \"data\" is not hex", what);
            }
            bytes[i] = (uint8_t)(hi * 16 + lo);
        }
        wm_check_read(as, addr, bytes, len, what);
        free(bytes);
        return;
    }
    if (!target_addr(q, &addr)) {
        die("%s: answered %u, but the harness cannot tell addr", what,
            a->r.status);
    }
    if (a->r.status == 206) {
        const char *cr = resp_header(&a->r, "Content-Range");
        unsigned long long f, l, total;

        if (!cr || sscanf(cr, "bytes %llu-%llu/%llu", &f, &l, &total) != 3 ||
            l - f + 1 != a->len) {
            die("%s: 206 with Content-Range '%s' and %zu bytes", what,
                cr ? cr : "(none)", a->len);
        }
        first = f;
    } else {
        char *s = query_param(q->target, "len");

        if (!s || !parse_u64(s, &len) || len != a->len) {
            die("%s: 200 with %zu bytes for len=%s", what, a->len,
                s ? s : "(none)");
        }
        free(s);
    }
    wm_check_read(as, addr + first, (const uint8_t *)a->body, a->len, what);
}

/* ---- one request ---------------------------------------------------------------- */

static void run_request(Req *q, bool *monitor_ran)
{
    WebRequest req = { .method = q->method, .target = q->target,
                       .headers = q->h, .nheaders = q->nh };
    Answer a;
    AddressSpace *as;
    Kind k = kind(q, &as);
    WmViews *views = NULL;
    WebExchange *x;
    char what[160];
    json_t *j = NULL;

    snprintf(what, sizeof(what), "%s %.100s", q->method, q->target);
    if (fw.verbose) {
        fprintf(stderr, "> [%s] %s (%zu-byte body)\n",
                q->api == API_TOKEN ? "token" : q->api == API_RO ? "ro"
                                                                 : "plain",
                what, q->body_len);
    }
    memset(&a, 0, sizeof(a));
    if (q->api == API_RO) {
        views = wm_views_save();
    }
    x = web_begin(fw.api[q->api], &req, &a.r);
    if (x) {
        size_t step = q->chunk ? q->chunk : q->body_len;

        for (size_t off = 0; off < q->body_len; off += step) {
            size_t n = q->body_len - off < step ? q->body_len - off : step;
            web_body(x, q->body + off, n);
        }
        if (q->abort) {
            web_exchange_free(x);
            if (k == K_PUT && as && q->api != API_RO) {
                uint64_t addr;

                if (target_addr(q, &addr)) {
                    wm_shadow_check_prefix(what, as, addr, q->body,
                                           q->body_len);
                }
            }
            wm_shadow_check(what);
            if (views && !wm_views_same(views)) {
                die("%s: a view changed under --read-only", what);
            }
            wm_views_free(views);
            return;
        }
        web_end(x, &a.r);
    }
    if (a.r.status == 0) {
        die("%s: no answer", what);
    }
    check_common(&a, what);
    if (a.r.stream && strcmp(q->method, "HEAD") != 0) {
        read_stream(&a, k == K_EVENTS && a.r.status == 200, q->chunk);
    } else if (a.r.body_len) {
        append(&a, a.r.body, a.r.body_len);
    }
    if (fw.verbose) {
        fprintf(stderr, "< %u %s%s: %.400s\n", a.r.status,
                a.r.content_type ? a.r.content_type : "(no type)",
                a.r.stream ? " (streamed)" : "", a.body ? a.body : "");
    }
    if (a.r.status >= 400) {
        j = check_error(&a, what);
    } else if (!strcmp(a.r.content_type, "application/json") &&
               !a.stream_failed && strcmp(q->method, "HEAD") != 0) {
        j = parse_json(&a, what);
    }
    check_security(q, &a, what);

    if (k == K_PUT) {
        after_put(q, &a, j, as, what);
    } else if (k == K_ST && a.r.status == 200) {
        after_st(q, j, as, what);
    } else if (k == K_MEMORY_GET && a.r.status < 300) {
        check_memory_read(q, &a, a.r.status == 200 && j ? j : NULL, as,
                          what);
    } else if (k == K_MONITOR && a.r.status == 200 && q->api != API_RO) {
        /* Anything may have changed; fuzz_monitor checks commands. */
        wm_shadow_sync();
        *monitor_ran = true;
    }
    /* Writes are checked at once; a read at the end of the input. */
    if (strcmp(q->method, "GET") != 0 && strcmp(q->method, "HEAD") != 0) {
        wm_shadow_check(what);
    }
    if (views && !wm_views_same(views)) {
        die("%s: a view changed under --read-only", what);
    }
    wm_views_free(views);
    json_decref(j);
    free(a.body);
    web_response_free(&a.r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    bool monitor_ran = false;
    size_t pos = 0;

    if (!ready) {
        init();
        ready = true;
    }
    for (int n = 0; n < MAX_REQUESTS && pos < size; n++) {
        const uint8_t *sep = memmem(data + pos, size - pos, "\n%%\n", 4);
        size_t len = sep ? (size_t)(sep - (data + pos)) : size - pos;
        Req q;

        if (decode(data + pos, len, &q)) {
            run_request(&q, &monitor_ran);
        }
        free(q.text);
        pos += len + (sep ? 4 : 0);
    }
    wm_shadow_check("the input");
    wm_restore(monitor_ran);
    return 0;
}
