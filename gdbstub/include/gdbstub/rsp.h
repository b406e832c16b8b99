/*
 * gdbstub/rsp.h — the GDB Remote Serial Protocol codec: packet framing,
 * checksums, acknowledgements, run-length and binary escapes, hex.
 *
 * No I/O and no threads here: the parser is fed whatever bytes arrived
 * (any chunking, one byte at a time or a megabyte) and hands back one
 * event at a time; the encoders write into caller buffers that say how
 * big they are.  Nothing here ever writes past a buffer, whatever the
 * input.
 *
 * Wire format (GDB manual, "Overview" of the remote protocol):
 *   $DATA#CS   a packet; CS is the sum of DATA's bytes modulo 256 in two
 *              hex digits.  The receiver answers '+' (good) or '-' (bad
 *              checksum, please resend) until no-ack mode is on.
 *   0x03       outside a packet: an interrupt request (Ctrl-C).
 *   }X         inside binary data: the byte X ^ 0x20 (escapes # $ } *).
 *   C*N        run-length encoding: C repeated (N - 29) more times.
 */
#ifndef GDBSTUB_RSP_H
#define GDBSTUB_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The largest packet DATA the stub accepts and sends (PacketSize in
 * qSupported).  gdb then sends m/M/X for up to about half (hex) or all
 * (binary) of it per round trip. */
#define RSP_PACKET_SIZE 0x40000

typedef enum RspEventKind {
    RSP_EV_NONE,       /* the input ran out inside (or between) events */
    RSP_EV_PACKET,     /* a packet with a good checksum: data/len */
    RSP_EV_BAD_CHECKSUM, /* a complete packet whose checksum is wrong */
    RSP_EV_OVERSIZE,   /* a complete packet longer than the buffer (its
                        * checksum was good); its data is dropped */
    RSP_EV_ACK,        /* '+' */
    RSP_EV_NAK,        /* '-' */
    RSP_EV_INTERRUPT,  /* 0x03 between packets */
} RspEventKind;

typedef struct RspEvent {
    RspEventKind kind;
    /* RSP_EV_PACKET: the packet's DATA with run-length encoding expanded
     * (binary escapes are left in: only X and qSearch:memory carry them),
     * NUL-terminated for convenience; valid until the next feed. */
    char *data;
    size_t len;
} RspEvent;

typedef struct RspParser {
    int state;
    uint8_t sum;         /* running checksum of the raw DATA */
    uint8_t cs;          /* checksum digits received */
    bool overflow;       /* DATA outgrew raw[] */
    size_t raw_len;      /* raw DATA bytes kept */
    size_t raw_cap;
    uint8_t *raw;        /* raw DATA (escapes and RLE as sent) */
    size_t out_cap;
    char *out;           /* DATA with RLE expanded, NUL-terminated */
} RspParser;

/* rsp_parser_init: a parser accepting DATA of up to @max bytes (before
 * and after run-length expansion).  false when out of memory. */
bool rsp_parser_init(RspParser *p, size_t max);
void rsp_parser_destroy(RspParser *p);
/* rsp_parser_reset: forget a packet in progress. */
void rsp_parser_reset(RspParser *p);

/*
 * rsp_parser_feed: consume bytes of @buf (@len of them) up to and
 * including the one that completes an event, which goes to *@ev
 * (RSP_EV_NONE when all @len bytes were consumed without completing
 * one).  Returns how many bytes were consumed; call again with the rest.
 * Bytes between packets other than '$', '+', '-' and 0x03 are ignored
 * (line noise); a '$' inside a packet starts the packet again.
 */
size_t rsp_parser_feed(RspParser *p, const uint8_t *buf, size_t len,
                       RspEvent *ev);

/*
 * rsp_rle_expand: expand run-length encoding of @in into @out (room for
 * @cap bytes).  '*' repeats the previous byte (or the previous escape
 * pair "}X") N - 29 times, N being the byte after '*' (32..126 are
 * valid).  Returns the length, or -1 when the result does not fit or the
 * encoding is malformed ('*' first, or a count out of range).
 */
long rsp_rle_expand(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

/*
 * rsp_unescape: decode binary data in place ("}X" -> X ^ 0x20).
 * Returns the decoded length, or -1 if @len ends inside an escape.
 */
long rsp_unescape(uint8_t *buf, size_t len);

/* rsp_escape_needed: whether @c must be escaped in binary data. */
static inline bool rsp_escape_needed(uint8_t c)
{
    return c == '#' || c == '$' || c == '}' || c == '*';
}

/*
 * rsp_escape: encode @len bytes of @in as binary data into @out (room for
 * @cap bytes).  Stops before a byte that would not fit whole; *@consumed
 * gets how many input bytes were encoded.  Returns the output length.
 */
size_t rsp_escape(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                  size_t *consumed);

/* rsp_checksum: the sum of @len bytes modulo 256. */
uint8_t rsp_checksum(const void *data, size_t len);

/* ---- hex -------------------------------------------------------------- */

/* rsp_hexval: the value of hex digit @c, or -1. */
int rsp_hexval(int c);

/* rsp_hex_encode: @len bytes as 2 * @len lower-case hex digits (no NUL). */
void rsp_hex_encode(const uint8_t *in, size_t len, char *out);

/*
 * rsp_hex_rle_encode: @n bytes as lower-case hex digits, runs of 4 or
 * more equal digits run-length encoded (never with a count that would
 * put '#', '$' or '*' on the wire).  Writes at most 2 * @n chars (no
 * NUL) and returns how many.  Used for m and g replies; the benchmark's
 * stand-in stub uses it too, so both send gdb the same bytes.
 */
size_t rsp_hex_rle_encode(const uint8_t *in, size_t n, char *out);

/*
 * rsp_hex_decode: decode 2 * @n hex digits of @in into @n bytes.  Returns
 * false (having written some bytes) on a non-hex digit.
 */
bool rsp_hex_decode(const char *in, size_t n, uint8_t *out);

/*
 * rsp_parse_hex: a hex number (1 to 16 digits, no "0x") at *@s; advances
 * *@s past it.  false if there is no digit or more than 64 bits.
 */
bool rsp_parse_hex(const char **s, uint64_t *v);

/* ---- framing ------------------------------------------------------------ */

/*
 * rsp_frame: write "$DATA#CS" for @len bytes of @data (already escaped
 * as needed) into @out (room for @cap bytes).  Returns the framed length,
 * or 0 if it does not fit (needs @len + 4).
 */
size_t rsp_frame(const void *data, size_t len, char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* GDBSTUB_RSP_H */
