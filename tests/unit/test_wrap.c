/*
 * tests/unit/test_wrap.c — sizes and addresses at 2^64: nothing wraps.
 *
 * Promises checked (memory.h): sizes are 65-bit quantities (0 ... 2^64,
 * UINT64_MAX standing for 2^64); "subregions are clipped to @size" of
 * their container; a constructor that cannot reserve its memory fails
 * through its Error ** and "leaves the region uninitialised and owning
 * nothing"; memory_region_ram_resize "fails (through @errp) for other RAM
 * and beyond the maximum size"; an access or a query of the address space
 * covers addresses below 2^64 only: what lies beyond 2^64 is not address
 * 0, so nothing there is read, written, mapped or found.
 *
 * Each TCase is one rule:
 *
 *   constructors  init_ram, init_rom, init_rom_device, init_resizeable_ram
 *                 (size, then max_size) and init_ram_from_file with sizes
 *                 0xfffffffffffff001 (page round-up wraps), UINT64_MAX and
 *                 2^63 (cannot be reserved) fail with an Error; the region
 *                 stays uninitialised: no RAM block, mapping it is misuse,
 *                 destroying it a harmless no-op.  Today
 *                 0xfffffffffffff001 (and UINT64_MAX for a file) succeeds
 *                 with a one-page block.
 *   resize        ram_resize to 0xfffffffffffff001 or UINT64_MAX fails
 *                 and changes nothing; to the maximum it works; other RAM
 *                 cannot be resized.  Today the wrapped size is accepted
 *                 (the region becomes ~2^64 bytes over a 0-byte block).
 *   top           a 0x2000 RAM at 0xfffffffffffff000 of a 2^64 root is
 *                 clipped: its first page is at the top, address 0 stays
 *                 unassigned, find clips to 0x1000, find relative to the
 *                 region beyond 2^64 finds nothing, mtree prints no range
 *                 that ends below its start.  Today find relative to the
 *                 region wraps to address 0 and mtree prints an end of
 *                 0000000000000fff.
 *   rw            4 bytes at 0xfffffffffffffffe through address_space_rw,
 *                 _read and _write: MEMTX_DECODE_ERROR, no byte written
 *                 anywhere, read buffer zeroed.  Today the access wraps and
 *                 reads/writes address 0.
 *   ldst          every ld/st at the last aligned address below 2^64
 *                 works; each multi-byte one at 0xffffffffffffffff fails
 *                 with MEMTX_DECODE_ERROR and 0, writes nothing and calls
 *                 no device.  Today an MMIO device at the top is called
 *                 with an access past 2^64.
 *   map           address_space_map is clamped at 2^64, translate's length
 *                 too, access_valid across 2^64 is false, write_rom across
 *                 2^64 writes nothing.  Today map continues at address 0
 *                 when that is contiguous memory, access_valid and
 *                 write_rom wrap, translate of MMIO is not clamped.
 *   find          memory_region_find(root, 0, 0) finds nothing;
 *                 (root, 0, UINT64_MAX) means all of 2^64 and returns the
 *                 lowest range whole.  Today its size stops at 2^64 - 1.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <memcore/memory.h>

#include "check_run.h"

#define TOP_PAGE 0xfffffffffffff000ULL
#define PAGE 0x1000u
#define BAD_WRAP 0xfffffffffffff001ULL
#define BAD_HALF (1ULL << 63)

static MemoryRegion root;
static AddressSpace as;
static unsigned misuse_count;
static char misuse_msg[256];

static void count_misuse(const char *msg)
{
    misuse_count++;
    snprintf(misuse_msg, sizeof(misuse_msg), "%s", msg);
}

static void setup(void)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "wrap");
    misuse_count = 0;
    misuse_msg[0] = '\0';
    memcore_set_misuse_handler(count_misuse);
}

static void teardown(void)
{
    memcore_set_misuse_handler(NULL);
    address_space_destroy(&as);
    memcore_rcu_barrier();
}

/* Fill RAM region @mr's first @len bytes with @byte. */
static uint8_t *fill_ram(MemoryRegion *mr, uint8_t byte, size_t len)
{
    uint8_t *host = memory_region_get_ram_ptr(mr);

    ck_assert_ptr_nonnull(host);
    memset(host, byte, len);
    return host;
}

static void ram(MemoryRegion *mr, const char *name, uint64_t size)
{
    memory_region_init_ram(mr, NULL, name, size, &error_abort);
}

/* ---- constructors ---------------------------------------------------------- */

static const uint64_t bad_sizes[] = { BAD_WRAP, UINT64_MAX, BAD_HALF };
#define NBAD (sizeof(bad_sizes) / sizeof(bad_sizes[0]))

static int block_named(const RAMBlockInfo *info, void *opaque)
{
    return strcmp(info->idstr, opaque) == 0;
}

/*
 * A constructor called with @size returned @err: it must have failed, and
 * left @mr uninitialised: no RAM block is named @name, mapping it is
 * misuse (and maps nothing), destroying it does nothing.
 */
static void check_failed_ctor(const char *ctor, uint64_t size, Error *err,
                              MemoryRegion *mr, const char *name)
{
    ck_assert_msg(err != NULL, "%s with size 0x%" PRIx64 " succeeded "
                  "(region size 0x%" PRIx64 ", host memory at %p)", ctor,
                  size, memory_region_size(mr),
                  memory_region_get_ram_ptr(mr));
    ck_assert_msg(error_get_pretty(err)[0] != '\0',
                  "%s: empty error message", ctor);
    error_free(err);
    ck_assert_msg(!qemu_ram_foreach_block_info(block_named, (void *)name),
                  "%s with size 0x%" PRIx64 " failed but left a RAM block",
                  ctor, size);
    misuse_count = 0;
    memory_region_add_subregion(&root, 0x100000, mr);
    ck_assert_msg(misuse_count == 1 && !memory_region_is_mapped(mr),
                  "%s failed, yet mapping the region was %s", ctor,
                  memory_region_is_mapped(mr) ? "accepted" : "not misuse");
    misuse_count = 0;
    memory_region_destroy(mr);
    memory_region_destroy(mr);
    ck_assert_uint_eq(misuse_count, 0);
}

static uint64_t rd_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque, (void)addr, (void)size;
    return 0;
}

static void rd_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    (void)opaque, (void)addr, (void)data, (void)size;
}

static const MemoryRegionOps rd_ops = {
    .read = rd_read,
    .write = rd_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

START_TEST(ctor_ram_bad_sizes)
{
    static MemoryRegion mr;

    for (unsigned i = 0; i < NBAD; i++) {
        Error *err = NULL;

        memory_region_init_ram(&mr, NULL, "bad-ram", bad_sizes[i], &err);
        check_failed_ctor("memory_region_init_ram", bad_sizes[i], err, &mr,
                          "bad-ram");
    }
}
END_TEST

START_TEST(ctor_rom_bad_sizes)
{
    static MemoryRegion mr;

    for (unsigned i = 0; i < NBAD; i++) {
        Error *err = NULL;

        memory_region_init_rom(&mr, NULL, "bad-rom", bad_sizes[i], &err);
        check_failed_ctor("memory_region_init_rom", bad_sizes[i], err, &mr,
                          "bad-rom");
    }
}
END_TEST

START_TEST(ctor_rom_device_bad_sizes)
{
    static MemoryRegion mr;

    for (unsigned i = 0; i < NBAD; i++) {
        Error *err = NULL;

        memory_region_init_rom_device(&mr, NULL, &rd_ops, NULL, "bad-romd",
                                      bad_sizes[i], &err);
        check_failed_ctor("memory_region_init_rom_device", bad_sizes[i], err,
                          &mr, "bad-romd");
    }
}
END_TEST

START_TEST(ctor_resizeable_bad_sizes)
{
    static MemoryRegion mr;

    for (unsigned i = 0; i < NBAD; i++) {
        Error *err = NULL;

        /* Both sizes bad. */
        memory_region_init_resizeable_ram(&mr, NULL, "bad-rs", bad_sizes[i],
                                          bad_sizes[i], NULL, &err);
        check_failed_ctor("memory_region_init_resizeable_ram (size)",
                          bad_sizes[i], err, &mr, "bad-rs");
        /* A small size, but a maximum that cannot be reserved. */
        err = NULL;
        memory_region_init_resizeable_ram(&mr, NULL, "bad-rs-max", PAGE,
                                          bad_sizes[i], NULL, &err);
        check_failed_ctor("memory_region_init_resizeable_ram (max_size)",
                          bad_sizes[i], err, &mr, "bad-rs-max");
    }
}
END_TEST

START_TEST(ctor_ram_from_file_bad_sizes)
{
    static MemoryRegion mr;
    char dir[] = "/tmp/memcore-wrap.XXXXXX";

    ck_assert_ptr_nonnull(mkdtemp(dir));
    for (unsigned i = 0; i < NBAD; i++) {
        Error *err = NULL;

        /* A directory: the library makes an unlinked file inside it. */
        memory_region_init_ram_from_file(&mr, NULL, "bad-file", bad_sizes[i],
                                         false, dir, &err);
        check_failed_ctor("memory_region_init_ram_from_file", bad_sizes[i],
                          err, &mr, "bad-file");
    }
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ---- resize --------------------------------------------------------------------- */

/* The address space's view as "start+size" pairs, for comparisons. */
static void view_str(char *buf, size_t len)
{
    FlatView *fv = address_space_get_flatview(&as);
    MemoryRegionSection s;
    size_t used = 0;

    buf[0] = '\0';
    for (unsigned i = 0; flatview_get_range(fv, i, &s) && used < len; i++) {
        used += snprintf(buf + used, len - used, "%s%" PRIx64 "+%" PRIx64,
                         i ? "," : "", s.offset_within_address_space,
                         (uint64_t)s.size);
    }
    flatview_unref(fv);
}

START_TEST(resize_wrapping_size_fails)
{
    static MemoryRegion rs;
    static const uint64_t bad[] = { BAD_WRAP, UINT64_MAX };
    char before[256], after[256];
    MemTxResult res;
    uint32_t v;

    memory_region_init_resizeable_ram(&rs, NULL, "rs", PAGE, 0x10000, NULL,
                                      &error_abort);
    memory_region_add_subregion(&root, 0x100000, &rs);
    address_space_stl_le(&as, 0x100000, 0x11223344, MEMTXATTRS_UNSPECIFIED,
                         &res);
    ck_assert_uint_eq(res, MEMTX_OK);
    view_str(before, sizeof(before));
    ck_assert_str_eq(before, "100000+1000");

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        Error *err = NULL;

        memory_region_ram_resize(&rs, bad[i], &err);
        ck_assert_msg(err != NULL, "ram_resize to 0x%" PRIx64 " succeeded "
                      "(size now 0x%" PRIx64 ")", bad[i],
                      memory_region_size(&rs));
        error_free(err);
        ck_assert_uint_eq(memory_region_size(&rs), PAGE);
        view_str(after, sizeof(after));
        ck_assert_str_eq(after, before);
        res = 0xdead;
        v = address_space_ldl_le(&as, 0x100000, MEMTXATTRS_UNSPECIFIED, &res);
        ck_assert_uint_eq(res, MEMTX_OK);
        ck_assert_uint_eq(v, 0x11223344);
        res = 0xdead;
        v = address_space_ldl_le(&as, 0x101000, MEMTXATTRS_UNSPECIFIED, &res);
        ck_assert_uint_eq(res, MEMTX_DECODE_ERROR);
        ck_assert_uint_eq(v, 0);
    }
}
END_TEST

START_TEST(resize_to_max_works)
{
    static MemoryRegion rs;
    Error *err = NULL;
    char view[256];
    MemTxResult res = 0xdead;
    uint32_t v;

    memory_region_init_resizeable_ram(&rs, NULL, "rs", PAGE, 0x10000, NULL,
                                      &error_abort);
    memory_region_add_subregion(&root, 0x100000, &rs);
    memory_region_ram_resize(&rs, 0x10000, &err);
    ck_assert_msg(err == NULL, "resize to the maximum: %s",
                  error_get_pretty(err));
    ck_assert_uint_eq(memory_region_size(&rs), 0x10000);
    view_str(view, sizeof(view));
    ck_assert_str_eq(view, "100000+10000");
    address_space_stl_le(&as, 0x10fffc, 0xcafef00d, MEMTXATTRS_UNSPECIFIED,
                         &res);
    ck_assert_uint_eq(res, MEMTX_OK);
    v = address_space_ldl_le(&as, 0x10fffc, MEMTXATTRS_UNSPECIFIED, &res);
    ck_assert_uint_eq(res, MEMTX_OK);
    ck_assert_uint_eq(v, 0xcafef00d);
}
END_TEST

START_TEST(resize_fixed_ram_fails)
{
    static MemoryRegion r;
    Error *err = NULL;

    ram(&r, "fixed", PAGE);
    memory_region_add_subregion(&root, 0x100000, &r);
    memory_region_ram_resize(&r, 2 * PAGE, &err);
    ck_assert_msg(err != NULL, "resizing non-resizeable RAM succeeded");
    error_free(err);
    ck_assert_uint_eq(memory_region_size(&r), PAGE);
}
END_TEST

/* ---- top: a region across 2^64 --------------------------------------------- */

/*
 * Every "START-END" range mtree prints must not end below its start,
 * except where the tree shows a region's own extent past 2^64: there
 * QEMU 7.2 (whose output mtree reproduces) prints "[DETECTED OVERFLOW!]"
 * before the line, and so does memcore.  Flat views never wrap.
 */
static void check_mtree_no_wrap(unsigned flags)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    char *line, *save = NULL;
    unsigned ranges = 0;

    ck_assert_ptr_nonnull(f);
    if (flags) {
        mtree_info_flags(fprintf, f, flags);
    } else {
        mtree_info(fprintf, f);
    }
    fclose(f);
    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        const char *p = line;

        if (strstr(line, "[DETECTED OVERFLOW!]")) {
            ck_assert_msg(!(flags & MTREE_FLATVIEW), "mtree (flags %u): %s",
                          flags, line);
            continue;
        }
        /* Find "%016x-%016x" anywhere in the line. */
        while ((p = strchr(p, '-')) != NULL) {
            unsigned long long start, end;
            char s1[17], s2[17];

            if (p - line >= 16 && sscanf(p - 16, "%16[0-9a-f]-%16[0-9a-f]",
                                          s1, s2) == 2 &&
                strlen(s1) == 16 && strlen(s2) == 16) {
                start = strtoull(s1, NULL, 16);
                end = strtoull(s2, NULL, 16);
                ranges++;
                ck_assert_msg(end >= start, "mtree (flags %u) prints a range "
                              "ending below its start: \"%s\"", flags, line);
            }
            p++;
        }
    }
    ck_assert_uint_gt(ranges, 0);
    free(text);
}

START_TEST(top_region_is_clipped)
{
    static MemoryRegion r;
    uint8_t *host;
    MemTxResult res = 0xdead;
    uint32_t v;
    MemoryRegionSection s;
    char view[256];

    ram(&r, "top", 2 * PAGE);
    host = fill_ram(&r, 0x5a, 2 * PAGE);
    memory_region_add_subregion(&root, TOP_PAGE, &r);
    ck_assert_msg(misuse_count == 0, "mapping across 2^64: %s", misuse_msg);
    ck_assert(memory_region_is_mapped(&r));

    view_str(view, sizeof(view));
    ck_assert_str_eq(view, "fffffffffffff000+1000");

    address_space_stl_le(&as, 0xfffffffffffffffcULL, 0xa1b2c3d4,
                         MEMTXATTRS_UNSPECIFIED, &res);
    ck_assert_uint_eq(res, MEMTX_OK);
    ck_assert_uint_eq(host[0xffc], 0xd4);
    ck_assert_uint_eq(host[0xfff], 0xa1);
    ck_assert_uint_eq(host[0x1000], 0x5a);
    res = 0xdead;
    v = address_space_ldl_le(&as, 0xfffffffffffffffcULL,
                             MEMTXATTRS_UNSPECIFIED, &res);
    ck_assert_uint_eq(res, MEMTX_OK);
    ck_assert_uint_eq(v, 0xa1b2c3d4);

    /* The part past 2^64 is not address 0. */
    res = 0xdead;
    v = address_space_ldl_le(&as, 0, MEMTXATTRS_UNSPECIFIED, &res);
    ck_assert_uint_eq(res, MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(v, 0);

    s = memory_region_find(&root, TOP_PAGE, 2 * PAGE);
    ck_assert_ptr_eq(s.mr, &r);
    ck_assert_uint_eq(s.offset_within_address_space, TOP_PAGE);
    ck_assert_uint_eq(s.offset_within_region, 0);
    ck_assert_msg(s.size == (Int128)PAGE, "find gave size 0x%" PRIx64,
                  (uint64_t)s.size);
    memory_region_unref(s.mr);

    s = memory_region_find(&r, 0x1800, 0x10);
    ck_assert_msg(s.mr == NULL, "find 0x1800 of the region (beyond 2^64) "
                  "found '%s' at 0x%" PRIx64, s.mr ? memory_region_name(s.mr)
                  : "", s.offset_within_address_space);

    check_mtree_no_wrap(0);
    check_mtree_no_wrap(MTREE_FLATVIEW);
    check_mtree_no_wrap(MTREE_FORMAT_2016);
}
END_TEST

START_TEST(top_find_beyond_2_64_is_not_address_0)
{
    static MemoryRegion r, low;
    MemoryRegionSection s;

    ram(&r, "top", 2 * PAGE);
    ram(&low, "low", PAGE);
    memory_region_add_subregion(&root, TOP_PAGE, &r);
    memory_region_add_subregion(&root, 0, &low);

    s = memory_region_find(&r, 0x800, 0x10);
    ck_assert_ptr_eq(s.mr, &r);
    ck_assert_uint_eq(s.offset_within_address_space, TOP_PAGE + 0x800);
    memory_region_unref(s.mr);

    s = memory_region_find(&r, 0x1800, 0x10);
    ck_assert_msg(s.mr == NULL, "find 0x1800 of the region (beyond 2^64) "
                  "found '%s' at 0x%" PRIx64, s.mr ? memory_region_name(s.mr)
                  : "", s.offset_within_address_space);
    ck_assert_msg(!memory_region_present(&r, 0x1800),
                  "memory_region_present beyond 2^64 is true");
}
END_TEST

/* ---- rw across 2^64 ------------------------------------------------------------- */

static MemoryRegion rw_top, rw_low;
static uint8_t *rw_top_host, *rw_low_host;

static void setup_top_low(void)
{
    setup();
    ram(&rw_top, "top", PAGE);
    ram(&rw_low, "low", PAGE);
    rw_top_host = fill_ram(&rw_top, 0x11, PAGE);
    rw_low_host = fill_ram(&rw_low, 0x22, PAGE);
    memory_region_add_subregion(&root, TOP_PAGE, &rw_top);
    memory_region_add_subregion(&root, 0, &rw_low);
}

static void check_pages_untouched(const char *what)
{
    for (unsigned i = 0; i < PAGE; i++) {
        ck_assert_msg(rw_top_host[i] == 0x11, "%s changed top byte 0x%x to "
                      "0x%02x", what, i, rw_top_host[i]);
        ck_assert_msg(rw_low_host[i] == 0x22, "%s changed byte 0x%x of "
                      "address 0's page to 0x%02x", what, i, rw_low_host[i]);
    }
}

START_TEST(rw_across_2_64_fails_whole)
{
    const hwaddr a = 0xfffffffffffffffeULL;
    uint8_t data[4] = { 0xaa, 0xbb, 0xcc, 0xdd };
    uint8_t buf[4];
    MemTxResult res;

    res = address_space_write(&as, a, MEMTXATTRS_UNSPECIFIED, data, 4);
    ck_assert_msg(res == MEMTX_DECODE_ERROR, "address_space_write across "
                  "2^64 gave result %u (top bytes now %02x %02x, address 0 "
                  "%02x %02x)", res, rw_top_host[0xffe], rw_top_host[0xfff],
                  rw_low_host[0], rw_low_host[1]);
    check_pages_untouched("address_space_write across 2^64");

    memcpy(buf, data, 4);
    res = address_space_rw(&as, a, MEMTXATTRS_UNSPECIFIED, buf, 4, true);
    ck_assert_msg(res == MEMTX_DECODE_ERROR, "address_space_rw(write) "
                  "across 2^64 gave result %u", res);
    check_pages_untouched("address_space_rw(write) across 2^64");

    memset(buf, 0xee, sizeof(buf));
    res = address_space_read(&as, a, MEMTXATTRS_UNSPECIFIED, buf, 4);
    ck_assert_msg(res == MEMTX_DECODE_ERROR, "address_space_read across "
                  "2^64 gave result %u, bytes %02x %02x %02x %02x", res,
                  buf[0], buf[1], buf[2], buf[3]);
    ck_assert_msg(!(buf[0] | buf[1] | buf[2] | buf[3]),
                  "read across 2^64 gave %02x %02x %02x %02x", buf[0],
                  buf[1], buf[2], buf[3]);

    memset(buf, 0xee, sizeof(buf));
    res = address_space_rw(&as, a, MEMTXATTRS_UNSPECIFIED, buf, 4, false);
    ck_assert_msg(res == MEMTX_DECODE_ERROR, "address_space_rw(read) "
                  "across 2^64 gave result %u", res);
    ck_assert_msg(!(buf[0] | buf[1] | buf[2] | buf[3]),
                  "rw(read) across 2^64 gave %02x %02x %02x %02x", buf[0],
                  buf[1], buf[2], buf[3]);
    check_pages_untouched("reads across 2^64");
}
END_TEST

START_TEST(rw_up_to_2_64_works)
{
    const hwaddr a = 0xfffffffffffffffcULL;
    uint8_t data[4] = { 0xaa, 0xbb, 0xcc, 0xdd };
    uint8_t buf[4];
    MemTxResult res;

    res = address_space_write(&as, a, MEMTXATTRS_UNSPECIFIED, data, 4);
    ck_assert_uint_eq(res, MEMTX_OK);
    ck_assert_int_eq(memcmp(rw_top_host + 0xffc, data, 4), 0);
    memset(buf, 0, sizeof(buf));
    res = address_space_read(&as, a, MEMTXATTRS_UNSPECIFIED, buf, 4);
    ck_assert_uint_eq(res, MEMTX_OK);
    ck_assert_int_eq(memcmp(buf, data, 4), 0);
    for (unsigned i = 0; i < PAGE; i++) {
        ck_assert_uint_eq(rw_low_host[i], 0x22);
    }
}
END_TEST

/* ---- ld/st at and across 2^64 ---------------------------------------------------- */

typedef struct LdOp {
    const char *name;
    unsigned n;
    bool big;
    uint64_t (*fn)(AddressSpace *as, hwaddr addr, MemTxResult *res);
} LdOp;

typedef struct StOp {
    const char *name;
    unsigned n;
    bool big;
    void (*fn)(AddressSpace *as, hwaddr addr, uint64_t v, MemTxResult *res);
} StOp;

#define LD_WRAP(f)                                                          \
    static uint64_t w_##f(AddressSpace *as, hwaddr addr, MemTxResult *res)  \
    {                                                                       \
        return f(as, addr, MEMTXATTRS_UNSPECIFIED, res);                    \
    }
#define ST_WRAP(f, type)                                                    \
    static void w_##f(AddressSpace *as, hwaddr addr, uint64_t v,            \
                      MemTxResult *res)                                     \
    {                                                                       \
        f(as, addr, (type)v, MEMTXATTRS_UNSPECIFIED, res);                  \
    }

LD_WRAP(address_space_ldub)
LD_WRAP(address_space_lduw_le)
LD_WRAP(address_space_lduw_be)
LD_WRAP(address_space_lduw)
LD_WRAP(address_space_ldl_le)
LD_WRAP(address_space_ldl_be)
LD_WRAP(address_space_ldl)
LD_WRAP(address_space_ldq_le)
LD_WRAP(address_space_ldq_be)
LD_WRAP(address_space_ldq)
ST_WRAP(address_space_stb, uint32_t)
ST_WRAP(address_space_stw_le, uint32_t)
ST_WRAP(address_space_stw_be, uint32_t)
ST_WRAP(address_space_stw, uint32_t)
ST_WRAP(address_space_stl_le, uint32_t)
ST_WRAP(address_space_stl_be, uint32_t)
ST_WRAP(address_space_stl, uint32_t)
ST_WRAP(address_space_stq_le, uint64_t)
ST_WRAP(address_space_stq_be, uint64_t)
ST_WRAP(address_space_stq, uint64_t)
ST_WRAP(address_space_stl_notdirty, uint32_t)

/* The target is little-endian (the default): suffix-less is _le. */
static const LdOp ld_ops[] = {
    { "ldub", 1, false, w_address_space_ldub },
    { "lduw_le", 2, false, w_address_space_lduw_le },
    { "lduw_be", 2, true, w_address_space_lduw_be },
    { "lduw", 2, false, w_address_space_lduw },
    { "ldl_le", 4, false, w_address_space_ldl_le },
    { "ldl_be", 4, true, w_address_space_ldl_be },
    { "ldl", 4, false, w_address_space_ldl },
    { "ldq_le", 8, false, w_address_space_ldq_le },
    { "ldq_be", 8, true, w_address_space_ldq_be },
    { "ldq", 8, false, w_address_space_ldq },
};

static const StOp st_ops[] = {
    { "stb", 1, false, w_address_space_stb },
    { "stw_le", 2, false, w_address_space_stw_le },
    { "stw_be", 2, true, w_address_space_stw_be },
    { "stw", 2, false, w_address_space_stw },
    { "stl_le", 4, false, w_address_space_stl_le },
    { "stl_be", 4, true, w_address_space_stl_be },
    { "stl", 4, false, w_address_space_stl },
    { "stq_le", 8, false, w_address_space_stq_le },
    { "stq_be", 8, true, w_address_space_stq_be },
    { "stq", 8, false, w_address_space_stq },
    { "stl_notdirty", 4, false, w_address_space_stl_notdirty },
};

#define NLD (sizeof(ld_ops) / sizeof(ld_ops[0]))
#define NST (sizeof(st_ops) / sizeof(st_ops[0]))

/* The last naturally aligned address of an @n-byte access below 2^64. */
static hwaddr last_aligned(unsigned n)
{
    return (hwaddr)0 - n;
}

static uint64_t compose(const uint8_t *p, unsigned n, bool big)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)p[big ? n - 1 - i : i] << (8 * i);
    }
    return v;
}

START_TEST(ldst_ram_at_top_works)
{
    for (unsigned i = 0; i < PAGE; i++) {
        rw_top_host[i] = (uint8_t)(0x80 + i * 13);
    }
    for (unsigned k = 0; k < NLD; k++) {
        const LdOp *op = &ld_ops[k];
        hwaddr a = last_aligned(op->n);
        MemTxResult res = 0xdead;
        uint64_t v = op->fn(&as, a, &res);
        uint64_t want = compose(rw_top_host + (a - TOP_PAGE), op->n,
                                op->big);

        ck_assert_msg(res == MEMTX_OK && v == want, "%s at 0x%" PRIx64
                      " gave 0x%" PRIx64 " result %u, expected 0x%" PRIx64,
                      op->name, a, v, res, want);
    }
    for (unsigned k = 0; k < NST; k++) {
        const StOp *op = &st_ops[k];
        hwaddr a = last_aligned(op->n);
        uint64_t val = 0x0102030405060708ULL + k * 0x1111111111111111ULL;
        uint64_t mask = op->n == 8 ? UINT64_MAX : (1ULL << (8 * op->n)) - 1;
        MemTxResult res = 0xdead;

        op->fn(&as, a, val, &res);
        ck_assert_msg(res == MEMTX_OK, "%s at 0x%" PRIx64 " result %u",
                      op->name, a, res);
        ck_assert_msg(compose(rw_top_host + (a - TOP_PAGE), op->n, op->big)
                      == (val & mask), "%s at 0x%" PRIx64 " stored the "
                      "wrong bytes", op->name, a);
    }
    for (unsigned i = 0; i < PAGE; i++) {
        ck_assert_uint_eq(rw_low_host[i], 0x22);
    }
}
END_TEST

START_TEST(ldst_ram_across_2_64_fails)
{
    const hwaddr a = 0xffffffffffffffffULL;

    for (unsigned k = 0; k < NLD; k++) {
        const LdOp *op = &ld_ops[k];
        MemTxResult res = 0xdead;
        uint64_t v;

        if (op->n == 1) {
            continue;
        }
        v = op->fn(&as, a, &res);
        ck_assert_msg(res == MEMTX_DECODE_ERROR && v == 0, "%s across 2^64 "
                      "gave 0x%" PRIx64 " result %u", op->name, v, res);
    }
    for (unsigned k = 0; k < NST; k++) {
        const StOp *op = &st_ops[k];
        MemTxResult res = 0xdead;

        if (op->n == 1) {
            continue;
        }
        op->fn(&as, a, 0xa5a5a5a5a5a5a5a5ULL, &res);
        ck_assert_msg(res == MEMTX_DECODE_ERROR, "%s across 2^64 result %u",
                      op->name, res);
        check_pages_untouched(op->name);
    }
}
END_TEST

/* An MMIO device at the top page that accepts any size and alignment, so
 * that only the 2^64 rule can keep an access from it. */
static unsigned top_reads, top_writes;
static hwaddr top_last_addr;
static unsigned top_last_size;
static uint64_t top_last_data;

static uint64_t top_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque;
    top_reads++;
    top_last_addr = addr;
    top_last_size = size;
    return 0x8877665544332211ULL;
}

static void top_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    (void)opaque;
    top_writes++;
    top_last_addr = addr;
    top_last_size = size;
    top_last_data = data;
}

static const MemoryRegionOps top_ops = {
    .read = top_read,
    .write = top_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8,
              .unaligned = true },
};

static MemoryRegion top_io;

static void setup_top_io(void)
{
    setup();
    memory_region_init_io(&top_io, NULL, &top_ops, NULL, "top-io", PAGE);
    ram(&rw_low, "low", PAGE);
    rw_low_host = fill_ram(&rw_low, 0x22, PAGE);
    memory_region_add_subregion(&root, TOP_PAGE, &top_io);
    memory_region_add_subregion(&root, 0, &rw_low);
    top_reads = top_writes = 0;
}

START_TEST(ldst_mmio_at_top_works)
{
    for (unsigned k = 0; k < NLD; k++) {
        const LdOp *op = &ld_ops[k];
        hwaddr a = last_aligned(op->n);
        MemTxResult res = 0xdead;
        uint64_t mask = op->n == 8 ? UINT64_MAX : (1ULL << (8 * op->n)) - 1;
        uint64_t want = 0x8877665544332211ULL & mask;
        uint64_t v;

        top_reads = 0;
        v = op->fn(&as, a, &res);
        if (op->big && op->n > 1) {
            want = __builtin_bswap64(want) >> (64 - 8 * op->n);
        }
        ck_assert_msg(res == MEMTX_OK && v == want, "%s at 0x%" PRIx64
                      " gave 0x%" PRIx64 " result %u, expected 0x%" PRIx64,
                      op->name, a, v, res, want);
        ck_assert_uint_eq(top_reads, 1);
        ck_assert_uint_eq(top_last_addr, a - TOP_PAGE);
        ck_assert_uint_eq(top_last_size, op->n);
    }
    for (unsigned k = 0; k < NST; k++) {
        const StOp *op = &st_ops[k];
        hwaddr a = last_aligned(op->n);
        MemTxResult res = 0xdead;

        top_writes = 0;
        op->fn(&as, a, 0x11, &res);
        ck_assert_msg(res == MEMTX_OK, "%s at 0x%" PRIx64 " result %u",
                      op->name, a, res);
        ck_assert_uint_eq(top_writes, 1);
        ck_assert_uint_eq(top_last_addr, a - TOP_PAGE);
        ck_assert_uint_eq(top_last_size, op->n);
    }
}
END_TEST

START_TEST(ldst_mmio_across_2_64_calls_nothing)
{
    const hwaddr a = 0xffffffffffffffffULL;

    for (unsigned k = 0; k < NLD; k++) {
        const LdOp *op = &ld_ops[k];
        MemTxResult res = 0xdead;
        uint64_t v;

        if (op->n == 1) {
            continue;
        }
        top_reads = 0;
        v = op->fn(&as, a, &res);
        ck_assert_msg(res == MEMTX_DECODE_ERROR && v == 0 && top_reads == 0,
                      "%s across 2^64 gave 0x%" PRIx64 " result %u after %u "
                      "device read(s) (last at 0x%" PRIx64 ", %u bytes)",
                      op->name, v, res, top_reads, top_last_addr,
                      top_last_size);
    }
    for (unsigned k = 0; k < NST; k++) {
        const StOp *op = &st_ops[k];
        MemTxResult res = 0xdead;

        if (op->n == 1) {
            continue;
        }
        top_writes = 0;
        op->fn(&as, a, 0xa5a5a5a5a5a5a5a5ULL, &res);
        ck_assert_msg(res == MEMTX_DECODE_ERROR && top_writes == 0,
                      "%s across 2^64 result %u after %u device write(s) "
                      "(last at 0x%" PRIx64 ", %u bytes)", op->name, res,
                      top_writes, top_last_addr, top_last_size);
        for (unsigned i = 0; i < PAGE; i++) {
            ck_assert_uint_eq(rw_low_host[i], 0x22);
        }
    }
}
END_TEST

/* ---- map, translate, access_valid, write_rom ------------------------------------- */

START_TEST(map_clamped_at_2_64)
{
    static MemoryRegion r;
    uint8_t *host;
    hwaddr len = 0x1000;
    void *p;

    ram(&r, "top", 2 * PAGE);
    host = fill_ram(&r, 0x33, 2 * PAGE);
    memory_region_add_subregion(&root, TOP_PAGE, &r);
    p = address_space_map(&as, 0xfffffffffffff800ULL, &len, false);
    ck_assert_ptr_eq(p, host + 0x800);
    ck_assert_uint_eq(len, 0x800);
    address_space_unmap(&as, p, len, false, 0);
}
END_TEST

START_TEST(map_does_not_continue_at_0)
{
    static MemoryRegion r, tail;
    uint8_t *host;
    hwaddr len = 0x1000;
    void *p;

    /* The region's second page, which the root clips away at the top,
     * is shown at address 0 through an alias: host memory continues
     * across 2^64, the address space does not. */
    ram(&r, "top", 2 * PAGE);
    host = fill_ram(&r, 0x33, 2 * PAGE);
    memory_region_init_alias(&tail, NULL, "tail", &r, PAGE, PAGE);
    memory_region_add_subregion(&root, TOP_PAGE, &r);
    memory_region_add_subregion(&root, 0, &tail);
    p = address_space_map(&as, 0xfffffffffffff800ULL, &len, true);
    ck_assert_ptr_eq(p, host + 0x800);
    ck_assert_msg(len == 0x800, "map at 0xfffffffffffff800 gave 0x%" PRIx64
                  " bytes (past 2^64)", len);
    address_space_unmap(&as, p, len, true, len);
}
END_TEST

START_TEST(translate_clamped_at_2_64)
{
    static MemoryRegion r, io;
    hwaddr xlat, len;
    MemoryRegion *mr;

    ram(&r, "top", PAGE);
    memory_region_add_subregion(&root, TOP_PAGE, &r);
    memcore_rcu_read_lock();
    len = 0x100;
    mr = address_space_translate(&as, 0xfffffffffffffff0ULL, &xlat, &len,
                                 false);
    ck_assert_ptr_eq(mr, &r);
    ck_assert_uint_eq(xlat, 0xff0);
    ck_assert_msg(len <= 0x10, "translate (RAM) gave len 0x%" PRIx64, len);
    memcore_rcu_read_unlock();

    memory_region_del_subregion(&root, &r);
    memory_region_init_io(&io, NULL, &top_ops, NULL, "top-io", PAGE);
    memory_region_add_subregion(&root, TOP_PAGE, &io);
    memcore_rcu_read_lock();
    len = 0x100;
    mr = address_space_translate(&as, 0xfffffffffffffff0ULL, &xlat, &len,
                                 true);
    ck_assert_ptr_eq(mr, &io);
    ck_assert_uint_eq(xlat, 0xff0);
    ck_assert_msg(len <= 0x10, "translate (MMIO) gave len 0x%" PRIx64, len);
    memcore_rcu_read_unlock();
}
END_TEST

START_TEST(access_valid_across_2_64)
{
    ck_assert(address_space_access_valid(&as, 0xfffffffffffffffcULL, 4,
                                         false));
    ck_assert(address_space_access_valid(&as, 0xfffffffffffffffcULL, 4,
                                         true));
    ck_assert_msg(!address_space_access_valid(&as, 0xfffffffffffffffeULL, 4,
                                              false),
                  "a 4-byte read across 2^64 is valid");
    ck_assert_msg(!address_space_access_valid(&as, 0xfffffffffffffffeULL, 4,
                                              true),
                  "a 4-byte write across 2^64 is valid");
}
END_TEST

START_TEST(write_rom_across_2_64_writes_nothing)
{
    static MemoryRegion rom, low;
    uint8_t *rom_host, *low_host;
    const uint8_t data[4] = { 0xaa, 0xbb, 0xcc, 0xdd };

    memory_region_init_rom(&rom, NULL, "top-rom", PAGE, &error_abort);
    ram(&low, "low", PAGE);
    rom_host = fill_ram(&rom, 0x44, PAGE);
    low_host = fill_ram(&low, 0x22, PAGE);
    memory_region_add_subregion(&root, TOP_PAGE, &rom);
    memory_region_add_subregion(&root, 0, &low);

    cpu_physical_memory_write_rom(&as, 0xfffffffffffffffeULL, data, 4);
    for (unsigned i = 0; i < PAGE; i++) {
        ck_assert_msg(rom_host[i] == 0x44, "write_rom across 2^64 changed "
                      "ROM byte 0x%x", i);
        ck_assert_msg(low_host[i] == 0x22, "write_rom across 2^64 changed "
                      "byte 0x%x of address 0's page", i);
    }
    /* Up to 2^64 it writes. */
    cpu_physical_memory_write_rom(&as, 0xfffffffffffffffcULL, data, 4);
    ck_assert_int_eq(memcmp(rom_host + 0xffc, data, 4), 0);
}
END_TEST

/* ---- memory_region_find sizes ----------------------------------------------------- */

START_TEST(find_size_0_finds_nothing)
{
    static MemoryRegion low;
    MemoryRegionSection s;

    ram(&low, "low", PAGE);
    memory_region_add_subregion(&root, 0, &low);
    s = memory_region_find(&root, 0, 0);
    ck_assert_ptr_null(s.mr);
}
END_TEST

START_TEST(find_whole_space_gives_lowest_range)
{
    static MemoryRegion r, mid;
    MemoryRegionSection s;

    ram(&r, "top", PAGE);
    memory_region_add_subregion(&root, TOP_PAGE, &r);
    /* The only range ends at 2^64: it must come back whole. */
    s = memory_region_find(&root, 0, UINT64_MAX);
    ck_assert_ptr_eq(s.mr, &r);
    ck_assert_uint_eq(s.offset_within_address_space, TOP_PAGE);
    ck_assert_uint_eq(s.offset_within_region, 0);
    ck_assert_msg(s.size == (Int128)PAGE, "find(root, 0, UINT64_MAX) gave "
                  "size 0x%" PRIx64 ", expected 0x1000", (uint64_t)s.size);
    memory_region_unref(s.mr);

    ram(&mid, "mid", 2 * PAGE);
    memory_region_add_subregion(&root, 0x5000, &mid);
    s = memory_region_find(&root, 0, UINT64_MAX);
    ck_assert_ptr_eq(s.mr, &mid);
    ck_assert_uint_eq(s.offset_within_address_space, 0x5000);
    ck_assert_msg(s.size == (Int128)(2 * PAGE), "size 0x%" PRIx64,
                  (uint64_t)s.size);
    memory_region_unref(s.mr);
}
END_TEST

static TCase *tcase(Suite *s, const char *name, void (*su)(void))
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, su, teardown);
    suite_add_tcase(s, tc);
    return tc;
}

int main(void)
{
    Suite *s = suite_create("wrap");
    TCase *tc;

    tc = tcase(s, "constructors", setup);
    tcase_add_test(tc, ctor_ram_bad_sizes);
    tcase_add_test(tc, ctor_rom_bad_sizes);
    tcase_add_test(tc, ctor_rom_device_bad_sizes);
    tcase_add_test(tc, ctor_resizeable_bad_sizes);
    tcase_add_test(tc, ctor_ram_from_file_bad_sizes);

    tc = tcase(s, "resize", setup);
    tcase_add_test(tc, resize_wrapping_size_fails);
    tcase_add_test(tc, resize_to_max_works);
    tcase_add_test(tc, resize_fixed_ram_fails);

    tc = tcase(s, "top", setup);
    tcase_add_test(tc, top_region_is_clipped);
    tcase_add_test(tc, top_find_beyond_2_64_is_not_address_0);

    tc = tcase(s, "rw", setup_top_low);
    tcase_add_test(tc, rw_across_2_64_fails_whole);
    tcase_add_test(tc, rw_up_to_2_64_works);

    tc = tcase(s, "ldst", setup_top_low);
    tcase_add_test(tc, ldst_ram_at_top_works);
    tcase_add_test(tc, ldst_ram_across_2_64_fails);
    tc = tcase(s, "ldst_mmio", setup_top_io);
    tcase_add_test(tc, ldst_mmio_at_top_works);
    tcase_add_test(tc, ldst_mmio_across_2_64_calls_nothing);

    tc = tcase(s, "map", setup);
    tcase_add_test(tc, map_clamped_at_2_64);
    tcase_add_test(tc, map_does_not_continue_at_0);
    tcase_add_test(tc, translate_clamped_at_2_64);
    tcase_add_test(tc, write_rom_across_2_64_writes_nothing);
    tc = tcase(s, "access_valid", setup_top_low);
    tcase_add_test(tc, access_valid_across_2_64);

    tc = tcase(s, "find", setup);
    tcase_add_test(tc, find_size_0_finds_nothing);
    tcase_add_test(tc, find_whole_space_gives_lowest_range);

    return ck_run_suite(s);
}
