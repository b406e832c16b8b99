/*
 * tests/unit/test_coalesced.c — coalesced MMIO (memcore/SEMANTICS.md,
 * Coalesced MMIO): conformance case 72 and the details of the adopted fix
 * "coalesced ranges follow topology" (announcements follow the topology,
 * only the new range is announced, ranges are cut to what each FlatRange
 * shows), set/clear_coalescing, set/clear_flush_coalesced, and
 * the in-process ring: writes to a coalesced range are held back and
 * reach the device, in the order written, when a flush-coalesced region
 * is accessed, when a transaction begins, or when the ring (1024 entries)
 * fills — checked with 10,000 writes.
 *
 * The fixtures' pattern device records at most FX_MAX_CALLS calls, so the
 * ordering test uses its own device that keeps every write.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

static const MemTxAttrs attrs = { .unspecified = 1 };

static FxPatternDev dev, flush_dev;

/* "dev": 0x1000 bytes at 0x3000. */
static void map_dev(void)
{
    memory_region_add_subregion(fx_root, 0x3000, fx_io(&dev, "dev", 0x1000));
}

/* ---- 72, coalesced ranges follow topology: announcements ----------------- */

START_TEST(t72_coalesced_follows_topology)
{
    FxListener l;

    map_dev();
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    /* Announced at once, no transaction. */
    memory_region_add_coalescing(&dev.mr, 0, 0x100);
    fx_assert_log(&l.log, "coalesced_add 0x3000 0x100");

    /* Moving: del before region_del, add after region_add. */
    fx_log_reset(&l.log);
    memory_region_set_address(&dev.mr, 0x5000);
    fx_assert_log(&l.log, "begin", "coalesced_del 0x3000 0x100",
                  "del 0x3000-0x3fff dev@0", "add 0x5000-0x5fff dev@0",
                  "coalesced_add 0x5000 0x100", "commit");

    /* Unmapping and mapping again. */
    fx_log_reset(&l.log);
    memory_region_del_subregion(fx_root, &dev.mr);
    fx_assert_log(&l.log, "begin", "coalesced_del 0x5000 0x100",
                  "del 0x5000-0x5fff dev@0", "commit");
    fx_log_reset(&l.log);
    memory_region_add_subregion(fx_root, 0x7000, &dev.mr);
    fx_assert_log(&l.log, "begin", "add 0x7000-0x7fff dev@0",
                  "coalesced_add 0x7000 0x100", "commit");
    fx_listener_unregister(&l);
}
END_TEST

/* A later add_coalescing announces only the new range (2.6 announced
 * del+add of everything). */
START_TEST(t72_add_announces_only_new_range)
{
    FxListener l;

    map_dev();
    fx_listener_register(&l, "L", 0, fx_as, NULL);
    memory_region_add_coalescing(&dev.mr, 0, 0x100);
    memory_region_add_coalescing(&dev.mr, 0x200, 0x80);
    fx_assert_log(&l.log, "coalesced_add 0x3000 0x100",
                  "coalesced_add 0x3200 0x80");
    fx_listener_unregister(&l);
}
END_TEST

/* Coalescing set on an unmapped region is announced when it is mapped
 * (2.6 never did). */
START_TEST(t72_announced_on_later_mapping)
{
    FxListener l;

    fx_io(&dev, "dev", 0x1000);
    fx_listener_register(&l, "L", 0, fx_as, NULL);
    memory_region_add_coalescing(&dev.mr, 0x10, 0x20);
    fx_assert_log_empty(&l.log);
    memory_region_add_subregion(fx_root, 0x3000, &dev.mr);
    fx_assert_log(&l.log, "begin", "add 0x3000-0x3fff dev@0",
                  "coalesced_add 0x3010 0x20", "commit");
    fx_listener_unregister(&l);
}
END_TEST

/* Each FlatRange of the region hears the part of the range it shows. */
START_TEST(t72_range_cut_per_flatrange)
{
    static FxPatternDev cover;
    FxListener l;

    map_dev();
    /* A higher-priority region hides [0x3040, 0x30c0) of dev. */
    fx_io(&cover, "cover", 0x80);
    memory_region_add_subregion_overlap(fx_root, 0x3040, &cover.mr, 1);
    fx_assert_fv(fx_as, "[3000-303f] dev@0, [3040-30bf] cover@0, "
                 "[30c0-3fff] dev@c0");
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    memory_region_add_coalescing(&dev.mr, 0, 0x100);
    fx_assert_log(&l.log, "coalesced_add 0x3000 0x40",
                  "coalesced_add 0x30c0 0x40");

    /* Uncovering: the whole range shows in one merged FlatRange. */
    fx_log_reset(&l.log);
    memory_region_del_subregion(fx_root, &cover.mr);
    fx_assert_log(&l.log, "begin",
                  "coalesced_del 0x3000 0x40", "del 0x3000-0x303f dev@0",
                  "del 0x3040-0x30bf cover@0",
                  "coalesced_del 0x30c0 0x40", "del 0x30c0-0x3fff dev@c0",
                  "add 0x3000-0x3fff dev@0", "coalesced_add 0x3000 0x100",
                  "commit");
    fx_listener_unregister(&l);
}
END_TEST

/* coalesced_mmio_add goes forward, coalesced_mmio_del in reverse. */
START_TEST(t72_listener_order)
{
    FxLog shared = { 0 };
    FxListener l1, l2;

    map_dev();
    fx_listener_register(&l2, "L2", 2, fx_as, &shared);
    fx_listener_register(&l1, "L1", 1, fx_as, &shared);
    memory_region_add_coalescing(&dev.mr, 0, 0x100);
    fx_assert_log(&shared, "L1: coalesced_add 0x3000 0x100",
                  "L2: coalesced_add 0x3000 0x100");
    fx_log_reset(&shared);
    memory_region_clear_coalescing(&dev.mr);
    fx_assert_log(&shared, "L2: coalesced_del 0x3000 0x100",
                  "L1: coalesced_del 0x3000 0x100");
    fx_listener_unregister(&l1);
    fx_listener_unregister(&l2);
    fx_log_free(&shared);
}
END_TEST

/* Listener replay (SEMANTICS.md, Replay on register / Replay on
 * unregister): registration replays coalesced_mmio_add after the region's
 * region_add; unregistration coalesced_mmio_del before region_del. */
START_TEST(t72_register_unregister_replay)
{
    FxListener l;

    map_dev();
    memory_region_add_coalescing(&dev.mr, 0x100, 0x100);
    fx_listener_init(&l, "L", 0, NULL);
    memory_listener_register(&l.ml, fx_as);
    fx_assert_log(&l.log, "begin", "add 0x3000-0x3fff dev@0",
                  "coalesced_add 0x3100 0x100", "commit");
    fx_log_reset(&l.log);
    memory_listener_unregister(&l.ml);
    fx_assert_log(&l.log, "begin", "coalesced_del 0x3100 0x100",
                  "del 0x3000-0x3fff dev@0", "commit");
    fx_log_free(&l.log);
}
END_TEST

/* set_coalescing = clear + add [0, size); clear_coalescing announces the
 * deletion of every range. */
START_TEST(t72_set_and_clear_coalescing)
{
    FxListener l;

    map_dev();
    fx_listener_register(&l, "L", 0, fx_as, NULL);
    memory_region_set_coalescing(&dev.mr);
    fx_assert_log(&l.log, "coalesced_add 0x3000 0x1000");

    fx_log_reset(&l.log);
    memory_region_clear_coalescing(&dev.mr);
    memory_region_add_coalescing(&dev.mr, 0x10, 0x10);
    memory_region_add_coalescing(&dev.mr, 0x40, 0x10);
    fx_assert_log(&l.log, "coalesced_del 0x3000 0x1000",
                  "coalesced_add 0x3010 0x10", "coalesced_add 0x3040 0x10");

    fx_log_reset(&l.log);
    memory_region_set_coalescing(&dev.mr);
    fx_assert_log(&l.log, "coalesced_del 0x3010 0x10",
                  "coalesced_del 0x3040 0x10", "coalesced_add 0x3000 0x1000");

    fx_log_reset(&l.log);
    memory_region_clear_coalescing(&dev.mr);
    fx_assert_log(&l.log, "coalesced_del 0x3000 0x1000");
    /* Clearing again: nothing left to announce. */
    fx_log_reset(&l.log);
    memory_region_clear_coalescing(&dev.mr);
    fx_assert_log_empty(&l.log);
    fx_listener_unregister(&l);
}
END_TEST

/* ---- the ring: what the device sees ----------------------------------------------- */

/* Writes to the coalesced part of dev wait; a read of dev itself (flagged
 * flush-coalesced by add_coalescing) delivers them first; a write outside
 * the ranges flushes and then goes straight through. */
START_TEST(t72_writes_held_until_flush)
{
    map_dev();
    memory_region_add_coalescing(&dev.mr, 0, 0x100);

    ck_assert_uint_eq(address_space_write(fx_as, 0x3010, attrs,
                                          (const uint8_t *)"\x11", 1),
                      MEMTX_OK);
    address_space_stl_le(fx_as, 0x3020, 0xaabbccdd, attrs, NULL);
    address_space_stw_le(fx_as, 0x3030, 0x1234, attrs, NULL);
    fx_assert_calls(&dev, "");

    /* A read of dev flushes first, then reads. */
    ck_assert_uint_eq(address_space_ldub(fx_as, 0x3005, attrs, NULL), 0x05);
    fx_assert_calls(&dev, "(0x10,0x11,1),(0x20,0xaabbccdd,4),"
                    "(0x30,0x1234,2),(0x5,1)");

    /* A write outside the coalesced range flushes and is not queued. */
    fx_pattern_reset(&dev);
    address_space_stb(fx_as, 0x3011, 0x22, attrs, NULL);
    address_space_stb(fx_as, 0x3200, 0x33, attrs, NULL);
    fx_assert_calls(&dev, "(0x11,0x22,1),(0x200,0x33,1)");

    /* After clear_coalescing writes go straight to the device. */
    fx_pattern_reset(&dev);
    address_space_stb(fx_as, 0x3012, 0x44, attrs, NULL);
    memory_region_clear_coalescing(&dev.mr); /* flushes */
    fx_assert_calls(&dev, "(0x12,0x44,1)");
    address_space_stb(fx_as, 0x3013, 0x55, attrs, NULL);
    fx_assert_calls(&dev, "(0x12,0x44,1),(0x13,0x55,1)");
}
END_TEST

/* set_flush_coalesced makes accesses to another region flush the ring;
 * clear_flush_coalesced undoes it; a transaction begin always flushes. */
START_TEST(t72_flush_coalesced_region)
{
    map_dev();
    memory_region_add_coalescing(&dev.mr, 0, 0x100);
    memory_region_add_subregion(fx_root, 0x8000,
                                fx_io(&flush_dev, "flush", 0x100));

    /* Without the flag, an access to flush_dev does not flush. */
    address_space_stb(fx_as, 0x3001, 0x01, attrs, NULL);
    address_space_ldub(fx_as, 0x8000, attrs, NULL);
    fx_assert_calls(&dev, "");
    fx_assert_calls(&flush_dev, "(0x0,1)");

    /* With it, a read of flush_dev delivers the pending write first. */
    memory_region_set_flush_coalesced(&flush_dev.mr);
    address_space_ldub(fx_as, 0x8001, attrs, NULL);
    fx_assert_calls(&dev, "(0x1,0x1,1)");
    fx_assert_calls(&flush_dev, "(0x0,1),(0x1,1)");

    /* A write to it too. */
    address_space_stb(fx_as, 0x3002, 0x02, attrs, NULL);
    fx_assert_calls(&dev, "(0x1,0x1,1)");
    address_space_stb(fx_as, 0x8002, 0x99, attrs, NULL);
    fx_assert_calls(&dev, "(0x1,0x1,1),(0x2,0x2,1)");

    /* Cleared: no flush on access any more. */
    memory_region_clear_flush_coalesced(&flush_dev.mr);
    address_space_stb(fx_as, 0x3003, 0x03, attrs, NULL);
    address_space_ldub(fx_as, 0x8003, attrs, NULL);
    fx_assert_calls(&dev, "(0x1,0x1,1),(0x2,0x2,1)");

    /* A transaction begin flushes. */
    memory_region_transaction_begin();
    fx_assert_calls(&dev, "(0x1,0x1,1),(0x2,0x2,1),(0x3,0x3,1)");
    memory_region_transaction_commit();
}
END_TEST

/* clear_flush_coalesced keeps the flag while the region has ranges. */
START_TEST(t72_clear_flush_kept_while_ranges)
{
    map_dev();
    memory_region_add_coalescing(&dev.mr, 0, 0x100);
    memory_region_clear_flush_coalesced(&dev.mr);
    address_space_stb(fx_as, 0x3001, 0x01, attrs, NULL);
    fx_assert_calls(&dev, "");
    /* Still flagged: reading dev flushes before the read. */
    address_space_ldub(fx_as, 0x3080, attrs, NULL);
    fx_assert_calls(&dev, "(0x1,0x1,1),(0x80,1)");
}
END_TEST

/* ---- 10,000 writes through the ring ------------------------------------------------ */

#define NR_WRITES 10000
#define RING_ENTRIES 1024

typedef struct RingWrite {
    hwaddr addr;
    uint64_t data;
    unsigned size;
} RingWrite;

/* The device of this test keeps every write (the pattern device stops
 * recording at FX_MAX_CALLS). */
static RingWrite seen[NR_WRITES + 16];
static unsigned nr_seen;
static MemoryRegion big_dev;

static uint64_t big_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque;
    (void)size;
    return addr & 0xff;
}

static void big_write(void *opaque, hwaddr addr, uint64_t data,
                      unsigned size)
{
    (void)opaque;
    if (nr_seen < sizeof(seen) / sizeof(seen[0])) {
        seen[nr_seen] = (RingWrite) { addr, data, size };
    }
    nr_seen++;
}

static const MemoryRegionOps big_ops = {
    .read = big_read,
    .write = big_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

static RingWrite written[NR_WRITES];

/* Write number i: sizes 1, 2, 4 in turn at aligned offsets. */
static RingWrite nth_write(unsigned i)
{
    static const unsigned sizes[3] = { 1, 2, 4 };
    unsigned size = sizes[i % 3];
    uint64_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;

    return (RingWrite) {
        .addr = ((hwaddr)i * 4) % 0x1000 & ~(hwaddr)(size - 1),
        .data = ((uint64_t)i * 2654435761u) & mask,
        .size = size,
    };
}

static void do_write(unsigned i)
{
    RingWrite w = nth_write(i);

    written[i] = w;
    switch (w.size) {
    case 1:
        address_space_stb(fx_as, 0x10000 + w.addr, (uint32_t)w.data, attrs,
                          NULL);
        break;
    case 2:
        address_space_stw_le(fx_as, 0x10000 + w.addr, (uint32_t)w.data,
                             attrs, NULL);
        break;
    default: {
        uint8_t buf[4];

        for (int k = 0; k < 4; k++) {
            buf[k] = (uint8_t)(w.data >> (8 * k));
        }
        ck_assert_uint_eq(address_space_write(fx_as, 0x10000 + w.addr, attrs,
                                              buf, 4), MEMTX_OK);
    }
    }
}

/* The device has seen exactly the first @n writes, in order. */
static void assert_prefix(unsigned n)
{
    ck_assert_uint_eq(nr_seen, n);
    for (unsigned i = 0; i < n; i++) {
        if (seen[i].addr != written[i].addr ||
            seen[i].data != written[i].data ||
            seen[i].size != written[i].size) {
            ck_abort_msg("write %u reached the device as (0x%" PRIx64
                         ",0x%" PRIx64 ",%u), written as (0x%" PRIx64
                         ",0x%" PRIx64 ",%u)", i, (uint64_t)seen[i].addr,
                         seen[i].data, seen[i].size,
                         (uint64_t)written[i].addr, written[i].data,
                         written[i].size);
        }
    }
}

START_TEST(t72_ring_10000_writes_in_order)
{
    unsigned i, delivered_at_half;

    memory_region_init_io(&big_dev, NULL, &big_ops, NULL, "big", 0x1000);
    memory_region_add_subregion(fx_root, 0x10000, &big_dev);
    memory_region_set_coalescing(&big_dev);
    memory_region_add_subregion(fx_root, 0x8000,
                                fx_io(&flush_dev, "flush", 0x100));
    memory_region_set_flush_coalesced(&flush_dev.mr);
    nr_seen = 0;

    /* A ring of 1024 entries holds the first 1024 writes back. */
    for (i = 0; i < RING_ENTRIES; i++) {
        do_write(i);
    }
    ck_assert_uint_eq(nr_seen, 0);

    /* From here on a full ring drains, in order, to make room: the device
     * only ever sees an in-order prefix, never more than one ring behind. */
    for (; i < NR_WRITES / 2; i++) {
        do_write(i);
        ck_assert_uint_le(nr_seen, i + 1);
        ck_assert_uint_ge(nr_seen + RING_ENTRIES, i + 1);
    }
    ck_assert_uint_gt(nr_seen, 0);
    delivered_at_half = nr_seen;
    assert_prefix(delivered_at_half);

    /* An access to a flush-coalesced region delivers the rest first. */
    address_space_ldub(fx_as, 0x8000, attrs, NULL);
    assert_prefix(NR_WRITES / 2);
    fx_assert_calls(&flush_dev, "(0x0,1)");

    for (; i < NR_WRITES; i++) {
        do_write(i);
        ck_assert_uint_ge(nr_seen + RING_ENTRIES, i + 1);
    }
    ck_assert_uint_lt(nr_seen, NR_WRITES);
    assert_prefix(nr_seen);

    /* A transaction begin delivers the rest. */
    memory_region_transaction_begin();
    assert_prefix(NR_WRITES);
    memory_region_transaction_commit();

    /* Nothing is delivered twice. */
    address_space_ldub(fx_as, 0x8000, attrs, NULL);
    ck_assert_uint_eq(nr_seen, NR_WRITES);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("coalesced");
    TCase *tc = tcase_create("coalesced");

    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, t72_coalesced_follows_topology);
    tcase_add_test(tc, t72_add_announces_only_new_range);
    tcase_add_test(tc, t72_announced_on_later_mapping);
    tcase_add_test(tc, t72_range_cut_per_flatrange);
    tcase_add_test(tc, t72_listener_order);
    tcase_add_test(tc, t72_register_unregister_replay);
    tcase_add_test(tc, t72_set_and_clear_coalescing);
    tcase_add_test(tc, t72_writes_held_until_flush);
    tcase_add_test(tc, t72_flush_coalesced_region);
    tcase_add_test(tc, t72_clear_flush_kept_while_ranges);
    tcase_add_test(tc, t72_ring_10000_writes_in_order);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
