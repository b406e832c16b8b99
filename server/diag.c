/*
 * server/diag.c — JSON paths and the list of board problems (see diag.h).
 *
 * Running out of memory while recording a problem must not hide the
 * problem, so both structures remember an allocation failure and report
 * it as one more problem instead of aborting.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jpath_init(JPath *p)
{
    p->buf = NULL;
    p->len = 0;
    p->cap = 0;
    p->oom = false;
}

void jpath_free(JPath *p)
{
    free(p->buf);
    jpath_init(p);
}

static void jpath_append(JPath *p, const char *s)
{
    size_t n = strlen(s);

    if (p->len + n + 1 > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        char *nb;

        while (cap < p->len + n + 1) {
            cap *= 2;
        }
        nb = realloc(p->buf, cap);
        if (!nb) {
            p->oom = true;
            return;
        }
        p->buf = nb;
        p->cap = cap;
    }
    memcpy(p->buf + p->len, s, n + 1);
    p->len += n;
}

size_t jpath_key(JPath *p, const char *key)
{
    size_t old = p->len;

    if (p->len) {
        jpath_append(p, ".");
    }
    jpath_append(p, key);
    return old;
}

size_t jpath_index(JPath *p, size_t i)
{
    size_t old = p->len;
    char tmp[32];

    snprintf(tmp, sizeof(tmp), "[%zu]", i);
    jpath_append(p, tmp);
    return old;
}

void jpath_restore(JPath *p, size_t len)
{
    if (len <= p->len && p->buf) {
        p->len = len;
        p->buf[len] = '\0';
    }
}

const char *jpath_str(const JPath *p)
{
    return p->buf ? p->buf : "";
}

void diag_init(Diag *d)
{
    d->msgs = NULL;
    d->count = 0;
    d->cap = 0;
    d->oom = false;
}

void diag_free(Diag *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->msgs[i]);
    }
    free(d->msgs);
    diag_init(d);
}

void diag_error(Diag *d, const char *path, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL, *line = NULL;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (n < 0) {
        d->oom = true;
        return;
    }
    if (path && *path) {
        n = asprintf(&line, "%s: %s", path, msg);
        free(msg);
        if (n < 0) {
            d->oom = true;
            return;
        }
    } else {
        line = msg;
    }
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        char **nm = realloc(d->msgs, cap * sizeof(*nm));

        if (!nm) {
            free(line);
            d->oom = true;
            return;
        }
        d->msgs = nm;
        d->cap = cap;
    }
    d->msgs[d->count++] = line;
}

bool diag_failed(const Diag *d)
{
    return d->count > 0 || d->oom;
}

void diag_print(const Diag *d, void *f, const char *prefix)
{
    for (size_t i = 0; i < d->count; i++) {
        fprintf(f, "%s%s\n", prefix ? prefix : "", d->msgs[i]);
    }
    if (d->oom) {
        fprintf(f, "%sout of memory while checking the board\n",
                prefix ? prefix : "");
    }
}
