/*
 * monitor/escape.c — printf for monitor output, with every %s and %c
 * argument escaped.
 *
 * Region, address-space and board names come from a board file, and
 * commands echo what the user typed; either may hold control characters
 * (an ESC sequence drives the user's terminal, a newline forges an output
 * line).  Escaping at each call site would miss one, so the output
 * helpers do it for every string and character argument: bytes below 32
 * and DEL print as \xNN, everything else (UTF-8 included) as it is.  The
 * format's own text, with its newlines, is printed unchanged.
 *
 * The walk understands C99's conversions (flags, width and precision,
 * also as '*', and the length modifiers); numbers are formatted by
 * snprintf with the very conversion spec, so they print as printf would.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "internal.h"

typedef struct Buf {
    char *p;
    size_t len, cap;
    bool oom;
} Buf;

static bool buf_room(Buf *b, size_t more)
{
    size_t cap;
    char *p;

    if (b->oom) {
        return false;
    }
    if (b->len + more + 1 <= b->cap) {
        return true;
    }
    cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1) {
        cap *= 2;
    }
    p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

static void buf_add(Buf *b, const char *s, size_t n)
{
    if (buf_room(b, n)) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
        b->p[b->len] = '\0';
    }
}

static void buf_pad(Buf *b, size_t n)
{
    if (buf_room(b, n)) {
        memset(b->p + b->len, ' ', n);
        b->len += n;
        b->p[b->len] = '\0';
    }
}

static bool is_control(unsigned char c)
{
    return c < 32 || c == 127;
}

/* @s (@n bytes) escaped, padded to @width (left-aligned when @left). */
static void buf_add_escaped(Buf *b, const char *s, size_t n, size_t width,
                            bool left)
{
    static const char hex[] = "0123456789abcdef";
    size_t shown = n;
    char *o;

    for (size_t i = 0; i < n; i++) {
        shown += is_control((unsigned char)s[i]) ? 3 : 0;
    }
    if (!left && width > shown) {
        buf_pad(b, width - shown);
    }
    if (!buf_room(b, shown)) {
        return;
    }
    o = b->p + b->len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (is_control(c)) {
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        } else {
            *o++ = (char)c;
        }
    }
    b->len += shown;
    b->p[b->len] = '\0';
    if (left && width > shown) {
        buf_pad(b, width - shown);
    }
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* One number through snprintf with its own conversion @spec. */
static void buf_add_number(Buf *b, const char *spec, ...)
{
    va_list ap, ap2;
    int n;

    va_start(ap, spec);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, spec, ap);
    if (n >= 0 && buf_room(b, (size_t)n)) {
        vsnprintf(b->p + b->len, (size_t)n + 1, spec, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
    va_end(ap);
}
#pragma GCC diagnostic pop

int mon_vasprintf_escaped(char **out, const char *fmt, va_list ap)
{
    Buf b = { NULL, 0, 0, false };
    const char *p = fmt;

    buf_add(&b, "", 0);
    while (*p && !b.oom) {
        const char *pct = strchr(p, '%');
        char spec[64], len[3] = "";
        size_t sl = 1;
        int width = -1, prec = -1;
        bool left = false;
        char conv;

        if (!pct) {
            buf_add(&b, p, strlen(p));
            break;
        }
        buf_add(&b, p, (size_t)(pct - p));
        p = pct + 1;
        spec[0] = '%';
        while (*p && strchr("-+ #0", *p)) {
            left |= *p == '-';
            if (sl < 8) {
                spec[sl++] = *p;
            }
            p++;
        }
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = true;
                spec[sl++] = '-';
                width = -width;
            }
            p++;
        } else if (*p >= '0' && *p <= '9') {
            width = (int)strtol(p, (char **)&p, 10);
        }
        if (*p == '.') {
            p++;
            if (*p == '*') {
                prec = va_arg(ap, int);
                p++;
            } else {
                prec = (int)strtol(p, (char **)&p, 10);
            }
        }
        for (size_t k = 0; k < 2 && *p && strchr("hlLqjzt", *p); k++) {
            len[k] = *p++;
        }
        conv = *p;
        if (!conv) {
            break;
        }
        p++;
        if (width >= 0) {
            sl += (size_t)snprintf(spec + sl, sizeof(spec) - sl, "%d", width);
        }
        if (prec >= 0) {
            sl += (size_t)snprintf(spec + sl, sizeof(spec) - sl, ".%d", prec);
        }
        sl += (size_t)snprintf(spec + sl, sizeof(spec) - sl, "%s%c", len,
                               conv);

        switch (conv) {
        case '%':
            buf_add(&b, "%", 1);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            size_t n;

            if (!s) {
                s = "(null)";
            }
            n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
            buf_add_escaped(&b, s, n, width > 0 ? (size_t)width : 0, left);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);

            buf_add_escaped(&b, &c, 1, width > 0 ? (size_t)width : 0, left);
            break;
        }
        case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': {
            bool sgn = conv == 'd' || conv == 'i';

            if (len[0] == 'l' && len[1] == 'l') {
                if (sgn) {
                    buf_add_number(&b, spec, va_arg(ap, long long));
                } else {
                    buf_add_number(&b, spec, va_arg(ap, unsigned long long));
                }
            } else if (len[0] == 'l' || len[0] == 'z' || len[0] == 't') {
                if (sgn) {
                    buf_add_number(&b, spec, va_arg(ap, long));
                } else {
                    buf_add_number(&b, spec, va_arg(ap, unsigned long));
                }
            } else if (len[0] == 'j') {
                if (sgn) {
                    buf_add_number(&b, spec, va_arg(ap, intmax_t));
                } else {
                    buf_add_number(&b, spec, va_arg(ap, uintmax_t));
                }
            } else if (len[0] == 'q' || len[0] == 'L') {
                if (sgn) {
                    buf_add_number(&b, spec, va_arg(ap, long long));
                } else {
                    buf_add_number(&b, spec, va_arg(ap, unsigned long long));
                }
            } else if (sgn) {
                buf_add_number(&b, spec, va_arg(ap, int));
            } else {
                buf_add_number(&b, spec, va_arg(ap, unsigned int));
            }
            break;
        }
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
        case 'a': case 'A':
            if (len[0] == 'L') {
                buf_add_number(&b, spec, va_arg(ap, long double));
            } else {
                buf_add_number(&b, spec, va_arg(ap, double));
            }
            break;
        case 'p':
            buf_add_number(&b, spec, va_arg(ap, void *));
            break;
        case 'n':
            (void)va_arg(ap, int *);
            break;
        default:
            /* %n and unknown conversions print nothing, as a safeguard. */
            break;
        }
    }
    if (b.oom) {
        free(b.p);
        *out = NULL;
        return -1;
    }
    *out = b.p;
    return (int)b.len;
}

int mon_asprintf_escaped(char **out, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = mon_vasprintf_escaped(out, fmt, ap);
    va_end(ap);
    return n;
}
