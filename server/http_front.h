/*
 * server/http_front.h — memcored's HTTP front-end: the listening socket,
 * the REST handler layer (web/api.h) and its libmicrohttpd server
 * (web/http_server.h), wired to the machine.
 */
#ifndef SERVER_HTTP_FRONT_H
#define SERVER_HTTP_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <monitor/machine.h>

#include "listen.h"

typedef struct WebEvents WebEvents;
typedef struct HttpFront HttpFront;

typedef struct HttpFrontConfig {
    const ListenAddr *addr;           /* tcp */
    const MonitorMachine *machine;    /* must outlive the front */
    WebEvents *events;                /* NULL: no event stream */
    const char *token;                /* --http-token, or NULL */
    uint64_t max_read;                /* --http-max-read (0: default) */
    uint64_t max_write;               /* --http-max-write (0: default) */
    unsigned per_client;              /* --http-max-conns (0: default) */
} HttpFrontConfig;

/*
 * http_front_start: listen on cfg->addr and serve the REST endpoint.
 * Writes the bound address ("127.0.0.1:40231") to @shown; the caller
 * prints "http: listening on ADDR".  NULL with a message in @msg on
 * failure; *@bind_failed tells that the address could not be bound (the
 * default address may then be given up without an error).
 */
HttpFront *http_front_start(const HttpFrontConfig *cfg, char *shown,
                            size_t shownlen, bool *bind_failed, char *msg,
                            size_t msglen);

/* http_front_stop: stop serving (open event streams are ended, no client
 * is waited for) and free the front.  NULL is fine. */
void http_front_stop(HttpFront *f);

#endif /* SERVER_HTTP_FRONT_H */
