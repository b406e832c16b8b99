/*
 * tests/unit/test_board_iommu.c — "iommu" regions of a board: the static
 * translation table as a device behind a DMA address space sees it, the
 * built-in virt board's "dma" address space, and every bad table with the
 * exact line the loader prints for it.
 *
 * Good boards are checked through the address spaces (what a bus master
 * reads and writes, where it lands in RAM) and through
 * memory_region_iommu_replay (the entries translate answers).  Bad boards
 * must give exactly the expected number of messages, return no board and
 * leave nothing in memcore.
 */
#include <stdio.h>

#include <memcore/memcore.h>

#include "test_board_fixture.h"
#include "check_run.h"

/* A RAM of 1 MiB at 0x80000000 in "memory", filled with 0x11, and an
 * address space "dma" whose root is the IOMMU given as @iommu. */
#define ASES "'address-spaces': [{'name': 'memory', 'root': 'sys'}, " \
             "{'name': 'dma', 'root': 'io'}]"
#define SYS "{'name': 'sys', 'type': 'container', 'size': '16E', " \
            "'subregions': [{'addr': '0x80000000', 'name': 'ram', " \
            "'type': 'ram', 'size': '1M', 'fill': 17}]}"
#define BOARD(iommu) "{" ASES ", 'regions': [" SYS ", " iommu "]}"
#define IOMMU(extra) "{'name': 'io', 'type': 'iommu', 'size': '4G', " \
                     "'target-as': 'memory'" extra "}"
#define MAPS(list) ", 'mappings': [" list "]"

static uint8_t *ram_of(Board *b)
{
    return memory_region_get_ram_ptr(mr_of(b, "ram"));
}

/* ---- good tables ---------------------------------------------------------- */

START_TEST(test_dma_reads_and_writes_land_in_ram)
{
    Board *b = build_board(BOARD(IOMMU(MAPS(
        "{'iova': '0', 'translated': '0x80010000', 'size': '8K', 'perm': 'rw'},"
        "{'iova': '0x100000', 'translated': '0x80000000', 'size': '4K', "
        " 'perm': 'ro'},"
        "{'iova': '0x200000', 'translated': '0x80020000', 'size': '4K', "
        " 'perm': 'wo'}"))));
    AddressSpace *dma = as_of(b, "dma");
    uint8_t *ram = ram_of(b);
    MemTxResult res;
    uint8_t buf[8];

    /* rw: a write lands at the translated address, and reads it back */
    address_space_stl_le(dma, 0x1ffc, 0xcafef00d, ATTRS, &res);
    ck_assert_int_eq(res, MEMTX_OK);
    ck_assert_uint_eq(ram[0x11ffc], 0x0d);
    ck_assert_uint_eq(ram[0x11fff], 0xca);
    ck_assert_uint_eq(address_space_ldl_le(dma, 0x1ffc, ATTRS, &res),
                      0xcafef00d);
    ck_assert_int_eq(res, MEMTX_OK);
    /* a range crossing the two pages of one mapping */
    ck_assert_int_eq(address_space_read(dma, 0xffe, ATTRS, buf, 4), MEMTX_OK);
    ck_assert_uint_eq(buf[0], 0x11);

    /* ro: reads work, writes fail and leave RAM alone */
    ck_assert_uint_eq(address_space_ldub(dma, 0x100010, ATTRS, &res), 0x11);
    ck_assert_int_eq(res, MEMTX_OK);
    address_space_stb(dma, 0x100010, 0x99, ATTRS, &res);
    ck_assert_int_eq(res, MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(ram[0x10], 0x11);

    /* wo: writes work, reads fail and give 0 */
    address_space_stb(dma, 0x200004, 0x42, ATTRS, &res);
    ck_assert_int_eq(res, MEMTX_OK);
    ck_assert_uint_eq(ram[0x20004], 0x42);
    ck_assert_uint_eq(address_space_ldub(dma, 0x200004, ATTRS, &res), 0);
    ck_assert_int_eq(res, MEMTX_DECODE_ERROR);

    /* unmapped IOVAs fault both ways: right after a mapping and far away */
    ck_assert_uint_eq(address_space_ldub(dma, 0x2000, ATTRS, &res), 0);
    ck_assert_int_eq(res, MEMTX_DECODE_ERROR);
    address_space_stb(dma, 0xfffff000, 1, ATTRS, &res);
    ck_assert_int_eq(res, MEMTX_DECODE_ERROR);
    /* beyond the 4 GiB IOMMU region nothing is mapped in "dma" */
    ck_assert_uint_eq(address_space_ldub(dma, 0x100000000, ATTRS, &res), 0);
    ck_assert_int_eq(res, MEMTX_DECODE_ERROR);
    board_destroy(b);
}
END_TEST

START_TEST(test_translate_is_clamped_to_the_page)
{
    Board *b = build_board(BOARD(IOMMU(", 'page-size': '64K'" MAPS(
        "{'iova': '0x10000', 'translated': '0x80000000', 'size': '128K', "
        " 'perm': 'rw'}"))));
    AddressSpace *dma = as_of(b, "dma");
    hwaddr xlat, len = 0x100000;
    MemoryRegion *mr;

    memcore_rcu_read_lock();
    mr = address_space_translate(dma, 0x1fff0, &xlat, &len, false);
    ck_assert_ptr_eq(mr, mr_of(b, "ram"));
    ck_assert_uint_eq(xlat, 0xfff0);
    ck_assert_uint_eq(len, 0x10);          /* to the end of the 64K page */
    len = 0x100000;
    mr = address_space_translate(dma, 0x20000, &xlat, &len, true);
    ck_assert_ptr_eq(mr, mr_of(b, "ram"));
    ck_assert_uint_eq(xlat, 0x10000);
    ck_assert_uint_eq(len, 0x10000);
    memcore_rcu_read_unlock();
    board_destroy(b);
}
END_TEST

/* Entries translate answers, collected by memory_region_iommu_replay. */
typedef struct Seen {
    Notifier n;
    IOMMUTLBEntry e[16];
    int count;
} Seen;

static void seen_notify(Notifier *n, void *data)
{
    Seen *s = (Seen *)(void *)n;

    ck_assert_int_lt(s->count, 16);
    s->e[s->count++] = *(IOMMUTLBEntry *)data;
}

START_TEST(test_replay_shows_every_entry)
{
    Board *b = build_board("{" ASES ", 'regions': [" SYS ", "
        "{'name': 'io', 'type': 'iommu', 'size': '16K', 'target-as': 'memory',"
        " 'mappings': ["
        "  {'iova': '0x3000', 'translated': '0x80005000', 'size': '4K', "
        "   'perm': 'wo'},"
        "  {'iova': '0', 'translated': '0x80001000', 'size': '8K', "
        "   'perm': 'rw'}]}]}");
    Seen s = { .n.notify = seen_notify };

    memory_region_iommu_replay(mr_of(b, "io"), &s.n, 0x1000, false);
    /* page 2 is unmapped (perm NONE): no call for it */
    ck_assert_int_eq(s.count, 3);
    ck_assert_uint_eq(s.e[0].iova, 0);
    ck_assert_uint_eq(s.e[0].translated_addr, 0x80001000);
    ck_assert_uint_eq(s.e[1].iova, 0x1000);
    ck_assert_uint_eq(s.e[1].translated_addr, 0x80002000);
    ck_assert_uint_eq(s.e[2].iova, 0x3000);
    ck_assert_uint_eq(s.e[2].translated_addr, 0x80005000);
    ck_assert_int_eq(s.e[0].perm, IOMMU_RW);
    ck_assert_int_eq(s.e[2].perm, IOMMU_WO);
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(s.e[i].addr_mask, 0xfff);
        ck_assert_ptr_eq(s.e[i].target_as, as_of(b, "memory"));
    }
    board_destroy(b);
}
END_TEST

START_TEST(test_byte_pages)
{
    /* page-size 1: every byte is its own page, so a 4-byte read is four
     * translations, each to the next byte (an ldl would be one access
     * that translate cannot cover: MMIO on RAM, as in QEMU) */
    Board *b = build_board(BOARD(IOMMU(", 'page-size': 1" MAPS(
        "{'iova': '0x10', 'translated': '0x80000100', 'size': 4, "
        " 'perm': 'rw'}"))));
    AddressSpace *dma = as_of(b, "dma");
    hwaddr xlat, len = 4;

    uint8_t buf[4];

    memcpy(ram_of(b) + 0x100, "\x01\x02\x03\x04", 4);
    ck_assert_int_eq(address_space_read(dma, 0x10, ATTRS, buf, 4), MEMTX_OK);
    ck_assert_mem_eq(buf, "\x01\x02\x03\x04", 4);
    ck_assert_int_eq(address_space_read(dma, 0x12, ATTRS, buf, 4),
                     MEMTX_DECODE_ERROR);    /* 0x14 is not mapped */
    ck_assert_mem_eq(buf, "\x03\x04\x00\x00", 4);
    memcore_rcu_read_lock();
    ck_assert_ptr_eq(address_space_translate(dma, 0x12, &xlat, &len, false),
                     mr_of(b, "ram"));
    ck_assert_uint_eq(xlat, 0x102);
    ck_assert_uint_eq(len, 1);
    memcore_rcu_read_unlock();
    board_destroy(b);
}
END_TEST

START_TEST(test_nested_iommus_compose)
{
    /* dma -> outer (target "mid") -> inner (in "mid", target "memory") */
    Board *b = build_board(
        "{'address-spaces': [{'name': 'memory', 'root': 'sys'}, "
        " {'name': 'mid', 'root': 'midbus'}, {'name': 'dma', 'root': 'outer'}],"
        " 'regions': [" SYS ","
        " {'name': 'midbus', 'type': 'container', 'size': '4G', 'subregions': ["
        "   {'addr': '0x40000000', 'name': 'inner', 'type': 'iommu', "
        "    'size': '1M', 'target-as': 'memory', 'mappings': ["
        "    {'iova': '0x2000', 'translated': '0x80070000', 'size': '4K', "
        "     'perm': 'rw'}]}]},"
        " {'name': 'outer', 'type': 'iommu', 'size': '4G', 'target-as': 'mid',"
        "  'page-size': '64K', 'mappings': ["
        "  {'iova': '0x10000', 'translated': '0x40000000', 'size': '64K', "
        "   'perm': 'rw'}]}]}");
    AddressSpace *dma = as_of(b, "dma");
    hwaddr xlat, len = 0x10000;

    address_space_stl_le(dma, 0x12008, 0x5a5a5a5a, ATTRS, NULL);
    ck_assert_uint_eq(*(uint32_t *)(ram_of(b) + 0x70008), 0x5a5a5a5a);
    memcore_rcu_read_lock();
    ck_assert_ptr_eq(address_space_translate(dma, 0x12ff0, &xlat, &len, true),
                     mr_of(b, "ram"));
    ck_assert_uint_eq(xlat, 0x70ff0);
    ck_assert_uint_eq(len, 0x10);   /* the smaller (inner) page wins */
    memcore_rcu_read_unlock();
    /* outer maps it, inner does not */
    ck_assert_uint_eq(address_space_ldub(dma, 0x13000, ATTRS, NULL), 0);
    board_destroy(b);
}
END_TEST

START_TEST(test_iommu_as_a_subregion)
{
    /* An IOMMU window inside a bus: IOVAs are offsets in the region. */
    Board *b = build_board(
        "{'address-spaces': [{'name': 'memory', 'root': 'sys'}, "
        " {'name': 'pci', 'root': 'bus'}], 'regions': [" SYS ","
        " {'name': 'bus', 'type': 'container', 'size': '16E', 'subregions': ["
        "   {'addr': '0xe0000000', 'name': 'win', 'type': 'iommu', "
        "    'size': '16M', 'target-as': 'memory', 'mappings': ["
        "    {'iova': '0x1000', 'translated': '0x80000000', 'size': '4K', "
        "     'perm': 'ro'}]}]}]}");

    ck_assert_uint_eq(address_space_ldub(as_of(b, "pci"), 0xe0001000, ATTRS,
                                         NULL), 0x11);
    ck_assert_uint_eq(address_space_ldub(as_of(b, "pci"), 0xe0000000, ATTRS,
                                         NULL), 0);
    board_destroy(b);
}
END_TEST

START_TEST(test_empty_table_refuses_everything)
{
    Board *b = build_board(BOARD(IOMMU(MAPS(""))));
    MemTxResult res;

    address_space_ldub(as_of(b, "dma"), 0, ATTRS, &res);
    ck_assert_int_eq(res, MEMTX_DECODE_ERROR);
    board_destroy(b);
    ck_assert_ptr_null(address_space_first());
}
END_TEST

START_TEST(test_dma_write_marks_the_page_dirty)
{
    Board *b = build_board(BOARD(IOMMU(MAPS(
        "{'iova': '0', 'translated': '0x80030000', 'size': '64K', "
        " 'perm': 'rw'}"))));
    MemoryRegion *ram = mr_of(b, "ram");

    memory_global_dirty_log_start();
    memory_region_reset_dirty(ram, 0, 1 << 20, DIRTY_MEMORY_MIGRATION);
    address_space_stl_le(as_of(b, "dma"), 0x2010, 1, ATTRS, NULL);
    ck_assert(memory_region_get_dirty(ram, 0x32000, 0x1000,
                                      DIRTY_MEMORY_MIGRATION));
    ck_assert(!memory_region_get_dirty(ram, 0x31000, 0x1000,
                                       DIRTY_MEMORY_MIGRATION));
    ck_assert(!memory_region_get_dirty(ram, 0x2000, 0x1000,
                                       DIRTY_MEMORY_MIGRATION));
    memory_global_dirty_log_stop();
    board_destroy(b);
}
END_TEST

/* mtree_info_flags output as a string. */
static char *mtree_text(unsigned flags)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    ck_assert_ptr_nonnull(f);
    mtree_info_flags((fprintf_function)fprintf, f, flags);
    fclose(f);
    return text;
}

START_TEST(test_builtin_virt_dma)
{
    Board *b = build_board(board_builtin_json("virt"));
    AddressSpace *dma = as_of(b, "dma");
    uint8_t *ram = memory_region_get_ram_ptr(mr_of(b, "riscv_virt_board.ram"));
    MemTxResult res;
    char *t;

    /* IOVA 0..16M is RAM from 0x84000000, read-write */
    address_space_stl_le(dma, 0xfffffc, 0x12345678, ATTRS, &res);
    ck_assert_int_eq(res, MEMTX_OK);
    ck_assert_uint_eq(*(uint32_t *)(ram + 0x4fffffc), 0x12345678);
    /* IOVA 16M.. shows the start of RAM (the idle loop), read-only */
    ck_assert_uint_eq(address_space_ldl_le(dma, 0x1000000, ATTRS, &res),
                      0x10500073);
    ck_assert_int_eq(res, MEMTX_OK);
    address_space_stl_le(dma, 0x1000000, 0, ATTRS, &res);
    ck_assert_int_eq(res, MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(*(uint32_t *)ram, 0x10500073);
    /* everything else faults */
    address_space_ldl_le(dma, 0x1010000, ATTRS, &res);
    ck_assert_int_eq(res, MEMTX_DECODE_ERROR);
    /* the CPU's address space is still "memory" */
    ck_assert_ptr_eq(board_default_as(b), board_find_as(b, "memory"));

    /* info mtree: the IOMMU is an i/o region, -f -d marks its section */
    t = mtree_text(0);
    ck_assert_msg(strstr(t, "address-space: dma\n  0000000000000000-"
                         "00000000ffffffff (prio 0, i/o): virt.iommu\n"),
                  "%s", t);
    free(t);
    t = mtree_text(MTREE_FLATVIEW | MTREE_DISPATCH);
    ck_assert_msg(strstr(t, " AS \"dma\", root: virt.iommu\n") != NULL, "%s", t);
    /* [MRU] may sit between the two marks, after the accesses above */
    {
        const char *line = strstr(t, "      #1 @0000000000000000.."
                                     "00000000ffffffff virt.iommu [ROOT] ");
        ck_assert_msg(line != NULL, "%s", t);
        const char *nl = strchr(line, '\n');
        ck_assert_msg(strncmp(nl - 8, " [iommu]", 8) == 0, "%s", t);
    }
    free(t);
    board_destroy(b);
}
END_TEST

/* ---- bad tables ---------------------------------------------------------- */

typedef struct BadCase {
    const char *board;
    const char *message;   /* expected line, exactly */
    size_t count;          /* expected number of lines */
} BadCase;

#define ONE(map) BOARD(IOMMU(MAPS(map)))
#define OK_MAP "{'iova': '0', 'translated': '0x80000000', 'size': '4K', " \
               "'perm': 'rw'}"

static const BadCase cases[] = {
    /* target-as */
    { BOARD("{'name': 'io', 'type': 'iommu', 'size': '4G', 'mappings': []}"),
      "regions[1]: missing key \"target-as\"", 1 },
    { BOARD("{'name': 'io', 'type': 'iommu', 'size': '4G', "
            "'target-as': 'nope', 'mappings': []}"),
      "regions[1].target-as: no address space is called \"nope\"", 1 },
    { BOARD("{'name': 'io', 'type': 'iommu', 'size': '4G', "
            "'target-as': 5, 'mappings': []}"),
      "regions[1].target-as: 5 is not a string", 1 },
    /* a region id is not an address space name */
    { BOARD("{'name': 'io', 'type': 'iommu', 'size': '4G', "
            "'target-as': 'sys', 'mappings': []}"),
      "regions[1].target-as: no address space is called \"sys\"", 1 },

    /* page-size */
    { BOARD(IOMMU(", 'page-size': 0" MAPS(""))),
      "regions[1].page-size: 0x0 is not a power of two (1, 2, 4, ... 16E)", 1 },
    { BOARD(IOMMU(", 'page-size': '3K'" MAPS(""))),
      "regions[1].page-size: 0xc00 is not a power of two (1, 2, 4, ... 16E)",
      1 },
    { BOARD(IOMMU(", 'page-size': '12Q'" MAPS(""))),
      "regions[1].page-size: \"12Q\" is not a size", 1 },
    /* a bad page size is reported once, not once per mapping */
    { BOARD(IOMMU(", 'page-size': 3" MAPS(
        "{'iova': '0x1001', 'translated': '0x80000000', 'size': 5, "
        " 'perm': 'rw'}"))),
      "regions[1].page-size: 0x3 is not a power of two (1, 2, 4, ... 16E)",
      1 },

    /* mappings: shape and keys */
    { BOARD(IOMMU("")),
      "regions[1]: missing key \"mappings\" (an iommu region needs its "
      "translation table; [] refuses every access)", 1 },
    { BOARD(IOMMU(", 'mappings': {}")),
      "regions[1].mappings: {} is not an array of mappings", 1 },
    { ONE("7"),
      "regions[1].mappings[0]: 7 is not a mapping ({\"iova\": ..., "
      "\"translated\": ..., \"size\": ..., \"perm\": ...})", 1 },
    { ONE("{'iova': '0', 'translated': '0x80000000', 'size': '4K', "
          "'perm': 'rw', 'cache': true}"),
      "regions[1].mappings[0]: unknown key \"cache\" for a mapping", 1 },
    { ONE("{'translated': '0x80000000', 'size': '4K', 'perm': 'rw'}"),
      "regions[1].mappings[0]: missing key \"iova\"", 1 },
    { ONE("{'iova': 0, 'size': '4K', 'perm': 'rw'}"),
      "regions[1].mappings[0]: missing key \"translated\"", 1 },
    { ONE("{'iova': 0, 'translated': '0x80000000', 'perm': 'rw'}"),
      "regions[1].mappings[0]: missing key \"size\"", 1 },
    { ONE("{'iova': 0, 'translated': '0x80000000', 'size': '4K'}"),
      "regions[1].mappings[0]: missing key \"perm\"", 1 },
    { ONE("{'iova': '0x1G', 'translated': '0x80000000', 'size': '4K', "
          "'perm': 'rw'}"),
      "regions[1].mappings[0].iova: \"0x1G\" is not a number", 1 },
    { ONE("{'iova': 0, 'translated': '0x80000000', 'size': '4K', "
          "'perm': 'rx'}"),
      "regions[1].mappings[0].perm: \"rx\" is not a permission (ro, wo or "
      "rw)", 1 },
    { ONE("{'iova': 0, 'translated': '0x80000000', 'size': '4K', 'perm': 3}"),
      "regions[1].mappings[0].perm: 3 is not a permission (ro, wo or rw)", 1 },
    { ONE("{'iova': 0, 'translated': '0x80000000', 'size': 0, 'perm': 'rw'}"),
      "regions[1].mappings[0].size: a mapping cannot be empty", 1 },

    /* alignment on the page size */
    { ONE("{'iova': '0x800', 'translated': '0x80000000', 'size': '4K', "
          "'perm': 'rw'}"),
      "regions[1].mappings[0].iova: 0x800 is not a multiple of the page "
      "size (0x1000)", 1 },
    { ONE("{'iova': 0, 'translated': '0x80000010', 'size': '4K', "
          "'perm': 'rw'}"),
      "regions[1].mappings[0].translated: 0x80000010 is not a multiple of "
      "the page size (0x1000)", 1 },
    { ONE("{'iova': 0, 'translated': '0x80000000', 'size': '6K', "
          "'perm': 'rw'}"),
      "regions[1].mappings[0].size: 0x1800 is not a multiple of the page "
      "size (0x1000)", 1 },
    { BOARD(IOMMU(", 'page-size': '64K'" MAPS(
        "{'iova': '0x10000', 'translated': '0x80001000', 'size': '64K', "
        " 'perm': 'rw'}"))),
      "regions[1].mappings[0].translated: 0x80001000 is not a multiple of "
      "the page size (0x10000)", 1 },

    /* ranges */
    { ONE("{'iova': '0xfffff000', 'translated': '0x80000000', 'size': '8K', "
          "'perm': 'rw'}"),
      "regions[1].mappings[0]: iova 0xfffff000 + size 0x2000 goes beyond "
      "the region's size 0x100000000", 1 },
    { "{" ASES ", 'regions': [" SYS ", {'name': 'io', 'type': 'iommu', "
      "'size': '16E', 'target-as': 'memory', 'mappings': ["
      "{'iova': '0xfffffffffffff000', 'translated': 0, 'size': '8K', "
      "'perm': 'rw'}]}]}",
      "regions[1].mappings[0]: iova 0xfffffffffffff000 + size 0x2000 "
      "overflows 2^64", 1 },
    { "{" ASES ", 'regions': [" SYS ", {'name': 'io', 'type': 'iommu', "
      "'size': '16E', 'target-as': 'memory', 'mappings': ["
      "{'iova': '0x1000', 'translated': 0, 'size': '16E', 'perm': 'rw'}]}]}",
      "regions[1].mappings[0]: iova 0x1000 + size 2^64 overflows 2^64", 1 },
    { ONE("{'iova': 0, 'translated': '0xffffffffffffe000', 'size': '16K', "
          "'perm': 'rw'}"),
      "regions[1].mappings[0]: translated 0xffffffffffffe000 + size 0x4000 "
      "overflows 2^64", 1 },

    /* overlaps: one message per mapping that overlaps an earlier one, at
     * whichever of the two is listed later */
    { ONE(OK_MAP ", {'iova': '0', 'translated': '0x80004000', 'size': '4K', "
          "'perm': 'ro'}"),
      "regions[1].mappings[1]: iova 0x0-0xfff overlaps "
      "regions[1].mappings[0] (0x0-0xfff)", 1 },
    { ONE("{'iova': '0x3000', 'translated': '0x80000000', 'size': '8K', "
          "'perm': 'rw'}, {'iova': '0x1000', 'translated': '0x80004000', "
          "'size': '12K', 'perm': 'rw'}"),
      "regions[1].mappings[1]: iova 0x1000-0x3fff overlaps "
      "regions[1].mappings[0] (0x3000-0x4fff)", 1 },
    { ONE("{'iova': 0, 'translated': '0x80000000', 'size': '64K', "
          "'perm': 'rw'}, {'iova': '0x1000', 'translated': '0x80000000', "
          "'size': '4K', 'perm': 'rw'}, {'iova': '0x8000', "
          "'translated': '0x80000000', 'size': '4K', 'perm': 'rw'}"),
      "regions[1].mappings[2]: iova 0x8000-0x8fff overlaps "
      "regions[1].mappings[0] (0x0-0xffff)", 2 },
    /* touching is not overlapping; a bad mapping is left out of the check */
    { ONE(OK_MAP ", {'iova': '0x1000', 'translated': '0x80000000', "
          "'size': '4K', 'perm': 'rw'}, {'iova': '0', 'translated': 1, "
          "'size': '4K', 'perm': 'rw'}"),
      "regions[1].mappings[2].translated: 0x1 is not a multiple of the page "
      "size (0x1000)", 1 },

    /* translation loops */
    { "{'address-spaces': [{'name': 'dma', 'root': 'io'}], 'regions': ["
      "{'name': 'io', 'type': 'iommu', 'size': '4G', 'target-as': 'dma', "
      "'mappings': [{'iova': '0x1000', 'translated': '0x1000', "
      "'size': '4K', 'perm': 'rw'}]}]}",
      "regions[0].mappings[0]: translations loop forever: io mappings[0] -> "
      "\"dma\" -> io mappings[0]", 1 },
    { "{'address-spaces': [{'name': 'dma', 'root': 'io'}], 'regions': ["
      "{'name': 'io', 'type': 'iommu', 'size': '4G', 'target-as': 'dma', "
      "'mappings': [{'iova': '0', 'translated': '0x1000', 'size': '4K', "
      "'perm': 'rw'}, {'iova': '0x1000', 'translated': '0', 'size': '4K', "
      "'perm': 'ro'}]}]}",
      "regions[0].mappings[0]: translations loop forever: io mappings[0] -> "
      "\"dma\" -> io mappings[1] -> \"dma\" -> io mappings[0]", 1 },
    /* through a container and an alias in the target address space */
    { "{" ASES ", 'regions': [{'name': 'sys', 'type': 'container', "
      "'size': '16E', 'subregions': [{'addr': '0x90000000', 'name': 'bus', "
      "'type': 'container', 'size': '1M', 'subregions': [{'addr': '0x10000',"
      " 'name': 'win', 'type': 'alias', 'target': 'io', 'offset': '0x20000',"
      " 'size': '64K', 'enabled': false}]}]}, "
      "{'name': 'io', 'type': 'iommu', 'size': '4G', 'target-as': 'memory', "
      "'mappings': [{'iova': '0x20000', 'translated': '0x90010000', "
      "'size': '4K', 'perm': 'rw'}]}]}",
      "regions[1].mappings[0]: translations loop forever: io mappings[0] -> "
      "\"memory\" -> io mappings[0]", 1 },

    /* keys of other types */
    { BOARD(IOMMU(", 'target': 'ram'" MAPS(""))),
      "regions[1]: unknown key \"target\" for an iommu region", 1 },
    { BOARD("{'name': 'io', 'type': 'ram', 'size': '4K', "
            "'target-as': 'memory'}"),
      "regions[1]: unknown key \"target-as\" for a ram region", 1 },

    /* several problems at once: every one is reported */
    { BOARD("{'name': 'io', 'type': 'iommu', 'size': '4G', 'target-as': "
            "'nope', 'mappings': [{'iova': '0x10', 'translated': 0, "
            "'size': '4K', 'perm': 'x'}, 5]}"),
      "regions[1].target-as: no address space is called \"nope\"", 4 },
};

START_TEST(test_bad_table)
{
    const BadCase *c = &cases[_i];
    char *json = unquote(c->board);
    bool found = false;
    Diag d;
    Board *b;

    diag_init(&d);
    b = board_parse_string(json, NULL, NULL, &d);
    ck_assert_msg(b == NULL, "case %d: a bad board was accepted", _i);
    for (size_t i = 0; i < d.count; i++) {
        if (strcmp(d.msgs[i], c->message) == 0) {
            found = true;
        }
    }
    if (!found || d.count != c->count) {
        for (size_t i = 0; i < d.count; i++) {
            fprintf(stderr, "case %d got: %s\n", _i, d.msgs[i]);
        }
    }
    ck_assert_msg(found, "case %d: expected \"%s\"", _i, c->message);
    ck_assert_msg(d.count == c->count, "case %d: %zu messages, expected %zu",
                  _i, d.count, c->count);
    ck_assert(!d.oom);
    ck_assert_ptr_null(address_space_first());
    diag_free(&d);
    free(json);
}
END_TEST

START_TEST(test_no_loop_when_ranges_miss)
{
    /* The IOMMU's window in "memory" is not where its mapping points: no
     * loop, and the board builds. */
    Board *b = build_board(
        "{" ASES ", 'regions': [{'name': 'sys', 'type': 'container', "
        "'size': '16E', 'subregions': [{'addr': '0x80000000', 'name': 'ram',"
        " 'type': 'ram', 'size': '1M', 'fill': 17}, {'addr': '0x90000000', "
        "'name': 'win', 'type': 'alias', 'target': 'io', 'size': '64K'}]}, "
        "{'name': 'io', 'type': 'iommu', 'size': '4G', 'target-as': 'memory', "
        "'mappings': [{'iova': '0', 'translated': '0x80000000', 'size': '4K', "
        "'perm': 'rw'}, {'iova': '0x20000', 'translated': '0x90000000', "
        "'size': '4K', 'perm': 'rw'}]}]}");

    /* the CPU reaches RAM through the window and the IOMMU */
    ck_assert_uint_eq(address_space_ldub(as_of(b, "memory"), 0x90000010,
                                         ATTRS, NULL), 0x11);
    board_destroy(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("board_iommu");
    TCase *good = tcase_create("good tables");
    TCase *bad = tcase_create("bad tables");

    tcase_add_test(good, test_dma_reads_and_writes_land_in_ram);
    tcase_add_test(good, test_translate_is_clamped_to_the_page);
    tcase_add_test(good, test_replay_shows_every_entry);
    tcase_add_test(good, test_byte_pages);
    tcase_add_test(good, test_nested_iommus_compose);
    tcase_add_test(good, test_iommu_as_a_subregion);
    tcase_add_test(good, test_empty_table_refuses_everything);
    tcase_add_test(good, test_dma_write_marks_the_page_dirty);
    tcase_add_test(good, test_builtin_virt_dma);
    tcase_add_test(good, test_no_loop_when_ranges_miss);
    suite_add_tcase(s, good);
    tcase_add_loop_test(bad, test_bad_table, 0,
                        (int)(sizeof(cases) / sizeof(cases[0])));
    suite_add_tcase(s, bad);
    return ck_run_suite(s);
}
