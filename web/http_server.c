/*
 * web/http_server.c — libmicrohttpd glue: bytes in, bytes out.
 *
 * A request's life:
 *   1. the URI log callback keeps the raw request target (libmicrohttpd
 *      would percent-decode the path and split the query; api.c wants
 *      them as sent) in a Req, which libmicrohttpd hands back to every
 *      later callback of the request;
 *   2. the first call of the access handler collects the headers and
 *      calls web_begin; an answer known at once is kept for the last
 *      call (any body it does not need is read and dropped), except that
 *      a client waiting on "Expect: 100-continue" gets it at once;
 *   3. otherwise the body is fed to web_body as it arrives, and the last
 *      call (no more data) gets web_end's answer;
 *   4. the completion callback frees the Req.
 *
 * A streamed answer (WebStream) is read by libmicrohttpd's content
 * reader.  One that may wait for data (set_wake: the event stream) can
 * stay open forever, so one client address may hold at most
 * per_client_streams of them; one more is answered 429 instead.  When the stream has nothing yet (the event stream between
 * events) the connection is suspended, and the stream's wake function
 * resumes it: no thread polls.  A mutex per stream orders "nothing to
 * read, suspend" against "something arrived, resume", so a wake-up is
 * never lost.  A timer thread wakes idle streams every idle_ms to send
 * their idle text: libmicrohttpd does not see a client close a
 * suspended connection, but a write to it fails.
 *
 * Stopping: the stopping flag ends every stream at its next read, every
 * suspended stream is resumed to take that read, and the streams get
 * STOP_GRACE_MS to send their last bytes (an event stream's end of
 * chunks, so that its client sees a clean end); then the daemon stops
 * (libmicrohttpd forbids stopping with suspended connections) and closes
 * whatever is left, a client that stopped reading included.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <web/http_server.h>

#define STOP_GRACE_MS 500

typedef struct Stream Stream;

struct WebServer {
    WebApi *api;
    struct MHD_Daemon *daemon;
    int listen_fd;
    atomic_bool stopping;
    unsigned idle_ms;
    unsigned per_client_streams;
    /* the open streams, for stopping and the idle timer */
    pthread_mutex_t lock;
    Stream *streams;
    unsigned nstreams;
    /* the idle timer */
    pthread_t timer;
    bool timer_started;
    pthread_cond_t timer_cond;
    bool timer_quit;
    /* signalled when a stream is freed (stop waits for them a while) */
    pthread_cond_t streams_cond;
};

struct Stream {
    WebServer *srv;
    struct MHD_Connection *conn;
    WebStream *ws;
    pthread_mutex_t lock;
    bool suspended;          /* by the content reader, until resumed */
    bool pending;            /* woken since the last empty read */
    bool idle_due;           /* the timer asks for the idle text */
    bool waits;              /* may wait for data: counts against the cap */
    struct sockaddr_storage client;
    Stream *next, *prev;
};

/* One request, from the URI log callback to the completion callback. */
typedef struct Req {
    char *target;
    bool started;
    bool answered;
    WebExchange *x;
    /* An answer made from the headers alone waits for libmicrohttpd's
     * last call: queued on the first, it would close the connection
     * instead of keeping it alive, and reset it under a client still
     * sending its body. */
    WebResponse pending;
    bool has_pending;
} Req;

/* ---- streams ---------------------------------------------------------- */

/* The client's address (port 0: only the address counts), for the
 * stream cap; family AF_UNSPEC when libmicrohttpd does not say. */
static void client_of(struct MHD_Connection *conn, struct sockaddr_storage *out)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

    memset(out, 0, sizeof(*out));
    if (!ci || !ci->client_addr) {
        return;
    }
    if (ci->client_addr->sa_family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)out;
        memcpy(in, ci->client_addr, sizeof(*in));
        in->sin_port = 0;
    } else if (ci->client_addr->sa_family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
        memcpy(in6, ci->client_addr, sizeof(*in6));
        in6->sin6_port = 0;
        in6->sin6_flowinfo = 0;
    }
}

static bool same_client(const struct sockaddr_storage *a,
                        const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family) {
        return false;
    }
    if (a->ss_family == AF_INET) {
        return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
                      &((const struct sockaddr_in *)b)->sin_addr,
                      sizeof(struct in_addr)) == 0;
    }
    if (a->ss_family == AF_INET6) {
        return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                      &((const struct sockaddr_in6 *)b)->sin6_addr,
                      sizeof(struct in6_addr)) == 0;
    }
    return false;  /* unknown: never counted together */
}

/* Put @s on the list of open streams, unless it waits for data and its
 * client holds per_client_streams such streams already: false then.
 * Counting and adding under one lock hold, so that a burst cannot pass
 * the cap. */
static bool stream_add(WebServer *srv, Stream *s)
{
    unsigned n = 0;

    pthread_mutex_lock(&srv->lock);
    if (s->waits) {
        for (Stream *o = srv->streams; o; o = o->next) {
            n += o->waits && same_client(&o->client, &s->client);
        }
        if (n >= srv->per_client_streams) {
            pthread_mutex_unlock(&srv->lock);
            return false;
        }
    }
    s->next = srv->streams;
    if (s->next) {
        s->next->prev = s;
    }
    srv->streams = s;
    srv->nstreams++;
    pthread_mutex_unlock(&srv->lock);
    return true;
}

static void stream_remove(WebServer *srv, Stream *s)
{
    pthread_mutex_lock(&srv->lock);
    if (s->prev) {
        s->prev->next = s->next;
    } else {
        srv->streams = s->next;
    }
    if (s->next) {
        s->next->prev = s->prev;
    }
    srv->nstreams--;
    pthread_cond_broadcast(&srv->streams_cond);
    pthread_mutex_unlock(&srv->lock);
}

static void stream_wake(void *arg)
{
    Stream *s = arg;

    pthread_mutex_lock(&s->lock);
    s->pending = true;
    if (s->suspended) {
        s->suspended = false;
        MHD_resume_connection(s->conn);
    }
    pthread_mutex_unlock(&s->lock);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    Stream *s = cls;
    WebServer *srv = s->srv;

    (void)pos;
    for (;;) {
        ssize_t n = s->ws->read(s->ws, buf, max);

        if (n > 0) {
            return n;
        }
        if (n == WEB_STREAM_END) {
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (n < 0) {
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        pthread_mutex_lock(&s->lock);
        if (atomic_load(&srv->stopping)) {
            pthread_mutex_unlock(&s->lock);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (s->pending) {
            s->pending = false;
            pthread_mutex_unlock(&s->lock);
            continue;
        }
        if (s->idle_due && s->ws->idle_text) {
            size_t len = strlen(s->ws->idle_text);
            s->idle_due = false;
            pthread_mutex_unlock(&s->lock);
            if (len > max) {
                len = max;
            }
            memcpy(buf, s->ws->idle_text, len);
            return (ssize_t)len;
        }
        s->suspended = true;
        MHD_suspend_connection(s->conn);
        pthread_mutex_unlock(&s->lock);
        return 0;
    }
}

static void stream_free(void *cls)
{
    Stream *s = cls;

    stream_remove(s->srv, s);
    /* After this, the stream calls stream_wake no more. */
    s->ws->free(s->ws);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

unsigned web_server_open_streams(WebServer *srv)
{
    unsigned n;

    pthread_mutex_lock(&srv->lock);
    n = srv->nstreams;
    pthread_mutex_unlock(&srv->lock);
    return n;
}

static void *idle_timer(void *arg)
{
    WebServer *srv = arg;
    struct timespec until;

    pthread_mutex_lock(&srv->lock);
    while (!srv->timer_quit) {
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += srv->idle_ms / 1000;
        until.tv_nsec += (long)(srv->idle_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!srv->timer_quit &&
               pthread_cond_timedwait(&srv->timer_cond, &srv->lock,
                                      &until) != ETIMEDOUT) {
        }
        if (srv->timer_quit) {
            break;
        }
        for (Stream *s = srv->streams; s; s = s->next) {
            if (!s->ws->idle_text) {
                continue;
            }
            pthread_mutex_lock(&s->lock);
            s->idle_due = true;
            if (s->suspended) {
                s->suspended = false;
                MHD_resume_connection(s->conn);
            }
            pthread_mutex_unlock(&s->lock);
        }
    }
    pthread_mutex_unlock(&srv->lock);
    return NULL;
}

/* ---- answers ------------------------------------------------------------ */

static const char oom_body[] =
    "{\"error\":{\"class\":\"InternalError\",\"desc\":\"memcored ran out of "
    "memory answering this request\"}}";

/* The last resort when even the answer cannot be built. */
static enum MHD_Result queue_oom(struct MHD_Connection *conn)
{
    struct MHD_Response *mr = MHD_create_response_from_buffer(
        sizeof(oom_body) - 1, (void *)oom_body, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result rc;

    if (!mr) {
        return MHD_NO;
    }
    MHD_add_response_header(mr, "Content-Type", "application/json");
    rc = MHD_queue_response(conn, 500, mr);
    MHD_destroy_response(mr);
    return rc;
}

static enum MHD_Result queue(WebServer *srv, struct MHD_Connection *conn,
                             WebResponse *resp)
{
    struct MHD_Response *mr = NULL;
    Stream *s = NULL;
    bool ok = true;
    enum MHD_Result rc;

    if (resp->stream) {
        s = calloc(1, sizeof(*s));
        if (s) {
            s->srv = srv;
            s->conn = conn;
            s->ws = resp->stream;
            s->waits = resp->stream->set_wake != NULL;
            client_of(conn, &s->client);
            /* Before it is on the list: the idle timer locks it. */
            pthread_mutex_init(&s->lock, NULL);
            if (!stream_add(srv, s)) {
                pthread_mutex_destroy(&s->lock);
                free(s);
                s = NULL;
                web_response_too_many_streams(resp, srv->per_client_streams);
            }
        }
    }
    if (s) {
        uint64_t len = resp->stream->length;
        size_t block = resp->stream->block_size ? resp->stream->block_size
                                                : 64 * 1024;

        mr = MHD_create_response_from_callback(
            len == WEB_LENGTH_UNKNOWN ? MHD_SIZE_UNKNOWN : len, block,
            stream_read, s, stream_free);
        if (!mr) {
            stream_remove(srv, s);
            pthread_mutex_destroy(&s->lock);
            free(s);
            s = NULL;
        } else {
            resp->stream = NULL;  /* the Stream owns it now */
            if (s->ws->set_wake) {
                s->ws->set_wake(s->ws, stream_wake, s);
            }
        }
    } else if (resp->stream) {
        /* no memory for the Stream: answered below as out of memory */
    } else if (resp->body_len) {
        mr = MHD_create_response_from_buffer(resp->body_len, resp->body,
                                             MHD_RESPMEM_MUST_FREE);
        if (mr) {
            resp->body = NULL;  /* libmicrohttpd frees it */
        }
    } else {
        mr = MHD_create_response_from_buffer(0, (void *)"",
                                             MHD_RESPMEM_PERSISTENT);
    }
    if (!mr) {
        web_response_free(resp);
        return queue_oom(conn);
    }
    if (resp->content_type) {
        ok &= MHD_add_response_header(mr, "Content-Type",
                                      resp->content_type) == MHD_YES;
    }
    for (size_t i = 0; i < resp->nheaders; i++) {
        ok &= MHD_add_response_header(mr, resp->headers[i].name,
                                      resp->headers[i].value) == MHD_YES;
    }
    if (!ok) {
        MHD_destroy_response(mr);
        web_response_free(resp);
        return queue_oom(conn);
    }
    rc = MHD_queue_response(conn, resp->status, mr);
    MHD_destroy_response(mr);
    web_response_free(resp);
    return rc;
}

/* ---- requests ------------------------------------------------------------- */

typedef struct HeaderVec {
    WebHeader *v;
    size_t n, cap;
    bool oom;
} HeaderVec;

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind,
                                  const char *key, const char *value)
{
    HeaderVec *h = cls;

    (void)kind;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        WebHeader *v = realloc(h->v, cap * sizeof(*v));
        if (!v) {
            h->oom = true;
            return MHD_NO;
        }
        h->v = v;
        h->cap = cap;
    }
    h->v[h->n].name = key;
    h->v[h->n].value = value ? value : "";
    h->n++;
    return MHD_YES;
}

static void *uri_logger(void *cls, const char *uri,
                        struct MHD_Connection *conn)
{
    Req *r = calloc(1, sizeof(*r));

    (void)cls;
    (void)conn;
    if (r) {
        r->target = strdup(uri);
        if (!r->target) {
            free(r);
            r = NULL;
        }
    }
    return r;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn,
                                      const char *url, const char *method,
                                      const char *version,
                                      const char *upload_data,
                                      size_t *upload_data_size,
                                      void **con_cls)
{
    WebServer *srv = cls;
    Req *r = *con_cls;
    WebResponse resp;

    (void)url;
    (void)version;
    if (!r) {
        return queue_oom(conn);
    }
    if (r->has_pending) {
        if (*upload_data_size) {
            *upload_data_size = 0;  /* a body the answer does not need */
            return MHD_YES;
        }
        r->has_pending = false;
        r->answered = true;
        return queue(srv, conn, &r->pending);
    }
    if (r->answered) {
        /* Answered before the body: what still comes is dropped. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (!r->started) {
        HeaderVec h = { NULL, 0, 0, false };
        WebRequest req;

        r->started = true;
        MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header, &h);
        if (h.oom) {
            free(h.v);
            r->answered = true;
            return queue_oom(conn);
        }
        req = (WebRequest) { .method = method, .target = r->target,
                             .headers = h.v, .nheaders = h.n };
        r->x = web_begin(srv->api, &req, &resp);
        const char *expect = MHD_lookup_connection_value(conn,
                                                         MHD_HEADER_KIND,
                                                         "Expect");
        free(h.v);
        if (r->x) {
            return MHD_YES;  /* wants the body */
        }
        if (expect && strcasecmp(expect, "100-continue") == 0) {
            /* The client waits for a go-ahead before its body: answer
             * now, and it sends none (the connection then closes). */
            r->answered = true;
            return queue(srv, conn, &resp);
        }
        /* Otherwise the answer waits for libmicrohttpd's last call, any
         * body read and dropped meanwhile: closing on a client that is
         * still sending would reset the connection under the answer. */
        r->pending = resp;
        r->has_pending = true;
        return MHD_YES;
    }
    if (*upload_data_size) {
        web_body(r->x, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    web_end(r->x, &resp);
    r->x = NULL;
    r->answered = true;
    return queue(srv, conn, &resp);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    Req *r = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (r) {
        web_exchange_free(r->x);
        if (r->has_pending) {
            web_response_free(&r->pending);
        }
        free(r->target);
        free(r);
        *con_cls = NULL;
    }
}

/* libmicrohttpd would percent-decode the path in place; api.c reads the
 * raw target kept by uri_logger and decodes what it needs itself. */
static size_t no_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    return strlen(s);
}

/* ---- start / stop ----------------------------------------------------------- */

WebServer *web_server_start(WebApi *api, const WebServerConfig *cfg,
                            char *msg, size_t msglen)
{
    WebServer *srv = calloc(1, sizeof(*srv));
    pthread_condattr_t ca;
    unsigned flags = MHD_ALLOW_SUSPEND_RESUME;
    int fl;

    if (!srv) {
        snprintf(msg, msglen, "out of memory");
        close(cfg->listen_fd);
        return NULL;
    }
    srv->api = api;
    srv->listen_fd = cfg->listen_fd;
    srv->idle_ms = cfg->idle_ms ? cfg->idle_ms : WEB_DEFAULT_IDLE_MS;
    srv->per_client_streams = cfg->per_client_streams
                                  ? cfg->per_client_streams
                                  : WEB_DEFAULT_PER_CLIENT_STREAMS;
    pthread_mutex_init(&srv->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&srv->timer_cond, &ca);
    pthread_cond_init(&srv->streams_cond, &ca);
    pthread_condattr_destroy(&ca);

    /* The pool's threads share the socket: accept must not block. */
    fl = fcntl(cfg->listen_fd, F_GETFL);
    if (fl >= 0) {
        fcntl(cfg->listen_fd, F_SETFL, fl | O_NONBLOCK);
    }
    flags |= MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES
                 ? MHD_USE_EPOLL_INTERNAL_THREAD
                 : MHD_USE_POLL_INTERNAL_THREAD;
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, access_handler, srv,
        MHD_OPTION_LISTEN_SOCKET, cfg->listen_fd,
        MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)(cfg->threads ? cfg->threads : WEB_DEFAULT_THREADS),
        MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)(cfg->max_connections ? cfg->max_connections
                                        : WEB_DEFAULT_MAX_CONNECTIONS),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(cfg->per_client ? cfg->per_client
                                   : WEB_DEFAULT_PER_CLIENT),
        MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)(cfg->timeout_s ? cfg->timeout_s : WEB_DEFAULT_TIMEOUT_S),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_CONNECTION_MEMORY,
        MHD_OPTION_URI_LOG_CALLBACK, uri_logger, srv,
        MHD_OPTION_NOTIFY_COMPLETED, completed, srv,
        MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, srv,
        MHD_OPTION_END);
    if (!srv->daemon) {
        snprintf(msg, msglen, "libmicrohttpd could not start");
        web_server_stop(srv);
        return NULL;
    }
    if (pthread_create(&srv->timer, NULL, idle_timer, srv) != 0) {
        snprintf(msg, msglen, "cannot start the event stream timer");
        web_server_stop(srv);
        return NULL;
    }
    srv->timer_started = true;
    return srv;
}

void web_server_stop(WebServer *srv)
{
    if (!srv) {
        return;
    }
    atomic_store(&srv->stopping, true);
    pthread_mutex_lock(&srv->lock);
    srv->timer_quit = true;
    pthread_cond_signal(&srv->timer_cond);
    for (Stream *s = srv->streams; s; s = s->next) {
        pthread_mutex_lock(&s->lock);
        if (s->suspended) {
            s->suspended = false;
            MHD_resume_connection(s->conn);
        }
        pthread_mutex_unlock(&s->lock);
    }
    if (srv->daemon) {
        struct timespec until;

        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += STOP_GRACE_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        while (srv->nstreams &&
               pthread_cond_timedwait(&srv->streams_cond, &srv->lock,
                                      &until) != ETIMEDOUT) {
        }
    }
    pthread_mutex_unlock(&srv->lock);
    if (srv->timer_started) {
        pthread_join(srv->timer, NULL);
    }
    if (srv->daemon) {
        /* It closes the listening socket it was given too. */
        MHD_stop_daemon(srv->daemon);
    } else {
        close(srv->listen_fd);
    }
    pthread_cond_destroy(&srv->timer_cond);
    pthread_cond_destroy(&srv->streams_cond);
    pthread_mutex_destroy(&srv->lock);
    free(srv);
}
