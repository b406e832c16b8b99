/*
 * tests/unit/test_web_server.c — the libmicrohttpd transport with real
 * sockets: answers and keep-alive, a long read streamed byte-exact, bad
 * input that leaves the server serving, the event stream (an event
 * reaches a client; a client that goes away frees its subscriber; stop
 * ends open streams), a client that stops reading cannot hold up stop,
 * the per-client cap and the idle timeout, event streams' own smaller
 * per-client cap, an ambiguous body length refused, and HTTP readers
 * while the topology changes (the ThreadSanitizer build checks the
 * races).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <memcore/memcore.h>
#include <web/events.h>
#include <web/http_server.h>

#include "test_web_fixture.h"
#include "check_run.h"

static WebServer *srv;
static WebApi *api;
static WebEvents *events;
static unsigned port;

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void start(unsigned per_client, unsigned timeout_s)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t alen = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    char msg[256];

    ck_assert_int_ge(fd, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(fd, 64), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    port = ntohs(a.sin_port);

    tm_setup();
    events = web_events_new();
    ck_assert_ptr_nonnull(events);
    WebApiConfig cfg = { .machine = &tm.mm, .events = events,
                         .host = "127.0.0.1", .bound_host = "127.0.0.1",
                         .port = port };
    api = web_api_new(&cfg);
    ck_assert_ptr_nonnull(api);
    WebServerConfig sc = { .listen_fd = fd, .threads = 2,
                           .per_client = per_client, .timeout_s = timeout_s,
                           .idle_ms = 100 };
    srv = web_server_start(api, &sc, msg, sizeof(msg));
    ck_assert_msg(srv != NULL, "%s", msg);
}

static void setup(void)
{
    start(0, 0);
}

static void setup_limits(void)
{
    start(2, 1);
}

static void teardown(void)
{
    web_server_stop(srv);
    srv = NULL;
    web_api_free(api);
    web_events_free(events);
    tm_teardown();
}

/* ---- a raw HTTP client ---------------------------------------------------- */

static int connect_server(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    ck_assert_int_ge(fd, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

static void send_all(int fd, const char *text)
{
    size_t n = strlen(text);

    while (n) {
        ssize_t w = send(fd, text, n, MSG_NOSIGNAL);
        ck_assert_int_gt(w, 0);
        text += w;
        n -= (size_t)w;
    }
}

typedef struct Got {
    char *p;
    size_t len;
} Got;

/* Read what arrives within @ms milliseconds, until @until appears (NULL:
 * until the server closes).  Returns whether the server closed. */
static bool recv_until(int fd, Got *g, const char *until, int ms)
{
    double end = now_s() + ms / 1000.0;
    char buf[65536];

    for (;;) {
        if (until && g->p && memmem(g->p, g->len, until, strlen(until))) {
            return false;
        }
        int left = (int)((end - now_s()) * 1000);
        struct pollfd p = { fd, POLLIN, 0 };
        if (left <= 0 || poll(&p, 1, left) <= 0) {
            return false;
        }
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) {
            return true;
        }
        g->p = realloc(g->p, g->len + (size_t)n + 1);
        ck_assert_ptr_nonnull(g->p);
        memcpy(g->p + g->len, buf, (size_t)n);
        g->len += (size_t)n;
        g->p[g->len] = '\0';
    }
}

/* One request on a fresh connection that the server closes after. */
static Got request(const char *req)
{
    int fd = connect_server();
    Got g = { NULL, 0 };

    send_all(fd, req);
    ck_assert_msg(recv_until(fd, &g, NULL, 20000), "no close within 20 s");
    close(fd);
    ck_assert_ptr_nonnull(g.p);
    return g;
}

static const char *body_of(const Got *g)
{
    const char *b = strstr(g->p, "\r\n\r\n");

    ck_assert_ptr_nonnull(b);
    return b + 4;
}

/* Per thread: the readers of the race test build requests at once. */
static _Thread_local char host_line[64];

static const char *host(void)
{
    snprintf(host_line, sizeof(host_line), "Host: 127.0.0.1:%u\r\n", port);
    return host_line;
}

static Got get(const char *target)
{
    char req[1024];

    snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\n%sConnection: close\r\n"
             "\r\n", target, host());
    return request(req);
}

/* ---- answers ---------------------------------------------------------------- */

START_TEST(answers_over_http)
{
    Got g = get("/api/v1/address-spaces");

    ck_assert(strncmp(g.p, "HTTP/1.1 200", 12) == 0);
    ck_assert(strstr(g.p, "Content-Type: application/json\r\n") != NULL);
    ck_assert(strstr(body_of(&g), "\"cpu-memory-0\"") != NULL);
    ck_assert(strstr(g.p, "Access-Control-Allow") == NULL);
    free(g.p);

    g = get("/api/v1/address-spaces/nope/tree");
    ck_assert(strncmp(g.p, "HTTP/1.1 404", 12) == 0);
    ck_assert(strstr(body_of(&g), "\"class\":\"NotFound\"") != NULL);
    free(g.p);
}
END_TEST

START_TEST(connections_stay_alive)
{
    int fd = connect_server();
    char req[256];
    Got g = { NULL, 0 };

    snprintf(req, sizeof(req), "GET /api/v1/address-spaces HTTP/1.1\r\n%s"
             "\r\n", host());
    send_all(fd, req);
    ck_assert(!recv_until(fd, &g, "\"gpex-root\"", 10000));
    ck_assert(strstr(g.p, "Connection: close") == NULL);
    free(g.p);
    g = (Got){ NULL, 0 };
    send_all(fd, req);
    ck_assert(!recv_until(fd, &g, "\"gpex-root\"", 10000));
    ck_assert(strncmp(g.p, "HTTP/1.1 200", 12) == 0);
    free(g.p);
    close(fd);
}
END_TEST

START_TEST(a_long_read_streams_exact_bytes)
{
    const size_t len = 4 << 20;
    uint8_t *pattern = malloc(len);
    char target[128];
    Got g;

    ck_assert_ptr_nonnull(pattern);
    for (size_t i = 0; i < len; i++) {
        pattern[i] = (uint8_t)(i ^ (i >> 9) ^ (i >> 17));
    }
    address_space_write(&tm.as_memory, 0x80200000, MEMTXATTRS_UNSPECIFIED,
                        pattern, (int)len);
    snprintf(target, sizeof(target), "/api/v1/address-spaces/memory/memory?"
             "addr=0x80200000&len=%zu", len);
    g = get(target);
    ck_assert(strncmp(g.p, "HTTP/1.1 200", 12) == 0);
    ck_assert(strstr(g.p, "Content-Length: 4194304\r\n") != NULL);
    const char *b = body_of(&g);
    ck_assert_uint_eq(g.len - (size_t)(b - g.p), len);
    ck_assert(memcmp(b, pattern, len) == 0);
    free(g.p);
    free(pattern);
}
END_TEST

START_TEST(a_put_body_reaches_memory)
{
    char req[512];
    uint8_t back[6];
    Got g;

    snprintf(req, sizeof(req), "PUT /api/v1/address-spaces/memory/memory?"
             "addr=0x80000040 HTTP/1.1\r\n%sContent-Length: 6\r\n"
             "Connection: close\r\n\r\nabcdef", host());
    g = request(req);
    ck_assert_msg(strncmp(g.p, "HTTP/1.1 200", 12) == 0, "%s", g.p);
    ck_assert(strstr(body_of(&g), "\"written\":\"0x6\"") != NULL);
    free(g.p);
    address_space_read(&tm.as_memory, 0x80000040, MEMTXATTRS_UNSPECIFIED,
                       back, 6);
    ck_assert(memcmp(back, "abcdef", 6) == 0);

    /* chunked, without a length */
    snprintf(req, sizeof(req), "PUT /api/v1/address-spaces/memory/memory?"
             "addr=0x80000040 HTTP/1.1\r\n%sTransfer-Encoding: chunked\r\n"
             "Connection: close\r\n\r\n3\r\nxyz\r\n0\r\n\r\n", host());
    g = request(req);
    ck_assert_msg(strncmp(g.p, "HTTP/1.1 200", 12) == 0, "%s", g.p);
    free(g.p);
    address_space_read(&tm.as_memory, 0x80000040, MEMTXATTRS_UNSPECIFIED,
                       back, 6);
    ck_assert(memcmp(back, "xyzdef", 6) == 0);
}
END_TEST

START_TEST(a_refused_body_is_read_and_the_answer_arrives)
{
    const size_t n = 2 << 20;
    char head[512];
    char *body = malloc(n + 1);
    int fd = connect_server();
    Got g = { NULL, 0 };

    ck_assert_ptr_nonnull(body);
    memset(body, 'x', n);
    body[n] = '\0';
    /* refused from its headers (past the end of RAM), sent whole anyway,
     * as clients without Expect: 100-continue do */
    snprintf(head, sizeof(head), "PUT /api/v1/address-spaces/memory/memory?"
             "addr=0x87fff000 HTTP/1.1\r\n%sContent-Length: %zu\r\n\r\n",
             host(), n);
    send_all(fd, head);
    send_all(fd, body);
    ck_assert(!recv_until(fd, &g, "\"addr\":\"0x88000000\"", 10000));
    ck_assert(strncmp(g.p, "HTTP/1.1 422", 12) == 0);
    free(g.p);
    /* and the connection still serves */
    g = (Got){ NULL, 0 };
    snprintf(head, sizeof(head), "GET /api/v1/address-spaces HTTP/1.1\r\n%s"
             "\r\n", host());
    send_all(fd, head);
    ck_assert(!recv_until(fd, &g, "gpex-root", 10000));
    free(g.p);
    close(fd);
    free(body);
}
END_TEST

START_TEST(bad_input_leaves_it_serving)
{
    static const char *const bad[] = {
        "BLAH\r\n\r\n",
        "GET\r\n\r\n",
        "GET /api/v1/address-spaces HTTP/9.9\r\n\r\n",
        "\x01\x02\x03\xff\r\n\r\n",
        "GET /api/v1/address-spaces?addr=%zz HTTP/1.1\r\nHost: x\r\n"
        "Connection: close\r\n\r\n",
        "POST /api/v1/monitor HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Length: banana\r\n\r\n",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int fd = connect_server();
        Got g = { NULL, 0 };

        send_all(fd, bad[i]);
        recv_until(fd, &g, NULL, 5000);
        close(fd);
        free(g.p);
    }
    /* a request line too long for libmicrohttpd's memory */
    size_t n = 100000;
    char *huge = malloc(n + 64);
    ck_assert_ptr_nonnull(huge);
    strcpy(huge, "GET /");
    memset(huge + 5, 'a', n);
    strcpy(huge + 5 + n, " HTTP/1.1\r\n\r\n");
    int fd = connect_server();
    Got g = { NULL, 0 };
    send(fd, huge, strlen(huge), MSG_NOSIGNAL);
    recv_until(fd, &g, NULL, 5000);
    close(fd);
    free(g.p);
    free(huge);

    g = get("/api/v1/address-spaces");
    ck_assert(strncmp(g.p, "HTTP/1.1 200", 12) == 0);
    free(g.p);
}
END_TEST

/* ---- the event stream ------------------------------------------------------- */

static int open_events(void)
{
    int fd = connect_server();
    char req[256];
    Got g = { NULL, 0 };

    snprintf(req, sizeof(req), "GET /api/v1/events HTTP/1.1\r\n%s\r\n",
             host());
    send_all(fd, req);
    ck_assert(!recv_until(fd, &g, ": memcored events", 10000));
    ck_assert_msg(strstr(g.p, "Content-Type: text/event-stream") != NULL,
                  "%s", g.p);
    free(g.p);
    return fd;
}

/* Poll @cond for up to 10 s. */
#define WAIT_FOR(cond)                                                       \
    do {                                                                     \
        double end_ = now_s() + 10;                                          \
        while (!(cond) && now_s() < end_) {                                  \
            struct timespec ts_ = { 0, 10 * 1000 * 1000 };                   \
            nanosleep(&ts_, NULL);                                           \
        }                                                                    \
        ck_assert_msg((cond), "timed out waiting for " #cond);               \
    } while (0)

START_TEST(events_reach_a_client)
{
    int fd = open_events();
    Got g = { NULL, 0 };

    ck_assert_uint_eq(web_server_open_streams(srv), 1);
    WAIT_FOR(web_events_has_subscribers(events));
    web_events_publish(events, "topology", "{\"as\":[\"memory\"]}");
    ck_assert(!recv_until(fd, &g, "data: {\"as\":[\"memory\"]}\n\n", 10000));
    ck_assert(strstr(g.p, "event: topology\n") != NULL);
    free(g.p);
    /* idle: keep-alive comments come, nothing else */
    g = (Got){ NULL, 0 };
    ck_assert(!recv_until(fd, &g, ": keep-alive\n", 10000));
    free(g.p);
    /* and the next event still arrives */
    g = (Got){ NULL, 0 };
    web_events_publish(events, "run-state", "{\"running\":false}");
    ck_assert(!recv_until(fd, &g, "{\"running\":false}", 10000));
    free(g.p);
    close(fd);
}
END_TEST

START_TEST(a_client_that_goes_away_is_unsubscribed)
{
    int fd = open_events();

    WAIT_FOR(web_events_has_subscribers(events));
    close(fd);
    /* Noticed at the latest when an idle comment fails to go out. */
    WAIT_FOR(web_server_open_streams(srv) == 0);
    ck_assert(!web_events_has_subscribers(events));
}
END_TEST

START_TEST(stop_ends_open_streams)
{
    int fd = open_events();
    int fd2 = open_events();
    Got g = { NULL, 0 };
    double t0;

    WAIT_FOR(web_server_open_streams(srv) == 2);
    t0 = now_s();
    web_server_stop(srv);
    srv = NULL;
    ck_assert(now_s() - t0 < 5);
    ck_assert(!web_events_has_subscribers(events));
    ck_assert(recv_until(fd, &g, NULL, 5000));
    /* a clean end: the last chunk, not a cut */
    ck_assert(g.p && g.len >= 5 &&
              memcmp(g.p + g.len - 5, "0\r\n\r\n", 5) == 0);
    free(g.p);
    close(fd);
    close(fd2);
}
END_TEST

START_TEST(a_client_that_stops_reading_cannot_hold_up_stop)
{
    int fd = connect_server();
    char req[256];
    int small = 4096;
    double t0;

    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    snprintf(req, sizeof(req), "GET /api/v1/address-spaces/memory/memory?"
             "addr=0x80000000&len=0x4000000 HTTP/1.1\r\n%s\r\n", host());
    send_all(fd, req);
    WAIT_FOR(web_server_open_streams(srv) == 1);
    t0 = now_s();
    web_server_stop(srv);
    srv = NULL;
    ck_assert(now_s() - t0 < 5);
    close(fd);
}
END_TEST

/* ---- limits ------------------------------------------------------------------- */

START_TEST(per_client_connection_cap)
{
    int a = connect_server(), b = connect_server(), c;
    Got g = { NULL, 0 };
    char req[256];

    /* Both held: the server has accepted them once it answers on them. */
    snprintf(req, sizeof(req), "GET /api/v1/address-spaces HTTP/1.1\r\n%s"
             "\r\n", host());
    send_all(a, req);
    ck_assert(!recv_until(a, &g, "gpex-root", 10000));
    free(g.p);
    g = (Got){ NULL, 0 };
    send_all(b, req);
    ck_assert(!recv_until(b, &g, "gpex-root", 10000));
    free(g.p);
    g = (Got){ NULL, 0 };
    c = connect_server();
    send(c, req, strlen(req), MSG_NOSIGNAL);
    ck_assert(recv_until(c, &g, NULL, 10000));
    ck_assert(g.p == NULL || strstr(g.p, "gpex-root") == NULL);
    free(g.p);
    close(a);
    close(b);
    close(c);
}
END_TEST

/* The default caps (64 connections, 8 event streams per client): a
 * client that opened more streams than it may is told so, and can still
 * make requests; a closed stream makes room again. */
START_TEST(event_streams_have_their_own_cap)
{
    int fd[WEB_DEFAULT_PER_CLIENT_STREAMS];
    char req[256];
    Got g;

    for (int i = 0; i < WEB_DEFAULT_PER_CLIENT_STREAMS; i++) {
        fd[i] = open_events();
    }
    WAIT_FOR(web_server_open_streams(srv) == WEB_DEFAULT_PER_CLIENT_STREAMS);
    snprintf(req, sizeof(req), "GET /api/v1/events HTTP/1.1\r\n%s"
             "Connection: close\r\n\r\n", host());
    g = request(req);
    ck_assert_msg(strncmp(g.p, "HTTP/1.1 429", 12) == 0, "%s", g.p);
    ck_assert(strstr(g.p, "Content-Type: application/json\r\n") != NULL);
    ck_assert(strstr(g.p, "X-Content-Type-Options: nosniff\r\n") != NULL);
    ck_assert_msg(strstr(body_of(&g), "{\"error\":{\"class\":"
                                      "\"TooManyStreams\",\"desc\":\"") !=
                      NULL, "%s", g.p);
    free(g.p);
    ck_assert_uint_eq(web_server_open_streams(srv),
                      WEB_DEFAULT_PER_CLIENT_STREAMS);

    g = get("/api/v1/address-spaces");
    ck_assert_msg(strncmp(g.p, "HTTP/1.1 200", 12) == 0, "%s", g.p);
    free(g.p);

    close(fd[0]);
    /* noticed when its next keep-alive comment fails (idle_ms 100) */
    WAIT_FOR(web_server_open_streams(srv) ==
             WEB_DEFAULT_PER_CLIENT_STREAMS - 1);
    fd[0] = open_events();
    for (int i = 0; i < WEB_DEFAULT_PER_CLIENT_STREAMS; i++) {
        close(fd[i]);
    }
}
END_TEST

/* libmicrohttpd takes the first of two Content-Length headers; a proxy
 * may take the last.  Either way the rest of the stream must not become
 * a request: 400, the connection closed, nothing written. */
START_TEST(an_ambiguous_body_length_is_refused)
{
    /* framing, then a body as that framing would have it */
    static const char *const framing[][2] = {
        { "Content-Length: 4\r\nContent-Length: 5\r\n", "abcde" },
        { "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
          "4\r\nabcd\r\n0\r\n\r\n" },
    };
    static const uint8_t dashes[5] = "-----";
    uint8_t back[5];

    address_space_write(&tm.as_memory, 0x80000080, MEMTXATTRS_UNSPECIFIED,
                        dashes, 5);
    for (size_t i = 0; i < sizeof(framing) / sizeof(framing[0]); i++) {
        char req[512];
        Got g;

        snprintf(req, sizeof(req), "PUT /api/v1/address-spaces/memory/"
                 "memory?addr=0x80000080 HTTP/1.1\r\n%s%s\r\n"
                 "%sGET /api/v1/address-spaces HTTP/1.1\r\n%s\r\n",
                 host(), framing[i][0], framing[i][1], host());
        g = request(req);  /* asserts that the server closes */
        ck_assert_msg(strncmp(g.p, "HTTP/1.1 400", 12) == 0, "%s", g.p);
        ck_assert_msg(strstr(body_of(&g), "\"class\":\"InvalidParameter\"") !=
                      NULL, "%s", g.p);
        /* the smuggled GET got no answer */
        ck_assert_msg(strstr(g.p, "gpex-root") == NULL, "%s", g.p);
        free(g.p);
    }
    address_space_read(&tm.as_memory, 0x80000080, MEMTXATTRS_UNSPECIFIED,
                       back, 5);
    ck_assert(memcmp(back, dashes, 5) == 0);
}
END_TEST

START_TEST(idle_connections_time_out)
{
    int fd = connect_server();
    Got g = { NULL, 0 };
    double t0 = now_s();

    ck_assert(recv_until(fd, &g, NULL, 10000));
    ck_assert(now_s() - t0 >= 0.5);
    free(g.p);
    close(fd);
}
END_TEST

/* ---- readers while the topology changes ------------------------------------------ */

static atomic_bool stop_readers;
static atomic_int bad_answers;
static atomic_int answers;

static void *reader(void *arg)
{
    static const char *const targets[] = {
        "/api/v1/address-spaces/memory/memory?addr=0x3000000&len=16",
        "/api/v1/address-spaces/memory/ld?addr=0x80000000&size=8",
        "/api/v1/address-spaces/memory/flatview",
        "/api/v1/address-spaces/memory/tree",
        "/api/v1/address-spaces/memory/find?addr=0x3000000",
        "/api/v1/mtree?flat=1",
        "/api/v1/regions/scratch",
    };
    unsigned i = (unsigned)(uintptr_t)arg;

    while (!atomic_load(&stop_readers)) {
        Got g = get(targets[i++ % (sizeof(targets) / sizeof(targets[0]))]);
        /* 200, or 404/422 while the device is away; never anything else */
        if (strncmp(g.p, "HTTP/1.1 200", 12) != 0 &&
            strncmp(g.p, "HTTP/1.1 404", 12) != 0 &&
            strncmp(g.p, "HTTP/1.1 422", 12) != 0) {
            atomic_fetch_add(&bad_answers, 1);
        }
        atomic_fetch_add(&answers, 1);
        free(g.p);
    }
    return NULL;
}

START_TEST(readers_race_topology_changes)
{
    pthread_t t[3];

    for (uintptr_t i = 0; i < 3; i++) {
        ck_assert_int_eq(pthread_create(&t[i], NULL, reader, (void *)i), 0);
    }
    for (int i = 0; i < 200 || atomic_load(&answers) < 60; i++) {
        memory_region_set_enabled(&tm.scratch, i & 1);
        memory_region_transaction_begin();
        memory_region_set_address(&tm.scratch, (i & 2) ? 0x3000000
                                                       : 0x3001000);
        memory_region_transaction_commit();
        if (i > 100000) {
            break;
        }
    }
    atomic_store(&stop_readers, true);
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
    }
    ck_assert_int_eq(atomic_load(&bad_answers), 0);
    ck_assert_int_ge(atomic_load(&answers), 60);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("web_server");
    TCase *tc = tcase_create("server");
    TCase *lim = tcase_create("limits");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, answers_over_http);
    tcase_add_test(tc, connections_stay_alive);
    tcase_add_test(tc, a_long_read_streams_exact_bytes);
    tcase_add_test(tc, a_put_body_reaches_memory);
    tcase_add_test(tc, a_refused_body_is_read_and_the_answer_arrives);
    tcase_add_test(tc, bad_input_leaves_it_serving);
    tcase_add_test(tc, events_reach_a_client);
    tcase_add_test(tc, a_client_that_goes_away_is_unsubscribed);
    tcase_add_test(tc, stop_ends_open_streams);
    tcase_add_test(tc, a_client_that_stops_reading_cannot_hold_up_stop);
    tcase_add_test(tc, readers_race_topology_changes);
    tcase_add_test(tc, event_streams_have_their_own_cap);
    tcase_add_test(tc, an_ambiguous_body_length_is_refused);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(lim, setup_limits, teardown);
    tcase_set_timeout(lim, 60);
    tcase_add_test(lim, per_client_connection_cap);
    tcase_add_test(lim, idle_connections_time_out);
    suite_add_tcase(s, lim);
    return ck_run_suite(s);
}
