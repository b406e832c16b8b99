/*
 * tests/unit/test_mtree.c — mtree_info / mtree_info_flags output
 * (memcore/SEMANTICS.md, mtree output; conformance cases 57–62 and case
 * 31's dispatch dump), compared as exact text.
 *
 * Output is captured with open_memstream() and plain fprintf as the
 * fprintf_function, the way an embedder would call it.  Every test builds
 * its own address spaces (the fixture's "as" would show up in the output);
 * the teardown destroys them, so tests also pass with CK_FORK=no.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

/* ---- capture and comparison ---------------------------------------------- */

/* What mtree_info_flags prints with @flags, as a malloc()ed string. */
static char *mtree_text(unsigned flags)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    ck_assert_ptr_nonnull(f);
    mtree_info_flags(fprintf, f, flags);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_ptr_nonnull(text);
    return text;
}

/* Fail unless @actual is @expected; the message names the first line that
 * differs, and both texts go to stderr (the test's .log) in full. */
static void check_text(const char *actual, const char *expected,
                       const char *what)
{
    if (strcmp(actual, expected) == 0) {
        return;
    }
    const char *a = actual, *e = expected;
    unsigned line = 1;
    while (*a && *a == *e) {
        if (*a == '\n') {
            line++;
        }
        a++, e++;
    }
    const char *al = a, *el = e;
    while (al > actual && al[-1] != '\n') {
        al--, el--;
    }
    fprintf(stderr, "--- %s: expected ---\n%s--- actual ---\n%s--- end ---\n",
            what, expected, actual);
    ck_abort_msg("%s: line %u differs:\n  expected: %.*s\n  actual:   %.*s",
                 what, line, (int)strcspn(el, "\n"), el,
                 (int)strcspn(al, "\n"), al);
}

#define assert_mtree(flags, expected)                                    \
    do {                                                                 \
        char *t_ = mtree_text(flags);                                    \
        check_text(t_, (expected), "mtree flags " #flags);               \
        free(t_);                                                        \
    } while (0)

/* The line of @text containing @needle (malloc()ed), or NULL. */
static char *line_with(const char *text, const char *needle)
{
    const char *hit = strstr(text, needle);
    if (!hit) {
        return NULL;
    }
    const char *start = hit, *end = hit + strcspn(hit, "\n");
    while (start > text && start[-1] != '\n') {
        start--;
    }
    return strndup(start, (size_t)(end - start));
}

/* A copy of @text with every " [MRU]" removed: which section the lookup
 * cache holds depends on earlier accesses, not on the topology. */
static char *without_mru(const char *text)
{
    char *s = strdup(text);
    ck_assert_ptr_nonnull(s);
    for (char *p; (p = strstr(s, " [MRU]"));) {
        memmove(p, p + 6, strlen(p + 6) + 1);
    }
    return s;
}

/*
 * Checked-fixture teardown: destroy every address space left (all of them
 * belong to the test, and a failed test leaves its own behind), so that
 * the next test's output starts from nothing even with CK_FORK=no.
 */
static void destroy_all_as(void)
{
    for (unsigned guard = 0; guard < 1000; guard++) {
        memcore_lock();
        AddressSpace *as = address_space_first();
        memcore_unlock();
        if (!as) {
            break;
        }
        address_space_destroy(as);
    }
    memcore_rcu_barrier();
}

/* ROM device ops: reads 0, writes ignored (only the type word matters). */
static uint64_t zero_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque, (void)addr, (void)size;
    return 0;
}

static void ignore_write(void *opaque, hwaddr addr, uint64_t data,
                         unsigned size)
{
    (void)opaque, (void)addr, (void)data, (void)size;
}

static const MemoryRegionOps zero_ops = {
    .read = zero_read,
    .write = ignore_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

/* ---- tree T1 (SEMANTICS.md, mtree output, "Example tree T1") ------------- */

static struct {
    MemoryRegion system, pc_ram, ram_below_4g, pci, vga_lowmem, pc_bios,
        isa_bios, smram, pam_ram, hpet, flash, io, serial;
    AddressSpace memory, io_as;
} t1;

/* Build T1 exactly as SEMANTICS.md lists it, regions added in the order
 * listed. */
static void t1_build(void)
{
    memset(&t1, 0, sizeof(t1));
    memory_region_transaction_begin();
    memory_region_init(&t1.system, NULL, "system", UINT64_MAX);
    fx_ram(&t1.pc_ram, "pc.ram", 0x8000000);
    memory_region_init_alias(&t1.ram_below_4g, NULL, "ram-below-4g",
                             &t1.pc_ram, 0, 0x8000000);
    memory_region_add_subregion(&t1.system, 0, &t1.ram_below_4g);

    memory_region_init(&t1.pci, NULL, "pci", UINT64_MAX);
    memory_region_add_subregion_overlap(&t1.system, 0, &t1.pci, -1);
    memory_region_init_io(&t1.vga_lowmem, NULL, NULL, NULL, "vga-lowmem",
                          0x20000);
    memory_region_add_subregion_overlap(&t1.pci, 0xa0000, &t1.vga_lowmem, 1);
    fx_rom(&t1.pc_bios, "pc.bios", 0x40000);
    memory_region_init_alias(&t1.isa_bios, NULL, "isa-bios", &t1.pc_bios,
                             0x20000, 0x20000);
    memory_region_set_readonly(&t1.isa_bios, true);
    memory_region_add_subregion_overlap(&t1.pci, 0xe0000, &t1.isa_bios, 1);
    memory_region_add_subregion(&t1.pci, 0xfffc0000, &t1.pc_bios);

    memory_region_init_alias(&t1.smram, NULL, "smram-region", &t1.pci,
                             0xa0000, 0x20000);
    memory_region_add_subregion_overlap(&t1.system, 0xa0000, &t1.smram, 1);
    memory_region_init_alias(&t1.pam_ram, NULL, "pam-ram", &t1.pc_ram,
                             0xc0000, 0x4000);
    memory_region_set_enabled(&t1.pam_ram, false);
    memory_region_add_subregion_overlap(&t1.system, 0xc0000, &t1.pam_ram, 1);
    memory_region_init_io(&t1.hpet, NULL, NULL, NULL, "hpet", 0x400);
    memory_region_add_subregion(&t1.system, 0xfed00000, &t1.hpet);
    memory_region_init_rom_device(&t1.flash, NULL, &zero_ops, NULL, "flash",
                                  0x10000, &error_abort);
    memory_region_add_subregion(&t1.system, 0xff000000, &t1.flash);

    memory_region_init_io(&t1.io, NULL, &unassigned_io_ops, NULL, "io",
                          0x10000);
    memory_region_init_io(&t1.serial, NULL, NULL, NULL, "serial", 8);
    memory_region_add_subregion(&t1.io, 0x3f8, &t1.serial);
    memory_region_transaction_commit();

    address_space_init(&t1.memory, &t1.system, "memory");
    address_space_init(&t1.io_as, &t1.io, "I/O");
}


static const char t1_2016[] =
    "address-space: memory\n"
    "  0000000000000000-ffffffffffffffff (prio 0, RW): system\n"
    "    0000000000000000-0000000007ffffff (prio 0, RW): alias ram-below-4g @pc.ram 0000000000000000-0000000007ffffff\n"
    "    0000000000000000-ffffffffffffffff (prio -1, RW): pci\n"
    "      00000000000a0000-00000000000bffff (prio 1, RW): vga-lowmem\n"
    "      00000000000e0000-00000000000fffff (prio 1, R-): alias isa-bios @pc.bios 0000000000020000-000000000003ffff\n"
    "      00000000fffc0000-00000000ffffffff (prio 0, R-): pc.bios\n"
    "    00000000000a0000-00000000000bffff (prio 1, RW): alias smram-region @pci 00000000000a0000-00000000000bffff\n"
    "    00000000000c0000-00000000000c3fff (prio 1, RW): alias pam-ram @pc.ram 00000000000c0000-00000000000c3fff [disabled]\n"
    "    00000000fed00000-00000000fed003ff (prio 0, RW): hpet\n"
    "    00000000ff000000-00000000ff00ffff (prio 0, R-): flash\n"
    "\n"
    "address-space: I/O\n"
    "  0000000000000000-000000000000ffff (prio 0, RW): io\n"
    "    00000000000003f8-00000000000003ff (prio 0, RW): serial\n"
    "\n"
    "memory-region: pc.ram\n"
    "  0000000000000000-0000000007ffffff (prio 0, RW): pc.ram\n"
    "\n"
    "memory-region: pc.bios\n"
    "  00000000fffc0000-00000000ffffffff (prio 0, R-): pc.bios\n"
    "\n"
    "memory-region: pci\n"
    "  0000000000000000-ffffffffffffffff (prio -1, RW): pci\n"
    "    00000000000a0000-00000000000bffff (prio 1, RW): vga-lowmem\n"
    "    00000000000e0000-00000000000fffff (prio 1, R-): alias isa-bios @pc.bios 0000000000020000-000000000003ffff\n"
    "    00000000fffc0000-00000000ffffffff (prio 0, R-): pc.bios\n"
    "\n";

/* The 7.2 tree; PAM_LINE is where -D adds the disabled pam-ram alias. */
#define T1_CURRENT(PAM_LINE)                                                                                                 \
    "address-space: memory\n"                                                                                                \
    "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n"                                                            \
    "    0000000000000000-0000000007ffffff (prio 0, ram): alias ram-below-4g @pc.ram 0000000000000000-0000000007ffffff\n"    \
    "    0000000000000000-ffffffffffffffff (prio -1, i/o): pci\n"                                                           \
    "      00000000000a0000-00000000000bffff (prio 1, i/o): vga-lowmem\n"                                                   \
    "      00000000000e0000-00000000000fffff (prio 1, rom): alias isa-bios @pc.bios 0000000000020000-000000000003ffff\n"    \
    "      00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios\n"                                                      \
    "    00000000000a0000-00000000000bffff (prio 1, i/o): alias smram-region @pci 00000000000a0000-00000000000bffff\n"      \
    PAM_LINE                                                                                                                 \
    "    00000000fed00000-00000000fed003ff (prio 0, i/o): hpet\n"                                                           \
    "    00000000ff000000-00000000ff00ffff (prio 0, romd): flash\n"                                                         \
    "\n"                                                                                                                     \
    "address-space: I/O\n"                                                                                                   \
    "  0000000000000000-000000000000ffff (prio 0, i/o): io\n"                                                                \
    "    00000000000003f8-00000000000003ff (prio 0, i/o): serial\n"                                                         \
    "\n"                                                                                                                     \
    "memory-region: pc.ram\n"                                                                                                \
    "  0000000000000000-0000000007ffffff (prio 0, ram): pc.ram\n"                                                            \
    "\n"                                                                                                                     \
    "memory-region: pc.bios\n"                                                                                               \
    "  00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios\n"                                                           \
    "\n"                                                                                                                     \
    "memory-region: pci\n"                                                                                                   \
    "  0000000000000000-ffffffffffffffff (prio -1, i/o): pci\n"                                                              \
    "    00000000000a0000-00000000000bffff (prio 1, i/o): vga-lowmem\n"                                                     \
    "    00000000000e0000-00000000000fffff (prio 1, rom): alias isa-bios @pc.bios 0000000000020000-000000000003ffff\n"      \
    "    00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios\n"                                                        \
    "\n"

static const char t1_flat[] =
    "FlatView #0\n"
    " AS \"memory\", root: system\n"
    " Root memory region: system\n"
    "  0000000000000000-000000000009ffff (prio 0, ram): pc.ram\n"
    "  00000000000a0000-00000000000bffff (prio 1, i/o): vga-lowmem\n"
    "  00000000000c0000-0000000007ffffff (prio 0, ram): pc.ram @00000000000c0000\n"
    "  00000000fed00000-00000000fed003ff (prio 0, i/o): hpet\n"
    "  00000000ff000000-00000000ff00ffff (prio 0, romd): flash\n"
    "  00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios\n"
    "\n"
    "FlatView #1\n"
    " AS \"I/O\", root: io\n"
    " Root memory region: io\n"
    "  0000000000000000-00000000000003f7 (prio 0, i/o): io\n"
    "  00000000000003f8-00000000000003ff (prio 0, i/o): serial\n"
    "  0000000000000400-000000000000ffff (prio 0, i/o): io @0000000000000400\n"
    "\n";

/* Case 57: T1 in the 2016 format. */
START_TEST(test_t1_format_2016)
{
    t1_build();
    assert_mtree(MTREE_FORMAT_2016, t1_2016);
}
END_TEST

/* Case 58: T1 in QEMU 7.2's format; the disabled alias is hidden. */
START_TEST(test_t1_current)
{
    t1_build();
    assert_mtree(0, T1_CURRENT(""));
    /* mtree_info is the flag-less form. */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    mtree_info(fprintf, f);
    ck_assert_int_eq(fclose(f), 0);
    check_text(text, T1_CURRENT(""), "mtree_info");
    free(text);
}
END_TEST

/* Case 58 with -D: the pam-ram line comes back after smram-region. */
START_TEST(test_t1_current_disabled)
{
    t1_build();
    assert_mtree(MTREE_DISABLED,
                 T1_CURRENT("    00000000000c0000-00000000000c3fff (prio 1, ram): alias pam-ram @pc.ram 00000000000c0000-00000000000c3fff [disabled]\n"));
}
END_TEST

/* Case 59: T1 -f.  -D changes nothing in flat views; -d without -f
 * changes nothing in the tree (QEMU 7.2 prints the same). */
START_TEST(test_t1_flat)
{
    t1_build();
    assert_mtree(MTREE_FLATVIEW, t1_flat);
    assert_mtree(MTREE_FLATVIEW | MTREE_DISABLED, t1_flat);
    assert_mtree(MTREE_DISPATCH, T1_CURRENT(""));
}
END_TEST

/* ---- case 60: owners ----------------------------------------------------- */

static struct {
    Object dev0;
    MemoryRegion root, dev, ram, win, off;
    AddressSpace as;
} own;

START_TEST(test_owner)
{
    memset(&own, 0, sizeof(own));
    object_initialize_owner(&own.dev0, "dev0", NULL);
    memory_region_transaction_begin();
    memory_region_init(&own.root, NULL, "root", UINT64_MAX);
    memory_region_init_io(&own.dev, &own.dev0, NULL, NULL, "dev", 0x100);
    memory_region_add_subregion(&own.root, 0x1000, &own.dev);
    fx_ram(&own.ram, "ram", 0x1000);
    memory_region_init_alias(&own.win, &own.dev0, "win", &own.ram, 0x800,
                             0x800);
    memory_region_add_subregion(&own.root, 0x2000, &own.win);
    memory_region_init_io(&own.off, &own.dev0, NULL, NULL, "off", 0x10);
    memory_region_set_enabled(&own.off, false);
    memory_region_add_subregion(&own.root, 0x3000, &own.off);
    memory_region_transaction_commit();
    address_space_init(&own.as, &own.root, "as");

    assert_mtree(MTREE_OWNER,
                 "address-space: as\n"
                 "  0000000000000000-ffffffffffffffff (prio 0, i/o): root orphan\n"
                 "    0000000000001000-00000000000010ff (prio 0, i/o): dev owner:{obj path=dev0}\n"
                 "    0000000000002000-00000000000027ff (prio 0, ram): alias win @ram 0000000000000800-0000000000000fff owner:{obj path=dev0}\n"
                 "\n"
                 "memory-region: ram\n"
                 "  0000000000000000-0000000000000fff (prio 0, ram): ram orphan\n"
                 "\n");
    /* The owner comes after " [disabled]", as in QEMU's -o -D. */
    char *text = mtree_text(MTREE_OWNER | MTREE_DISABLED);
    char *line = line_with(text, "): off");
    ck_assert_ptr_nonnull(line);
    ck_assert_str_eq(line, "    0000000000003000-000000000000300f (prio 0, i/o): off [disabled] owner:{obj path=dev0}");
    free(line);
    free(text);

    assert_mtree(MTREE_FLATVIEW | MTREE_OWNER,
                 "FlatView #0\n"
                 " AS \"as\", root: root\n"
                 " Root memory region: root\n"
                 "  0000000000001000-00000000000010ff (prio 0, i/o): dev owner:{obj path=dev0}\n"
                 "  0000000000002000-00000000000027ff (prio 0, ram): ram @0000000000000800 orphan\n"
                 "\n");
}
END_TEST

/* ---- case 61: address spaces sharing a root ------------------------------ */

static struct {
    MemoryRegion r, x;
    AddressSpace b, a;
} shared;

START_TEST(test_shared_root)
{
    memset(&shared, 0, sizeof(shared));
    memory_region_init(&shared.r, NULL, "r", 0x1000);
    memory_region_init_io(&shared.x, NULL, NULL, NULL, "x", 0x10);
    memory_region_add_subregion(&shared.r, 0, &shared.x);
    address_space_init(&shared.b, &shared.r, "b");
    address_space_init(&shared.a, &shared.r, "a");

    /* Names sorted, the tree once. */
    assert_mtree(0,
                 "address-space: a\n"
                 "address-space: b\n"
                 "  0000000000000000-0000000000000fff (prio 0, i/o): r\n"
                 "    0000000000000000-000000000000000f (prio 0, i/o): x\n"
                 "\n");
    /* One view, its address spaces in creation order.  Its physical root
     * is r: x is r's only child but does not cover r, and only a child
     * covering its container is looked through (memcore choice; see
     * SEMANTICS.md, Incremental rendering). */
    assert_mtree(MTREE_FLATVIEW,
                 "FlatView #0\n"
                 " AS \"b\", root: r\n"
                 " AS \"a\", root: r\n"
                 " Root memory region: r\n"
                 "  0000000000000000-000000000000000f (prio 0, i/o): x\n"
                 "\n");
}
END_TEST

/* ---- case 62: overflow --------------------------------------------------- */

static struct {
    MemoryRegion root, x;
    AddressSpace as;
} ovf;

START_TEST(test_overflow)
{
    memset(&ovf, 0, sizeof(ovf));
    memory_region_init(&ovf.root, NULL, "root", UINT64_MAX);
    memory_region_init_io(&ovf.x, NULL, NULL, NULL, "X", 0x2000);
    memory_region_add_subregion(&ovf.root, 0xfffffffffffff000ULL, &ovf.x);
    address_space_init(&ovf.as, &ovf.root, "as");

    assert_mtree(0,
                 "address-space: as\n"
                 "  0000000000000000-ffffffffffffffff (prio 0, i/o): root\n"
                 "[DETECTED OVERFLOW!]     fffffffffffff000-0000000000000fff (prio 0, i/o): X\n"
                 "\n");
    fx_assert_fv(&ovf.as, "[fffffffffffff000-ffffffffffffffff] X@0");
    assert_mtree(MTREE_FLATVIEW,
                 "FlatView #0\n"
                 " AS \"as\", root: root\n"
                 " Root memory region: root\n"
                 "  fffffffffffff000-ffffffffffffffff (prio 0, i/o): X\n"
                 "\n");
}
END_TEST

/* ---- dispatch dump (-f -d) ----------------------------------------------- */

/* The radix-tree part every view whose pages all lie in the first 2 MiB
 * has: five single-child inner nodes compacted into ptr=[5] skip=6. */
#define NODES_LOW_2M                                                   \
    "    Nodes (9 bits per level, 6 levels) ptr=[5] skip=6\n"          \
    "      [0]\n"                                                      \
    "\t  0       skip=5  ptr=[5]\n"                                    \
    "\t  1..511  skip=1  ptr=NIL\n"                                    \
    "      [1]\n"                                                      \
    "\t  0       skip=4  ptr=[5]\n"                                    \
    "\t  1..511  skip=1  ptr=NIL\n"                                    \
    "      [2]\n"                                                      \
    "\t  0       skip=3  ptr=[5]\n"                                    \
    "\t  1..511  skip=1  ptr=NIL\n"                                    \
    "      [3]\n"                                                      \
    "\t  0       skip=2  ptr=[5]\n"                                    \
    "\t  1..511  skip=1  ptr=NIL\n"                                    \
    "      [4]\n"                                                      \
    "\t  0       skip=1  ptr=[5]\n"                                    \
    "\t  1..511  skip=1  ptr=NIL\n"                                    \
    "      [5]\n"

static struct {
    MemoryRegion root;
    FxPatternDev p, q;
    AddressSpace as;
} sub;

/* Case 31: two devices sharing page 0x1000 go through one subpage. */
START_TEST(test_dispatch_subpage)
{
    memset(&sub, 0, sizeof(sub));
    memory_region_init(&sub.root, NULL, "root", UINT64_MAX);
    memory_region_add_subregion(&sub.root, 0x1000, fx_io(&sub.p, "P", 0x100));
    memory_region_add_subregion(&sub.root, 0x1100, fx_io(&sub.q, "Q", 0x100));
    address_space_init(&sub.as, &sub.root, "as");

    static const char expected[] =
        "FlatView #0\n"
        " AS \"as\", root: root\n"
        " Root memory region: root\n"
        "  0000000000001000-00000000000010ff (prio 0, i/o): P\n"
        "  0000000000001100-00000000000011ff (prio 0, i/o): Q\n"
        "  Dispatch\n"
        "    Physical sections\n"
        "      #0 @0000000000000000..ffffffffffffffff (noname) [unassigned]\n"
        "      #1 @0000000000001000..0000000000001fff (noname)\n"
        "      #2 @0000000000001000..00000000000010ff P\n"
        "      #3 @0000000000001100..00000000000011ff Q\n"
        NODES_LOW_2M
        "\t  0       skip=0  ptr=#0\n"
        "\t  1       skip=0  ptr=#1\n"
        "\t  2..511  skip=0  ptr=#0\n"
        "\n";
    char *text = mtree_text(MTREE_FLATVIEW | MTREE_DISPATCH);
    ck_assert_ptr_null(strstr(text, " [MRU]"));
    check_text(text, expected, "-f -d");

    /* QEMU marks the section its shared lookup cache holds [MRU].  memcore
     * has no shared cache (readers write nothing shared), so an access
     * changes nothing in the dump. */
    uint8_t b;
    ck_assert_uint_eq(address_space_read(&sub.as, 0x1100,
                                         MEMTXATTRS_UNSPECIFIED, &b, 1),
                      MEMTX_OK);
    char *after = mtree_text(MTREE_FLATVIEW | MTREE_DISPATCH);
    ck_assert_str_eq(after, text);
    free(after);
    free(text);
}
END_TEST

static struct {
    MemoryRegion root, r, d, io;
    AddressSpace as, io_as;
} disp;

/*
 * No IOMMU: RAM of 0x4000 at 0x1800 is registered as a head piece (in a
 * subpage), a body of three pages and a tail piece (in a subpage that the
 * device D at 0x5800 shares).  A root that is itself the only range is
 * marked [ROOT].  Views without ranges have no dispatch.
 */
START_TEST(test_dispatch_structure)
{
    memset(&disp, 0, sizeof(disp));
    memory_region_init(&disp.root, NULL, "root", UINT64_MAX);
    fx_ram(&disp.r, "R", 0x4000);
    memory_region_add_subregion(&disp.root, 0x1800, &disp.r);
    memory_region_init_io(&disp.d, NULL, NULL, NULL, "D", 0x10);
    memory_region_add_subregion(&disp.root, 0x5800, &disp.d);
    memory_region_init_io(&disp.io, NULL, &unassigned_io_ops, NULL, "io",
                          0x10000);
    address_space_init(&disp.as, &disp.root, "as");
    address_space_init(&disp.io_as, &disp.io, "I/O");

    static const char expected[] =
        "FlatView #0\n"
        " AS \"as\", root: root\n"
        " Root memory region: root\n"
        "  0000000000001800-00000000000057ff (prio 0, ram): R\n"
        "  0000000000005800-000000000000580f (prio 0, i/o): D\n"
        "  Dispatch\n"
        "    Physical sections\n"
        "      #0 @0000000000000000..ffffffffffffffff (noname) [unassigned]\n"
        "      #1 @0000000000001000..0000000000001fff (noname)\n"
        "      #2 @0000000000001800..0000000000001fff R\n"
        "      #3 @0000000000002000..0000000000004fff R\n"
        "      #4 @0000000000005000..0000000000005fff (noname)\n"
        "      #5 @0000000000005000..00000000000057ff R\n"
        "      #6 @0000000000005800..000000000000580f D\n"
        NODES_LOW_2M
        "\t  0       skip=0  ptr=#0\n"
        "\t  1       skip=0  ptr=#1\n"
        "\t  2..4    skip=0  ptr=#3\n"
        "\t  5       skip=0  ptr=#4\n"
        "\t  6..511  skip=0  ptr=#0\n"
        "\n"
        "FlatView #1\n"
        " AS \"I/O\", root: io\n"
        " Root memory region: io\n"
        "  0000000000000000-000000000000ffff (prio 0, i/o): io\n"
        "  Dispatch\n"
        "    Physical sections\n"
        "      #0 @0000000000000000..ffffffffffffffff (noname) [unassigned]\n"
        "      #1 @0000000000000000..000000000000ffff io [ROOT]\n"
        NODES_LOW_2M
        "\t  0..15   skip=0  ptr=#1\n"
        "\t 16..511  skip=0  ptr=#0\n"
        "\n";
    char *text = mtree_text(MTREE_FLATVIEW | MTREE_DISPATCH);
    char *clean = without_mru(text);
    check_text(clean, expected, "-f -d");
    free(clean);
    free(text);
}
END_TEST

/*
 * 1 GiB + 2 MiB of MMIO at 4 GiB: the aligned 1 GiB is one entry of a
 * level-2 node, the 2 MiB one entry of a level-1 node, which compaction
 * then folds into its parent as a leaf (QEMU's phys_page_compact); node 4
 * stays allocated and printed, as in QEMU.
 */
static struct {
    MemoryRegion root, big;
    AddressSpace as;
} high;

START_TEST(test_dispatch_large_pages)
{
    memset(&high, 0, sizeof(high));
    memory_region_init(&high.root, NULL, "root", UINT64_MAX);
    memory_region_init_io(&high.big, NULL, NULL, NULL, "big", 0x40200000);
    memory_region_add_subregion(&high.root, 0x100000000ULL, &high.big);
    address_space_init(&high.as, &high.root, "as");

    char *text = mtree_text(MTREE_FLATVIEW | MTREE_DISPATCH);
    char *dispatch = strstr(text, "  Dispatch\n");
    ck_assert_ptr_nonnull(dispatch);
    check_text(dispatch,
               "  Dispatch\n"
               "    Physical sections\n"
               "      #0 @0000000000000000..ffffffffffffffff (noname) [unassigned]\n"
               "      #1 @0000000100000000..00000001401fffff big\n"
               "    Nodes (9 bits per level, 6 levels) ptr=[3] skip=4\n"
               "      [0]\n"
               "\t  0       skip=3  ptr=[3]\n"
               "\t  1..511  skip=1  ptr=NIL\n"
               "      [1]\n"
               "\t  0       skip=2  ptr=[3]\n"
               "\t  1..511  skip=1  ptr=NIL\n"
               "      [2]\n"
               "\t  0       skip=1  ptr=[3]\n"
               "\t  1..511  skip=1  ptr=NIL\n"
               "      [3]\n"
               "\t  0..3    skip=1  ptr=NIL\n"
               "\t  4..5    skip=0  ptr=#1\n"
               "\t  6..511  skip=1  ptr=NIL\n"
               "      [4]\n"
               "\t  0       skip=0  ptr=#1\n"
               "\t  1..511  skip=1  ptr=NIL\n"
               "\n",
               "-f -d large");
    free(text);
}
END_TEST

/* Case 26's region of 2^64 bytes: 128 top-level entries, nothing to
 * compact, and the region is the view's physical root. */
static struct {
    MemoryRegion root, b;
    AddressSpace as;
} whole;

START_TEST(test_dispatch_whole_space)
{
    memset(&whole, 0, sizeof(whole));
    memory_region_init(&whole.root, NULL, "root", UINT64_MAX);
    memory_region_init_io(&whole.b, NULL, NULL, NULL, "B", UINT64_MAX);
    memory_region_add_subregion(&whole.root, 0, &whole.b);
    address_space_init(&whole.as, &whole.root, "as");

    char *text = mtree_text(MTREE_FLATVIEW | MTREE_DISPATCH);
    char *clean = without_mru(text);
    check_text(clean,
               "FlatView #0\n"
               " AS \"as\", root: root\n"
               " Root memory region: B\n"
               "  0000000000000000-ffffffffffffffff (prio 0, i/o): B\n"
               "  Dispatch\n"
               "    Physical sections\n"
               "      #0 @0000000000000000..ffffffffffffffff (noname) [unassigned]\n"
               "      #1 @0000000000000000..ffffffffffffffff B [ROOT]\n"
               "    Nodes (9 bits per level, 6 levels) ptr=[0] skip=1\n"
               "      [0]\n"
               "\t  0..127  skip=0  ptr=#1\n"
               "\t128..511  skip=1  ptr=NIL\n"
               "\n",
               "-f -d whole space");
    free(clean);
    free(text);
}
END_TEST

/* ---- other view headers -------------------------------------------------- */

static struct {
    MemoryRegion empty, ram, whole;
    AddressSpace e, w;
} hdr;

/* An empty address space; an address space rooted at an alias. */
START_TEST(test_flat_headers)
{
    memset(&hdr, 0, sizeof(hdr));
    memory_region_init(&hdr.empty, NULL, "e-root", 0x1000);
    fx_ram(&hdr.ram, "ram", 0x2000);
    memory_region_init_alias(&hdr.whole, NULL, "whole", &hdr.ram, 0, 0x2000);
    address_space_init(&hdr.e, &hdr.empty, "e");
    address_space_init(&hdr.w, &hdr.whole, "w");

    static const char expected[] =
        "FlatView #0\n"
        " AS \"e\", root: e-root\n"
        " Root memory region: (none)\n"
        "  No rendered FlatView\n"
        "\n"
        "FlatView #1\n"
        " AS \"w\", root: whole, alias ram\n"
        " Root memory region: ram\n"
        "  0000000000000000-0000000000001fff (prio 0, ram): ram\n"
        "\n";
    assert_mtree(MTREE_FLATVIEW, expected);
    /* No dispatch for the empty view either. */
    char *text = mtree_text(MTREE_FLATVIEW | MTREE_DISPATCH);
    ck_assert_ptr_nonnull(strstr(text, "  No rendered FlatView\n\nFlatView #1\n"));
    free(text);

    assert_mtree(0,
                 "address-space: e\n"
                 "  0000000000000000-0000000000000fff (prio 0, i/o): e-root\n"
                 "\n"
                 "address-space: w\n"
                 "  0000000000000000-0000000000001fff (prio 0, ram): alias whole @ram 0000000000000000-0000000000001fff\n"
                 "\n"
                 "memory-region: ram\n"
                 "  0000000000000000-0000000000001fff (prio 0, ram): ram\n"
                 "\n");
}
END_TEST

/* ---- disabled subtrees (documented deviation) ---------------------------- */

static struct {
    MemoryRegion root, c, d, ram, a;
    AddressSpace as;
} dis;

/*
 * Without -D a disabled container hides its children too (QEMU 7.2 would
 * print them); an alias inside still queues its target, so the
 * `memory-region:` blocks are QEMU's.  -D and the 2016 format show all.
 */
START_TEST(test_disabled_subtree)
{
    memset(&dis, 0, sizeof(dis));
    memory_region_transaction_begin();
    memory_region_init(&dis.root, NULL, "root", UINT64_MAX);
    memory_region_init(&dis.c, NULL, "c", 0x10000);
    memory_region_init_io(&dis.d, NULL, NULL, NULL, "d", 0x100);
    memory_region_add_subregion(&dis.c, 0, &dis.d);
    fx_ram(&dis.ram, "ram", 0x1000);
    memory_region_init_alias(&dis.a, NULL, "a", &dis.ram, 0, 0x1000);
    memory_region_add_subregion(&dis.c, 0x1000, &dis.a);
    memory_region_set_enabled(&dis.c, false);
    memory_region_add_subregion(&dis.root, 0x10000, &dis.c);
    memory_region_transaction_commit();
    address_space_init(&dis.as, &dis.root, "as");

    assert_mtree(0,
                 "address-space: as\n"
                 "  0000000000000000-ffffffffffffffff (prio 0, i/o): root\n"
                 "\n"
                 "memory-region: ram\n"
                 "  0000000000000000-0000000000000fff (prio 0, ram): ram\n"
                 "\n");
    assert_mtree(MTREE_DISABLED,
                 "address-space: as\n"
                 "  0000000000000000-ffffffffffffffff (prio 0, i/o): root\n"
                 "    0000000000010000-000000000001ffff (prio 0, i/o): c [disabled]\n"
                 "      0000000000010000-00000000000100ff (prio 0, i/o): d\n"
                 "      0000000000011000-0000000000011fff (prio 0, ram): alias a @ram 0000000000000000-0000000000000fff\n"
                 "\n"
                 "memory-region: ram\n"
                 "  0000000000000000-0000000000000fff (prio 0, ram): ram\n"
                 "\n");
    assert_mtree(MTREE_FORMAT_2016,
                 "address-space: as\n"
                 "  0000000000000000-ffffffffffffffff (prio 0, RW): root\n"
                 "    0000000000010000-000000000001ffff (prio 0, RW): c [disabled]\n"
                 "      0000000000010000-00000000000100ff (prio 0, RW): d\n"
                 "      0000000000011000-0000000000011fff (prio 0, RW): alias a @ram 0000000000000000-0000000000000fff\n"
                 "\n"
                 "memory-region: ram\n"
                 "  0000000000000000-0000000000000fff (prio 0, RW): ram\n"
                 "\n");
}
END_TEST

/* Case 25's mtree part: a ROM device leaving ROMD mode. */
static struct {
    MemoryRegion root, f;
    AddressSpace as;
} romd;

START_TEST(test_romd_flags)
{
    memset(&romd, 0, sizeof(romd));
    memory_region_init(&romd.root, NULL, "root", UINT64_MAX);
    memory_region_init_rom_device(&romd.f, NULL, &zero_ops, NULL, "F", 0x1000,
                                  &error_abort);
    memory_region_add_subregion(&romd.root, 0, &romd.f);
    address_space_init(&romd.as, &romd.root, "as");

    char *text = mtree_text(MTREE_FORMAT_2016);
    char *line = line_with(text, "): F");
    ck_assert_str_eq(line, "    0000000000000000-0000000000000fff (prio 0, R-): F");
    free(line), free(text);
    text = mtree_text(0);
    line = line_with(text, "): F");
    ck_assert_str_eq(line, "    0000000000000000-0000000000000fff (prio 0, romd): F");
    free(line), free(text);

    memory_region_rom_device_set_romd(&romd.f, false);
    text = mtree_text(MTREE_FORMAT_2016);
    line = line_with(text, "): F");
    ck_assert_str_eq(line, "    0000000000000000-0000000000000fff (prio 0, -W): F");
    free(line), free(text);
    text = mtree_text(0);
    line = line_with(text, "): F");
    ck_assert_str_eq(line, "    0000000000000000-0000000000000fff (prio 0, i/o): F");
    free(line), free(text);
}
END_TEST

static Suite *mtree_suite(void)
{
    Suite *s = suite_create("mtree");
    TCase *tc = tcase_create("mtree");

    tcase_add_checked_fixture(tc, NULL, destroy_all_as);
    tcase_add_test(tc, test_t1_format_2016);
    tcase_add_test(tc, test_t1_current);
    tcase_add_test(tc, test_t1_current_disabled);
    tcase_add_test(tc, test_t1_flat);
    tcase_add_test(tc, test_owner);
    tcase_add_test(tc, test_shared_root);
    tcase_add_test(tc, test_overflow);
    tcase_add_test(tc, test_dispatch_subpage);
    tcase_add_test(tc, test_dispatch_structure);
    tcase_add_test(tc, test_dispatch_large_pages);
    tcase_add_test(tc, test_dispatch_whole_space);
    tcase_add_test(tc, test_flat_headers);
    tcase_add_test(tc, test_disabled_subtree);
    tcase_add_test(tc, test_romd_flags);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(mtree_suite());
}
