/*
 * alloc.c — the library's allocators.
 *
 * Policy: memcore aborts when the C library cannot allocate the small
 * bookkeeping it needs (regions' names, FlatViews, listener lists): no
 * caller could continue with a half-made topology.  Guest RAM is not
 * bookkeeping: a RAM block that cannot be reserved is reported through
 * the constructor's Error instead.  See memcore(3), "Errors".
 */
#include "internal.h"

#include <stdio.h>

static void out_of_memory(size_t size)
{
    fprintf(stderr, "memcore: out of memory (%zu bytes)\n", size);
    abort();
}

void *mc_malloc0(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p) {
        out_of_memory(size);
    }
    return p;
}

void *mc_realloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q) {
        out_of_memory(size);
    }
    return q;
}

char *mc_strdup(const char *s)
{
    if (!s) {
        return NULL;
    }
    char *d = strdup(s);
    if (!d) {
        out_of_memory(strlen(s) + 1);
    }
    return d;
}

void mc_fatal(const char *msg)
{
    fprintf(stderr, "memcore: %s\n", msg);
    abort();
}
