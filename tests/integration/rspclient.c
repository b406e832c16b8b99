/*
 * tests/integration/rspclient.c — speak raw GDB remote protocol to a
 * stub, for the malformed-input tests (test_gdb_raw.sh).
 *
 * Usage: rspclient HOST:PORT STEP...
 *   Each STEP is "N:BYTES": send BYTES, then wait for N events and print
 *   each on its own line: "+" (ack), "-" (nak), or "$DATA" for a packet
 *   with a good checksum ("BADSUM DATA" for a bad one), run-length
 *   encoding expanded as gdb expands it.  BYTES may use
 *   \xHH, \n and \\ escapes, and these forms:
 *     @p:DATA      the packet $DATA#CS with the right checksum
 *     @big:CMD:N   a packet CMD followed by N '0' digits (oversize tests)
 *   A step that expects 0 events sends and goes on at once.
 * Each wait gives up after 10 s ("TIMEOUT", exit 1); end of stream
 * prints "EOF" (exit 1 if events were still expected).  Non-printable
 * packet bytes are printed as \xHH.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fd = -1;
static unsigned char rbuf[1 << 20];
static size_t rlen, rpos;

static int connect_to(const char *addr)
{
    char host[256];
    const char *colon = strrchr(addr, ':');
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
    int s = -1;

    if (!colon || (size_t)(colon - addr) >= sizeof(host)) {
        return -1;
    }
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = '\0';
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0) {
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s >= 0 && connect(s, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        if (s >= 0) {
            close(s);
        }
        s = -1;
    }
    freeaddrinfo(res);
    return s;
}

static void send_all(const void *buf, size_t len)
{
    const char *p = buf;

    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("rspclient: send");
            exit(1);
        }
        p += n;
        len -= (size_t)n;
    }
}

static void send_packet(const char *data, size_t len)
{
    unsigned sum = 0;
    char tail[4];

    for (size_t i = 0; i < len; i++) {
        sum += (unsigned char)data[i];
    }
    send_all("$", 1);
    send_all(data, len);
    snprintf(tail, sizeof(tail), "#%02x", sum & 0xff);
    send_all(tail, 3);
}

/* The next byte, or -1 at end of stream, -2 on timeout. */
static int next_byte(void)
{
    if (rpos == rlen) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (poll(&pfd, 1, 10000) <= 0) {
            return -2;
        }
        n = recv(fd, rbuf, sizeof(rbuf), 0);
        if (n <= 0) {
            return -1;
        }
        rlen = (size_t)n;
        rpos = 0;
    }
    return rbuf[rpos++];
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Read and print one event; 0, or 1 when the stream ended or timed out. */
static int one_event(void)
{
    int c;

    do {
        c = next_byte();
    } while (c >= 0 && c != '+' && c != '-' && c != '$');
    if (c == -2) {
        puts("TIMEOUT");
        return 1;
    }
    if (c < 0) {
        puts("EOF");
        return 1;
    }
    if (c != '$') {
        printf("%c\n", c);
        return 0;
    }
    {
        static char data[1 << 20];
        size_t n = 0;
        unsigned sum = 0;
        int h, l, prev = -1;

        while ((c = next_byte()) >= 0 && c != '#') {
            sum += (unsigned)c;
            if (c == '*' && prev >= 0) {
                int count = next_byte();

                if (count < 0) {
                    break;
                }
                sum += (unsigned)count;
                for (int k = 0; k < count - 29 && n + 5 < sizeof(data); k++) {
                    data[n++] = (char)prev;
                }
                continue;
            }
            prev = (c >= 0x20 && c < 0x7f && c != '\\') ? c : -1;
            if (n + 5 < sizeof(data)) {
                if (c >= 0x20 && c < 0x7f && c != '\\') {
                    data[n++] = (char)c;
                } else {
                    n += (size_t)snprintf(data + n, 5, "\\x%02x", c);
                }
            }
        }
        h = c == '#' ? hexval(next_byte()) : -1;
        l = h >= 0 ? hexval(next_byte()) : -1;
        data[n] = '\0';
        if (l < 0 || (unsigned)(h << 4 | l) != (sum & 0xff)) {
            printf("BADSUM %s\n", data);
        } else {
            printf("$%s\n", data);
        }
    }
    return 0;
}

/* Decode the escapes of a step's BYTES into buf; returns the length. */
static size_t unescape(const char *s, char *buf)
{
    size_t n = 0;

    while (*s) {
        if (s[0] == '\\' && s[1] == 'x' && hexval(s[2]) >= 0 &&
            hexval(s[3]) >= 0) {
            buf[n++] = (char)(hexval(s[2]) << 4 | hexval(s[3]));
            s += 4;
        } else if (s[0] == '\\' && s[1] == 'n') {
            buf[n++] = '\n';
            s += 2;
        } else if (s[0] == '\\' && s[1] == '\\') {
            buf[n++] = '\\';
            s += 2;
        } else {
            buf[n++] = *s++;
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: rspclient HOST:PORT N:BYTES...\n");
        return 2;
    }
    fd = connect_to(argv[1]);
    if (fd < 0) {
        fprintf(stderr, "rspclient: cannot connect to %s\n", argv[1]);
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        char *colon = strchr(argv[i], ':');
        long want = strtol(argv[i], NULL, 10);
        const char *what = colon ? colon + 1 : "";
        char *buf = malloc(strlen(what) + 1);
        size_t len;

        if (!buf) {
            return 1;
        }
        len = unescape(what, buf);
        if (!strncmp(buf, "@p:", 3)) {
            send_packet(buf + 3, len - 3);
        } else if (!strncmp(buf, "@big:", 5)) {
            char *c2 = strchr(buf + 5, ':');
            size_t cl = c2 ? (size_t)(c2 - buf - 5) : 0;
            size_t zeros = c2 ? strtoul(c2 + 1, NULL, 10) : 0;
            char *big = malloc(cl + zeros);

            if (!big) {
                return 1;
            }
            memcpy(big, buf + 5, cl);
            memset(big + cl, '0', zeros);
            send_packet(big, cl + zeros);
            free(big);
        } else {
            send_all(buf, len);
        }
        free(buf);
        for (long k = 0; k < want; k++) {
            if (one_event()) {
                fflush(stdout);
                return 1;
            }
        }
        fflush(stdout);
    }
    close(fd);
    return 0;
}
