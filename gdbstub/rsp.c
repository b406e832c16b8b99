/*
 * gdbstub/rsp.c — the Remote Serial Protocol codec (see rsp.h).
 *
 * The parser is a four-state machine: between packets, inside DATA, and
 * at the first and second checksum digit.  DATA is kept raw (the
 * checksum covers the bytes as sent); once the checksum has been checked
 * the run-length encoding is expanded into a second buffer.  Both
 * buffers have a fixed capacity: a longer packet is still read to its
 * end (so the stream stays in step) but reported as RSP_EV_OVERSIZE.
 */
#include <gdbstub/rsp.h>

#include <stdlib.h>
#include <string.h>

enum { ST_IDLE, ST_DATA, ST_CS1, ST_CS2 };

bool rsp_parser_init(RspParser *p, size_t max)
{
    memset(p, 0, sizeof(*p));
    p->raw = malloc(max);
    p->out = malloc(max + 1);
    if (!p->raw || !p->out) {
        rsp_parser_destroy(p);
        return false;
    }
    p->raw_cap = max;
    p->out_cap = max;
    return true;
}

void rsp_parser_destroy(RspParser *p)
{
    free(p->raw);
    free(p->out);
    p->raw = NULL;
    p->out = NULL;
}

void rsp_parser_reset(RspParser *p)
{
    p->state = ST_IDLE;
    p->raw_len = 0;
    p->sum = 0;
    p->overflow = false;
}

static void start_packet(RspParser *p)
{
    p->state = ST_DATA;
    p->raw_len = 0;
    p->sum = 0;
    p->overflow = false;
}

/* The packet is complete and its checksum digits are in p->cs. */
static void finish_packet(RspParser *p, RspEvent *ev)
{
    long n;

    p->state = ST_IDLE;
    if (p->cs != p->sum) {
        ev->kind = RSP_EV_BAD_CHECKSUM;
        return;
    }
    if (p->overflow) {
        ev->kind = RSP_EV_OVERSIZE;
        return;
    }
    if (memchr(p->raw, '*', p->raw_len)) {
        n = rsp_rle_expand(p->raw, p->raw_len, (uint8_t *)p->out,
                           p->out_cap);
        if (n < 0) {
            ev->kind = RSP_EV_OVERSIZE;
            return;
        }
    } else {
        memcpy(p->out, p->raw, p->raw_len);
        n = (long)p->raw_len;
    }
    p->out[n] = '\0';
    ev->kind = RSP_EV_PACKET;
    ev->data = p->out;
    ev->len = (size_t)n;
}

size_t rsp_parser_feed(RspParser *p, const uint8_t *buf, size_t len,
                       RspEvent *ev)
{
    size_t i = 0;

    ev->kind = RSP_EV_NONE;
    ev->data = NULL;
    ev->len = 0;
    while (i < len) {
        uint8_t c = buf[i++];
        int v;

        switch (p->state) {
        case ST_IDLE:
            if (c == '$') {
                start_packet(p);
            } else if (c == '+') {
                ev->kind = RSP_EV_ACK;
                return i;
            } else if (c == '-') {
                ev->kind = RSP_EV_NAK;
                return i;
            } else if (c == 0x03) {
                ev->kind = RSP_EV_INTERRUPT;
                return i;
            }
            break;
        case ST_DATA:
            if (c == '#') {
                p->state = ST_CS1;
            } else if (c == '$') {
                /* gdb gave up on the packet and started another. */
                start_packet(p);
            } else {
                p->sum += c;
                if (p->raw_len < p->raw_cap) {
                    p->raw[p->raw_len++] = c;
                } else {
                    p->overflow = true;
                }
            }
            break;
        case ST_CS1:
        case ST_CS2:
            v = rsp_hexval(c);
            if (v < 0) {
                /* Not a checksum digit: a broken packet.  A '$' may be
                 * the start of the next one. */
                p->state = ST_IDLE;
                ev->kind = RSP_EV_BAD_CHECKSUM;
                if (c == '$') {
                    start_packet(p);
                }
                return i;
            }
            if (p->state == ST_CS1) {
                p->cs = (uint8_t)(v << 4);
                p->state = ST_CS2;
            } else {
                p->cs |= (uint8_t)v;
                finish_packet(p, ev);
                return i;
            }
            break;
        }
    }
    return i;
}

long rsp_rle_expand(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    size_t o = 0;
    size_t unit = 0;  /* length of the last unit (1, or 2 for "}X") */

    for (size_t i = 0; i < len; i++) {
        uint8_t c = in[i];

        if (c == '*') {
            unsigned n;

            if (unit == 0 || i + 1 >= len) {
                return -1;
            }
            c = in[++i];
            if (c < 32 || c > 126) {
                return -1;
            }
            n = (unsigned)c - 29;
            if ((size_t)n * unit > cap - o) {
                return -1;
            }
            for (unsigned k = 0; k < n; k++) {
                memcpy(out + o, out + o - unit, unit);
                o += unit;
            }
            continue;
        }
        if (c == '}' && i + 1 < len) {
            if (cap - o < 2) {
                return -1;
            }
            out[o++] = c;
            out[o++] = in[++i];
            unit = 2;
            continue;
        }
        if (o >= cap) {
            return -1;
        }
        out[o++] = c;
        unit = 1;
    }
    return (long)o;
}

long rsp_unescape(uint8_t *buf, size_t len)
{
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '}') {
            if (++i >= len) {
                return -1;
            }
            buf[o++] = buf[i] ^ 0x20;
        } else {
            buf[o++] = buf[i];
        }
    }
    return (long)o;
}

size_t rsp_escape(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                  size_t *consumed)
{
    size_t i, o = 0;

    for (i = 0; i < len; i++) {
        uint8_t c = in[i];

        if (rsp_escape_needed(c)) {
            if (cap - o < 2) {
                break;
            }
            out[o++] = '}';
            out[o++] = c ^ 0x20;
        } else {
            if (o >= cap) {
                break;
            }
            out[o++] = c;
        }
    }
    *consumed = i;
    return o;
}

typedef struct RleState {
    char *o;
    char run;     /* the digit being repeated */
    size_t len;   /* how many of it are pending */
} RleState;

static void rle_flush(RleState *r)
{
    size_t more;

    if (!r->len) {
        return;
    }
    more = r->len - 1;
    *r->o++ = r->run;
    while (more >= 3) {
        size_t k = more > 95 ? 95 : more;

        if (k == 6 || k == 7) {
            k = 5;
        } else if (k == 13) {
            k = 12;
        }
        *r->o++ = '*';
        *r->o++ = (char)(k + 29);
        more -= k;
    }
    while (more--) {
        *r->o++ = r->run;
    }
    r->len = 0;
}

static inline void rle_add(RleState *r, char c, size_t count)
{
    if (r->len && r->run != c) {
        rle_flush(r);
    }
    r->run = c;
    r->len += count;
}

size_t rsp_hex_rle_encode(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    RleState r = { .o = out };
    size_t i = 0;

    while (i < n) {
        uint8_t b = p[i];

        if ((b >> 4) == (b & 15)) {
            /* a run of this byte is a run of one digit: find its end a
             * word at a time (zeroed RAM is the common case) */
            uint64_t pat = b * 0x0101010101010101ull, w;
            size_t j = i + 1;

            while (j + 8 <= n && (memcpy(&w, p + j, 8), w == pat)) {
                j += 8;
            }
            while (j < n && p[j] == b) {
                j++;
            }
            rle_add(&r, digits[b & 15], 2 * (j - i));
            i = j;
        } else {
            rle_add(&r, digits[b >> 4], 1);
            rle_add(&r, digits[b & 15], 1);
            i++;
        }
    }
    rle_flush(&r);
    return (size_t)(r.o - out);
}

uint8_t rsp_checksum(const void *data, size_t len)
{
    const uint8_t *p = data;
    unsigned sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum += p[i];
    }
    return (uint8_t)sum;
}

int rsp_hexval(int c)
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

static const char hexdigits[] = "0123456789abcdef";

void rsp_hex_encode(const uint8_t *in, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hexdigits[in[i] >> 4];
        out[2 * i + 1] = hexdigits[in[i] & 15];
    }
}

bool rsp_hex_decode(const char *in, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int hi = rsp_hexval((unsigned char)in[2 * i]);
        int lo = hi < 0 ? -1 : rsp_hexval((unsigned char)in[2 * i + 1]);

        if (lo < 0) {
            return false;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool rsp_parse_hex(const char **s, uint64_t *v)
{
    const char *p = *s;
    uint64_t x = 0;
    int d, n = 0;

    while ((d = rsp_hexval((unsigned char)*p)) >= 0) {
        if (x >> 60) {
            return false;
        }
        x = x << 4 | (uint64_t)d;
        p++;
        n++;
    }
    if (n == 0) {
        return false;
    }
    *s = p;
    *v = x;
    return true;
}

size_t rsp_frame(const void *data, size_t len, char *out, size_t cap)
{
    uint8_t cs;

    if (cap < 4 || len > cap - 4) {
        return 0;
    }
    cs = rsp_checksum(data, len);
    out[0] = '$';
    memcpy(out + 1, data, len);
    out[len + 1] = '#';
    out[len + 2] = hexdigits[cs >> 4];
    out[len + 3] = hexdigits[cs & 15];
    return len + 4;
}
