/*
 * tests/unit/test_ramfile.c — resizeable RAM and RAM backed by a file
 * (memcore/SEMANTICS.md, Resizeable RAM and RAM from file): conformance
 * cases 83 (resize: the listener sequence, the resized callback after the
 * commit or, inside a caller's transaction, before it; resize keeps the
 * exact size; errors) and 84 (directory, new file, MAP_SHARED visible with
 * pread, size below a page, existing files are never truncated or
 * extended), memory_region_get_fd and skip_dump.
 *
 * Files live in a directory made with mkdtemp under $TMPDIR (or /tmp) by
 * an unchecked fixture, which also removes it with everything in it, so a
 * failing test leaves nothing behind.  Sizes assume 4 KiB host pages (H
 * in SEMANTICS.md's fixture notation); the first test checks that.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* asprintf, nftw */
#endif
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

static const MemTxAttrs attrs = { .unspecified = 1 };

/* ---- the temporary directory ------------------------------------------------ */

static char tmpdir[4096];

static void tmpdir_setup(void)
{
    const char *base = getenv("TMPDIR");

    if (!base || !*base) {
        base = "/tmp";
    }
    snprintf(tmpdir, sizeof(tmpdir), "%s/memcore-ramfile-XXXXXX", base);
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        abort();
    }
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void tmpdir_teardown(void)
{
    if (tmpdir[0]) {
        nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    }
}

/* A path in a fresh subdirectory of tmpdir for this test. */
static char *test_path(const char *test, const char *leaf)
{
    char *dir, *p;

    ck_assert_int_gt(asprintf(&dir, "%s/%s", tmpdir, test), 0);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    if (!leaf) {
        return dir;
    }
    ck_assert_int_gt(asprintf(&p, "%s/%s", dir, leaf), 0);
    free(dir);
    return p;
}

/* Entries in @dir besides . and .. */
static unsigned dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    unsigned n = 0;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            n++;
        }
    }
    closedir(d);
    return n;
}

static off_t file_size(const char *path)
{
    struct stat st;

    ck_assert_int_eq(stat(path, &st), 0);
    return st.st_size;
}

/* Create @path with @size bytes of @byte. */
static void make_file(const char *path, size_t size, uint8_t byte)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    uint8_t *buf = malloc(size ? size : 1);

    ck_assert_int_ge(fd, 0);
    ck_assert_ptr_nonnull(buf);
    memset(buf, byte, size);
    ck_assert_int_eq(write(fd, buf, size), (ssize_t)size);
    close(fd);
    free(buf);
}

/* Whether @path holds @size bytes, all @byte. */
static bool file_is(const char *path, size_t size, uint8_t byte)
{
    int fd = open(path, O_RDONLY);
    uint8_t *buf = malloc(size + 1);
    bool ok;

    ck_assert_int_ge(fd, 0);
    ck_assert_ptr_nonnull(buf);
    ok = read(fd, buf, size + 1) == (ssize_t)size;
    for (size_t i = 0; ok && i < size; i++) {
        ok = buf[i] == byte;
    }
    close(fd);
    free(buf);
    return ok;
}

/* init_ram_from_file, expecting success. */
static void file_ram(MemoryRegion *mr, const char *name, uint64_t size,
                     bool share, const char *path)
{
    Error *err = NULL;

    memory_region_init_ram_from_file(mr, NULL, name, size, share, path, &err);
    ck_assert_msg(err == NULL, "init_ram_from_file(%s): %s", path,
                  err ? error_get_pretty(err) : "");
}

/* init_ram_from_file, expecting an error. */
static void file_ram_fails(MemoryRegion *mr, const char *name, uint64_t size,
                           bool share, const char *path)
{
    Error *err = NULL;

    memory_region_init_ram_from_file(mr, NULL, name, size, share, path, &err);
    ck_assert_msg(err != NULL, "init_ram_from_file(%s, 0x%" PRIx64
                  ") succeeded", path, size);
    ck_assert_ptr_nonnull(error_get_pretty(err));
    error_free(err);
}

/* ---- 83: resizeable RAM ----------------------------------------------------- */

static FxLog shared;
static void *resize_host;
static MemoryRegion reg_r;

static void on_resized(const char *name, uint64_t length, void *host)
{
    fx_log_add(&shared, "resized %s 0x%" PRIx64 "%s", name ? name : "(null)",
               length, host == resize_host ? "" : " host-moved");
}

/* The used and max length of @mr's RAM block, from the block list. */
typedef struct BlockLens {
    MemoryRegion *mr;
    ram_addr_t used, max;
    bool found;
} BlockLens;

static int find_block(const RAMBlockInfo *info, void *opaque)
{
    BlockLens *b = opaque;

    if (info->mr == b->mr) {
        b->used = info->used_length;
        b->max = info->max_length;
        b->found = true;
    }
    return 0;
}

static BlockLens block_lens(MemoryRegion *mr)
{
    BlockLens b = { .mr = mr };

    qemu_ram_foreach_block_info(find_block, &b);
    ck_assert(b.found);
    return b;
}

START_TEST(t83_host_page_is_4k)
{
    /* The sizes of cases 83 and 84 are written for H = 4096. */
    ck_assert_int_eq(sysconf(_SC_PAGESIZE), 4096);
}
END_TEST

START_TEST(t83_resize_grows)
{
    FxListener l;
    Error *err = NULL;
    BlockLens b;

    memory_region_init_resizeable_ram(&reg_r, NULL, "R", 0x1000, 0x4000,
                                      on_resized, &err);
    ck_assert_ptr_null(err);
    memory_region_add_subregion(fx_root, 0x10000, &reg_r);
    resize_host = memory_region_get_ram_ptr(&reg_r);
    ck_assert_ptr_nonnull(resize_host);
    b = block_lens(&reg_r);
    ck_assert_uint_eq(b.used, 0x1000);
    ck_assert_uint_eq(b.max, 0x4000);
    /* New RAM is dirty for every client (kept quirk): the used part of a
     * new block is dirty, the rest is not. */
    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        ck_assert(memory_region_get_dirty(&reg_r, 0, 0x1000, c));
        ck_assert(!memory_region_get_dirty(&reg_r, 0x1000, 0x3000, c));
        memory_region_reset_dirty(&reg_r, 0, 0x4000, c);
    }
    fx_listener_register(&l, "L", 0, fx_as, &shared);

    memory_region_ram_resize(&reg_r, 0x3000, &err);
    ck_assert_ptr_null(err);
    fx_assert_log(&shared, "L: begin", "L: del 0x10000-0x10fff R@0",
                  "L: add 0x10000-0x12fff R@0", "L: commit",
                  "resized R 0x3000");
    fx_assert_fv(fx_as, "[10000-12fff] R@0");
    ck_assert_uint_eq(memory_region_size(&reg_r), 0x3000);
    ck_assert_ptr_eq(memory_region_get_ram_ptr(&reg_r), resize_host);
    b = block_lens(&reg_r);
    ck_assert_uint_eq(b.used, 0x3000);
    ck_assert_uint_eq(b.max, 0x4000);
    /* The new used range is dirty for every client, the rest is not. */
    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        for (hwaddr pg = 0; pg < 0x3000; pg += 0x1000) {
            ck_assert_msg(memory_region_get_dirty(&reg_r, pg, 0x1000, c),
                          "client %u page 0x%" PRIx64 " clean", c,
                          (uint64_t)pg);
        }
        ck_assert(!memory_region_get_dirty(&reg_r, 0x3000, 0x1000, c));
    }
    /* The grown part is usable. */
    address_space_stl_le(fx_as, 0x12ffc, 0x55aa55aa, attrs, NULL);
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x12ffc, attrs, NULL),
                      0x55aa55aa);

    /* The same size again: nothing happens. */
    fx_log_reset(&shared);
    memory_region_ram_resize(&reg_r, 0x3000, &err);
    ck_assert_ptr_null(err);
    fx_assert_log_empty(&shared);

    /* Beyond the maximum: an error, nothing changes. */
    memory_region_ram_resize(&reg_r, 0x5000, &err);
    ck_assert_ptr_nonnull(err);
    error_free(err);
    err = NULL;
    fx_assert_log_empty(&shared);
    ck_assert_uint_eq(memory_region_size(&reg_r), 0x3000);
    fx_assert_fv(fx_as, "[10000-12fff] R@0");
    ck_assert_uint_eq(block_lens(&reg_r).used, 0x3000);

    fx_listener_unregister(&l);
    fx_log_free(&shared);
}
END_TEST

/* Resize keeps the exact size (later fix adopted): the region and the
 * callback get the exact size; only the block is page-aligned.  Shrinking
 * works the same way. */
START_TEST(t83_resize_unaligned)
{
    FxListener l;
    Error *err = NULL;

    memory_region_init_resizeable_ram(&reg_r, NULL, "R", 0x3000, 0x4000,
                                      on_resized, &err);
    ck_assert_ptr_null(err);
    memory_region_add_subregion(fx_root, 0x10000, &reg_r);
    resize_host = memory_region_get_ram_ptr(&reg_r);
    fx_listener_register(&l, "L", 0, fx_as, &shared);

    /* 0x2800 rounds to the used 0x3000: only the region size changes. */
    memory_region_ram_resize(&reg_r, 0x2800, &err);
    ck_assert_ptr_null(err);
    fx_assert_log(&shared, "L: begin", "L: del 0x10000-0x12fff R@0",
                  "L: add 0x10000-0x127ff R@0", "L: commit",
                  "resized R 0x2800");
    ck_assert_uint_eq(memory_region_size(&reg_r), 0x2800);
    ck_assert_uint_eq(block_lens(&reg_r).used, 0x3000);

    /* Shrinking to one page: the old used range (dirty since creation,
     * except page 0 cleaned here) is cleared, the new one marked dirty. */
    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        memory_region_reset_dirty(&reg_r, 0, 0x1000, c);
        ck_assert(memory_region_get_dirty(&reg_r, 0x1000, 0x2000, c));
    }
    fx_log_reset(&shared);
    memory_region_ram_resize(&reg_r, 0x1000, &err);
    ck_assert_ptr_null(err);
    fx_assert_log(&shared, "L: begin", "L: del 0x10000-0x127ff R@0",
                  "L: add 0x10000-0x10fff R@0", "L: commit",
                  "resized R 0x1000");
    ck_assert_uint_eq(memory_region_size(&reg_r), 0x1000);
    ck_assert_uint_eq(block_lens(&reg_r).used, 0x1000);
    ck_assert_ptr_eq(memory_region_get_ram_ptr(&reg_r), resize_host);
    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        ck_assert(memory_region_get_dirty(&reg_r, 0, 0x1000, c));
        ck_assert(!memory_region_get_dirty(&reg_r, 0x1000, 0x3000, c));
    }
    fx_listener_unregister(&l);
    fx_log_free(&shared);
}
END_TEST

/* Inside a transaction the callback cannot follow the (deferred)
 * topology update, so it runs at once; the listener hears the change at
 * the outermost commit. */
START_TEST(t83_resize_in_transaction)
{
    FxListener l;
    Error *err = NULL;

    memory_region_init_resizeable_ram(&reg_r, NULL, "R", 0x1000, 0x4000,
                                      on_resized, &err);
    ck_assert_ptr_null(err);
    memory_region_add_subregion(fx_root, 0x10000, &reg_r);
    resize_host = memory_region_get_ram_ptr(&reg_r);
    fx_listener_register(&l, "L", 0, fx_as, &shared);

    memory_region_transaction_begin();
    memory_region_ram_resize(&reg_r, 0x2000, &err);
    ck_assert_ptr_null(err);
    fx_assert_log(&shared, "resized R 0x2000");
    fx_assert_fv(fx_as, "[10000-10fff] R@0");
    memory_region_transaction_commit();
    fx_assert_log(&shared, "resized R 0x2000", "L: begin",
                  "L: del 0x10000-0x10fff R@0", "L: add 0x10000-0x11fff R@0",
                  "L: commit");
    fx_assert_fv(fx_as, "[10000-11fff] R@0");
    fx_listener_unregister(&l);
    fx_log_free(&shared);
}
END_TEST

/* Plain RAM cannot be resized (except to the size it has). */
START_TEST(t83_resize_plain_ram_fails)
{
    FxListener l;
    Error *err = NULL;

    fx_ram(&reg_r, "R", 0x2000);
    memory_region_add_subregion(fx_root, 0x10000, &reg_r);
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    memory_region_ram_resize(&reg_r, 0x1000, &err);
    ck_assert_ptr_nonnull(err);
    error_free(err);
    err = NULL;
    memory_region_ram_resize(&reg_r, 0x3000, &err);
    ck_assert_ptr_nonnull(err);
    error_free(err);
    err = NULL;
    fx_assert_log_empty(&l.log);
    ck_assert_uint_eq(memory_region_size(&reg_r), 0x2000);
    ck_assert_uint_eq(block_lens(&reg_r).used, 0x2000);
    fx_assert_fv(fx_as, "[10000-11fff] R@0");

    /* The same length is not an error. */
    memory_region_ram_resize(&reg_r, 0x2000, &err);
    ck_assert_ptr_null(err);
    fx_assert_log_empty(&l.log);
    fx_listener_unregister(&l);
}
END_TEST

/* ---- 84: RAM from a file ---------------------------------------------------------- */

/* A directory: an unlinked temporary file inside it, nothing left behind. */
START_TEST(t84_directory_path)
{
    char *dir = test_path("dir", NULL);
    struct stat st;
    int fd;

    file_ram(&reg_r, "ram/dir", 0x4000, true, dir);
    ck_assert_uint_eq(dir_entries(dir), 0);
    memory_region_add_subregion(fx_root, 0x100000, &reg_r);
    address_space_stl_le(fx_as, 0x103ffc, 0xfeedface, attrs, NULL);
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x103ffc, attrs, NULL),
                      0xfeedface);
    fd = memory_region_get_fd(&reg_r);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert_uint_eq(st.st_nlink, 0);
    ck_assert_int_eq(st.st_size, 0x4000);
    ck_assert_uint_eq(dir_entries(dir), 0);
    free(dir);
}
END_TEST

/* A new file is created (0644 less the umask), sized up to the page. */
START_TEST(t84_new_file)
{
    char *path = test_path("new", "ram.img");
    struct stat st;
    mode_t mask = umask(0);

    umask(mask);
    file_ram(&reg_r, "R", 0x1800, true, path);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_int_eq(st.st_size, 0x2000);
    ck_assert_uint_eq(st.st_mode & 0777, 0644 & ~mask);
    /* Kept quirk: a new block is dirty for every client. */
    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        ck_assert(memory_region_get_dirty(&reg_r, 0, 0x1000, c));
        ck_assert(memory_region_get_dirty(&reg_r, 0x1000, 0x1000, c));
    }
    free(path);
}
END_TEST

/* share=true: bytes written through the AS are in the file, and bytes
 * written to the file show through the AS. */
START_TEST(t84_shared_visible_with_pread)
{
    char *path = test_path("shared", "ram.img");
    char buf[16] = { 0 };
    int fd;

    file_ram(&reg_r, "R", 0x4000, true, path);
    memory_region_add_subregion(fx_root, 0x100000, &reg_r);
    ck_assert_uint_eq(address_space_write(fx_as, 0x101234, attrs,
                                          (const uint8_t *)"hello, file", 11),
                      MEMTX_OK);
    fd = open(path, O_RDWR);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pread(fd, buf, 11, 0x1234), 11);
    ck_assert_mem_eq(buf, "hello, file", 11);

    ck_assert_int_eq(pwrite(fd, "\x11\x22\x33\x44", 4, 0x3000), 4);
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x103000, attrs, NULL),
                      0x44332211);
    close(fd);
    free(path);
}
END_TEST

/* share=false: a private mapping; the file does not change. */
START_TEST(t84_private_not_in_file)
{
    char *path = test_path("private", "ram.img");
    char buf[4] = { 1, 1, 1, 1 };
    int fd;

    file_ram(&reg_r, "R", 0x2000, false, path);
    memory_region_add_subregion(fx_root, 0x100000, &reg_r);
    ck_assert_uint_eq(address_space_write(fx_as, 0x100010, attrs,
                                          (const uint8_t *)"abcd", 4),
                      MEMTX_OK);
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x100010, attrs, NULL),
                      0x64636261);
    fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pread(fd, buf, 4, 0x10), 4);
    ck_assert_mem_eq(buf, "\0\0\0\0", 4);
    close(fd);
    ck_assert_int_eq(file_size(path), 0x2000);
    free(path);
}
END_TEST

/* Less than a page: an error, and the file it created is gone again. */
START_TEST(t84_size_below_page_fails)
{
    char *path = test_path("small", "ram.img");
    char *dir = test_path("small-dir", NULL);

    file_ram_fails(&reg_r, "R", 0x800, true, path);
    errno = 0;
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(errno, ENOENT);
    file_ram_fails(&reg_r, "R", 0x800, true, dir);
    ck_assert_uint_eq(dir_entries(dir), 0);
    free(path);
    free(dir);
}
END_TEST

/* Existing RAM file never resized: a non-empty file smaller than the size
 * is an error and is left untouched. */
START_TEST(t84_existing_smaller_file_fails)
{
    char *path = test_path("smaller", "ram.img");

    make_file(path, 0x1000, 0x5a);
    file_ram_fails(&reg_r, "R", 0x4000, true, path);
    ck_assert(file_is(path, 0x1000, 0x5a));
    file_ram_fails(&reg_r, "R", 0x4000, false, path);
    ck_assert(file_is(path, 0x1000, 0x5a));
    free(path);
}
END_TEST

/* Existing RAM file never resized: a larger file is not truncated, and
 * its contents are the RAM's. */
START_TEST(t84_existing_larger_file_kept)
{
    char *path = test_path("larger", "ram.img");

    make_file(path, 0x8000, 0xc3);
    file_ram(&reg_r, "R", 0x4000, true, path);
    memory_region_add_subregion(fx_root, 0x100000, &reg_r);
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x103ffc, attrs, NULL),
                      0xc3c3c3c3);
    address_space_stb(fx_as, 0x100000, 0x01, attrs, NULL);
    ck_assert_int_eq(file_size(path), 0x8000);
    ck_assert_uint_eq(address_space_ldub(fx_as, 0x100000, attrs, NULL), 1);
    free(path);
}
END_TEST

/* An existing empty file is extended to the (rounded) size. */
START_TEST(t84_existing_empty_file_extended)
{
    char *path = test_path("empty", "ram.img");

    make_file(path, 0, 0);
    file_ram(&reg_r, "R", 0x2800, true, path);
    ck_assert_int_eq(file_size(path), 0x3000);
    free(path);
}
END_TEST

/* ---- get_fd, destruction, skip_dump ------------------------------------------------- */

START_TEST(get_fd_follows_aliases)
{
    static MemoryRegion plain, alias, alias2;
    char *path = test_path("fd", "ram.img");
    struct stat st, fst;
    int fd;

    file_ram(&reg_r, "R", 0x2000, true, path);
    fd = memory_region_get_fd(&reg_r);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(fstat(fd, &fst), 0);
    ck_assert_uint_eq(st.st_ino, fst.st_ino);
    ck_assert_uint_eq(st.st_dev, fst.st_dev);

    memory_region_init_alias(&alias, NULL, "alias", &reg_r, 0x1000, 0x1000);
    memory_region_init_alias(&alias2, NULL, "alias2", &alias, 0, 0x800);
    ck_assert_int_eq(memory_region_get_fd(&alias), fd);
    ck_assert_int_eq(memory_region_get_fd(&alias2), fd);

    fx_ram(&plain, "plain", 0x1000);
    ck_assert_int_eq(memory_region_get_fd(&plain), -1);
    /* Reuse the structure as a container: destroy the aliases first. */
    memory_region_destroy(&alias2);
    memory_region_destroy(&alias);
    memory_region_init(&alias, NULL, "container", 0x1000);
    ck_assert_int_eq(memory_region_get_fd(&alias), -1);
    free(path);
}
END_TEST

/* Destroying file RAM closes its descriptor (after the grace period). */
START_TEST(destroy_closes_fd)
{
    char *path = test_path("destroy", "ram.img");
    int fd;

    file_ram(&reg_r, "R", 0x2000, true, path);
    memory_region_add_subregion(fx_root, 0x100000, &reg_r);
    fd = memory_region_get_fd(&reg_r);
    ck_assert_int_ge(fd, 0);
    memory_region_del_subregion(fx_root, &reg_r);
    memory_region_destroy(&reg_r);
    memcore_rcu_barrier();
    errno = 0;
    ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
    ck_assert_int_eq(errno, EBADF);
    /* The file itself stays. */
    ck_assert_int_eq(file_size(path), 0x2000);
    free(path);
}
END_TEST

START_TEST(skip_dump)
{
    static FxPatternDev io;

    fx_ram(&reg_r, "R", 0x1000);
    ck_assert(!memory_region_is_skip_dump(&reg_r));
    memory_region_set_skip_dump(&reg_r);
    ck_assert(memory_region_is_skip_dump(&reg_r));
    fx_io(&io, "io", 0x100);
    ck_assert(!memory_region_is_skip_dump(&io.mr));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ramfile");
    TCase *resize = tcase_create("resize");
    TCase *file = tcase_create("file");

    tcase_add_checked_fixture(resize, fx_setup, fx_teardown);
    tcase_add_test(resize, t83_host_page_is_4k);
    tcase_add_test(resize, t83_resize_grows);
    tcase_add_test(resize, t83_resize_unaligned);
    tcase_add_test(resize, t83_resize_in_transaction);
    tcase_add_test(resize, t83_resize_plain_ram_fails);
    suite_add_tcase(s, resize);

    tcase_add_unchecked_fixture(file, tmpdir_setup, tmpdir_teardown);
    tcase_add_checked_fixture(file, fx_setup, fx_teardown);
    tcase_add_test(file, t84_directory_path);
    tcase_add_test(file, t84_new_file);
    tcase_add_test(file, t84_shared_visible_with_pread);
    tcase_add_test(file, t84_private_not_in_file);
    tcase_add_test(file, t84_size_below_page_fails);
    tcase_add_test(file, t84_existing_smaller_file_fails);
    tcase_add_test(file, t84_existing_larger_file_kept);
    tcase_add_test(file, t84_existing_empty_file_extended);
    tcase_add_test(file, get_fd_follows_aliases);
    tcase_add_test(file, destroy_closes_fd);
    tcase_add_test(file, skip_dump);
    suite_add_tcase(s, file);

    return ck_run_suite(s);
}
