/*
 * server/uart_log.h — what the guest wrote to its UARTs (`info uart`).
 *
 * One log per UART, in board order, each keeping the most recent
 * UART_LOG_MAX bytes.  Appends come from the vCPU thread (inside MMIO
 * callbacks), reads from any front-end thread.
 */
#ifndef SERVER_UART_LOG_H
#define SERVER_UART_LOG_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define UART_LOG_MAX (1u << 20)

typedef struct UartLogEntry {
    char *name;
    char *buf;
    size_t len;
    size_t cap;
} UartLogEntry;

typedef struct UartLog {
    pthread_mutex_t lock;
    UartLogEntry *entries;
    size_t count;
} UartLog;

int uart_log_init(UartLog *log);
void uart_log_destroy(UartLog *log);
/* uart_log_add: register the UART @name (logs are listed in this order);
 * 0 or -ENOMEM. */
int uart_log_add(UartLog *log, const char *name);
/* uart_log_append: add bytes the guest sent on @name (unknown names are
 * registered on the fly). */
void uart_log_append(UartLog *log, const char *name, const uint8_t *buf,
                     size_t len);
/* uart_log_foreach: call @fn with a snapshot of each log (outside the
 * lock, so a slow reader never stalls the guest). */
void uart_log_foreach(UartLog *log,
                      void (*fn)(void *arg, const char *name,
                                 const char *data, size_t len),
                      void *arg);

#endif /* SERVER_UART_LOG_H */
