/*
 * tests/unit/test_mtree_virt.c — memcore's `info mtree` against real QEMU.
 *
 * tests/data/qemu-riscv64-virt/ holds QEMU 7.2's `info mtree` output for
 * `qemu-system-riscv64 -M virt` (info-mtree*.txt) and that machine's
 * region tree as a board file (board.json, see memcored-board(5)).  This
 * test
 * rebuilds the machine through the memcore API, walking board.json with
 * jansson, and compares each option's output with the capture.
 *
 * What may differ, and how the comparison allows for it:
 *  - QEMU prints address-space groups, FlatViews and alias targets in
 *    hash-table order; memcore in creation order.  Outputs are compared
 *    as multisets of blank-line-separated blocks, with `FlatView #N`
 *    numbers blanked.
 *  - The dispatch dump (-f -d): QEMU 7.2 still labels sections 1-3
 *    `[not dirty]`, `[ROM]`, `[watch]` although those special sections no
 *    longer exist (a stale label table); memcore labels only section 0
 *    (SEMANTICS.md, "mtree output").  `[MRU]` depends on the accesses
 *    made so far.  Both are
 *    removed before comparing; everything else, node dumps included, must
 *    be identical.
 *  - -o: QEMU prints QOM owners (`owner:{dev path=…}`, `parent:{…}`);
 *    memcore prints ` owner:{obj path=PATH}` or ` orphan`.  board.json has
 *    no owners, so the test gives the one region whose QEMU owner is of
 *    the `obj path=` form (riscv_virt_board.ram) that owner: its lines
 *    must match the capture exactly; every other line must end in
 *    ` orphan`, and is compared with QEMU's owner suffix removed.
 *
 * The address spaces are created in QEMU's order as far as it is visible
 * (`memory` before `cpu-memory-0`, which is the order of the AS lines of
 * their shared FlatView); board.json lists them alphabetically.
 */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "check_run.h"

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must name tests/data of the source tree"
#endif

#define EXAMPLE "qemu-riscv64-virt"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* The owner QEMU shows as `owner:{obj path=…}` (a memory backend). */
#define RAM_NAME "riscv_virt_board.ram"
#define RAM_OWNER "/objects/riscv_virt_board.ram"

/* tests/data of the source tree: $top_srcdir/tests/data under make check,
 * else the directory the test was built for.  The data ships with the
 * tree, so a missing file fails the test. */
static char *data_path(const char *rel)
{
    const char *top = getenv("top_srcdir");
    char *path = NULL;
    int n = top && *top ? asprintf(&path, "%s/tests/data/%s", top, rel)
                        : asprintf(&path, "%s/%s", TEST_DATA_DIR, rel);
    ck_assert_int_ge(n, 0);
    return path;
}

/* The whole of a file under tests/data; fails the test, naming the path,
 * if it cannot be read. */
static char *read_data_file(const char *rel)
{
    char *path = data_path(rel);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "test data missing: %s (see tests/data/README.md)",
                  path);
    free(path);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(mem);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        ck_assert_uint_eq(fwrite(buf, 1, n, mem), n);
    }
    ck_assert(!ferror(f));
    fclose(f);
    ck_assert_int_eq(fclose(mem), 0);
    return text;
}

/* ---- device models of board.json ----------------------------------------- */

static uint64_t zero_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque, (void)addr, (void)size;
    return 0;
}

static uint64_t ones_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque, (void)addr, (void)size;
    return UINT64_MAX;
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

static const MemoryRegionOps ones_ops = {
    .read = ones_read,
    .write = ignore_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

/* ---- building the machine from board.json -------------------------------- */

/* One region of the board, with its JSON and its place in the tree. */
typedef struct BoardRegion {
    MemoryRegion mr;
    json_t *json;
    const char *id;
    struct BoardRegion *container; /* NULL for top-level regions */
    bool initialised, in_progress;
} BoardRegion;

typedef struct Board {
    json_t *root;
    BoardRegion **regions; /* depth-first, subregions in list order */
    size_t n, cap;
    Object *owners;        /* one per owned region (stable addresses) */
    size_t nr_owners;
    AddressSpace *as;
    size_t nr_as;
} Board;

static Board board;

/* A board number: JSON integer or string, hex or decimal, with an optional
 * binary suffix.  Sets *@is_2_64 for exactly 2^64 ("16E"). */
static uint64_t board_number(const json_t *v, const char *what, bool *is_2_64)
{
    *is_2_64 = false;
    if (json_is_integer(v)) {
        ck_assert_msg(json_integer_value(v) >= 0, "%s is negative", what);
        return (uint64_t)json_integer_value(v);
    }
    ck_assert_msg(json_is_string(v), "%s is not a number", what);
    const char *s = json_string_value(v);
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 0);
    ck_assert_msg(errno == 0 && end != s, "%s: bad number \"%s\"", what, s);
    static const char suffixes[] = "KMGTPE";
    if (*end) {
        const char *suf = strchr(suffixes, *end);
        ck_assert_msg(suf && end[1] == '\0', "%s: bad suffix in \"%s\"", what,
                      s);
        unsigned shift = 10 * (unsigned)(suf - suffixes + 1);
        unsigned __int128 big = (unsigned __int128)n << shift;
        ck_assert_msg(big <= (unsigned __int128)1 << 64, "%s: \"%s\" > 2^64",
                      what, s);
        if (big == (unsigned __int128)1 << 64) {
            *is_2_64 = true;
            return UINT64_MAX;
        }
        return (uint64_t)big;
    }
    return n;
}

/* A size for memory_region_init*: UINT64_MAX stands for 2^64. */
static uint64_t board_size(const json_t *region)
{
    bool is_2_64;
    return board_number(json_object_get(region, "size"), "size", &is_2_64);
}

static void board_collect(json_t *region, BoardRegion *container)
{
    BoardRegion *r = calloc(1, sizeof(*r));
    ck_assert_ptr_nonnull(r);
    r->json = region;
    r->container = container;
    json_t *id = json_object_get(region, "id");
    r->id = json_string_value(id ? id : json_object_get(region, "name"));
    ck_assert_ptr_nonnull(r->id);
    if (board.n == board.cap) {
        board.cap = board.cap ? board.cap * 2 : 64;
        board.regions = realloc(board.regions,
                                board.cap * sizeof(*board.regions));
        ck_assert_ptr_nonnull(board.regions);
    }
    board.regions[board.n++] = r;

    size_t i;
    json_t *sub;
    json_array_foreach(json_object_get(region, "subregions"), i, sub) {
        board_collect(sub, r);
    }
}

static BoardRegion *board_find(const char *id)
{
    for (size_t i = 0; i < board.n; i++) {
        if (strcmp(board.regions[i]->id, id) == 0) {
            return board.regions[i];
        }
    }
    ck_abort_msg("board: no region with id \"%s\"", id);
    return NULL;
}

static Object *board_owner(BoardRegion *r, const char *name)
{
    json_t *o = json_object_get(r->json, "owner");
    const char *path = o ? json_string_value(o)
                         : strcmp(name, RAM_NAME) == 0 ? RAM_OWNER : NULL;
    if (!path) {
        return NULL;
    }
    ck_assert_uint_lt(board.nr_owners, board.n);
    Object *obj = &board.owners[board.nr_owners++];
    object_initialize_owner(obj, path, NULL);
    return obj;
}

static void board_init_region(BoardRegion *r)
{
    if (r->initialised) {
        return;
    }
    ck_assert_msg(!r->in_progress, "board: alias cycle at \"%s\"", r->id);
    r->in_progress = true;

    json_t *j = r->json;
    const char *name = json_string_value(json_object_get(j, "name"));
    const char *type = json_string_value(json_object_get(j, "type"));
    ck_assert_ptr_nonnull(type);
    Object *owner = board_owner(r, name);
    uint64_t size = board_size(j);

    if (strcmp(type, "container") == 0) {
        memory_region_init(&r->mr, owner, name, size);
    } else if (strcmp(type, "ram") == 0) {
        memory_region_init_ram(&r->mr, owner, name, size, &error_abort);
        if (json_is_true(json_object_get(j, "readonly"))) {
            memory_region_set_readonly(&r->mr, true);
        }
    } else if (strcmp(type, "rom") == 0) {
        memory_region_init_rom(&r->mr, owner, name, size, &error_abort);
    } else if (strcmp(type, "romd") == 0) {
        memory_region_init_rom_device(&r->mr, owner, &zero_ops, r, name, size,
                                      &error_abort);
    } else if (strcmp(type, "io") == 0) {
        const char *model = json_string_value(
            json_object_get(json_object_get(j, "device"), "model"));
        ck_assert_ptr_nonnull(model);
        const MemoryRegionOps *ops = strcmp(model, "ones") == 0 ? &ones_ops
                                     : strcmp(model, "unassigned") == 0
                                         ? NULL
                                         : &zero_ops;
        memory_region_init_io(&r->mr, owner, ops, r, name, size);
    } else if (strcmp(type, "reservation") == 0) {
        memory_region_init_reservation(&r->mr, owner, name, size);
    } else if (strcmp(type, "alias") == 0) {
        BoardRegion *target =
            board_find(json_string_value(json_object_get(j, "target")));
        bool is_2_64;
        uint64_t offset = board_number(json_object_get(j, "offset"), "offset",
                                       &is_2_64);
        board_init_region(target);
        memory_region_init_alias(&r->mr, owner, name, &target->mr, offset,
                                 size);
    } else {
        ck_abort_msg("board: region \"%s\": type %s is not used by this test",
                     r->id, type);
    }
    r->initialised = true;
    r->in_progress = false;
}

static AddressSpace *board_add_as(json_t *as)
{
    const char *name = json_string_value(json_object_get(as, "name"));
    const char *root = json_string_value(json_object_get(as, "root"));
    AddressSpace *a = &board.as[board.nr_as++];
    address_space_init(a, &board_find(root)->mr, name);
    return a;
}

/* Build the machine: every region, then the tree in list order (one
 * transaction), then the address spaces. */
static void board_build(void)
{
    json_error_t err;
    char *text = read_data_file(EXAMPLE "/board.json");
    ck_assert_ptr_nonnull(text);
    memset(&board, 0, sizeof(board));
    board.root = json_loads(text, 0, &err);
    free(text);
    ck_assert_msg(board.root, "board.json:%d: %s", err.line, err.text);

    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(board.root, "regions"), i, v) {
        board_collect(v, NULL);
    }
    board.owners = calloc(board.n, sizeof(*board.owners));
    ck_assert_ptr_nonnull(board.owners);

    memory_region_transaction_begin();
    for (i = 0; i < board.n; i++) {
        board_init_region(board.regions[i]);
    }
    for (i = 0; i < board.n; i++) {
        BoardRegion *r = board.regions[i];
        if (json_is_false(json_object_get(r->json, "enabled"))) {
            memory_region_set_enabled(&r->mr, false);
        }
        if (!r->container) {
            continue;
        }
        bool is_2_64;
        hwaddr addr = board_number(json_object_get(r->json, "addr"), "addr",
                                   &is_2_64);
        json_t *prio = json_object_get(r->json, "priority");
        if (prio) {
            memory_region_add_subregion_overlap(
                &r->container->mr, addr, &r->mr,
                (int)json_integer_value(prio));
        } else {
            memory_region_add_subregion(&r->container->mr, addr, &r->mr);
        }
    }
    memory_region_transaction_commit();

    json_t *spaces = json_object_get(board.root, "address-spaces");
    board.as = calloc(json_array_size(spaces), sizeof(*board.as));
    ck_assert_ptr_nonnull(board.as);
    json_array_foreach(spaces, i, v) {
        if (strcmp(json_string_value(json_object_get(v, "name")), "memory") ==
            0) {
            board_add_as(v);
        }
    }
    json_array_foreach(spaces, i, v) {
        if (strcmp(json_string_value(json_object_get(v, "name")), "memory") !=
            0) {
            board_add_as(v);
        }
    }
}

static void board_destroy(void)
{
    for (size_t i = 0; i < board.nr_as; i++) {
        address_space_destroy(&board.as[i]);
    }
    memcore_rcu_barrier();
    /* The regions stay: views retired by the destroy may still have been
     * referencing them until the barrier, and the process ends soon. */
    json_decref(board.root);
}

/* ---- normalisation and block comparison ---------------------------------- */

/* Remove every occurrence of @what from @s, in place. */
static void strip_all(char *s, const char *what)
{
    size_t n = strlen(what);
    for (char *p; (p = strstr(s, what));) {
        memmove(p, p + n, strlen(p + n) + 1);
    }
}

/* Blank the number of every "FlatView #N". */
static void blank_flatview_numbers(char *s)
{
    for (char *p = s; (p = strstr(p, "FlatView #"));) {
        p += strlen("FlatView #");
        size_t digits = strspn(p, "0123456789");
        memmove(p, p + digits, strlen(p + digits) + 1);
    }
}

/*
 * -o lines: keep a ` owner:{obj path=` suffix (memcore's only owner form,
 * compared exactly); otherwise cut QEMU's owner/parent suffix from the
 * capture (@expected) or memcore's ` orphan` from our output, which must
 * be there.
 */
static char *normalise_owner_line(const char *line, bool expected)
{
    char *l = strdup(line);
    ck_assert_ptr_nonnull(l);
    if (strstr(l, " owner:{obj path=") || !strstr(l, "): ")) {
        return l;
    }
    if (expected) {
        char *cut = strstr(l, " owner:{");
        char *parent = strstr(l, " parent:{");
        char *orphan = strstr(l, " orphan");
        if (!cut || (parent && parent < cut)) {
            cut = parent;
        }
        if (!cut) {
            cut = orphan;
        }
        ck_assert_msg(cut, "capture line without owner: %s", l);
        *cut = '\0';
    } else {
        size_t n = strlen(l);
        ck_assert_msg(n > 7 && strcmp(l + n - 7, " orphan") == 0,
                      "-o line should end in \" orphan\": %s", l);
        l[n - 7] = '\0';
    }
    return l;
}

static char *normalise_owners(const char *text, bool expected)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ck_assert_ptr_nonnull(f);
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        char *line = strndup(p, n);
        ck_assert_ptr_nonnull(line);
        char *norm = normalise_owner_line(line, expected);
        fprintf(f, "%s\n", norm);
        free(norm);
        free(line);
        p += n + (p[n] == '\n');
    }
    ck_assert_int_eq(fclose(f), 0);
    return out;
}

typedef struct Blocks {
    char **v;
    size_t n;
} Blocks;

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split at empty lines (each block keeps its own lines), sorted. */
static Blocks split_blocks(const char *text)
{
    Blocks b = { 0 };
    size_t cap = 0;
    const char *p = text;
    while (*p) {
        const char *end = strstr(p, "\n\n");
        size_t n = end ? (size_t)(end - p) + 1 : strlen(p);
        if (b.n == cap) {
            cap = cap ? cap * 2 : 16;
            b.v = realloc(b.v, cap * sizeof(*b.v));
            ck_assert_ptr_nonnull(b.v);
        }
        b.v[b.n] = strndup(p, n);
        ck_assert_ptr_nonnull(b.v[b.n]);
        b.n++;
        p += n;
        while (*p == '\n') {
            p++;
        }
    }
    qsort(b.v, b.n, sizeof(*b.v), str_cmp);
    return b;
}

static void free_blocks(Blocks *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->v[i]);
    }
    free(b->v);
}

/* Fail unless @actual and @expected hold the same blocks; unmatched blocks
 * of each side go to stderr. */
static void check_same_blocks(const char *actual, const char *expected,
                              const char *what)
{
    Blocks a = split_blocks(actual), e = split_blocks(expected);
    size_t i = 0, j = 0;
    const char *first_missing = NULL, *first_extra = NULL;
    unsigned mismatches = 0;

    while (i < a.n || j < e.n) {
        int c = i == a.n ? 1 : j == e.n ? -1 : strcmp(a.v[i], e.v[j]);
        if (c == 0) {
            i++, j++;
            continue;
        }
        mismatches++;
        if (c < 0) {
            fprintf(stderr, "%s: unexpected block:\n%s\n", what, a.v[i]);
            first_extra = first_extra ? first_extra : a.v[i];
            i++;
        } else {
            fprintf(stderr, "%s: missing block:\n%s\n", what, e.v[j]);
            first_missing = first_missing ? first_missing : e.v[j];
            j++;
        }
    }
    if (mismatches) {
        /* Check cannot carry long messages (the blocks are in the log):
         * name the first line where the first two unmatched blocks part. */
        const char *m = first_missing ? first_missing : "";
        const char *x = first_extra ? first_extra : "";
        size_t k = 0;
        while (m[k] && m[k] == x[k]) {
            k++;
        }
        while (k > 0 && m[k - 1] != '\n') {
            k--;
        }
        ck_abort_msg("%s: %u block(s) differ; first differing line:\n"
                     "  expected: %.*s\n  actual:   %.*s",
                     what, mismatches, (int)MIN(strcspn(m + k, "\n"), 200),
                     m + k, (int)MIN(strcspn(x + k, "\n"), 200), x + k);
    }
    free_blocks(&a);
    free_blocks(&e);
}

/* What mtree_info_flags prints, captured with plain fprintf. */
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

/* Compare mtree output for @flags with capture @file, after @fix has
 * normalised both sides (may be NULL). */
static void compare_with_capture(unsigned flags, const char *file,
                                 void (*fix)(char **text, bool expected))
{
    char *expected = read_data_file(file);
    char *actual = mtree_text(flags);

    /* Every block, the last one included, ends with an empty line. */
    size_t len = strlen(actual);
    ck_assert_msg(len >= 2 && strcmp(actual + len - 2, "\n\n") == 0,
                  "%s: output does not end with an empty line", file);
    if (fix) {
        fix(&actual, false);
        fix(&expected, true);
    }
    blank_flatview_numbers(actual);
    blank_flatview_numbers(expected);
    check_same_blocks(actual, expected, file);
    free(actual);
    free(expected);
}

static void fix_dispatch(char **text, bool expected)
{
    strip_all(*text, " [MRU]");
    if (expected) {
        strip_all(*text, " [not dirty]");
        strip_all(*text, " [ROM]");
        strip_all(*text, " [watch]");
    }
}

static void fix_owners(char **text, bool expected)
{
    char *norm = normalise_owners(*text, expected);
    free(*text);
    *text = norm;
}

/* ---- tests --------------------------------------------------------------- */

static void setup(void)
{
    board_build();
}

static void teardown(void)
{
    board_destroy();
}

START_TEST(test_virt_tree)
{
    compare_with_capture(0, EXAMPLE "/info-mtree.txt", NULL);
}
END_TEST

START_TEST(test_virt_tree_disabled)
{
    compare_with_capture(MTREE_DISABLED, EXAMPLE "/info-mtree-D.txt", NULL);
}
END_TEST

START_TEST(test_virt_tree_dispatch_flag)
{
    compare_with_capture(MTREE_DISPATCH, EXAMPLE "/info-mtree-d.txt", NULL);
}
END_TEST

START_TEST(test_virt_flat)
{
    compare_with_capture(MTREE_FLATVIEW, EXAMPLE "/info-mtree-f.txt", NULL);
}
END_TEST

START_TEST(test_virt_flat_disabled)
{
    compare_with_capture(MTREE_FLATVIEW | MTREE_DISABLED,
                         EXAMPLE "/info-mtree-f-D.txt", NULL);
}
END_TEST

START_TEST(test_virt_flat_dispatch)
{
    compare_with_capture(MTREE_FLATVIEW | MTREE_DISPATCH,
                         EXAMPLE "/info-mtree-f-d.txt", fix_dispatch);
}
END_TEST

START_TEST(test_virt_owner)
{
    compare_with_capture(MTREE_OWNER, EXAMPLE "/info-mtree-o.txt",
                         fix_owners);
    compare_with_capture(MTREE_OWNER | MTREE_DISABLED,
                         EXAMPLE "/info-mtree-o-D.txt", fix_owners);
    compare_with_capture(MTREE_FLATVIEW | MTREE_OWNER,
                         EXAMPLE "/info-mtree-f-o.txt", fix_owners);
}
END_TEST

/* The owner lines compared exactly, not only through the normalisation. */
START_TEST(test_virt_owner_lines)
{
    static const char tree_line[] =
        "    0000000080000000-0000000087ffffff (prio 0, ram): " RAM_NAME
        " owner:{obj path=" RAM_OWNER "}\n";
    static const char flat_line[] =
        "  0000000080000000-0000000087ffffff (prio 0, ram): " RAM_NAME
        " owner:{obj path=" RAM_OWNER "}\n";
    char *expected = read_data_file(EXAMPLE "/info-mtree-o.txt");
    char *actual = mtree_text(MTREE_OWNER);
    ck_assert_ptr_nonnull(strstr(expected, tree_line));
    ck_assert_msg(strstr(actual, tree_line), "missing: %s", tree_line);
    free(expected);
    free(actual);
    expected = read_data_file(EXAMPLE "/info-mtree-f-o.txt");
    actual = mtree_text(MTREE_FLATVIEW | MTREE_OWNER);
    ck_assert_ptr_nonnull(strstr(expected, flat_line));
    ck_assert_msg(strstr(actual, flat_line), "missing: %s", flat_line);
    free(expected);
    free(actual);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mtree_virt");
    TCase *tc = tcase_create("riscv64-virt");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_virt_tree);
    tcase_add_test(tc, test_virt_tree_disabled);
    tcase_add_test(tc, test_virt_tree_dispatch_flag);
    tcase_add_test(tc, test_virt_flat);
    tcase_add_test(tc, test_virt_flat_disabled);
    tcase_add_test(tc, test_virt_flat_dispatch);
    tcase_add_test(tc, test_virt_owner);
    tcase_add_test(tc, test_virt_owner_lines);
    suite_add_tcase(s, tc);

    return ck_run_suite(s);
}
