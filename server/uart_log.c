/*
 * server/uart_log.c — per-UART transmit logs (see uart_log.h).
 */
#include "uart_log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int uart_log_init(UartLog *log)
{
    log->entries = NULL;
    log->count = 0;
    return -pthread_mutex_init(&log->lock, NULL);
}

void uart_log_destroy(UartLog *log)
{
    for (size_t i = 0; i < log->count; i++) {
        free(log->entries[i].name);
        free(log->entries[i].buf);
    }
    free(log->entries);
    log->entries = NULL;
    log->count = 0;
    pthread_mutex_destroy(&log->lock);
}

/* Called with the lock held. */
static UartLogEntry *find_or_add(UartLog *log, const char *name)
{
    UartLogEntry *e;

    for (size_t i = 0; i < log->count; i++) {
        if (strcmp(log->entries[i].name, name) == 0) {
            return &log->entries[i];
        }
    }
    e = realloc(log->entries, (log->count + 1) * sizeof(*e));
    if (!e) {
        return NULL;
    }
    log->entries = e;
    e = &log->entries[log->count];
    memset(e, 0, sizeof(*e));
    e->name = strdup(name);
    if (!e->name) {
        return NULL;
    }
    log->count++;
    return e;
}

int uart_log_add(UartLog *log, const char *name)
{
    UartLogEntry *e;

    pthread_mutex_lock(&log->lock);
    e = find_or_add(log, name);
    pthread_mutex_unlock(&log->lock);
    return e ? 0 : -ENOMEM;
}

void uart_log_append(UartLog *log, const char *name, const uint8_t *buf,
                     size_t len)
{
    UartLogEntry *e;

    pthread_mutex_lock(&log->lock);
    e = find_or_add(log, name);
    if (!e) {
        goto out;   /* out of memory: the byte is lost, the guest goes on */
    }
    if (e->len + len > UART_LOG_MAX) {
        /* keep the newest half: `info uart` shows the recent output */
        size_t keep = UART_LOG_MAX / 2;

        if (keep > e->len) {
            keep = e->len;
        }
        memmove(e->buf, e->buf + e->len - keep, keep);
        e->len = keep;
        if (len > UART_LOG_MAX - keep) {
            buf += len - (UART_LOG_MAX - keep);
            len = UART_LOG_MAX - keep;
        }
    }
    if (e->len + len > e->cap) {
        size_t cap = e->cap ? e->cap : 256;
        char *nb;

        while (cap < e->len + len) {
            cap *= 2;
        }
        nb = realloc(e->buf, cap);
        if (!nb) {
            goto out;
        }
        e->buf = nb;
        e->cap = cap;
    }
    memcpy(e->buf + e->len, buf, len);
    e->len += len;
out:
    pthread_mutex_unlock(&log->lock);
}

void uart_log_foreach(UartLog *log,
                      void (*fn)(void *arg, const char *name,
                                 const char *data, size_t len),
                      void *arg)
{
    for (size_t i = 0;; i++) {
        char *name = NULL, *data = NULL;
        size_t len = 0;
        bool found = false;

        pthread_mutex_lock(&log->lock);
        if (i < log->count) {
            found = true;
            name = strdup(log->entries[i].name);
            len = log->entries[i].len;
            data = malloc(len ? len : 1);
            if (data && len) {
                memcpy(data, log->entries[i].buf, len);
            }
        }
        pthread_mutex_unlock(&log->lock);
        if (!found) {
            break;
        }
        if (name && data) {
            fn(arg, name, data, len);
        }
        free(name);
        free(data);
    }
}
