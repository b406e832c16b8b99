/*
 * web/h_memory.c — guest memory over HTTP: GET and PUT .../memory, ld,
 * st.
 *
 * Reads of at most WEB_MEM_BUFFERED bytes are read whole before the
 * answer starts, so any failure is a clean 422 naming the first failing
 * address.  Longer reads stream from guest memory in blocks of
 * WEB_MEM_BLOCK bytes (never a buffer of the whole length): before the
 * headers go out, the flat view must map every byte of the range (else
 * 422, nothing read); should a block still fail while streaming (a
 * device error, or the topology changed under the read), the transport
 * closes the connection short of its Content-Length, so the client sees
 * a truncated transfer and never bytes that were not read.
 *
 * A Range header (raw bytes only, offsets from addr) reads that window
 * and answers 206 with Content-Range; the read cap applies to the bytes
 * sent.  PUT writes the body as it arrives; with a Content-Length the
 * whole range is checked first, so a write to a partly unmapped or
 * read-only range writes nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>

#include "internal.h"

/* Small, because streaming copies guest memory straight into
 * libmicrohttpd's send buffer: for 1 MiB reads that beat reading into a
 * buffer of our own first (about 1.2 against 0.9 GB/s on loopback). */
#define WEB_MEM_BUFFERED ((uint64_t)64 << 10)
#define WEB_MEM_BLOCK ((size_t)256 << 10)

static const char hexdigits[] = "0123456789abcdef";

static void to_hex(char *out, const uint8_t *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdigits[in[i] >> 4];
        out[2 * i + 1] = hexdigits[in[i] & 15];
    }
}

/* [@addr, @addr + @len) must not pass 2^64 (memcore refuses that). */
static bool range_fits(WebResponse *r, uint64_t addr, uint64_t len)
{
    if (len && addr + (len - 1) < addr) {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "0x%" PRIx64 " bytes at 0x%" PRIx64 " pass the end of the "
                  "address space (2^64)", len, addr);
        return false;
    }
    return true;
}

/* ---- GET memory ----------------------------------------------------------- */

typedef struct MemStream {
    WebStream s;
    AddressSpace *as;
    uint64_t addr;            /* next byte of guest memory */
    uint64_t left;            /* bytes of guest memory still to send */
    bool hex;
    char head[96];            /* the JSON before the hex digits */
    size_t head_len, head_pos;
    size_t tail_pos;          /* of "\"}" after them */
    uint8_t *scratch;         /* hex: the bytes of one block */
} MemStream;

static const char json_tail[] = "\"}";

static ssize_t copy_part(const char *src, size_t len, size_t *pos, char *buf,
                         size_t max)
{
    size_t n = len - *pos < max ? len - *pos : max;

    memcpy(buf, src + *pos, n);
    *pos += n;
    return (ssize_t)n;
}

static ssize_t mem_stream_read(WebStream *ws, char *buf, size_t max)
{
    MemStream *m = (MemStream *)ws;
    uint64_t fail;

    if (m->head_pos < m->head_len) {
        return copy_part(m->head, m->head_len, &m->head_pos, buf, max);
    }
    if (m->left) {
        size_t n = max < WEB_MEM_BLOCK ? max : WEB_MEM_BLOCK;
        if (m->hex) {
            n /= 2;
        }
        if (n > m->left) {
            n = (size_t)m->left;
        }
        if (!n) {
            return WEB_STREAM_ERROR;  /* a transport offering 1 byte */
        }
        uint8_t *dst = m->hex ? m->scratch : (uint8_t *)buf;
        if (web_mem_rw(m->as, m->addr, dst, n, false, &fail) != MEMTX_OK) {
            return WEB_STREAM_ERROR;
        }
        if (m->hex) {
            to_hex(buf, dst, n);
        }
        m->addr += n;
        m->left -= n;
        return (ssize_t)(m->hex ? 2 * n : n);
    }
    if (m->hex && m->tail_pos < sizeof(json_tail) - 1) {
        return copy_part(json_tail, sizeof(json_tail) - 1, &m->tail_pos, buf,
                         max);
    }
    return WEB_STREAM_END;
}

static void mem_stream_free(WebStream *ws)
{
    MemStream *m = (MemStream *)ws;

    free(m->scratch);
    free(m);
}

/* The JSON prefix of a hex answer; its length. */
static size_t hex_head(char *out, size_t outlen, uint64_t addr, uint64_t len)
{
    return (size_t)snprintf(out, outlen,
                            "{\"addr\":\"0x%" PRIx64 "\",\"len\":\"0x%" PRIx64
                            "\",\"data\":\"", addr, len);
}

static void answer_stream(WebResponse *r, unsigned status, AddressSpace *as,
                          uint64_t addr, uint64_t len, bool hex)
{
    MemStream *m = calloc(1, sizeof(*m));

    if (!m || (hex && !(m->scratch = malloc(WEB_MEM_BLOCK / 2)))) {
        free(m);
        web_error_oom(r);
        return;
    }
    m->as = as;
    m->addr = addr;
    m->left = len;
    m->hex = hex;
    m->s.read = mem_stream_read;
    m->s.free = mem_stream_free;
    m->s.block_size = WEB_MEM_BLOCK;
    if (hex) {
        m->head_len = hex_head(m->head, sizeof(m->head), addr, len);
        m->s.length = m->head_len + 2 * len + sizeof(json_tail) - 1;
    } else {
        m->s.length = len;
    }
    web_reply_body(r, status, hex ? WEB_JSON : "application/octet-stream",
                   NULL, 0);
    r->stream = &m->s;
}

static void answer_buffered(WebResponse *r, unsigned status, AddressSpace *as,
                            uint64_t addr, uint64_t len, bool hex)
{
    uint8_t *buf = malloc(len ? (size_t)len : 1);
    uint64_t fail;
    MemTxResult res;

    if (!buf) {
        web_error_oom(r);
        return;
    }
    res = web_mem_rw(as, addr, buf, (size_t)len, false, &fail);
    if (res != MEMTX_OK) {
        free(buf);
        web_error_memtx(r, "read", res, fail);
        return;
    }
    if (!hex) {
        web_reply_body(r, status, "application/octet-stream", (char *)buf,
                       (size_t)len);
        return;
    }
    char head[96];
    size_t hl = hex_head(head, sizeof(head), addr, len);
    size_t total = hl + 2 * (size_t)len + sizeof(json_tail) - 1;
    char *text = malloc(total);
    if (!text) {
        free(buf);
        web_error_oom(r);
        return;
    }
    memcpy(text, head, hl);
    to_hex(text + hl, buf, (size_t)len);
    memcpy(text + hl + 2 * len, json_tail, sizeof(json_tail) - 1);
    free(buf);
    web_reply_body(r, status, WEB_JSON, text, total);
}

void web_h_memory_get(WebCtx *c, WebResponse *r)
{
    AddressSpace *as = web_ctx_as(c, r);
    uint64_t addr, len, first = 0, last = 0, n, bad;
    const char *format;
    bool hex, ranged = false;

    if (!as || !web_param_u64(c, r, "addr", true, 0, &addr) ||
        !web_param_u64(c, r, "len", true, 0, &len)) {
        return;
    }
    format = web_param(c, "format");
    if (!web_params_check(c, r)) {
        return;
    }
    if (format && strcmp(format, "hex") != 0 && strcmp(format, "raw") != 0) {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "parameter 'format' must be hex or raw");
        return;
    }
    hex = format ? strcmp(format, "hex") == 0 : c->accept_json;
    if (!range_fits(r, addr, len)) {
        return;
    }
    if (c->range) {
        WebRangeKind k = web_parse_range(c->range, len, &first, &last);

        if (k != WEB_RANGE_NONE && hex) {
            web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                      "Range applies to raw bytes only: ask for the window "
                      "with addr and len");
            return;
        }
        if (k == WEB_RANGE_BAD) {
            web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                      "malformed Range: expected one \"bytes=FIRST-LAST\", "
                      "\"bytes=FIRST-\" or \"bytes=-COUNT\"");
            return;
        }
        if (k == WEB_RANGE_UNSATISFIABLE) {
            web_error(r, WEB_RANGE_NOT_SATISFIABLE, WEB_E_RANGE,
                      "the Range lies outside the 0x%" PRIx64 " bytes asked "
                      "for", len);
            if (!web_add_header(r, "Content-Range", "bytes */%" PRIu64, len)) {
                web_error_oom(r);
            }
            return;
        }
        ranged = k == WEB_RANGE_OK;
    }
    n = ranged ? last - first + 1 : len;
    if (n > c->api->max_read) {
        web_error(r, WEB_TOO_LARGE, WEB_E_TOO_LARGE,
                  "0x%" PRIx64 " bytes is more than one read may send "
                  "(0x%" PRIx64 ", --http-max-read): read it in pieces or "
                  "with Range", n, c->api->max_read);
        return;
    }
    unsigned status = ranged ? WEB_PARTIAL : WEB_OK;
    uint64_t start = addr + first;
    /* HEAD never reads (device registers may have side effects), and a
     * long read streams: both only check the range first. */
    if (c->head || n > WEB_MEM_BUFFERED) {
        if (!web_mem_check(as, start, n, false, &bad)) {
            web_error_memtx(r, "read", MEMTX_DECODE_ERROR, bad);
            return;
        }
        answer_stream(r, status, as, start, n, hex);
    } else {
        answer_buffered(r, status, as, start, n, hex);
    }
    if (r->status == status && !hex &&
        (!web_add_header(r, "Accept-Ranges", "bytes") ||
         (ranged && !web_add_header(r, "Content-Range",
                                    "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64,
                                    first, last, len)))) {
        web_error_oom(r);
    }
}

/* ---- PUT memory ----------------------------------------------------------- */

struct WebUpload {
    AddressSpace *as;
    uint64_t addr;
    uint64_t written;
    uint64_t limit;
    bool too_big;
    MemTxResult res;
    uint64_t fail;
};

WebUpload *web_h_memory_put_begin(WebCtx *c, WebResponse *r)
{
    AddressSpace *as = web_ctx_as(c, r);
    const char *cl = web_req_header(c->req, "Content-Length");
    uint64_t addr, len = 0, bad;
    WebUpload *u;

    if (!as || !web_param_u64(c, r, "addr", true, 0, &addr) ||
        !web_params_check(c, r)) {
        return NULL;
    }
    if (cl && !web_parse_u64(cl, &len)) {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "Content-Length is not a number");
        return NULL;
    }
    if (!range_fits(r, addr, len)) {
        return NULL;
    }
    if (!web_mem_check(as, addr, len, true, &bad)) {
        web_error_memtx(r, "write", MEMTX_DECODE_ERROR, bad);
        return NULL;
    }
    u = calloc(1, sizeof(*u));
    if (!u) {
        web_error_oom(r);
        return NULL;
    }
    u->as = as;
    u->addr = addr;
    u->limit = c->api->max_write;
    return u;
}

void web_h_memory_put_data(WebUpload *u, const void *data, size_t len)
{
    uint64_t at;

    if (u->too_big || u->res != MEMTX_OK || !len) {
        return;
    }
    if (len > u->limit - u->written) {
        u->too_big = true;
        return;
    }
    at = u->addr + u->written;
    if (at < u->addr || at + (len - 1) < at) {
        u->res = MEMTX_DECODE_ERROR;  /* past 2^64 (a body without length) */
        u->fail = at < u->addr ? 0 : UINT64_MAX;
        return;
    }
    u->res = web_mem_rw(u->as, at, (uint8_t *)data, len, true, &u->fail);
    u->written += u->res == MEMTX_OK ? len : u->fail - at;
}

void web_h_memory_put_end(WebUpload *u, WebResponse *r)
{
    if (u->too_big) {
        web_error(r, WEB_TOO_LARGE, WEB_E_TOO_LARGE,
                  "the body is more than 0x%" PRIx64 " bytes "
                  "(--http-max-write); 0x%" PRIx64 " bytes were written",
                  u->limit, u->written);
        return;
    }
    if (u->res != MEMTX_OK) {
        web_error_memtx_written(r, "write", u->res, u->fail, u->written);
        return;
    }
    web_reply_json(r, WEB_OK, json_pack("{s:o, s:s}", "written",
                                        web_hex(u->written), "result", "ok"));
}

void web_h_memory_put_free(WebUpload *u)
{
    free(u);
}

/* ---- ld / st ------------------------------------------------------------ */

typedef enum { END_NATIVE, END_LE, END_BE } Endian;

static bool parse_endian(const char *s, Endian *e, WebResponse *r)
{
    if (!s || strcmp(s, "native") == 0) {
        *e = END_NATIVE;
    } else if (strcmp(s, "le") == 0) {
        *e = END_LE;
    } else if (strcmp(s, "be") == 0) {
        *e = END_BE;
    } else {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "endian must be le, be or native");
        return false;
    }
    return true;
}

static bool check_size(uint64_t size, WebResponse *r)
{
    if (size != 1 && size != 2 && size != 4 && size != 8) {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "size must be 1, 2, 4 or 8");
        return false;
    }
    return true;
}

static uint64_t load(AddressSpace *as, uint64_t a, unsigned size, Endian e,
                     MemTxResult *res)
{
    const MemTxAttrs at = MEMTXATTRS_UNSPECIFIED;

    switch (size) {
    case 1:
        return address_space_ldub(as, a, at, res);
    case 2:
        return e == END_LE ? address_space_lduw_le(as, a, at, res)
             : e == END_BE ? address_space_lduw_be(as, a, at, res)
                           : address_space_lduw(as, a, at, res);
    case 4:
        return e == END_LE ? address_space_ldl_le(as, a, at, res)
             : e == END_BE ? address_space_ldl_be(as, a, at, res)
                           : address_space_ldl(as, a, at, res);
    default:
        return e == END_LE ? address_space_ldq_le(as, a, at, res)
             : e == END_BE ? address_space_ldq_be(as, a, at, res)
                           : address_space_ldq(as, a, at, res);
    }
}

static void store(AddressSpace *as, uint64_t a, unsigned size, Endian e,
                  uint64_t v, MemTxResult *res)
{
    const MemTxAttrs at = MEMTXATTRS_UNSPECIFIED;

    switch (size) {
    case 1:
        address_space_stb(as, a, (uint32_t)v, at, res);
        break;
    case 2:
        if (e == END_LE) {
            address_space_stw_le(as, a, (uint32_t)v, at, res);
        } else if (e == END_BE) {
            address_space_stw_be(as, a, (uint32_t)v, at, res);
        } else {
            address_space_stw(as, a, (uint32_t)v, at, res);
        }
        break;
    case 4:
        if (e == END_LE) {
            address_space_stl_le(as, a, (uint32_t)v, at, res);
        } else if (e == END_BE) {
            address_space_stl_be(as, a, (uint32_t)v, at, res);
        } else {
            address_space_stl(as, a, (uint32_t)v, at, res);
        }
        break;
    default:
        if (e == END_LE) {
            address_space_stq_le(as, a, v, at, res);
        } else if (e == END_BE) {
            address_space_stq_be(as, a, v, at, res);
        } else {
            address_space_stq(as, a, v, at, res);
        }
        break;
    }
}

static json_t *access_json(uint64_t addr, uint64_t size, uint64_t value)
{
    return json_pack("{s:o, s:o, s:o, s:s}", "addr", web_hex(addr), "size",
                     web_hex(size), "value", web_hex(value), "result", "ok");
}

void web_h_ld(WebCtx *c, WebResponse *r)
{
    AddressSpace *as = web_ctx_as(c, r);
    uint64_t addr, size, v;
    MemTxResult res = MEMTX_OK;
    Endian e;

    if (!as || !web_param_u64(c, r, "addr", true, 0, &addr) ||
        !web_param_u64(c, r, "size", true, 0, &size) || !check_size(size, r) ||
        !parse_endian(web_param(c, "endian"), &e, r) ||
        !web_params_check(c, r) || !range_fits(r, addr, size)) {
        return;
    }
    v = load(as, addr, (unsigned)size, e, &res);
    if (res != MEMTX_OK) {
        web_error_memtx(r, "load", res, addr);
        return;
    }
    web_reply_json(r, WEB_OK, access_json(addr, size, v));
}

void web_h_st(WebCtx *c, json_t *body, WebResponse *r)
{
    AddressSpace *as = web_ctx_as(c, r);
    uint64_t addr, size, v;
    MemTxResult res = MEMTX_OK;
    json_t *endian = json_object_get(body, "endian");
    const char *key;
    json_t *m;
    Endian e;

    if (!as || !web_params_check(c, r)) {
        return;
    }
    json_object_foreach(body, key, m) {
        if (strcmp(key, "addr") && strcmp(key, "size") &&
            strcmp(key, "value") && strcmp(key, "endian")) {
            web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                      "unknown member '%.100s' (the body is {\"addr\", "
                      "\"size\", \"value\", \"endian\"})", key);
            return;
        }
    }
    if (endian && !json_is_string(endian)) {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "member 'endian' must be a string");
        return;
    }
    if (!web_json_u64(body, "addr", true, 0, &addr, r) ||
        !web_json_u64(body, "size", true, 0, &size, r) ||
        !check_size(size, r) || !web_json_u64(body, "value", true, 0, &v, r) ||
        !parse_endian(endian ? json_string_value(endian) : NULL, &e, r) ||
        !range_fits(r, addr, size)) {
        return;
    }
    if (size < 8 && (v >> (8 * size)) != 0) {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "value 0x%" PRIx64 " does not fit in %" PRIu64 " bytes", v,
                  size);
        return;
    }
    store(as, addr, (unsigned)size, e, v, &res);
    if (res != MEMTX_OK) {
        web_error_memtx(r, "store", res, addr);
        return;
    }
    web_reply_json(r, WEB_OK, access_json(addr, size, v));
}
