/*
 * web/reply.c — building answers: JSON bodies, the error object of
 * rest.md, response headers, hex numbers.
 *
 * Every error goes through web_error so that its shape is the same
 * everywhere: {"error":{"class":CLASS,"desc":"human sentence"}}, plus
 * "result" and "addr" for a failed memory transaction.  When memory runs
 * out while answering, the answer becomes a 500 whose body is a constant.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static const char oom_body[] =
    "{\"error\":{\"class\":\"InternalError\",\"desc\":\"memcored ran out of "
    "memory answering this request\"}}";

void web_error_oom(WebResponse *r)
{
    free(r->body);
    r->body = strdup(oom_body);
    r->body_len = r->body ? strlen(oom_body) : 0;
    if (r->stream) {
        r->stream->free(r->stream);
        r->stream = NULL;
    }
    r->status = WEB_INTERNAL;
    r->content_type = WEB_JSON;
}

void web_reply_body(WebResponse *r, unsigned status, const char *ctype,
                    char *body, size_t len)
{
    free(r->body);
    if (r->stream) {
        r->stream->free(r->stream);
        r->stream = NULL;
    }
    r->status = status;
    r->content_type = ctype;
    r->body = body;
    r->body_len = len;
}

void web_reply_json(WebResponse *r, unsigned status, json_t *j)
{
    char *text;

    if (!j) {
        web_error_oom(r);
        return;
    }
    text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(j);
    if (!text) {
        web_error_oom(r);
        return;
    }
    web_reply_body(r, status, WEB_JSON, text, strlen(text));
}

/* @desc may quote what the client sent (a name, a parameter), which need
 * not be UTF-8, or be cut inside a character by the caller's "%.Ns":
 * web_str keeps the sentence a JSON string instead of failing the pack. */
static json_t *error_object(const char *cls, const char *desc)
{
    json_t *inner = json_pack("{s:s, s:o}", "class", cls, "desc",
                              web_str(desc));

    return inner ? json_pack("{s:o}", "error", inner) : NULL;
}

void web_error(WebResponse *r, unsigned status, const char *cls,
               const char *fmt, ...)
{
    char desc[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(desc, sizeof(desc), fmt, ap);
    va_end(ap);
    web_reply_json(r, status, error_object(cls, desc));
}

void web_memtx_names(MemTxResult res, char *buf, size_t len)
{
    static const char *const names[] = { "MEMTX_ERROR", "MEMTX_DECODE_ERROR",
                                         "MEMTX_ACCESS_ERROR" };
    size_t used = 0;

    buf[0] = '\0';
    for (unsigned i = 0; i < 3; i++) {
        if (res & (1u << i)) {
            used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
                                     "%s%s", used ? "|" : "", names[i]);
        }
    }
    if (!used) {
        snprintf(buf, len, "0x%x", res);
    }
}

static void memtx_error(WebResponse *r, const char *what, MemTxResult res,
                        uint64_t addr, const uint64_t *written)
{
    char names[80], desc[256];
    bool decode = res & MEMTX_DECODE_ERROR;
    json_t *inner;

    web_memtx_names(res, names, sizeof(names));
    snprintf(desc, sizeof(desc), "the %s failed at 0x%" PRIx64 ": %s (%s)",
             what, addr, names,
             decode ? "nothing there, or the access was refused"
                    : "the device reported an error");
    inner = json_pack("{s:s, s:s, s:s, s:o}", "class",
                      decode ? WEB_E_DECODE : WEB_E_DEVICE, "desc", desc,
                      "result", names, "addr", web_hex(addr));
    if (inner && written &&
        json_object_set_new(inner, "written", web_hex(*written)) != 0) {
        json_decref(inner);
        inner = NULL;
    }
    web_reply_json(r, WEB_UNPROCESSABLE,
                   inner ? json_pack("{s:o}", "error", inner) : NULL);
}

void web_error_memtx(WebResponse *r, const char *what, MemTxResult res,
                     uint64_t addr)
{
    memtx_error(r, what, res, addr, NULL);
}

void web_error_memtx_written(WebResponse *r, const char *what,
                             MemTxResult res, uint64_t addr, uint64_t written)
{
    memtx_error(r, what, res, addr, &written);
}

bool web_add_header(WebResponse *r, const char *name, const char *fmt, ...)
{
    WebOutHeader *h = realloc(r->headers, (r->nheaders + 1) * sizeof(*h));
    char *value = NULL, *n;
    va_list ap;
    int rc;

    if (!h) {
        return false;
    }
    r->headers = h;
    va_start(ap, fmt);
    rc = vasprintf(&value, fmt, ap);
    va_end(ap);
    n = strdup(name);
    if (rc < 0 || !n) {
        free(n);
        if (rc >= 0) {
            free(value);
        }
        return false;
    }
    h[r->nheaders].name = n;
    h[r->nheaders].value = value;
    r->nheaders++;
    return true;
}

const char *web_response_header(const WebResponse *resp, const char *name)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        if (strcasecmp(resp->headers[i].name, name) == 0) {
            return resp->headers[i].value;
        }
    }
    return NULL;
}

void web_response_free(WebResponse *resp)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        free(resp->headers[i].name);
        free(resp->headers[i].value);
    }
    free(resp->headers);
    free(resp->body);
    if (resp->stream) {
        resp->stream->free(resp->stream);
    }
    memset(resp, 0, sizeof(*resp));
}

json_t *web_hex(uint64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
    return json_string(buf);
}

json_t *web_hex_size(uint64_t size)
{
    return size == UINT64_MAX ? json_string("0x10000000000000000")
                              : web_hex(size);
}

void web_set(json_t *o, const char *key, json_t *v, bool *ok)
{
    if (!v || json_object_set_new(o, key, v) != 0) {
        *ok = false;
    }
}

/* Length of the valid UTF-8 sequence at @p (at most @n bytes), 0 when
 * there is none (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    size_t len;
    uint32_t cp;

    if (p[0] < 0x80) {
        return 1;
    } else if ((p[0] & 0xe0) == 0xc0) {
        len = 2;
        cp = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        len = 3;
        cp = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        len = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }
    return len;
}

json_t *web_strn(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t bad = 0;
    char *clean, *o;
    json_t *j;

    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq(p + i, n - i);
        if (!l || p[i] == 0) {
            bad++;
            i++;
        } else {
            i += l;
        }
    }
    if (!bad) {
        return json_stringn(s, n);
    }
    /* Each bad byte becomes U+FFFD (3 bytes), and NUL too. */
    clean = malloc(n + 2 * bad + 1);
    if (!clean) {
        return NULL;
    }
    o = clean;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq(p + i, n - i);
        if (!l || p[i] == 0) {
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        } else {
            memcpy(o, p + i, l);
            o += l;
            i += l;
        }
    }
    j = json_stringn(clean, (size_t)(o - clean));
    free(clean);
    return j;
}

json_t *web_str(const char *s)
{
    return s ? web_strn(s, strlen(s)) : json_null();
}
