/*
 * tests/unit/test_resize_destroyed.c — memory_region_ram_resize of a
 * destroyed region is misuse and touches nothing.
 *
 * Promise checked (memory.h, memory_region_ram_resize and
 * memory_region_destroy): a destroyed region is like an uninitialised one;
 * operating on it is misuse, reported, with nothing changed, even while a
 * direct mapping still holds its RAM block.  Why it failed: the resize had
 * no "initialized" check and read mr->ram_block before taking the lock, so
 * it resized (and called back for) a block already freed after the grace
 * period (heap-use-after-free under ASan), or one kept only by a mapping.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include <memcore/memory.h>

#include "check_run.h"

static int misuses;
static char last_misuse[512];
static int resized_calls;

static void on_misuse(const char *msg)
{
    misuses++;
    strncpy(last_misuse, msg, sizeof(last_misuse) - 1);
}

static void resized(const char *id, uint64_t len, void *host)
{
    (void)id, (void)len, (void)host;
    resized_calls++;
}

static MemoryRegion root, ram;
static AddressSpace as;

static void expect_refused(void)
{
    Error *err = NULL;
    misuses = 0;
    resized_calls = 0;
    memcore_set_misuse_handler(on_misuse);
    memory_region_ram_resize(&ram, 0x8000, &err);
    memcore_set_misuse_handler(NULL);
    ck_assert_msg(misuses == 1, "resize of a destroyed region: %d misuse "
                  "reports, expected 1", misuses);
    ck_assert(strstr(last_misuse, "memory_region_ram_resize"));
    ck_assert_int_eq(resized_calls, 0);
    if (err) {
        error_free(err);
    }
}

START_TEST(resize_after_destroy)
{
    memory_region_init_resizeable_ram(&ram, NULL, "rram", 0x1000, 0x10000,
                                      resized, &error_abort);
    memory_region_destroy(&ram);
    memcore_rcu_barrier(); /* the block is freed now */
    expect_refused();
}
END_TEST

START_TEST(resize_destroyed_mapped)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "as");
    memory_region_init_resizeable_ram(&ram, NULL, "rram", 0x1000, 0x10000,
                                      resized, &error_abort);
    memory_region_add_subregion(&root, 0x100000, &ram);
    hwaddr l = 0x1000;
    void *p = address_space_map(&as, 0x100000, &l, true);
    ck_assert_ptr_nonnull(p);
    memory_region_del_subregion(&root, &ram);
    memory_region_destroy(&ram);
    memcore_rcu_barrier(); /* the block lives on for the mapping */
    expect_refused();
    memset(p, 0x5a, l); /* the mapping is still good */
    address_space_unmap(&as, p, l, true, l);
    address_space_destroy(&as);
    memory_region_destroy(&root);
    memcore_rcu_barrier();
}
END_TEST

START_TEST(resize_live_still_works)
{
    memory_region_init_resizeable_ram(&ram, NULL, "rram", 0x1000, 0x10000,
                                      resized, &error_abort);
    resized_calls = 0;
    memory_region_ram_resize(&ram, 0x4000, &error_abort);
    ck_assert_uint_eq(memory_region_size(&ram), 0x4000);
    ck_assert_int_eq(resized_calls, 1);
    memory_region_destroy(&ram);
    memcore_rcu_barrier();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("resize_destroyed");
    TCase *tc = tcase_create("resize_destroyed");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, resize_after_destroy);
    tcase_add_test(tc, resize_destroyed_mapped);
    tcase_add_test(tc, resize_live_still_works);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
