/*
 * server/listen.c — listening addresses of the front-ends (see listen.h).
 */
#include "listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static bool bad(char *msg, size_t msglen, const char *fmt, const char *spec)
{
    snprintf(msg, msglen, fmt, spec);
    return false;
}

static bool parse_host_port(const char *hp, ListenAddr *a, char *msg,
                            size_t msglen, const char *spec)
{
    const char *colon = strrchr(hp, ':');
    size_t hostlen;
    char *end;
    long port;

    if (!colon) {
        return bad(msg, msglen, "\"%s\": expected HOST:PORT", spec);
    }
    hostlen = (size_t)(colon - hp);
    if (hostlen >= 2 && hp[0] == '[' && hp[hostlen - 1] == ']') {
        hp++;
        hostlen -= 2;
    }
    if (hostlen >= sizeof(a->host)) {
        return bad(msg, msglen, "\"%s\": host name too long", spec);
    }
    if (hostlen == 0) {
        strcpy(a->host, "127.0.0.1");
    } else {
        memcpy(a->host, hp, hostlen);
        a->host[hostlen] = '\0';
    }
    errno = 0;
    port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || errno || port < 0 || port > 65535) {
        return bad(msg, msglen, "\"%s\": the port must be a number from 0 "
                   "to 65535 (0 picks a free one)", spec);
    }
    snprintf(a->port, sizeof(a->port), "%ld", port);
    a->kind = LISTEN_TCP;
    return true;
}

bool listen_parse(const char *spec, unsigned allow, bool bare_tcp,
                  ListenAddr *a, char *msg, size_t msglen)
{
    memset(a, 0, sizeof(*a));
    if (strcmp(spec, "none") == 0 && (allow & (1u << LISTEN_NONE))) {
        a->kind = LISTEN_NONE;
        return true;
    }
    if (strcmp(spec, "stdio") == 0 && (allow & (1u << LISTEN_STDIO))) {
        a->kind = LISTEN_STDIO;
        return true;
    }
    if (strncmp(spec, "tcp:", 4) == 0 && (allow & (1u << LISTEN_TCP))) {
        return parse_host_port(spec + 4, a, msg, msglen, spec);
    }
    if (strncmp(spec, "unix:", 5) == 0 && (allow & (1u << LISTEN_UNIX))) {
        if (!spec[5]) {
            return bad(msg, msglen, "\"%s\": expected unix:PATH", spec);
        }
        if (strlen(spec + 5) >= sizeof(a->path)) {
            return bad(msg, msglen, "\"%s\": the socket path is too long",
                       spec);
        }
        strcpy(a->path, spec + 5);
        a->kind = LISTEN_UNIX;
        return true;
    }
    if (bare_tcp && (allow & (1u << LISTEN_TCP)) && strchr(spec, ':')) {
        return parse_host_port(spec, a, msg, msglen, spec);
    }
    return bad(msg, msglen, "\"%s\" is not a valid address here", spec);
}

bool listen_is_loopback(const ListenAddr *a)
{
    struct in_addr v4;
    struct in6_addr v6;

    if (a->kind != LISTEN_TCP) {
        return true;
    }
    if (strcmp(a->host, "localhost") == 0) {
        return true;
    }
    if (inet_pton(AF_INET, a->host, &v4) == 1) {
        return (ntohl(v4.s_addr) >> 24) == 127;
    }
    if (inet_pton(AF_INET6, a->host, &v6) == 1) {
        return IN6_IS_ADDR_LOOPBACK(&v6);
    }
    return false;
}

static int open_unix(const ListenAddr *a, char *shown, size_t shownlen,
                     char *msg, size_t msglen)
{
    struct sockaddr_un sun;
    struct stat st;
    int fd;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    strcpy(sun.sun_path, a->path);
    /* A socket file left by an earlier run would make bind fail; anything
     * that is not a socket is left alone. */
    if (lstat(a->path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        unlink(a->path);
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
        listen(fd, SOMAXCONN) != 0) {
        snprintf(msg, msglen, "cannot listen on unix:%s: %s", a->path,
                 strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    snprintf(shown, shownlen, "unix:%s", a->path);
    return fd;
}

static int open_tcp(const ListenAddr *a, char *shown, size_t shownlen,
                    char *msg, size_t msglen)
{
    struct addrinfo hints, *res = NULL, *ai;
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof(ss);
    char host[NI_MAXHOST], port[NI_MAXSERV];
    int fd = -1, rc, err = 0, one = 1;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(a->host, a->port, &hints, &res);
    if (rc != 0) {
        snprintf(msg, msglen, "cannot listen on %s:%s: %s", a->host, a->port,
                 gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
            listen(fd, SOMAXCONN) == 0) {
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(msg, msglen, "cannot listen on %s:%s: %s", a->host, a->port,
                 strerror(err));
        return -1;
    }
    if (getsockname(fd, (struct sockaddr *)&ss, &sslen) != 0 ||
        getnameinfo((struct sockaddr *)&ss, sslen, host, sizeof(host), port,
                    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(shown, shownlen, "%s:%s", a->host, a->port);
    } else if (ss.ss_family == AF_INET6) {
        snprintf(shown, shownlen, "[%s]:%s", host, port);
    } else {
        snprintf(shown, shownlen, "%s:%s", host, port);
    }
    return fd;
}

int listen_open(const ListenAddr *a, char *shown, size_t shownlen,
                char *msg, size_t msglen)
{
    if (a->kind == LISTEN_UNIX) {
        return open_unix(a, shown, shownlen, msg, msglen);
    }
    if (a->kind == LISTEN_TCP) {
        return open_tcp(a, shown, shownlen, msg, msglen);
    }
    snprintf(msg, msglen, "nothing to listen on");
    return -1;
}
