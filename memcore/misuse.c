/*
 * misuse.c — reporting API misuse: calls the embedder's handler, or
 * prints "memcore: FUNCTION: MESSAGE" and aborts.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

static void (*_Atomic misuse_handler)(const char *msg);

void memcore_set_misuse_handler(void (*handler)(const char *msg))
{
    atomic_store(&misuse_handler, handler);
}

void mc_misuse(const char *func, const char *fmt, ...)
{
    char msg[512];
    int n = snprintf(msg, sizeof(msg), "%s: ", func);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < sizeof(msg)) {
        vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
    }
    va_end(ap);
    void (*handler)(const char *msg) = atomic_load(&misuse_handler);
    if (handler) {
        handler(msg);
        return;
    }
    fprintf(stderr, "memcore: %s\n", msg);
    abort();
}
