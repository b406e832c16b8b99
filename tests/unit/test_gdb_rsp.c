/*
 * tests/unit/test_gdb_rsp.c — the RSP codec (gdbstub/rsp.c): checksums,
 * framing, the parser fed in every possible split, escapes, run-length
 * encoding, oversize and garbage input, hex helpers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <gdbstub/rsp.h>

#include "check_run.h"

/* Feed @in in pieces of @step bytes; collect event kinds as letters
 * (P packet, B bad checksum, O oversize, + ack, - nak, C interrupt) and
 * the data of the last packet. */
static void feed_all(RspParser *p, const char *in, size_t len, size_t step,
                     char *kinds, size_t kcap, char *last, size_t lcap)
{
    size_t off = 0, k = 0;

    last[0] = '\0';
    while (off < len) {
        size_t n = len - off < step ? len - off : step;
        size_t used = 0;

        while (used < n) {
            RspEvent ev;

            used += rsp_parser_feed(p, (const uint8_t *)in + off + used,
                                    n - used, &ev);
            if (ev.kind == RSP_EV_NONE) {
                continue;
            }
            ck_assert_uint_lt(k, kcap - 1);
            kinds[k++] = "?PBO+-C"[ev.kind];
            if (ev.kind == RSP_EV_PACKET) {
                ck_assert_uint_lt(ev.len, lcap);
                memcpy(last, ev.data, ev.len);
                last[ev.len] = '\0';
                ck_assert_int_eq(ev.data[ev.len], '\0');
            }
        }
        off += n;
    }
    kinds[k] = '\0';
}

START_TEST(checksum_and_frame)
{
    char out[64];
    size_t n;

    /* gdb's own packets, as the protocol log shows them */
    ck_assert_uint_eq(rsp_checksum("g", 1), 0x67);
    ck_assert_uint_eq(rsp_checksum("?", 1), 0x3f);
    ck_assert_uint_eq(rsp_checksum("m1000,4", 7), 0x8e);
    ck_assert_uint_eq(rsp_checksum("vMustReplyEmpty", 15), 0x3a);
    n = rsp_frame("OK", 2, out, sizeof(out));
    ck_assert_uint_eq(n, 6);
    ck_assert(memcmp(out, "$OK#9a", 6) == 0);
    n = rsp_frame("", 0, out, sizeof(out));
    ck_assert(n == 4 && memcmp(out, "$#00", 4) == 0);
    /* no room: nothing written past the buffer */
    ck_assert_uint_eq(rsp_frame("OK", 2, out, 5), 0);
}
END_TEST

START_TEST(parse_every_split)
{
    static const char stream[] =
        "+$qSupported:swbreak+;hwbreak+#d5-\x03junk$m1000,4#8e"
        "$g#00$?#3f";
    RspParser p;
    char kinds[32], last[256];

    ck_assert(rsp_parser_init(&p, 1024));
    for (size_t step = 1; step <= sizeof(stream); step++) {
        feed_all(&p, stream, sizeof(stream) - 1, step, kinds, sizeof(kinds),
                 last, sizeof(last));
        ck_assert_msg(strcmp(kinds, "+P-CPBP") == 0,
                      "step %zu: events %s", step, kinds);
        ck_assert_str_eq(last, "?");
    }
    rsp_parser_destroy(&p);
}
END_TEST

START_TEST(checksum_digits_case_and_bad_digits)
{
    RspParser p;
    char kinds[16], last[64];

    ck_assert(rsp_parser_init(&p, 64));
    /* upper-case checksum digits are fine */
    feed_all(&p, "$OK#9A", 6, 6, kinds, sizeof(kinds), last, sizeof(last));
    ck_assert_str_eq(kinds, "P");
    /* a non-hex checksum digit is a bad packet; a '$' there restarts */
    feed_all(&p, "$OK#9z$g#67", 11, 1, kinds, sizeof(kinds), last,
             sizeof(last));
    ck_assert_str_eq(kinds, "BP");
    ck_assert_str_eq(last, "g");
    feed_all(&p, "$OK#$g#67", 9, 3, kinds, sizeof(kinds), last,
             sizeof(last));
    ck_assert_str_eq(kinds, "BP");
    /* a '$' inside a packet starts it again */
    feed_all(&p, "$m10$g#67", 9, 2, kinds, sizeof(kinds), last,
             sizeof(last));
    ck_assert_str_eq(kinds, "P");
    ck_assert_str_eq(last, "g");
    rsp_parser_destroy(&p);
}
END_TEST

START_TEST(oversize_stays_in_step)
{
    RspParser p;
    size_t big = 5000;
    char *in = malloc(big + 32), *data = malloc(big);
    char kinds[16], last[128], cs[3];
    size_t n;

    ck_assert(in && data);
    memset(data, 'a', big);
    ck_assert(rsp_parser_init(&p, 64));
    n = rsp_frame(data, big, in, big + 32);
    ck_assert_uint_eq(n, big + 4);
    memcpy(in + n, "$g#67", 5);
    feed_all(&p, in, n + 5, 7, kinds, sizeof(kinds), last, sizeof(last));
    ck_assert_str_eq(kinds, "OP");
    ck_assert_str_eq(last, "g");
    /* oversize with a wrong checksum is a bad checksum (a NAK) */
    snprintf(cs, sizeof(cs), "%02x", (rsp_checksum(data, big) + 1) & 0xff);
    memcpy(in + n - 2, cs, 2);
    feed_all(&p, in, n, 4096, kinds, sizeof(kinds), last, sizeof(last));
    ck_assert_str_eq(kinds, "B");
    /* exactly the limit fits */
    n = rsp_frame(data, 64, in, big + 32);
    feed_all(&p, in, n, 1, kinds, sizeof(kinds), last, sizeof(last));
    ck_assert_str_eq(kinds, "P");
    ck_assert_uint_eq(strlen(last), 64);
    rsp_parser_destroy(&p);
    free(in);
    free(data);
}
END_TEST

START_TEST(garbage_between_packets)
{
    RspParser p;
    char kinds[16], last[64];
    uint8_t noise[512];

    for (size_t i = 0; i < sizeof(noise); i++) {
        uint8_t c = (uint8_t)(i * 37 + 11);

        /* everything but the four bytes that mean something */
        noise[i] = (c == '$' || c == '+' || c == '-' || c == 3) ? 'x' : c;
    }
    ck_assert(rsp_parser_init(&p, 64));
    feed_all(&p, (const char *)noise, sizeof(noise), 13, kinds,
             sizeof(kinds), last, sizeof(last));
    ck_assert_str_eq(kinds, "");
    feed_all(&p, "$?#3f", 5, 1, kinds, sizeof(kinds), last, sizeof(last));
    ck_assert_str_eq(kinds, "P");
    rsp_parser_destroy(&p);
}
END_TEST

START_TEST(run_length)
{
    uint8_t out[128];
    long n;

    /* "0* " is '0' + 3 more (' ' = 32, 32 - 29 = 3) */
    n = rsp_rle_expand((const uint8_t *)"0* 1", 4, out, sizeof(out));
    ck_assert_int_eq(n, 5);
    ck_assert(memcmp(out, "00001", 5) == 0);
    /* the parser expands it, checksum over the bytes as sent */
    {
        RspParser p;
        char kinds[8], last[64], in[32];
        size_t len = rsp_frame("X0*\"", 4, in, sizeof(in));

        ck_assert(rsp_parser_init(&p, 64));
        feed_all(&p, in, len, 1, kinds, sizeof(kinds), last, sizeof(last));
        ck_assert_str_eq(kinds, "P");
        ck_assert_str_eq(last, "X000000"); /* '"' = 34: 5 more */
        rsp_parser_destroy(&p);
    }
    /* an escape pair repeats as a pair */
    n = rsp_rle_expand((const uint8_t *)"}]* ", 4, out, sizeof(out));
    ck_assert_int_eq(n, 8);
    ck_assert(memcmp(out, "}]}]}]}]", 8) == 0);
    /* malformed: nothing to repeat, count missing or out of range */
    ck_assert_int_eq(rsp_rle_expand((const uint8_t *)"* ", 2, out, 64), -1);
    ck_assert_int_eq(rsp_rle_expand((const uint8_t *)"a*", 2, out, 64), -1);
    ck_assert_int_eq(rsp_rle_expand((const uint8_t *)"a*\x01", 3, out, 64),
                     -1);
    /* never past the output buffer */
    ck_assert_int_eq(rsp_rle_expand((const uint8_t *)"a*~", 3, out, 8), -1);
    ck_assert_int_eq(rsp_rle_expand((const uint8_t *)"a*~", 3, out, 128),
                     98);
}
END_TEST

START_TEST(binary_escapes)
{
    static const uint8_t raw[] = { '#', '$', '}', '*', 0, 0x03, 'a', 0xff };
    uint8_t enc[32], dec[32];
    size_t used, n;
    long m;

    n = rsp_escape(raw, sizeof(raw), enc, sizeof(enc), &used);
    ck_assert_uint_eq(used, sizeof(raw));
    ck_assert_uint_eq(n, sizeof(raw) + 4);
    ck_assert(memcmp(enc, "}\x03}\x04}]}\x0a", 8) == 0);
    memcpy(dec, enc, n);
    m = rsp_unescape(dec, n);
    ck_assert_int_eq(m, sizeof(raw));
    ck_assert(memcmp(dec, raw, sizeof(raw)) == 0);
    /* an escape never split across the end of the buffer */
    n = rsp_escape(raw, sizeof(raw), enc, 3, &used);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(used, 1);
    /* a trailing lone '}' is malformed */
    memcpy(dec, "ab}", 3);
    ck_assert_int_eq(rsp_unescape(dec, 3), -1);
}
END_TEST

/* Every run length from 1 to 300 of every digit, between other digits:
 * the encoding never puts '#', '$' or '*' after a '*', never grows past
 * plain hex, and expands back (rsp_rle_expand, as gdb does) to the plain
 * hex. */
START_TEST(hex_rle_encode_round_trip)
{
    enum { MAX = 300 };
    static uint8_t in[MAX + 2];
    static char enc[2 * (MAX + 2)], plain[2 * (MAX + 2)];
    static uint8_t back[2 * (MAX + 2)];

    for (unsigned v = 0; v < 256; v += 17) {
        for (size_t n = 1; n <= MAX; n++) {
            size_t len, total = n + 2;
            long exp;

            in[0] = 0x12;
            memset(in + 1, (int)v, n);
            in[n + 1] = 0x34;
            len = rsp_hex_rle_encode(in, total, enc);
            ck_assert_uint_le(len, 2 * total);
            for (size_t i = 0; i + 1 < len; i++) {
                if (enc[i] == '*') {
                    ck_assert(enc[i + 1] != '#' && enc[i + 1] != '$' &&
                              enc[i + 1] != '*');
                    ck_assert_int_ge(enc[i + 1], 29 + 3);
                    ck_assert_int_le(enc[i + 1], 126);
                }
                ck_assert(enc[i] != '#' && enc[i] != '$');
            }
            exp = rsp_rle_expand((const uint8_t *)enc, len, back,
                                 sizeof(back));
            rsp_hex_encode(in, total, plain);
            ck_assert_int_eq(exp, (long)(2 * total));
            ck_assert_int_eq(memcmp(back, plain, 2 * total), 0);
            if (n >= 4) {
                ck_assert_uint_lt(len, 2 * total); /* a run compresses */
            }
        }
    }
    /* digit runs that cross bytes: 0x10 0x00 0x01 is "100001" */
    {
        static const uint8_t x[] = { 0x10, 0x00, 0x01 };

        ck_assert_uint_eq(rsp_hex_rle_encode(x, 3, enc), 5);
        ck_assert_int_eq(memcmp(enc, "10* 1", 5), 0);
    }
}
END_TEST

START_TEST(hex_helpers)
{
    const char *s = "1f,ffffffffffffffff;x";
    uint64_t v;
    uint8_t b[4];
    char out[9];

    ck_assert(rsp_parse_hex(&s, &v));
    ck_assert_uint_eq(v, 0x1f);
    ck_assert_int_eq(*s, ',');
    s++;
    ck_assert(rsp_parse_hex(&s, &v));
    ck_assert_uint_eq(v, UINT64_MAX);
    s = "10000000000000000";  /* 65 bits */
    ck_assert(!rsp_parse_hex(&s, &v));
    s = ",";
    ck_assert(!rsp_parse_hex(&s, &v));
    ck_assert(rsp_hex_decode("deadBEEF", 4, b));
    ck_assert(b[0] == 0xde && b[3] == 0xef);
    ck_assert(!rsp_hex_decode("zz", 1, b));
    rsp_hex_encode(b, 4, out);
    out[8] = '\0';
    ck_assert_str_eq(out, "deadbeef");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gdb_rsp");
    TCase *tc = tcase_create("codec");

    tcase_add_test(tc, checksum_and_frame);
    tcase_add_test(tc, parse_every_split);
    tcase_add_test(tc, checksum_digits_case_and_bad_digits);
    tcase_add_test(tc, oversize_stays_in_step);
    tcase_add_test(tc, garbage_between_packets);
    tcase_add_test(tc, run_length);
    tcase_add_test(tc, binary_escapes);
    tcase_add_test(tc, hex_helpers);
    tcase_add_test(tc, hex_rle_encode_round_trip);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
