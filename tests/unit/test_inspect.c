/*
 * tests/unit/test_inspect.c — memory_region_get_info, mtree_walk and the
 * FlatView range inspection of <memcore/memcore.h>: every walked region
 * gives the very line `info mtree -D` prints for it, in the same order,
 * and every range info the line `info mtree -f` prints.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "check_run.h"

static MemoryRegion ram, rom, alias, off, box, inner, romdev;
static FxPatternDev dev;
static Object owner;

static uint64_t romdev_read(void *o, hwaddr a, unsigned s)
{
    (void)o, (void)a, (void)s;
    return 0;
}

static void romdev_write(void *o, hwaddr a, uint64_t v, unsigned s)
{
    (void)o, (void)a, (void)v, (void)s;
}

static const MemoryRegionOps romdev_ops = {
    .read = romdev_read,
    .write = romdev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void build(void)
{
    fx_setup();
    object_initialize_owner(&owner, "/machine/thing", NULL);
    fx_ram(&ram, "ram", 0x2000);
    fx_rom(&rom, "rom", 0x1000);
    memory_region_init_alias(&alias, NULL, "ram-alias", &ram, 0x800, 0x400);
    memory_region_init(&off, &owner, "off", 0x100);
    memory_region_init(&box, NULL, "box", 0x10000);
    fx_io(&dev, "dev", 0x100);
    memory_region_init_rom_device(&romdev, NULL, &romdev_ops, NULL, "romdev",
                                  0x1000, NULL);
    memory_region_init(&inner, NULL, "inner", 0x10);

    memory_region_transaction_begin();
    memory_region_add_subregion(fx_root, 0x10000, &ram);
    memory_region_add_subregion(fx_root, 0x1000, &rom);
    memory_region_add_subregion_overlap(fx_root, 0x10000, &alias, 2);
    memory_region_add_subregion(fx_root, 0x40000, &box);
    memory_region_add_subregion(&box, 0x100, &dev.mr);
    memory_region_add_subregion(&box, 0x3000, &romdev);
    memory_region_add_subregion(&box, 0x200, &off);
    memory_region_add_subregion(&off, 0x8, &inner);
    memory_region_set_enabled(&off, false);
    memory_region_transaction_commit();
}

static void teardown(void)
{
    fx_teardown();
}

typedef struct Lines {
    char text[8192];
    size_t len;
    int regions;
} Lines;

/* The line `info mtree` prints for a region, rebuilt from the walk. */
static int add_line(const MemoryRegionInfo *info, unsigned depth,
                    hwaddr start, void *opaque)
{
    Lines *l = opaque;
    uint64_t size = info->size;
    /* UINT64_MAX stands for 2^64, whose last byte is start + 2^64 - 1. */
    hwaddr end = size == UINT64_MAX ? start + UINT64_MAX
                 : size ? start + size - 1 : start;

    for (unsigned i = 0; i <= depth; i++) {
        l->len += (size_t)snprintf(l->text + l->len, sizeof(l->text) - l->len,
                                   "  ");
    }
    l->len += (size_t)snprintf(l->text + l->len, sizeof(l->text) - l->len,
                               "%016" PRIx64 "-%016" PRIx64 " (prio %d, %s): ",
                               start, end, info->priority, info->type);
    if (info->alias) {
        MemoryRegionInfo t;
        memory_region_get_info(info->alias, &t);
        l->len += (size_t)snprintf(l->text + l->len,
                                   sizeof(l->text) - l->len,
                                   "alias %s @%s %016" PRIx64 "-%016" PRIx64,
                                   info->name, t.name, info->alias_offset,
                                   info->alias_offset + size - 1);
    } else {
        l->len += (size_t)snprintf(l->text + l->len,
                                   sizeof(l->text) - l->len, "%s", info->name);
    }
    l->len += (size_t)snprintf(l->text + l->len, sizeof(l->text) - l->len,
                               "%s\n", info->enabled ? "" : " [disabled]");
    l->regions++;
    return 0;
}

START_TEST(walk_matches_mtree)
{
    Lines l = { .len = 0 };
    char *mtree = fx_mtree(MTREE_DISABLED);

    ck_assert_int_eq(mtree_walk(fx_root, add_line, &l), 0);
    ck_assert_int_eq(l.regions, 9);
    /* The tree block of the one address space, alias target block apart. */
    ck_assert_msg(strstr(mtree, l.text) != NULL, "walk:\n%s\nmtree:\n%s",
                  l.text, mtree);
    free(mtree);
}
END_TEST

static int count_stop(const MemoryRegionInfo *info, unsigned depth,
                      hwaddr start, void *opaque)
{
    (void)info, (void)depth, (void)start;
    return ++*(int *)opaque == 3 ? 42 : 0;
}

START_TEST(walk_stops_when_asked)
{
    int n = 0;

    ck_assert_int_eq(mtree_walk(fx_root, count_stop, &n), 42);
    ck_assert_int_eq(n, 3);
}
END_TEST

START_TEST(region_info_fields)
{
    MemoryRegionInfo i;

    memory_region_get_info(&off, &i);
    ck_assert_str_eq(i.name, "off");
    ck_assert_str_eq(i.kind, "container");
    ck_assert_str_eq(i.type, "i/o");
    ck_assert(!i.enabled);
    ck_assert(i.has_owner);
    ck_assert_str_eq(i.owner_path, "/machine/thing");
    ck_assert_ptr_eq(i.container, &box);
    ck_assert_uint_eq(i.addr, 0x200);
    ck_assert_uint_eq(i.nr_subregions, 1);

    memory_region_get_info(&alias, &i);
    ck_assert_str_eq(i.kind, "alias");
    ck_assert_str_eq(i.type, "ram");
    ck_assert_ptr_eq(i.alias, &ram);
    ck_assert_uint_eq(i.alias_offset, 0x800);
    ck_assert_int_eq(i.priority, 2);

    memory_region_get_info(&rom, &i);
    ck_assert_str_eq(i.kind, "rom");
    ck_assert_str_eq(i.type, "rom");
    ck_assert(i.readonly);

    memory_region_get_info(&romdev, &i);
    ck_assert_str_eq(i.kind, "rom_device");
    ck_assert_str_eq(i.type, "romd");
    ck_assert(i.romd);

    memory_region_get_info(&dev.mr, &i);
    ck_assert_str_eq(i.kind, "io");

    memory_region_get_info(fx_root, &i);
    ck_assert_uint_eq(i.size, UINT64_MAX);
    ck_assert_ptr_null(i.container);
    ck_assert(!i.has_owner);
    ck_assert_ptr_null(i.owner_path);
}
END_TEST

START_TEST(flat_ranges_match_mtree_f)
{
    FlatView *v = address_space_get_flatview(fx_as);
    char *mtree = fx_mtree(MTREE_FLATVIEW);
    unsigned n = flatview_nr_ranges(v);
    FlatRangeInfo r;

    ck_assert_uint_gt(n, 0);
    for (unsigned i = 0; i < n; i++) {
        char line[256];
        MemoryRegionInfo mi;

        ck_assert(flatview_get_range_info(v, i, &r));
        memory_region_get_info(r.mr, &mi);
        snprintf(line, sizeof(line), "  %016" PRIx64 "-%016" PRIx64
                 " (prio %d, %s): %s", r.start, r.last, mi.priority, r.type,
                 mi.name);
        ck_assert_msg(strstr(mtree, line) != NULL, "no line '%s' in\n%s",
                      line, mtree);
        ck_assert_uint_eq(flatview_find_range(v, r.start), i);
        ck_assert_uint_eq(flatview_find_range(v, r.last), i);
    }
    ck_assert(!flatview_get_range_info(v, n, &r));
    ck_assert_uint_eq(flatview_find_range(v, UINT64_MAX), n);

    /* RAM reads and writes are plain copies, ROM only reads, MMIO neither. */
    ck_assert(flatview_get_range_info(v, flatview_find_range(v, 0x10000), &r));
    ck_assert_str_eq(r.type, "ram");
    ck_assert(r.direct_read && r.direct_write && !r.romd);
    ck_assert(flatview_get_range_info(v, flatview_find_range(v, 0x1000), &r));
    ck_assert_str_eq(r.type, "rom");
    ck_assert(r.direct_read && !r.direct_write && r.readonly);
    ck_assert(flatview_get_range_info(v, flatview_find_range(v, 0x40100), &r));
    ck_assert_str_eq(r.type, "i/o");
    ck_assert(!r.direct_read && !r.direct_write);
    ck_assert(flatview_get_range_info(v, flatview_find_range(v, 0x43000), &r));
    ck_assert_str_eq(r.type, "romd");
    ck_assert(r.direct_read && !r.direct_write && r.romd);
    /* Nothing at 0x2000: the next range starts above it. */
    ck_assert(flatview_get_range_info(v, flatview_find_range(v, 0x2000), &r));
    ck_assert_uint_gt(r.start, 0x2000);
    free(mtree);
    flatview_unref(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("inspect");
    TCase *tc = tcase_create("inspect");

    tcase_add_checked_fixture(tc, build, teardown);
    tcase_add_test(tc, walk_matches_mtree);
    tcase_add_test(tc, walk_stops_when_asked);
    tcase_add_test(tc, region_info_fields);
    tcase_add_test(tc, flat_ranges_match_mtree_f);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
