/*
 * tests/unit/test_board_kernel.c — --kernel on the virt board: ELF
 * segments land at their physical addresses (bss zeroed, ROM included),
 * raw images at the start of RAM, and bad files load nothing.  Booting
 * (kernel_boot): the entry point goes into the board's "kernel-entry"
 * slot, and harts reset into the boot ROM reach it with QEMU's registers,
 * again after a reset; a board without the key leaves the slot alone.
 */
#include <elf.h>
#include <stdio.h>
#include <unistd.h>

#include "test_board_fixture.h"
#include "../../server/kernel.h"
#include "../../server/riscv/cpu.h"
#include "check_run.h"

static char path[64];

static void write_file(const void *data, size_t len)
{
    int fd;

    strcpy(path, "/tmp/memcore-kernel-XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
}

/* An ELF64 with two PT_LOAD segments: 8 bytes (+@bss of bss) at
 * @seg0_paddr and 4 bytes into the boot ROM at 0x1100, and a PT_NOTE to
 * skip.  The entry point is 0x80001000. */
static size_t make_elf_bss(uint8_t *buf, uint64_t seg0_paddr, uint64_t bss)
{
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
    uint8_t *data = buf + sizeof(*eh) + 3 * sizeof(*ph);

    memset(buf, 0, 512);
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_RISCV;
    eh->e_version = EV_CURRENT;
    eh->e_entry = 0x80001000;
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 3;
    ph[0] = (Elf64_Phdr) { .p_type = PT_LOAD, .p_offset = (Elf64_Off)(data - buf),
                           .p_paddr = seg0_paddr, .p_vaddr = 0xffffffff80001000,
                           .p_filesz = 8, .p_memsz = 8 + bss };
    ph[1] = (Elf64_Phdr) { .p_type = PT_NOTE, .p_offset = 0, .p_paddr = 0,
                           .p_filesz = 4, .p_memsz = 4 };
    ph[2] = (Elf64_Phdr) { .p_type = PT_LOAD, .p_offset = (Elf64_Off)(data - buf + 8),
                           .p_paddr = 0x1100, .p_filesz = 4, .p_memsz = 4 };
    memcpy(data, "\x01\x02\x03\x04\x05\x06\x07\x08\xaa\xbb\xcc\xdd", 12);
    return (size_t)(data - buf) + 12;
}

static size_t make_elf(uint8_t *buf, uint64_t seg0_paddr)
{
    return make_elf_bss(buf, seg0_paddr, 8);
}

START_TEST(test_elf)
{
    Board *b = build_board(board_builtin_json("virt"));
    AddressSpace *as = as_of(b, "memory");
    uint8_t elf[512];
    uint64_t entry = 0;
    char *err = NULL;
    size_t len = make_elf(elf, 0x80001000);

    /* bytes where the bss goes, to see them zeroed */
    address_space_stq_le(as, 0x80001008, ~0ull, ATTRS, NULL);
    write_file(elf, len);
    ck_assert_msg(kernel_load(as, path, &entry, &err), "%s", err);
    unlink(path);
    ck_assert_uint_eq(entry, 0x80001000);
    ck_assert_uint_eq(address_space_ldq_le(as, 0x80001000, ATTRS, NULL),
                      0x0807060504030201ull);
    ck_assert_uint_eq(address_space_ldq_le(as, 0x80001008, ATTRS, NULL), 0);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1100, ATTRS, NULL),
                      0xddccbbaa);
    board_destroy(b);
}
END_TEST

START_TEST(test_elf_outside_memory_loads_nothing)
{
    Board *b = build_board(board_builtin_json("virt"));
    AddressSpace *as = as_of(b, "memory");
    uint8_t elf[512];
    uint64_t entry = 0;
    char *err = NULL;
    size_t len = make_elf(elf, 0x10000000);   /* the UART, not memory */

    write_file(elf, len);
    ck_assert(!kernel_load(as, path, &entry, &err));
    unlink(path);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "is not in RAM or ROM") != NULL, "%s", err);
    free(err);
    /* the ROM segment was not written either */
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1100, ATTRS, NULL), 0);
    board_destroy(b);
}
END_TEST

START_TEST(test_truncated_elf)
{
    Board *b = build_board(board_builtin_json("virt"));
    uint8_t elf[512];
    uint64_t entry;
    char *err = NULL;

    make_elf(elf, 0x80001000);
    write_file(elf, 80);   /* header, but the program headers are cut */
    ck_assert(!kernel_load(as_of(b, "memory"), path, &entry, &err));
    unlink(path);
    ck_assert_msg(strstr(err, "outside the file") != NULL, "%s", err);
    free(err);
    board_destroy(b);
}
END_TEST

START_TEST(test_raw_image)
{
    Board *b = build_board(board_builtin_json("virt"));
    AddressSpace *as = as_of(b, "memory");
    uint64_t entry = 0;
    char *err = NULL;

    write_file("\x13\x05\x00\x00", 4);
    ck_assert_msg(kernel_load(as, path, &entry, &err), "%s", err);
    unlink(path);
    ck_assert_uint_eq(entry, 0x80000000);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x80000000, ATTRS, NULL),
                      0x00000513);
    /* the rest of the idle loop is untouched */
    ck_assert_uint_eq(address_space_ldl_le(as, 0x80000004, ATTRS, NULL),
                      0xffdff06f);
    board_destroy(b);
}
END_TEST

/* A bss longer than the loader's 4 KiB block of zeros: every byte from
 * p_filesz to p_memsz is zeroed, and not one more. */
START_TEST(test_elf_bss_zeroed)
{
    Board *b = build_board(board_builtin_json("virt"));
    AddressSpace *as = as_of(b, "memory");
    const uint64_t base = 0x80001000, bss = 0x2345;
    uint8_t elf[512], buf[0x3000];
    uint64_t entry = 0;
    char *err = NULL;
    size_t len = make_elf_bss(elf, base, bss);

    memset(buf, 0xa5, sizeof(buf));
    ck_assert_int_eq(address_space_write(as, base, ATTRS, buf, sizeof(buf)),
                     MEMTX_OK);
    write_file(elf, len);
    ck_assert_msg(kernel_load(as, path, &entry, &err), "%s", err);
    unlink(path);
    ck_assert_int_eq(address_space_read(as, base, ATTRS, buf, sizeof(buf)),
                     MEMTX_OK);
    ck_assert_uint_eq(buf[7], 0x08);            /* the last file byte */
    for (uint64_t i = 8; i < 8 + bss; i++) {
        ck_assert_msg(buf[i] == 0, "bss byte 0x%llx is 0x%02x",
                      (unsigned long long)i, buf[i]);
    }
    ck_assert_uint_eq(buf[8 + bss], 0xa5);      /* just past p_memsz */
    board_destroy(b);
}
END_TEST

/* ---- booting through the boot ROM (kernel_boot) ---------------------------- */

/* @json with the first @from replaced by @to. */
static char *replaced(const char *json, const char *from, const char *to)
{
    const char *at = strstr(json, from);
    char *out;

    ck_assert_ptr_nonnull(at);
    ck_assert_int_ge(asprintf(&out, "%.*s%s%s", (int)(at - json), json, to,
                              at + strlen(from)), 0);
    return out;
}

static const char virt_cpu[] =
    "{\"model\": \"rv64\", \"address-space\": \"memory\", "
    "\"reset-pc\": \"0x1000\"}";

START_TEST(test_boot_stores_entry)
{
    Board *b = build_board(board_builtin_json("virt"));
    AddressSpace *as = as_of(b, "memory");
    uint8_t elf[512];
    uint64_t entry = 0;
    bool stored = false;
    char *err = NULL;

    ck_assert(b->has_kernel_entry);
    ck_assert_uint_eq(b->kernel_entry, 0x1018);
    /* without --kernel, the ROM jumps to the RAM image */
    ck_assert_uint_eq(address_space_ldq_le(as, 0x1018, ATTRS, NULL),
                      0x80000000);
    write_file(elf, make_elf(elf, 0x80001000));
    ck_assert_msg(kernel_boot(b, path, &entry, &stored, &err), "%s", err);
    unlink(path);
    ck_assert_uint_eq(entry, 0x80001000);
    ck_assert(stored);
    ck_assert_uint_eq(address_space_ldq_le(as, 0x1018, ATTRS, NULL),
                      0x80001000);
    /* the FDT address stays 0, the code stays QEMU's */
    ck_assert_uint_eq(address_space_ldq_le(as, 0x1020, ATTRS, NULL), 0);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1000, ATTRS, NULL),
                      0x00000297);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1014, ATTRS, NULL),
                      0x00028067);
    /* and the program is there */
    ck_assert_uint_eq(address_space_ldq_le(as, 0x80001000, ATTRS, NULL),
                      0x0807060504030201ull);
    board_destroy(b);
}
END_TEST

START_TEST(test_boot_without_key)
{
    char *json = replaced(board_builtin_json("virt"),
                          "  \"kernel-entry\": \"0x1018\",\n", "");
    Board *b = build_board(json);
    AddressSpace *as = as_of(b, "memory");
    uint8_t elf[512];
    uint64_t entry = 0;
    bool stored = true;
    char *err = NULL;

    ck_assert(!b->has_kernel_entry);
    write_file(elf, make_elf(elf, 0x80001000));
    ck_assert_msg(kernel_boot(b, path, &entry, &stored, &err), "%s", err);
    unlink(path);
    ck_assert_uint_eq(entry, 0x80001000);
    ck_assert(!stored);      /* memcored makes it the reset pc instead */
    ck_assert_uint_eq(address_space_ldq_le(as, 0x1018, ATTRS, NULL),
                      0x80000000);
    board_destroy(b);
    free(json);
}
END_TEST

/* The slot is checked against what memcore built before anything is
 * loaded: a ROM disabled after the board was checked refuses the boot. */
START_TEST(test_boot_slot_gone)
{
    Board *b = build_board(board_builtin_json("virt"));
    AddressSpace *as = as_of(b, "memory");
    uint8_t elf[512];
    uint64_t entry = 0;
    bool stored = true;
    char *err = NULL;

    memory_region_set_enabled(mr_of(b, "riscv_virt_board.mrom"), false);
    write_file(elf, make_elf(elf, 0x80001000));
    ck_assert(!kernel_boot(b, path, &entry, &stored, &err));
    unlink(path);
    ck_assert(!stored);
    ck_assert_str_eq(err, "kernel-entry 0x1018 is not in RAM or ROM of "
                     "address space \"memory\"");
    free(err);
    /* nothing was loaded */
    ck_assert_uint_eq(address_space_ldq_le(as, 0x80001000, ATTRS, NULL), 0);
    board_destroy(b);
}
END_TEST

/* Boards the checker accepts must boot: the slot is where memcore's view
 * has RAM or ROM too (aliases, priorities, transparent containers, the
 * top of the address space, no cpus). */
START_TEST(test_boot_slot_boards)
{
#define KAS "'address-spaces': [{'name': 'memory', 'root': 'sys'}]"
#define KSYS(subs) "{'name': 'sys', 'type': 'container', 'size': '16E', " \
                   "'subregions': [{'addr': '0x80000000', 'name': 'ram', " \
                   "'type': 'ram', 'size': '64K'}" subs "]}"
#define KB(entry, subs, extra) "{" KAS ", 'regions': [" KSYS(subs) extra \
                               "], 'kernel-entry': '" entry "', " \
                               "'cpus': [{'model': 'rv64'}]}"
    static const struct { const char *board; uint64_t slot; } ok[] = {
        { KB("0x80000008", "", ""), 0x80000008 },
        { KB("0x8000fff8", "", ""), 0x8000fff8 },
        /* an alias with an offset onto a ROM outside the tree */
        { KB("0x3010", ", {'addr': '0x3000', 'name': 'win', 'type': "
             "'alias', 'target': 'boot', 'offset': '0x100', 'size': '4K', "
             "'readonly': true}", ", {'name': 'boot', 'type': 'rom', "
             "'size': '8K'}"), 0x3010 },
        /* the last 8 bytes of the address space */
        { KB("0xfffffffffffffff8", ", {'addr': '0xfffffffffffff000', "
             "'name': 'top', 'type': 'ram', 'size': '4K'}", ""),
          0xfffffffffffffff8 },
        /* a container of higher priority is transparent where it has no
         * subregion */
        { KB("0x80000100", ", {'addr': '0x80000000', 'priority': 5, "
             "'name': 'over', 'type': 'container', 'size': '64K', "
             "'subregions': [{'addr': '0x1000', 'name': 'dev', 'type': 'io', "
             "'size': '4K', 'device': {'model': 'zero'}}]}", ""),
          0x80000100 },
        /* among equal priorities the later region wins: RAM over io */
        { KB("0x4000", ", {'addr': '0x4000', 'name': 'dev', 'type': 'io', "
             "'size': '4K', 'device': {'model': 'zero'}}, {'addr': '0x4000', "
             "'may-overlap': true, 'name': 'lowram', 'type': 'ram', "
             "'size': '4K'}", ""), 0x4000 },
        /* no cpus: the first address space */
        { "{" KAS ", 'regions': [" KSYS("") "], 'kernel-entry': "
          "'0x80000010'}", 0x80000010 },
    };
#undef KB
#undef KSYS
#undef KAS

    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        Board *b = build_board(ok[i].board);
        AddressSpace *as = as_of(b, "memory");
        uint64_t entry = 0;
        bool stored = false;
        char *err = NULL;

        write_file("\x13\x05\x00\x00", 4);
        ck_assert_msg(kernel_boot(b, path, &entry, &stored, &err),
                      "board %zu: %s", i, err);
        unlink(path);
        ck_assert_msg(stored, "board %zu", i);
        ck_assert_uint_eq(address_space_ldq_le(as, ok[i].slot, ATTRS, NULL),
                          entry);
        board_destroy(b);
    }
}
END_TEST

static uint64_t hart_reg(CpuSet *cs, unsigned hart, unsigned reg)
{
    uint64_t v = 0;

    ck_assert_int_eq(cpu_reg_get(cs, hart, reg, &v), 0);
    return v;
}

/* Step each hart through the six instructions of the ROM: it must land on
 * the entry point with QEMU's boot registers (a0 = hart id, a1 = the FDT
 * address 0, a2 = 0x1028 where QEMU's fw_dynamic_info would be). */
static void step_through_rom(CpuSet *cs, unsigned nharts, uint64_t entry)
{
    for (unsigned h = 0; h < nharts; h++) {
        ck_assert_uint_eq(hart_reg(cs, h, CPU_REG_PC), 0x1000);
        for (int i = 0; i < 6; i++) {
            ck_assert_int_eq(cpu_step(cs, h), 0);
            cpu_wait_stopped(cs);
        }
        ck_assert_uint_eq(hart_reg(cs, h, CPU_REG_PC), entry);
        ck_assert_uint_eq(hart_reg(cs, h, 10), h);            /* a0 */
        ck_assert_uint_eq(hart_reg(cs, h, 11), 0);            /* a1 */
        ck_assert_uint_eq(hart_reg(cs, h, 12), 0x1028);       /* a2 */
        ck_assert_uint_eq(hart_reg(cs, h, 5), entry);         /* t0 */
    }
}

START_TEST(test_boot_harts_through_rom)
{
    char *cpus, *json;
    Board *b;
    AddressSpace *as_list[2];
    CpuConfig cfg = { .nharts = 2, .reset_pc = 0x1000 };
    CpuSet *cs;
    uint8_t elf[512];
    uint64_t entry = 0;
    bool stored = false;
    char *err = NULL;

    /* two harts on the virt board */
    ck_assert_int_ge(asprintf(&cpus, "%s, %s", virt_cpu, virt_cpu), 0);
    json = replaced(board_builtin_json("virt"), virt_cpu, cpus);
    b = build_board(json);
    ck_assert_uint_eq(b->ncpus, 2);
    as_list[0] = as_list[1] = as_of(b, "memory");
    cfg.as = as_list[0];
    cfg.hart_as = as_list;
    cs = cpu_create(&cfg);
    ck_assert_ptr_nonnull(cs);

    /* without --kernel: the RAM image's address */
    step_through_rom(cs, 2, 0x80000000);

    write_file(elf, make_elf(elf, 0x80001000));
    ck_assert_msg(kernel_boot(b, path, &entry, &stored, &err), "%s", err);
    unlink(path);
    ck_assert(stored);
    cpu_reset(cs);
    step_through_rom(cs, 2, 0x80001000);
    /* a reset goes through the ROM to the same entry again */
    cpu_reset(cs);
    step_through_rom(cs, 2, 0x80001000);

    cpu_destroy(cs);
    board_destroy(b);
    free(cpus);
    free(json);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("board_kernel");
    TCase *tc = tcase_create("kernel");

    tcase_add_test(tc, test_elf);
    tcase_add_test(tc, test_elf_outside_memory_loads_nothing);
    tcase_add_test(tc, test_truncated_elf);
    tcase_add_test(tc, test_raw_image);
    tcase_add_test(tc, test_elf_bss_zeroed);
    tcase_add_test(tc, test_boot_stores_entry);
    tcase_add_test(tc, test_boot_without_key);
    tcase_add_test(tc, test_boot_slot_gone);
    tcase_add_test(tc, test_boot_slot_boards);
    tcase_add_test(tc, test_boot_harts_through_rom);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
