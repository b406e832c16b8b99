/*
 * server/http_front.c — the HTTP front-end (see http_front.h).
 *
 * The socket is opened here, like every front-end's (listen.c), so that
 * port 0 works and the address bound is known before the handler layer
 * is made: the Host check needs the real port.
 */
#include "http_front.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <web/api.h>
#include <web/http_server.h>

struct HttpFront {
    WebApi *api;
    WebServer *server;
};

/* Split "127.0.0.1:40231" / "[::1]:5000" into host and port. */
static bool split_shown(const char *shown, char *host, size_t hostlen,
                        unsigned *port)
{
    const char *colon = strrchr(shown, ':');
    size_t n;

    if (!colon) {
        return false;
    }
    n = (size_t)(colon - shown);
    if (n >= 2 && shown[0] == '[' && shown[n - 1] == ']') {
        shown++;
        n -= 2;
    }
    if (n >= hostlen) {
        return false;
    }
    memcpy(host, shown, n);
    host[n] = '\0';
    *port = (unsigned)strtoul(colon + 1, NULL, 10);
    return *port != 0;
}

HttpFront *http_front_start(const HttpFrontConfig *cfg, char *shown,
                            size_t shownlen, bool *bind_failed, char *msg,
                            size_t msglen)
{
    HttpFront *f;
    char bound[256];
    unsigned port;
    int fd;

    *bind_failed = false;
    fd = listen_open(cfg->addr, shown, shownlen, msg, msglen);
    if (fd < 0) {
        *bind_failed = true;
        return NULL;
    }
    if (!split_shown(shown, bound, sizeof(bound), &port)) {
        snprintf(msg, msglen, "cannot tell the port bound (%s)", shown);
        close(fd);
        return NULL;
    }
    f = calloc(1, sizeof(*f));
    WebApiConfig api = {
        .machine = cfg->machine,
        .events = cfg->events,
        .token = cfg->token,
        .max_read = cfg->max_read,
        .max_write = cfg->max_write,
        .host = cfg->addr->host,
        .bound_host = bound,
        .port = port,
    };
    if (!f || !(f->api = web_api_new(&api))) {
        snprintf(msg, msglen, "out of memory");
        free(f);
        close(fd);
        return NULL;
    }
    WebServerConfig sc = { .listen_fd = fd, .per_client = cfg->per_client };
    f->server = web_server_start(f->api, &sc, msg, msglen);
    if (!f->server) {
        web_api_free(f->api);
        free(f);
        return NULL;
    }
    return f;
}

void http_front_stop(HttpFront *f)
{
    if (!f) {
        return;
    }
    web_server_stop(f->server);
    web_api_free(f->api);
    free(f);
}
