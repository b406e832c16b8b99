/*
 * tests/integration/monclient.c — a tiny monitor client for the tests.
 *
 *   monclient [-b] [-n N] ADDR [K:]CMD...
 *
 * ADDR is HOST:PORT or unix:PATH.  All N connections (default 1) are
 * opened and greeted before the first command, so N clients are
 * connected at once; each greeting must be one line ending like QEMU's
 * banner, and -b prints the first one.  Each CMD goes to connection K (default 0): the
 * line is sent, the answer is read up to the next prompt and printed.
 * "K:close" closes connection K; "K:wait" waits until the server closes
 * it; "echo:TEXT" prints TEXT and a newline at once (so a test knows
 * every connection is up).  Exit status 0, or
 * 1 on a connection problem, a missing banner or a 20 s silence.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define PROMPT "(memcored) "
/* Every greeting is one line ending like QEMU's monitor banner. */
#define BANNER_END " - type 'help' for more information\n"
#define MAX_CONN 8
#define TIMEOUT_MS 20000

static int connect_to(const char *addr)
{
    int fd;

    if (strncmp(addr, "unix:", 5) == 0) {
        struct sockaddr_un sun = { .sun_family = AF_UNIX };

        snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", addr + 5);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
            return fd;
        }
    } else {
        char host[256];
        const char *colon = strrchr(addr, ':');
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;

        if (!colon || (size_t)(colon - addr) >= sizeof(host)) {
            return -1;
        }
        memcpy(host, addr, (size_t)(colon - addr));
        host[colon - addr] = '\0';
        if (getaddrinfo(host, colon + 1, &hints, &res) != 0) {
            return -1;
        }
        fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
        if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
        freeaddrinfo(res);
        if (fd >= 0) {
            return fd;
        }
    }
    perror(addr);
    return -1;
}

/* Read until the text ends with the prompt (returned without it), or
 * until end of file (*eof set).  NULL on timeout or error. */
static char *read_answer(int fd, bool *eof)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    size_t plen = strlen(PROMPT);

    *eof = false;
    if (!buf) {
        return NULL;
    }
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (len >= plen && memcmp(buf + len - plen, PROMPT, plen) == 0) {
            buf[len - plen] = '\0';
            return buf;
        }
        if (poll(&p, 1, TIMEOUT_MS) <= 0) {
            fprintf(stderr, "monclient: no answer within %d ms\n", TIMEOUT_MS);
            free(buf);
            return NULL;
        }
        if (len + 1024 > cap) {
            char *nb = realloc(buf, cap *= 2);

            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
        }
        n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            *eof = true;
            buf[len] = '\0';
            return buf;
        }
        len += (size_t)n;
    }
}

static int write_all(int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t n = write(fd, s, len);

        if (n <= 0) {
            return -1;
        }
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int nconn = 1, fds[MAX_CONN], argi = 1;
    bool show_banner = false;
    bool ended[MAX_CONN] = { false };   /* the server closed it */
    const char *addr;

    if (argc > argi && strcmp(argv[argi], "-b") == 0) {
        show_banner = true; /* print the first connection's greeting */
        argi++;
    }
    if (argc > argi + 1 && strcmp(argv[argi], "-n") == 0) {
        nconn = atoi(argv[argi + 1]);
        argi += 2;
    }
    if (nconn < 1 || nconn > MAX_CONN || argi >= argc) {
        fprintf(stderr, "usage: monclient [-b] [-n N] ADDR [K:]CMD...\n");
        return 2;
    }
    addr = argv[argi++];
    for (int i = 0; i < nconn; i++) {
        bool eof;
        char *greeting;

        fds[i] = connect_to(addr);
        if (fds[i] < 0) {
            return 1;
        }
        greeting = read_answer(fds[i], &eof);
        if (!greeting || eof || strlen(greeting) < strlen(BANNER_END) ||
            strchr(greeting, '\n') != greeting + strlen(greeting) - 1 ||
            strcmp(greeting + strlen(greeting) - strlen(BANNER_END),
                   BANNER_END) != 0) {
            fprintf(stderr, "monclient: connection %d: bad greeting\n", i);
            free(greeting);
            return 1;
        }
        if (show_banner && i == 0) {
            fputs(greeting, stdout);
        }
        free(greeting);
    }
    for (; argi < argc; argi++) {
        const char *cmd = argv[argi];
        int k = 0;
        bool eof;
        char *answer, *line;

        if (strncmp(cmd, "echo:", 5) == 0) {
            printf("%s\n", cmd + 5);
            fflush(stdout);
            continue;
        }
        if (cmd[0] >= '0' && cmd[0] <= '9' && cmd[1] == ':') {
            k = cmd[0] - '0';
            cmd += 2;
        }
        if (k < nconn && ended[k] && strcmp(cmd, "wait") == 0) {
            continue;   /* it already ended, maybe right after an answer */
        }
        if (k >= nconn || fds[k] < 0) {
            fprintf(stderr, "monclient: no connection %d\n", k);
            return 2;
        }
        if (strcmp(cmd, "wait") == 0) {
            answer = read_answer(fds[k], &eof);
            if (!answer || !eof) {
                fprintf(stderr, "monclient: connection %d stayed open\n", k);
                return 1;
            }
            free(answer);
            close(fds[k]);
            fds[k] = -1;
            continue;
        }
        if (strcmp(cmd, "close") == 0) {
            close(fds[k]);
            fds[k] = -1;
            continue;
        }
        if (asprintf(&line, "%s\n", cmd) < 0 ||
            write_all(fds[k], line, strlen(line)) != 0) {
            fprintf(stderr, "monclient: cannot send \"%s\"\n", cmd);
            return 1;
        }
        free(line);
        answer = read_answer(fds[k], &eof);
        if (!answer) {
            return 1;
        }
        fputs(answer, stdout);
        free(answer);
        if (eof) {
            close(fds[k]);
            fds[k] = -1;
            ended[k] = true;
        }
    }
    fflush(stdout);
    return 0;
}
