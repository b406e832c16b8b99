/*
 * tests/bench/http_get.h — one HTTP GET, for bench_http's checks that
 * both servers answer what they should before they are timed.
 *
 * The request is HTTP/1.0 (one request, then the server closes), so the
 * body is everything after the headers, never chunked.
 */
#ifndef HTTP_GET_H
#define HTTP_GET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct HttpAnswer {
    int status;    /* 200, 404, ... */
    char *head;    /* the status line and headers, NUL-terminated */
    char *body;    /* NUL-terminated too (the NUL is not counted in len) */
    size_t len;
} HttpAnswer;

/* GET @path from 127.0.0.1:@port with "Host: 127.0.0.1:PORT"; at most
 * @timeout_s for the whole exchange.  False, with a message on stderr,
 * when the connection fails, times out or the answer is not HTTP. */
bool http_get(int port, const char *path, double timeout_s, HttpAnswer *a);
void http_answer_free(HttpAnswer *a);

#endif
