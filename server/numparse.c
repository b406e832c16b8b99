/*
 * server/numparse.c — numbers of a board description (see numparse.h).
 *
 * Digits accumulate in 128 bits and stop growing once past 2^64, so an
 * absurdly long string still ends in "too large", never in a wrapped
 * value.
 */
#include "numparse.h"

#include <stdlib.h>
#include <string.h>

int num_hex_digit(char c)
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

static int suffix_shift(char c)
{
    switch (c) {
    case 'K': case 'k': return 10;
    case 'M': case 'm': return 20;
    case 'G': case 'g': return 30;
    case 'T': case 't': return 40;
    case 'P': case 'p': return 50;
    case 'E': case 'e': return 60;
    default: return -1;
    }
}

int num_parse_string(const char *s, u128 *out)
{
    const u128 cap = U128_2_64 + 1; /* anything above 2^64 saturates here */
    bool negative = false;
    u128 v = 0;
    const char *p = s;

    if (*p == '-') {
        negative = true;
        p++;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        if (!*p) {
            return -1;
        }
        for (; *p; p++) {
            int h = num_hex_digit(*p);

            if (h < 0) {
                return -1;
            }
            v = v * 16 + (u128)h;
            if (v > cap) {
                v = cap;
            }
        }
    } else {
        if (!(*p >= '0' && *p <= '9')) {
            return -1;
        }
        for (; *p >= '0' && *p <= '9'; p++) {
            v = v * 10 + (u128)(*p - '0');
            if (v > cap) {
                v = cap;
            }
        }
        if (*p) {
            int sh = suffix_shift(*p);

            if (sh < 0 || p[1]) {
                return -1;
            }
            /* v <= 2^64 + 1 here, so the shift cannot overflow 128 bits. */
            v <<= sh;
            if (v > cap) {
                v = cap;
            }
        }
    }
    if (negative) {
        return v == 0 ? (*out = 0, 0) : -2;
    }
    if (v > U128_2_64) {
        return -3;
    }
    *out = v;
    return 0;
}

char *json_describe(const json_t *v)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

    if (!s) {
        s = strdup("value");
    }
    return s ? s : (char *)"value";
}

static void describe_free(char *s)
{
    if (strcmp(s, "value") != 0) {
        free(s);
    }
}

static const char *kind_noun(enum num_kind kind)
{
    switch (kind) {
    case NUM_SIZE: return "a size";
    case NUM_BYTE: return "a byte (0 to 255)";
    case NUM_ADDR: return "an address";
    default: return "a number";
    }
}

bool board_number(const json_t *v, enum num_kind kind, u128 *out,
                  Diag *d, const char *path)
{
    int rc;
    u128 val = 0;
    char *text;

    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);

        rc = i < 0 ? -2 : 0;
        val = i < 0 ? 0 : (u128)i;
    } else if (json_is_string(v)) {
        rc = num_parse_string(json_string_value(v), &val);
    } else {
        rc = -1;
    }

    if (rc == 0) {
        if ((kind == NUM_U64 || kind == NUM_ADDR) && val >= U128_2_64) {
            rc = -4;
        } else if (kind == NUM_BYTE && val > 255) {
            rc = -5;
        }
    }
    if (rc == 0) {
        *out = val;
        return true;
    }

    text = json_describe(v);
    switch (rc) {
    case -2:
        diag_error(d, path, "%s is negative", text);
        break;
    case -3:
        diag_error(d, path, "%s is larger than 2^64", text);
        break;
    case -4:
        diag_error(d, path, "%s is larger than 2^64-1", text);
        break;
    case -5:
        diag_error(d, path, "%s is not %s", text, kind_noun(kind));
        break;
    default:
        diag_error(d, path, "%s is not %s", text, kind_noun(kind));
        break;
    }
    describe_free(text);
    return false;
}
