/*
 * web/http_server.h — the REST endpoint on libmicrohttpd: a thread pool
 * (epoll where available) that moves bytes between sockets and the
 * handler layer of web/api.h, and nothing else.
 */
#ifndef WEB_HTTP_SERVER_H
#define WEB_HTTP_SERVER_H

#include <stddef.h>

#include <web/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Defaults of WebServerConfig (0 in the config selects them). */
#define WEB_DEFAULT_THREADS 4
#define WEB_DEFAULT_MAX_CONNECTIONS 256
#define WEB_DEFAULT_PER_CLIENT 64
/* Event streams stay open for as long as the client likes: from one
 * client address at most this many at once, so that streams alone can
 * never fill its connection cap (a 64-tab browser would lock itself
 * out).  One more is answered 429 TooManyStreams. */
#define WEB_DEFAULT_PER_CLIENT_STREAMS 8
#define WEB_DEFAULT_TIMEOUT_S 30
/* Short, because a closed event stream holds its place in the client's
 * connection cap until a write to it fails (two intervals): at 15 s, a
 * script that opened and closed 64 streams locked every local client
 * out for seconds.  A comment line every 2 s costs next to nothing. */
#define WEB_DEFAULT_IDLE_MS 2000
/* libmicrohttpd's memory per connection: request line and headers must
 * fit (web/api.h's own limits are below it, so that they, and not
 * libmicrohttpd, answer a request that is too big). */
#define WEB_CONNECTION_MEMORY (64 * 1024)

typedef struct WebServerConfig {
    int listen_fd;             /* bound and listening; the server owns it
                                * from web_server_start on (closed by
                                * web_server_stop, or on failure) */
    unsigned threads;          /* worker threads */
    unsigned max_connections;  /* all clients together */
    unsigned per_client;       /* connections from one client address */
    unsigned per_client_streams; /* event streams open at once from one
                                  * client address */
    unsigned timeout_s;        /* an idle connection is closed after it */
    unsigned idle_ms;          /* an idle event stream gets a comment line
                                * this often, so that a client that went
                                * away is noticed */
} WebServerConfig;

typedef struct WebServer WebServer;

/* web_server_start: serve @api (which must outlive the server) on
 * cfg->listen_fd.  NULL with a message in @msg on failure. */
WebServer *web_server_start(WebApi *api, const WebServerConfig *cfg,
                            char *msg, size_t msglen);

/*
 * web_server_stop: stop accepting, end every open event stream, close
 * every connection and join the threads.  It never waits on a client
 * (sockets are non-blocking; a stalled client is simply closed).  NULL
 * is fine.
 */
void web_server_stop(WebServer *srv);

/* web_server_open_streams: how many streamed answers (event streams,
 * long reads) are open right now, for the tests. */
unsigned web_server_open_streams(WebServer *srv);

#ifdef __cplusplus
}
#endif

#endif /* WEB_HTTP_SERVER_H */
