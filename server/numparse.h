/*
 * server/numparse.h — the numbers of a board description.
 *
 * A number is a JSON integer or a string in decimal or hex ("0x..."); a
 * decimal string may end in one binary suffix K, M, G, T, P or E (upper
 * or lower case: 640K = 640 * 2^10, 16E = 2^64).  Hex strings take no
 * suffix, since E and B would be read as digits.  Values are kept in 65
 * bits so that the size 2^64 (the whole address space) is representable;
 * the API spells that size UINT64_MAX.
 */
#ifndef SERVER_NUMPARSE_H
#define SERVER_NUMPARSE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "diag.h"

typedef unsigned __int128 u128;

#define U128_2_64 ((u128)1 << 64)

/* What a number is for; sets the accepted range and the error wording. */
enum num_kind {
    NUM_SIZE,   /* 0 .. 2^64: "is not a size" */
    NUM_U64,    /* 0 .. 2^64 - 1: addresses and offsets */
    NUM_ADDR,   /* 0 .. 2^64 - 1, "is not an address" */
    NUM_BYTE,   /* 0 .. 255 */
};

/*
 * num_parse_string: parse @s alone (no JSON).  Returns 0 on success with
 * the value in *@out, -1 when malformed, -2 when negative, -3 when larger
 * than 2^64.
 */
int num_parse_string(const char *s, u128 *out);

/* num_hex_digit: the value of hex digit @c (either case), -1 if none. */
int num_hex_digit(char c);

/*
 * board_number: read @v as a number of @kind into *@out.  On failure
 * records one message under @path in @d and returns false.
 */
bool board_number(const json_t *v, enum num_kind kind, u128 *out,
                  Diag *d, const char *path);

/* size_to_api: the uint64_t the memory API takes for a size (2^64 ->
 * UINT64_MAX). */
static inline uint64_t size_to_api(u128 size)
{
    return size >= U128_2_64 ? UINT64_MAX : (uint64_t)size;
}

/* json_describe: @v as compact JSON text, for messages; the caller frees
 * it.  Never NULL (falls back to "value"). */
char *json_describe(const json_t *v);

#endif /* SERVER_NUMPARSE_H */
