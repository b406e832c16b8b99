/*
 * tests/unit/test_monitor_dirty.c — `info dirty` and `dirty-log
 * start|stop` on the monitor fixture's virt-like machine (128 MiB of RAM
 * at 0x80000000, a 60 KiB boot ROM, two flash ROM devices), and how
 * `info mtree` shows an IOMMU region.
 *
 * Every check is on the exact text a user sees and on the result bits
 * --exec turns into an exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_monitor_fixture.h"
#include "check_run.h"

#define FAILED MONITOR_FAILED
#define RAM "riscv_virt_board.ram"
#define RAM_ALL_CLEAN RAM ": 0 of 32768 pages dirty for migration (logging on)\n"

/* ---- info dirty ------------------------------------------------------------ */

START_TEST(test_ram_is_born_dirty)
{
    /* memcore marks a new RAM block dirty for every client; without
     * logging nothing clears it */
    tm_expect("info dirty riscv_virt_board.mrom",
              "riscv_virt_board.mrom: 15 of 15 pages dirty for migration "
              "(logging off)\n"
              "0000000000000000-000000000000efff\n", 0);
    tm_expect("info dirty " RAM,
              RAM ": 32768 of 32768 pages dirty for migration (logging off)\n"
              "0000000000000000-0000000007ffffff\n", 0);
}
END_TEST

START_TEST(test_start_clears_then_records_writes)
{
    tm_expect("dirty-log start", "", 0);
    tm_expect("info dirty " RAM, RAM_ALL_CLEAN, 0);

    /* a store across a page boundary dirties both pages; writes through
     * the monitor and through the API count alike */
    tm_expect("stl_le 0x80003ffe 0x11223344", "", 0);
    address_space_stb(&tm.as_memory, TM_RAM_BASE + 0x100000, 1,
                      MEMTXATTRS_UNSPECIFIED, NULL);
    address_space_stb(&tm.as_memory, TM_RAM_BASE + 0x7fff000, 1,
                      MEMTXATTRS_UNSPECIFIED, NULL);
    tm_expect("info dirty " RAM,
              RAM ": 4 of 32768 pages dirty for migration (logging on)\n"
              "0000000000003000-0000000000004fff\n"
              "0000000000100000-0000000000100fff\n"
              "0000000007fff000-0000000007ffffff\n", 0);
    /* looking clears nothing */
    tm_expect("info dirty " RAM,
              RAM ": 4 of 32768 pages dirty for migration (logging on)\n"
              "0000000000003000-0000000000004fff\n"
              "0000000000100000-0000000000100fff\n"
              "0000000007fff000-0000000007ffffff\n", 0);
    /* reads dirty nothing */
    tm_expect("xp /1xw 0x80200000",
              "0000000080200000: 0x00000000\n", 0);

    /* a second start clears again */
    tm_expect("dirty-log start", "", 0);
    tm_expect("info dirty " RAM, RAM_ALL_CLEAN, 0);
}
END_TEST

START_TEST(test_ranges)
{
    tm_expect("dirty-log start", "", 0);
    tm_expect("stb 0x80004010 1", "", 0);
    tm_expect("stb 0x80006000 1", "", 0);
    tm_expect("info dirty " RAM " 0x4000 0x1000",
              RAM ": 1 of 1 page dirty for migration (logging on)\n"
              "0000000000004000-0000000000004fff\n", 0);
    /* every page the range overlaps, whole */
    tm_expect("info dirty " RAM " 0x3ff0 0x2000",
              RAM ": 1 of 3 pages dirty for migration (logging on)\n"
              "0000000000004000-0000000000004fff\n", 0);
    tm_expect("info dirty " RAM " 0x4000+0x1000 3*0x1000",
              RAM ": 1 of 3 pages dirty for migration (logging on)\n"
              "0000000000006000-0000000000006fff\n", 0);
    tm_expect("info dirty " RAM " 0 0x4000",
              RAM ": 0 of 4 pages dirty for migration (logging on)\n", 0);
    /* a run across the 512-page blocks the scan asks first is one run */
    tm_expect("stb 0x801ff800 1", "", 0);
    tm_expect("stb 0x80200000 1", "", 0);
    tm_expect("info dirty " RAM " 0x100000 0x200000",
              RAM ": 2 of 512 pages dirty for migration (logging on)\n"
              "00000000001ff000-0000000000200fff\n", 0);
    /* the last byte of the region */
    tm_expect("info dirty " RAM " 0x7ffffff 1",
              RAM ": 0 of 1 page dirty for migration (logging on)\n", 0);
}
END_TEST

START_TEST(test_stop_keeps_what_was_logged)
{
    tm_expect("dirty-log start", "", 0);
    tm_expect("stb 0x80001000 1", "", 0);
    tm_expect("dirty-log stop", "", 0);
    tm_expect("stb 0x80002000 1", "", 0);   /* not logged any more */
    tm_expect("info dirty " RAM,
              RAM ": 1 of 32768 pages dirty for migration (logging off)\n"
              "0000000000001000-0000000000001fff\n", 0);
    /* stop when stopped does nothing */
    tm_expect("dirty-log stop", "", 0);
    tm_expect("info dirty " RAM " 0x1000 1",
              RAM ": 1 of 1 page dirty for migration (logging off)\n"
              "0000000000001000-0000000000001fff\n", 0);
}
END_TEST

START_TEST(test_clients)
{
    /* VGA logging is per region; migration is not logging meanwhile */
    memory_region_set_log(&tm.ram, true, DIRTY_MEMORY_VGA);
    memory_region_reset_dirty(&tm.ram, 0, TM_RAM_SIZE, DIRTY_MEMORY_VGA);
    memory_region_reset_dirty(&tm.ram, 0, TM_RAM_SIZE,
                              DIRTY_MEMORY_MIGRATION);
    tm_expect("stw_le 0x80010000 7", "", 0);
    tm_expect("info dirty -c vga " RAM,
              RAM ": 1 of 32768 pages dirty for vga (logging on)\n"
              "0000000000010000-0000000000010fff\n", 0);
    tm_expect("info dirty -c migration " RAM,
              RAM ": 0 of 32768 pages dirty for migration (logging off)\n", 0);
    tm_expect("info dirty " RAM,
              RAM ": 0 of 32768 pages dirty for migration (logging off)\n", 0);
    memory_region_set_log(&tm.ram, false, DIRTY_MEMORY_VGA);

    /* CODE: without a code-invalidate hook nothing logs it */
    memory_region_reset_dirty(&tm.mrom, 0, 0xf000, DIRTY_MEMORY_CODE);
    tm_expect("info dirty -c code riscv_virt_board.mrom",
              "riscv_virt_board.mrom: 0 of 15 pages dirty for code "
              "(logging off)\n", 0);
}
END_TEST

START_TEST(test_rom_devices_and_rom_have_bitmaps)
{
    tm_expect("dirty-log start", "", 0);
    /* global logging covers every region with a RAM block (SEMANTICS.md:
     * global logging only for RAM-backed and IOMMU regions) */
    tm_expect("info dirty virt.flash0 0 0x2000",
              "virt.flash0: 0 of 2 pages dirty for migration (logging on)\n",
              0);
    tm_expect("info dirty riscv_virt_board.mrom",
              "riscv_virt_board.mrom: 0 of 15 pages dirty for migration "
              "(logging on)\n", 0);
}
END_TEST

START_TEST(test_info_dirty_errors)
{
    tm_expect("info dirty serial",
              "Error: 'serial' has no RAM (dirty bitmaps cover RAM, ROM and "
              "ROM devices)\n", FAILED);
    tm_expect("info dirty system",
              "Error: 'system' has no RAM (dirty bitmaps cover RAM, ROM and "
              "ROM devices)\n", FAILED);
    tm_expect("info dirty nope", "Error: no region named 'nope'\n", FAILED);
    tm_expect("info dirty twin",
              "Error: 2 regions are named 'twin'; use a unique id\n", FAILED);
    tm_expect("info dirty",
              "dirty: string expected\n"
              "Try \"help info dirty\" for more information\n", FAILED);
    tm_expect("info dirty -c foo " RAM,
              "Error: 'foo' is not a dirty client (vga, code or migration)\n"
              "Try \"help info dirty\" for more information\n", FAILED);
    tm_expect("info dirty -c",
              "dirty: string expected\n"
              "Try \"help info dirty\" for more information\n", FAILED);
    tm_expect("info dirty -x " RAM,
              "dirty: unsupported option -x\n"
              "Try \"help info dirty\" for more information\n", FAILED);
    tm_expect("info dirty " RAM " 0x1000",
              "unexpected end of expression\n"
              "Try \"help info dirty\" for more information\n", FAILED);
    tm_expect("info dirty " RAM " 0x8000000 1",
              "Error: offset 0x8000000 size 0x1 is not inside "
              "'riscv_virt_board.ram' (0x8000000 bytes)\n", FAILED);
    tm_expect("info dirty " RAM " 0x7fff000 0x2000",
              "Error: offset 0x7fff000 size 0x2000 is not inside "
              "'riscv_virt_board.ram' (0x8000000 bytes)\n", FAILED);
    tm_expect("info dirty " RAM " 0 0",
              "Error: offset 0x0 size 0x0 is not inside "
              "'riscv_virt_board.ram' (0x8000000 bytes)\n", FAILED);
    tm_expect("info dirty " RAM " -1 2",
              "Error: offset 0xffffffffffffffff size 0x2 is not inside "
              "'riscv_virt_board.ram' (0x8000000 bytes)\n", FAILED);
}
END_TEST

/* ---- dirty-log ------------------------------------------------------------ */

START_TEST(test_dirty_log_errors)
{
    tm_expect("dirty-log",
              "dirty-log: start or stop expected\n"
              "Try \"help dirty-log\" for more information\n", FAILED);
    tm_expect("dirty-log go",
              "dirty-log: unknown subcommand 'go'\n"
              "Try \"help dirty-log\" for more information\n", FAILED);
    tm_expect("dirty-log start now",
              "dirty-log: extraneous characters at the end of line\n"
              "Try \"help dirty-log\" for more information\n", FAILED);
    /* nothing was started by the bad lines */
    tm_expect("info dirty riscv_virt_board.mrom 0 1",
              "riscv_virt_board.mrom: 1 of 1 page dirty for migration "
              "(logging off)\n"
              "0000000000000000-0000000000000fff\n", 0);
}
END_TEST

START_TEST(test_read_only_allows_dirty_logging)
{
    tm.mm.read_only = true;
    tm_expect("dirty-log start", "", 0);
    tm_expect("info dirty " RAM, RAM_ALL_CLEAN, 0);
    tm_expect("stb 0x80000000 1", "Error: memcored is read-only\n", FAILED);
    tm_expect("dirty-log stop", "", 0);
}
END_TEST

START_TEST(test_help_lines)
{
    char *o = tm_run("help info dirty", NULL);

    ck_assert_msg(strncmp(o, "info dirty [-c vga|code|migration] region "
                          "[offset size] -- ", 59) == 0, "%s", o);
    /* the help states the output format */
    ck_assert_ptr_nonnull(strstr(o, "'NAME: N of M pages dirty for CLIENT "
                                    "(logging on|off)'"));
    ck_assert_ptr_nonnull(strstr(o, "START-END"));
    free(o);
    o = tm_run("help dirty-log", NULL);
    ck_assert_msg(strncmp(o, "dirty-log start|stop -- ", 24) == 0, "%s", o);
    ck_assert_ptr_nonnull(strstr(o, "--read-only"));
    free(o);
}
END_TEST

/* ---- completion ------------------------------------------------------------ */

static char *complete(const char *line)
{
    size_t start;
    char **c = monitor_complete(tm.mon, line, strlen(line), &start);
    char *s = calloc(1, 4096);

    ck_assert_ptr_nonnull(s);
    for (char **p = c; p && *p; p++) {
        if (p != c) {
            strcat(s, ",");
        }
        strcat(s, *p);
    }
    monitor_free_completions(c);
    return s;
}

#define expect_completion(line, want)                                       \
    do {                                                                    \
        char *c_ = complete(line);                                          \
        ck_assert_str_eq(c_, (want));                                       \
        free(c_);                                                           \
    } while (0)

START_TEST(test_completion)
{
    expect_completion("dirty", "dirty-log");
    expect_completion("dirty-log ", "start,stop");
    expect_completion("dirty-log st", "start,stop");
    expect_completion("info di", "dirty");
    expect_completion("info dirty -", "-c");
    expect_completion("info dirty -c ", "code,migration,vga");
    expect_completion("info dirty -c m", "migration");
    expect_completion("info dirty riscv_virt_board.r", RAM);
    expect_completion("info dirty -c vga riscv_virt_board.m",
                      "riscv_virt_board.mrom");
    expect_completion("info dirty " RAM " ", "");
}
END_TEST

/* ---- info mtree with an IOMMU --------------------------------------------- */

static IOMMUTLBEntry to_ram(MemoryRegion *iommu, hwaddr addr, bool is_write)
{
    IOMMUTLBEntry e = { &tm.as_memory, addr & ~0xfffULL,
                        TM_RAM_BASE + (addr & ~0xfffULL), 0xfff, IOMMU_RW };
    (void)iommu;
    (void)is_write;
    return e;
}

static const MemoryRegionIOMMUOps to_ram_ops = { .translate = to_ram };

START_TEST(test_mtree_shows_iommu_as_io)
{
    MemoryRegion iommu;
    AddressSpace dma;
    char *o;

    memory_region_init_iommu(&iommu, NULL, &to_ram_ops, "dma-iommu",
                             0x100000);
    address_space_init(&dma, &iommu, "dma");

    o = tm_run("info mtree", NULL);
    ck_assert_msg(strstr(o, "\naddress-space: dma\n"
                            "  0000000000000000-00000000000fffff "
                            "(prio 0, i/o): dma-iommu\n") != NULL, "%s", o);
    free(o);
    o = tm_run("info mtree -f -d", NULL);
    ck_assert_msg(strstr(o, "\n AS \"dma\", root: dma-iommu\n"
                            " Root memory region: dma-iommu\n"
                            "  0000000000000000-00000000000fffff "
                            "(prio 0, i/o): dma-iommu\n") != NULL, "%s", o);
    ck_assert_msg(strstr(o, "      #1 @0000000000000000..00000000000fffff "
                            "dma-iommu [ROOT] [iommu]\n") != NULL, "%s", o);
    free(o);

    /* and the monitor's own commands go through it */
    tm_expect("stl_le -a dma 0x10 0xfeedf00d", "", 0);
    tm_expect("ldl_le 0x80000010", "0xfeedf00d\n", 0);

    address_space_destroy(&dma);
    memory_region_destroy(&iommu);
    memcore_rcu_barrier();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("monitor_dirty");
    TCase *tc = tcase_create("dirty");

    tcase_add_checked_fixture(tc, tm_setup, tm_teardown);
    tcase_add_test(tc, test_ram_is_born_dirty);
    tcase_add_test(tc, test_start_clears_then_records_writes);
    tcase_add_test(tc, test_ranges);
    tcase_add_test(tc, test_stop_keeps_what_was_logged);
    tcase_add_test(tc, test_clients);
    tcase_add_test(tc, test_rom_devices_and_rom_have_bitmaps);
    tcase_add_test(tc, test_info_dirty_errors);
    tcase_add_test(tc, test_dirty_log_errors);
    tcase_add_test(tc, test_read_only_allows_dirty_logging);
    tcase_add_test(tc, test_help_lines);
    tcase_add_test(tc, test_completion);
    tcase_add_test(tc, test_mtree_shows_iommu_as_io);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
