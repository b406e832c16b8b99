/*
 * web/parse.c — reading what a client sent: percent-encoding, the query,
 * numbers, and the headers whose syntax matters (Content-Type, Accept,
 * Range).  Every parser is strict and total: bad input is refused with
 * false, never half-read.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static int hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = tolower(c);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

char *web_pct_decode(const char *s, size_t len, bool plus_space, bool *oom)
{
    char *out = malloc(len + 1);
    size_t o = 0;

    *oom = out == NULL;
    if (!out) {
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '%') {
            /* Two hex digits must follow; "%00" would cut the string. */
            if (len - i < 3) {
                free(out);
                return NULL;
            }
            int h = hexval((unsigned char)s[i + 1]);
            int l = hexval((unsigned char)s[i + 2]);
            if (h < 0 || l < 0 || (h == 0 && l == 0)) {
                free(out);
                return NULL;
            }
            out[o++] = (char)(h << 4 | l);
            i += 2;
        } else if (c == '+' && plus_space) {
            out[o++] = ' ';
        } else if (c == 0) {
            free(out);
            return NULL;
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return out;
}

void web_params_free(WebParam *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].name);
        free(p[i].value);
    }
    free(p);
}

bool web_parse_query(const char *q, WebParam **out, size_t *n, bool *oom)
{
    WebParam *p = NULL;
    size_t count = 0, cap = 0;

    *out = NULL;
    *n = 0;
    *oom = false;
    while (q && *q) {
        const char *amp = strchr(q, '&');
        size_t len = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', len);
        size_t nlen = eq ? (size_t)(eq - q) : len;

        if (len == 0) {
            /* "a=1&&b=2": an empty piece is nothing */
            q = amp ? amp + 1 : q + len;
            continue;
        }
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            WebParam *np = realloc(p, ncap * sizeof(*np));
            if (!np) {
                *oom = true;
                web_params_free(p, count);
                return false;
            }
            p = np;
            cap = ncap;
        }
        p[count].name = web_pct_decode(q, nlen, true, oom);
        p[count].value = p[count].name
                             ? (eq ? web_pct_decode(eq + 1, len - nlen - 1,
                                                    true, oom)
                                   : strdup(""))
                             : NULL;
        if (p[count].name && !p[count].value && !eq) {
            *oom = true;
        }
        if (!p[count].name || !p[count].value || !p[count].name[0]) {
            free(p[count].name);
            free(p[count].value);
            web_params_free(p, count);
            return false;
        }
        count++;
        q = amp ? amp + 1 : q + len;
    }
    *out = p;
    *n = count;
    return true;
}

bool web_parse_u64(const char *s, uint64_t *v)
{
    uint64_t x = 0;

    if (!s || !*s) {
        return false;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        if (!*s) {
            return false;
        }
        for (; *s; s++) {
            int d = hexval((unsigned char)*s);
            if (d < 0 || x > (UINT64_MAX >> 4)) {
                return false;
            }
            x = x << 4 | (uint64_t)d;
        }
    } else {
        for (; *s; s++) {
            if (*s < '0' || *s > '9') {
                return false;
            }
            unsigned d = (unsigned)(*s - '0');
            if (x > (UINT64_MAX - d) / 10) {
                return false;
            }
            x = x * 10 + d;
        }
    }
    *v = x;
    return true;
}

const char *web_req_header(const WebRequest *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++) {
        if (req->headers[i].name && req->headers[i].value &&
            strcasecmp(req->headers[i].name, name) == 0) {
            return req->headers[i].value;
        }
    }
    return NULL;
}

/* Whether [@p, @end) trimmed of spaces is @type, any case. */
static bool token_is(const char *p, const char *end, const char *type)
{
    size_t tlen = strlen(type);

    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }
    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    return (size_t)(end - p) == tlen && strncasecmp(p, type, tlen) == 0;
}

bool web_media_type_is(const char *ct, const char *type)
{
    const char *semi;

    if (!ct) {
        return false;
    }
    semi = strchr(ct, ';');
    return token_is(ct, semi ? semi : ct + strlen(ct), type);
}

bool web_accepts_json(const char *accept)
{
    const char *p = accept;

    while (p && *p) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *semi = memchr(p, ';', (size_t)(end - p));

        if (token_is(p, semi ? semi : end, "application/json")) {
            return true;
        }
        p = comma ? comma + 1 : end;
    }
    return false;
}

/* A decimal number of a Range spec: digits only, no overflow. */
static bool range_num(const char *p, const char *end, uint64_t *v)
{
    uint64_t x = 0;

    if (p == end) {
        return false;
    }
    for (; p < end; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
        unsigned d = (unsigned)(*p - '0');
        if (x > (UINT64_MAX - d) / 10) {
            return false;
        }
        x = x * 10 + d;
    }
    *v = x;
    return true;
}

WebRangeKind web_parse_range(const char *h, uint64_t len, uint64_t *first,
                             uint64_t *last)
{
    const char *spec, *dash, *end;
    uint64_t a, b;

    if (!h) {
        return WEB_RANGE_NONE;
    }
    while (*h == ' ' || *h == '\t') {
        h++;
    }
    /* RFC 9110: a unit the server does not know is ignored. */
    if (strncasecmp(h, "bytes", 5) != 0) {
        return WEB_RANGE_NONE;
    }
    spec = h + 5;
    while (*spec == ' ') {
        spec++;
    }
    if (*spec != '=') {
        return WEB_RANGE_NONE;
    }
    spec++;
    while (*spec == ' ') {
        spec++;
    }
    end = spec + strlen(spec);
    while (end > spec && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    if (memchr(spec, ',', (size_t)(end - spec))) {
        return WEB_RANGE_BAD;
    }
    dash = memchr(spec, '-', (size_t)(end - spec));
    if (!dash) {
        return WEB_RANGE_BAD;
    }
    if (dash == spec) {
        /* "-N": the last N bytes */
        if (!range_num(dash + 1, end, &b)) {
            return WEB_RANGE_BAD;
        }
        if (b == 0 || len == 0) {
            return WEB_RANGE_UNSATISFIABLE;
        }
        *first = b >= len ? 0 : len - b;
        *last = len - 1;
        return WEB_RANGE_OK;
    }
    if (!range_num(spec, dash, &a)) {
        return WEB_RANGE_BAD;
    }
    if (dash + 1 == end) {
        b = UINT64_MAX;
    } else if (!range_num(dash + 1, end, &b) || b < a) {
        return WEB_RANGE_BAD;
    }
    if (a >= len) {
        return WEB_RANGE_UNSATISFIABLE;
    }
    *first = a;
    *last = b >= len ? len - 1 : b;
    return WEB_RANGE_OK;
}
