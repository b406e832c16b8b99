/*
 * web/api.c — one request from its headers to its answer.
 *
 * web_begin runs the checks in the order that tells a client the most
 * useful thing without telling a stranger anything:
 *   1. limits on the target and the headers (414, 431), and where the
 *      body ends: two different Content-Length values, or one next to
 *      Transfer-Encoding (400, and the connection is closed);
 *   2. Host (403): a rebound DNS name learns nothing, not even a 404;
 *   3. the target's syntax and query (400);
 *   4. the token on /api/ (401, with WWW-Authenticate: Bearer);
 *   5. Origin of a state-changing method (403);
 *   6. the route (404, 405 with Allow);
 *   7. --read-only for writing routes (403);
 *   8. the body: application/json for JSON routes (415), its size (413).
 * Then the route's handler answers, at once or after the body.  Every
 * answer leaves through finish(), which adds the headers every response
 * carries (nosniff, no referrer, the page's Content-Security-Policy,
 * no caching) and never an Access-Control-Allow-* header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

WebApi *web_api_new(const WebApiConfig *cfg)
{
    WebApi *api;

    if (!cfg->machine || !cfg->port || !cfg->host) {
        return NULL;
    }
    api = calloc(1, sizeof(*api));
    if (!api) {
        return NULL;
    }
    api->machine = cfg->machine;
    api->events = cfg->events;
    api->max_read = cfg->max_read ? cfg->max_read : WEB_DEFAULT_MAX_READ;
    api->max_write = cfg->max_write ? cfg->max_write : WEB_DEFAULT_MAX_WRITE;
    api->port = cfg->port;
    api->host = strdup(cfg->host);
    api->bound_host = cfg->bound_host ? strdup(cfg->bound_host) : NULL;
    api->token = cfg->token ? strdup(cfg->token) : NULL;
    if (!api->host || (cfg->bound_host && !api->bound_host) ||
        (cfg->token && !api->token)) {
        web_api_free(api);
        return NULL;
    }
    api->token_len = api->token ? strlen(api->token) : 0;
    api->wildcard = strcmp(api->host, "0.0.0.0") == 0 ||
                    strcmp(api->host, "::") == 0;
    return api;
}

void web_api_free(WebApi *api)
{
    if (!api) {
        return;
    }
    free(api->host);
    free(api->bound_host);
    if (api->token) {
        /* Not left in freed memory for the next allocation to show. */
        memset(api->token, 0, api->token_len);
        free(api->token);
    }
    free(api);
}

/* ---- the request context ----------------------------------------------- */

struct WebExchange {
    WebCtx c;
    /* WEB_BODY_JSON */
    char *buf;
    size_t len, cap;
    bool too_big;
    bool oom;
    /* WEB_BODY_UPLOAD */
    WebUpload *upload;
};

static void ctx_free(WebCtx *c)
{
    free(c->path);
    web_params_free(c->params, c->nparams);
    free(c->used);
    for (unsigned i = 0; i < WEB_MAX_CAPTURES; i++) {
        free(c->caps[i]);
    }
    free(c->range);
    memset(c, 0, sizeof(*c));
}

const char *web_param(WebCtx *c, const char *name)
{
    for (size_t i = 0; i < c->nparams; i++) {
        if (strcmp(c->params[i].name, name) == 0) {
            c->used[i] = true;
            return c->params[i].value;
        }
    }
    return NULL;
}

bool web_params_check(WebCtx *c, WebResponse *r)
{
    for (size_t i = 0; i < c->nparams; i++) {
        if (c->used[i]) {
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(c->params[j].name, c->params[i].name) == 0) {
                web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                          "parameter '%.100s' is given twice",
                          c->params[i].name);
                return false;
            }
        }
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "unknown parameter '%.100s'", c->params[i].name);
        return false;
    }
    return true;
}

bool web_param_u64(WebCtx *c, WebResponse *r, const char *name,
                   bool required, uint64_t def, uint64_t *v)
{
    const char *s = web_param(c, name);

    if (!s) {
        if (required) {
            web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                      "parameter '%s' is missing", name);
            return false;
        }
        *v = def;
        return true;
    }
    if (!web_parse_u64(s, v)) {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "parameter '%s': '%.100s' is not a number (hex 0x... or "
                  "decimal, at most 64 bits)", name, s);
        return false;
    }
    return true;
}

bool web_json_u64(json_t *body, const char *key, bool required,
                  uint64_t def, uint64_t *v, WebResponse *r)
{
    json_t *m = json_object_get(body, key);

    if (!m) {
        if (required) {
            web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                      "member '%s' is missing", key);
            return false;
        }
        *v = def;
        return true;
    }
    if (json_is_integer(m) && json_integer_value(m) >= 0) {
        *v = (uint64_t)json_integer_value(m);
        return true;
    }
    if (json_is_string(m) && web_parse_u64(json_string_value(m), v)) {
        return true;
    }
    web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
              "member '%s' must be a number: a string in hex (\"0x...\") "
              "or decimal, or a non-negative integer", key);
    return false;
}

/* ---- answers --------------------------------------------------------------- */

/* The headers every answer carries. */
static void finish(WebCtx *c, WebResponse *r)
{
    bool page = c && c->route && c->route->get == web_h_page;
    bool ok = true;

    if (!r->status) {
        web_error(r, WEB_INTERNAL, WEB_E_INTERNAL, "no answer was made");
    }
    ok &= web_add_header(r, "X-Content-Type-Options", "nosniff");
    ok &= web_add_header(r, "Referrer-Policy", "no-referrer");
    ok &= web_add_header(r, "Content-Security-Policy",
                         "default-src 'self'; frame-ancestors 'none'");
    ok &= web_add_header(r, "Cache-Control", page ? "no-cache" : "no-store");
    if (!ok) {
        web_error_oom(r);
    }
}

/* Sum of the header lines as they came (name, ": ", value, CRLF). */
static size_t header_bytes(const WebRequest *req)
{
    size_t n = 0;

    for (size_t i = 0; i < req->nheaders; i++) {
        n += (req->headers[i].name ? strlen(req->headers[i].name) : 0) +
             (req->headers[i].value ? strlen(req->headers[i].value) : 0) + 4;
    }
    return n;
}

/* Two Content-Length values that mean the same length ("4", " 4",
 * "004"). */
static bool same_length(const char *a, const char *b)
{
    uint64_t x, y;

    while (*a == ' ' || *a == '\t') {
        a++;
    }
    while (*b == ' ' || *b == '\t') {
        b++;
    }
    return strcmp(a, b) == 0 ||
           (web_parse_u64(a, &x) && web_parse_u64(b, &y) && x == y);
}

/*
 * Where the body ends must be certain.  libmicrohttpd 0.9.75 takes the
 * first of two Content-Length headers, and Transfer-Encoding over
 * Content-Length; a proxy in front may take the other, and the bytes
 * one of them counts as body become the next request for the other
 * (request smuggling, RFC 9112 6.3).  So both are refused.
 */
static bool framing_ok(const WebRequest *req)
{
    const char *cl = NULL;
    bool te = false;

    for (size_t i = 0; i < req->nheaders; i++) {
        const char *name = req->headers[i].name;
        const char *value = req->headers[i].value;

        if (!name || !value) {
            continue;
        }
        if (strcasecmp(name, "Transfer-Encoding") == 0) {
            te = true;
        } else if (strcasecmp(name, "Content-Length") == 0) {
            if (cl && !same_length(cl, value)) {
                return false;
            }
            cl = value;
        }
    }
    return !(cl && te);
}

static bool is_safe_method(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
           strcmp(m, "OPTIONS") == 0;
}

/* The token may also come as ?access_token= on the event stream, which
 * a browser's EventSource opens without headers (RFC 6750, 2.3). */
static bool token_in_query(WebCtx *c)
{
    if (strcmp(c->path, "/api/v1/events") != 0) {
        return false;
    }
    for (size_t i = 0; i < c->nparams; i++) {
        if (strcmp(c->params[i].name, "access_token") == 0) {
            c->used[i] = true;
            return web_token_equal(c->api, c->params[i].value);
        }
    }
    return false;
}

/* Checks 3-8 of the story above; false when @r holds the answer. */
static bool admit(WebApi *api, const WebRequest *req, WebCtx *c,
                  WebResponse *r)
{
    const char *target = req->target;
    const char *q = strchr(target, '?');
    size_t plen = q ? (size_t)(q - target) : strlen(target);
    const char *host = web_req_header(req, "Host");
    char allow[64];
    unsigned status = 0;
    bool oom = false;

    if (target[0] != '/') {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "the request target must be a path starting with '/'");
        return false;
    }
    c->path = strndup(target, plen);
    if (!c->path) {
        web_error_oom(r);
        return false;
    }
    if (memchr(c->path, '#', plen)) {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "a request target has no fragment");
        return false;
    }
    if (!web_parse_query(q ? q + 1 : NULL, &c->params, &c->nparams, &oom)) {
        if (oom) {
            web_error_oom(r);
        } else {
            web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                      "malformed query: a bad %%-escape or an empty name");
        }
        return false;
    }
    c->used = calloc(c->nparams ? c->nparams : 1, sizeof(*c->used));
    if (!c->used) {
        web_error_oom(r);
        return false;
    }
    if (api->token &&
        (strncmp(c->path, "/api/", 5) == 0 || strcmp(c->path, "/api") == 0) &&
        !web_token_ok(api, web_req_header(req, "Authorization")) &&
        !token_in_query(c)) {
        web_error(r, WEB_UNAUTHORIZED, WEB_E_UNAUTHORIZED,
                  "this memcored needs its token: send \"Authorization: "
                  "Bearer TOKEN\" (--http-token)");
        if (!web_add_header(r, "WWW-Authenticate", "Bearer realm=\"memcored\"")) {
            web_error_oom(r);
        }
        return false;
    }
    if (!is_safe_method(req->method) &&
        !web_origin_ok(web_req_header(req, "Origin"), host)) {
        web_error(r, WEB_FORBIDDEN, WEB_E_FORBIDDEN,
                  "a %s from another origin is refused (Origin is not "
                  "http://%.200s)", req->method, host);
        return false;
    }
    c->route = web_route_find(req->method, c->path, c->caps, &status, allow,
                              sizeof(allow));
    if (!c->route) {
        if (status == WEB_METHOD_NOT_ALLOWED) {
            web_error(r, status, WEB_E_METHOD, "%s is not allowed on %.200s "
                      "(allowed: %s)", req->method, c->path, allow);
            if (!web_add_header(r, "Allow", "%s", allow)) {
                web_error_oom(r);
            }
        } else if (status == WEB_BAD_REQUEST) {
            web_error(r, status, WEB_E_INVALID,
                      "a bad %%-escape in the path");
        } else if (status == WEB_NOT_FOUND) {
            web_error(r, status, WEB_E_NOT_FOUND, "no such path: %.200s",
                      c->path);
        } else {
            web_error_oom(r);
        }
        return false;
    }
    c->head = strcmp(req->method, "HEAD") == 0;
    if (c->route->write && api->machine->read_only) {
        web_error(r, WEB_FORBIDDEN, WEB_E_READ_ONLY,
                  "memcored is read-only (--read-only): %s %.200s is refused",
                  req->method, c->path);
        return false;
    }
    if (c->route->body == WEB_BODY_JSON &&
        !web_media_type_is(web_req_header(req, "Content-Type"),
                           "application/json")) {
        web_error(r, WEB_UNSUPPORTED_MEDIA, WEB_E_MEDIA_TYPE,
                  "the body of %s %.200s must be application/json",
                  req->method, c->path);
        return false;
    }
    const char *cl = web_req_header(req, "Content-Length");
    uint64_t clen;
    uint64_t limit = c->route->body == WEB_BODY_JSON ? WEB_MAX_JSON_BODY
                     : c->route->body == WEB_BODY_UPLOAD ? api->max_write
                                                         : UINT64_MAX;
    if (cl && web_parse_u64(cl, &clen) && clen > limit) {
        web_error(r, WEB_TOO_LARGE, WEB_E_TOO_LARGE,
                  "the body is too large: %llu bytes, at most %llu here",
                  (unsigned long long)clen, (unsigned long long)limit);
        return false;
    }
    const char *range = web_req_header(req, "Range");
    if (range && !(c->range = strdup(range))) {
        web_error_oom(r);
        return false;
    }
    c->accept_json = web_accepts_json(web_req_header(req, "Accept"));
    return true;
}

WebExchange *web_begin(WebApi *api, const WebRequest *req, WebResponse *resp)
{
    WebExchange *x = calloc(1, sizeof(*x));
    WebCtx *c;

    memset(resp, 0, sizeof(*resp));
    if (!x) {
        web_error_oom(resp);
        finish(NULL, resp);
        return NULL;
    }
    c = &x->c;
    c->api = api;
    c->req = req;
    if (strlen(req->target) > WEB_MAX_TARGET) {
        web_error(resp, WEB_URI_TOO_LONG, WEB_E_TOO_LARGE,
                  "the request target is longer than %d bytes",
                  WEB_MAX_TARGET);
    } else if (header_bytes(req) > WEB_MAX_HEADERS) {
        web_error(resp, WEB_HEADERS_TOO_LARGE, WEB_E_TOO_LARGE,
                  "the request headers are longer than %d bytes",
                  WEB_MAX_HEADERS);
    } else if (!framing_ok(req)) {
        web_error(resp, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "where the body ends is ambiguous: two different "
                  "Content-Length headers, or Content-Length with "
                  "Transfer-Encoding");
        /* The rest of the stream cannot be trusted to start a request. */
        if (!web_add_header(resp, "Connection", "close")) {
            web_error_oom(resp);
        }
    } else if (!web_host_ok(api, web_req_header(req, "Host"))) {
        web_error(resp, WEB_FORBIDDEN, WEB_E_FORBIDDEN,
                  "the Host header must name the address memcored listens "
                  "on or localhost (DNS rebinding is refused)");
    } else if (admit(api, req, c, resp)) {
        switch (c->route->body) {
        case WEB_BODY_NONE:
            c->route->get(c, resp);
            break;
        case WEB_BODY_JSON:
            c->req = NULL;
            return x;
        case WEB_BODY_UPLOAD:
            x->upload = c->route->upload_begin(c, resp);
            if (x->upload) {
                c->req = NULL;
                return x;
            }
            break;
        }
    }
    finish(c, resp);
    ctx_free(c);
    free(x);
    return NULL;
}

void web_body(WebExchange *x, const void *data, size_t len)
{
    if (x->upload) {
        x->c.route->upload_data(x->upload, data, len);
        return;
    }
    if (x->too_big || x->oom || !len) {
        return;
    }
    if (len > WEB_MAX_JSON_BODY - x->len) {
        x->too_big = true;
        return;
    }
    if (x->len + len + 1 > x->cap) {
        size_t cap = x->cap ? x->cap : 1024;
        while (cap < x->len + len + 1) {
            cap *= 2;
        }
        char *b = realloc(x->buf, cap);
        if (!b) {
            x->oom = true;
            return;
        }
        x->buf = b;
        x->cap = cap;
    }
    memcpy(x->buf + x->len, data, len);
    x->len += len;
}

static void end_json(WebExchange *x, WebResponse *resp)
{
    json_error_t err;
    json_t *body;

    if (x->oom) {
        web_error_oom(resp);
        return;
    }
    if (x->too_big) {
        web_error(resp, WEB_TOO_LARGE, WEB_E_TOO_LARGE,
                  "the body is too large: at most %d bytes here",
                  WEB_MAX_JSON_BODY);
        return;
    }
    body = json_loadb(x->buf ? x->buf : "", x->len,
                      JSON_REJECT_DUPLICATES, &err);
    if (!body) {
        web_error(resp, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "the body is not JSON: %s (line %d, column %d)", err.text,
                  err.line, err.column);
        return;
    }
    if (!json_is_object(body)) {
        json_decref(body);
        web_error(resp, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "the body must be a JSON object");
        return;
    }
    x->c.route->json(&x->c, body, resp);
    json_decref(body);
}

void web_end(WebExchange *x, WebResponse *resp)
{
    memset(resp, 0, sizeof(*resp));
    if (x->upload) {
        x->c.route->upload_end(x->upload, resp);
    } else {
        end_json(x, resp);
    }
    finish(&x->c, resp);
    web_exchange_free(x);
}

void web_exchange_free(WebExchange *x)
{
    if (!x) {
        return;
    }
    if (x->upload) {
        x->c.route->upload_free(x->upload);
    }
    free(x->buf);
    ctx_free(&x->c);
    free(x);
}

void web_handle(WebApi *api, const WebRequest *req, WebResponse *resp)
{
    WebExchange *x = web_begin(api, req, resp);

    if (!x) {
        return;
    }
    web_body(x, req->body, req->body_len);
    web_end(x, resp);
}
