/*
 * tests/unit/test_board_kernel.c — --kernel on the virt board: ELF
 * segments land at their physical addresses (bss zeroed, ROM included),
 * raw images at the start of RAM, and bad files load nothing.
 */
#include <elf.h>
#include <stdio.h>
#include <unistd.h>

#include "test_board_fixture.h"
#include "../../server/kernel.h"

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

/* An ELF64 with two PT_LOAD segments: 8 bytes (+8 of bss) at 0x80001000
 * and 4 bytes into the boot ROM at 0x1100, and a PT_NOTE to skip. */
static size_t make_elf(uint8_t *buf, uint64_t seg0_paddr)
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
                           .p_filesz = 8, .p_memsz = 16 };
    ph[1] = (Elf64_Phdr) { .p_type = PT_NOTE, .p_offset = 0, .p_paddr = 0,
                           .p_filesz = 4, .p_memsz = 4 };
    ph[2] = (Elf64_Phdr) { .p_type = PT_LOAD, .p_offset = (Elf64_Off)(data - buf + 8),
                           .p_paddr = 0x1100, .p_filesz = 4, .p_memsz = 4 };
    memcpy(data, "\x01\x02\x03\x04\x05\x06\x07\x08\xaa\xbb\xcc\xdd", 12);
    return (size_t)(data - buf) + 12;
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

int main(void)
{
    Suite *s = suite_create("board_kernel");
    TCase *tc = tcase_create("kernel");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_elf);
    tcase_add_test(tc, test_elf_outside_memory_loads_nothing);
    tcase_add_test(tc, test_truncated_elf);
    tcase_add_test(tc, test_raw_image);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
