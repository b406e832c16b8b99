/*
 * server/listen.h — where a front-end listens: parsing "tcp:HOST:PORT",
 * "unix:PATH", "HOST:PORT", and opening the listening socket.
 */
#ifndef SERVER_LISTEN_H
#define SERVER_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

typedef enum ListenKind {
    LISTEN_NONE,
    LISTEN_STDIO,
    LISTEN_TCP,
    LISTEN_UNIX,
} ListenKind;

typedef struct ListenAddr {
    ListenKind kind;
    char host[256];   /* numeric or name; brackets of [v6] removed */
    char port[8];
    char path[108];   /* sun_path */
} ListenAddr;

/*
 * listen_parse: parse @spec into @a.  @allow lists the accepted forms as
 * a set of (1 << ListenKind); @bare_tcp accepts "HOST:PORT" without the
 * "tcp:" prefix (--http).  An empty HOST means 127.0.0.1.  Returns false
 * with a message (static or in @msg, @msglen bytes) when @spec is bad.
 */
bool listen_parse(const char *spec, unsigned allow, bool bare_tcp,
                  ListenAddr *a, char *msg, size_t msglen);

/* listen_is_loopback: whether a TCP address only accepts local clients
 * (unix sockets count as local). */
bool listen_is_loopback(const ListenAddr *a);

/*
 * listen_open: create, bind and listen with a backlog of 4096 (capped by
 * net.core.somaxconn); a stale unix socket file at PATH is replaced, and
 * the new one is made owner-only (0600) before it accepts anyone.  Returns the descriptor (close-on-exec) and writes what
 * it bound to @shown ("127.0.0.1:40231", "[::1]:5000", "unix:PATH"), or
 * -1 with a message in @msg.
 */
int listen_open(const ListenAddr *a, char *shown, size_t shownlen,
                char *msg, size_t msglen);

#endif /* SERVER_LISTEN_H */
