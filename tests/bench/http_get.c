/*
 * tests/bench/http_get.c — one HTTP/1.0 GET (see http_get.h).
 */
#include "http_get.h"

#include "bench_child.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int ms_left(double deadline)
{
    double left = deadline - bench_now_s();

    return left <= 0 ? 0 : (int)(left * 1000.0) + 1;
}

/* Send all of @req, then read until EOF into a growing buffer. */
static bool exchange(int fd, const char *req, double deadline, char **out,
                     size_t *out_len)
{
    size_t sent = 0, len = strlen(req), have = 0, cap = 64 << 10;
    char *buf = malloc(cap);

    if (!buf) {
        fprintf(stderr, "bench_http: out of memory\n");
        return false;
    }
    while (sent < len) {
        ssize_t n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);

        if (n < 0 && errno != EINTR) {
            perror("bench_http: send");
            free(buf);
            return false;
        }
        sent += n > 0 ? (size_t)n : 0;
    }
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        ssize_t n;

        if (have + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);

            if (!bigger) {
                fprintf(stderr, "bench_http: out of memory\n");
                free(buf);
                return false;
            }
            buf = bigger;
            cap *= 2;
        }
        if (poll(&p, 1, ms_left(deadline)) <= 0) {
            fprintf(stderr, "bench_http: no complete answer in time\n");
            free(buf);
            return false;
        }
        n = recv(fd, buf + have, cap - 1 - have, 0);
        if (n == 0) {
            break;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("bench_http: recv");
            free(buf);
            return false;
        }
        have += (size_t)n;
    }
    buf[have] = '\0';
    *out = buf;
    *out_len = have;
    return true;
}

bool http_get(int port, const char *path, double timeout_s, HttpAnswer *a)
{
    double deadline = bench_now_s() + timeout_s;
    struct sockaddr_in sa;
    char req[1024], *raw, *end;
    size_t len;
    int fd;
    bool ok;

    memset(a, 0, sizeof(*a));
    snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n"
             "\r\n", path, port);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("bench_http: socket");
        return false;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fprintf(stderr, "bench_http: connect to 127.0.0.1:%d: %s\n", port,
                strerror(errno));
        close(fd);
        return false;
    }
    ok = exchange(fd, req, deadline, &raw, &len);
    close(fd);
    if (!ok) {
        return false;
    }
    end = strstr(raw, "\r\n\r\n");
    if (!end || sscanf(raw, "HTTP/1.%*d %d", &a->status) != 1) {
        fprintf(stderr, "bench_http: GET %s: not an HTTP answer: %.80s\n",
                path, raw);
        free(raw);
        return false;
    }
    a->len = len - (size_t)(end + 4 - raw);
    a->body = malloc(a->len + 1);
    if (!a->body) {
        fprintf(stderr, "bench_http: out of memory\n");
        free(raw);
        return false;
    }
    memcpy(a->body, end + 4, a->len + 1);
    end[2] = '\0';
    a->head = raw;
    return true;
}

void http_answer_free(HttpAnswer *a)
{
    free(a->head);
    free(a->body);
    a->head = a->body = NULL;
}
