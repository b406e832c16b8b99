/*
 * tests/unit/test_web_fixture.c — see test_web_fixture.h.
 */
#include "test_web_fixture.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

WebApi *wf_api;

static void setup_with(const char *token, bool read_only)
{
    WebApiConfig cfg = {
        .machine = &tm.mm,
        .token = token,
        .host = "127.0.0.1",
        .bound_host = "127.0.0.1",
        .port = 8080,
    };

    tm_setup();
    tm.mm.read_only = read_only;
    wf_api = web_api_new(&cfg);
    ck_assert_ptr_nonnull(wf_api);
}

void wf_setup(void)
{
    setup_with(NULL, false);
}

void wf_setup_token(void)
{
    setup_with("s3cret", false);
}

void wf_setup_read_only(void)
{
    setup_with(NULL, true);
}

void wf_teardown(void)
{
    web_api_free(wf_api);
    wf_api = NULL;
    tm_teardown();
}

static void append(WfResp *r, const char *data, size_t n)
{
    r->body = realloc(r->body, r->len + n + 1);
    ck_assert_ptr_nonnull(r->body);
    memcpy(r->body + r->len, data, n);
    r->len += n;
    r->body[r->len] = '\0';
}

WfResp wf_do(const char *method, const char *target, const void *body,
             size_t blen, const char *const *headers)
{
    WebHeader h[32];
    char names[32][64];
    size_t n = 0;
    bool host = false;
    WebRequest req;
    WfResp r;

    memset(&r, 0, sizeof(r));
    for (size_t i = 0; headers && headers[i]; i++) {
        const char *colon = strchr(headers[i], ':');
        size_t nl = (size_t)(colon - headers[i]);
        const char *v = colon + 1;

        ck_assert(colon && nl < sizeof(names[0]) && n < 31);
        while (*v == ' ') {
            v++;
        }
        if (nl == 4 && strncasecmp(headers[i], "Host", 4) == 0) {
            host = true;
            if (!*v) {
                continue;
            }
        }
        memcpy(names[n], headers[i], nl);
        names[n][nl] = '\0';
        h[n].name = names[n];
        h[n].value = v;
        n++;
    }
    if (!host) {
        h[n].name = "Host";
        h[n].value = "127.0.0.1:8080";
        n++;
    }
    req = (WebRequest) { .method = method, .target = target, .headers = h,
                         .nheaders = n, .body = body, .body_len = blen };
    web_handle(wf_api, &req, &r.raw);
    r.status = r.raw.status;
    ck_assert_uint_ne(r.status, 0);
    append(&r, "", 0);
    if (r.raw.stream) {
        WebStream *s = r.raw.stream;
        char *buf = malloc(s->block_size ? s->block_size : 4096);
        ck_assert_ptr_nonnull(buf);
        r.streamed = true;
        for (;;) {
            ssize_t got = s->read(s, buf, s->block_size ? s->block_size
                                                        : 4096);
            if (got == WEB_STREAM_END) {
                break;
            }
            if (got == WEB_STREAM_ERROR) {
                r.stream_failed = true;
                break;
            }
            ck_assert_int_gt(got, 0);
            append(&r, buf, (size_t)got);
        }
        free(buf);
        if (!r.stream_failed && s->length != WEB_LENGTH_UNKNOWN) {
            ck_assert_uint_eq(r.len, s->length);
        }
    } else {
        append(&r, r.raw.body ? r.raw.body : "", r.raw.body_len);
    }
    free(r.raw.body);
    r.raw.body = NULL;
    r.raw.body_len = 0;
    if (r.raw.stream) {
        r.raw.stream->free(r.raw.stream);
        r.raw.stream = NULL;
    }
    return r;
}

WfResp wf_get(const char *target)
{
    return wf_do("GET", target, NULL, 0, NULL);
}

WfResp wf_post_json(const char *target, const char *json)
{
    static const char *const h[] = { "Content-Type: application/json",
                                     NULL };
    return wf_do("POST", target, json, strlen(json), h);
}

void wf_free(WfResp *r)
{
    web_response_free(&r->raw);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

const char *wf_header(const WfResp *r, const char *name)
{
    if (strcasecmp(name, "Content-Type") == 0) {
        return r->raw.content_type;
    }
    return web_response_header(&r->raw, name);
}

json_t *wf_json(const WfResp *r)
{
    json_error_t err;
    json_t *j = json_loadb(r->body, r->len, 0, &err);

    ck_assert_msg(j != NULL, "not JSON (%s): %.300s", err.text, r->body);
    return j;
}

void wf_check_error(const WfResp *r, unsigned status, const char *cls,
                    const char *file, int line)
{
    json_t *j, *e;

    ck_assert_msg(r->status == status, "%s:%d: status %u, expected %u: %s",
                  file, line, r->status, status, r->body);
    ck_assert_msg(r->raw.content_type &&
                      strcmp(r->raw.content_type, "application/json") == 0,
                  "%s:%d: error without JSON content type", file, line);
    j = wf_json(r);
    e = json_object_get(j, "error");
    ck_assert_msg(json_is_object(e), "%s:%d: no error object: %s", file,
                  line, r->body);
    ck_assert_msg(json_is_string(json_object_get(e, "class")) &&
                      strcmp(json_string_value(json_object_get(e, "class")),
                             cls) == 0,
                  "%s:%d: class is not %s: %s", file, line, cls, r->body);
    ck_assert_msg(json_is_string(json_object_get(e, "desc")) &&
                      json_string_length(json_object_get(e, "desc")) > 0,
                  "%s:%d: no desc: %s", file, line, r->body);
    json_decref(j);
}

const char *wf_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    ck_assert_msg(json_is_string(v), "member %s is not a string", key);
    return json_string_value(v);
}
