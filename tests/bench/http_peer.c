/*
 * tests/bench/http_peer.c — the peer of bench_http: the least an HTTP
 * server built on libmicrohttpd and jansson can do, in the threading mode
 * memcored's HTTP front uses, so that memcored's figures read as a
 * fraction of what those two libraries allow on this machine.
 *
 *   GET /small  a ~100-byte JSON object (the shape of an `ld` answer),
 *               built with jansson and serialised for every request, as
 *               memcored must;
 *   GET /big    1 MiB of bytes that never change, sent from one response
 *               made at start-up (MHD sends straight from the buffer).
 *
 * Anything else is 404 (other methods 405), so a wrong URL in the driver
 * shows as non-2xx answers rather than as a fast figure.
 *
 * Usage: http_peer [THREADS] (default 4, as memcored's).  It binds
 * 127.0.0.1 port 0,
 * prints "http_peer: listening on 127.0.0.1:PORT (...)" once it accepts
 * connections, and runs until SIGTERM or SIGINT.
 */
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG_BYTES (1u << 20)

typedef struct Peer {
    struct MHD_Response *big; /* shared by every GET /big */
} Peer;

static enum MHD_Result answer_json(struct MHD_Connection *conn,
                                   unsigned status, json_t *obj)
{
    struct MHD_Response *r;
    enum MHD_Result ret;
    char *text;

    if (!obj) {
        return MHD_NO;
    }
    text = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (!text) {
        return MHD_NO;
    }
    /* jansson allocates with malloc (its default), which MUST_FREE frees. */
    r = MHD_create_response_from_buffer(strlen(text), text,
                                        MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                "application/json") != MHD_YES) {
        MHD_destroy_response(r);
        return MHD_NO;
    }
    ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* The body of GET /small: the fields of an `ld` answer (rest.md) plus the
 * address space and endianness, 99 bytes compact. */
static json_t *small_body(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
                     "as", "memory", "addr", "0x0000000080000000",
                     "size", "0x4", "endian", "le", "value", "0x00000297",
                     "result", "ok");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **req)
{
    Peer *peer = cls;

    static int first_call_marker;

    (void)version;
    (void)upload;
    (void)upload_size;
    if (*req == NULL) {
        *req = &first_call_marker;
        return MHD_YES;
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0) {
        return answer_json(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                           json_pack("{s:s}", "error", "method"));
    }
    if (strcmp(url, "/small") == 0) {
        return answer_json(conn, MHD_HTTP_OK, small_body());
    }
    if (strcmp(url, "/big") == 0) {
        return MHD_queue_response(conn, MHD_HTTP_OK, peer->big);
    }
    return answer_json(conn, MHD_HTTP_NOT_FOUND,
                       json_pack("{s:s}", "error", "no such path"));
}

int main(int argc, char **argv)
{
    static unsigned char big[BIG_BYTES];
    unsigned threads = 4;
    struct sockaddr_in addr;
    const union MHD_DaemonInfo *info;
    struct MHD_Daemon *d;
    Peer peer;
    sigset_t stop;
    json_t *obj;
    char *small;
    int sig;

    if (argc > 2 || (argc == 2 && (sscanf(argv[1], "%u", &threads) != 1 ||
                                   threads == 0 || threads > 64))) {
        fprintf(stderr, "usage: http_peer [THREADS (1-64, default 4)]\n");
        return 2;
    }
    /* A pattern rather than zeros, so that nothing on the way can take a
     * shortcut for empty pages. */
    for (size_t i = 0; i < BIG_BYTES; i++) {
        big[i] = (unsigned char)(i * 131u >> 3);
    }
    peer.big = MHD_create_response_from_buffer(BIG_BYTES, big,
                                               MHD_RESPMEM_PERSISTENT);
    if (!peer.big ||
        MHD_add_response_header(peer.big, MHD_HTTP_HEADER_CONTENT_TYPE,
                                "application/octet-stream") != MHD_YES) {
        fprintf(stderr, "http_peer: cannot make the 1 MiB response\n");
        return 1;
    }

    /* Block the stop signals before MHD starts its threads, so they inherit
     * the mask and sigwait below is the only place they arrive. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD,
                         0, NULL, NULL, handle, &peer,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                         MHD_OPTION_THREAD_POOL_SIZE, threads,
                         MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "http_peer: MHD_start_daemon failed\n");
        MHD_destroy_response(peer.big);
        return 1;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    obj = small_body();
    small = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    printf("http_peer: listening on 127.0.0.1:%u (libmicrohttpd %s, epoll "
           "internal thread, pool of %u threads; /small %zu bytes of JSON, "
           "/big %u bytes)\n", info ? info->port : 0u, MHD_get_version(),
           threads, small ? strlen(small) : 0, BIG_BYTES);
    fflush(stdout);
    free(small);

    while (sigwait(&stop, &sig) != 0) {
        continue;
    }
    MHD_stop_daemon(d);
    MHD_destroy_response(peer.big);
    return 0;
}
