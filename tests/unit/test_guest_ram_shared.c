/*
 * tests/unit/test_guest_ram_shared.c — guest RAM is shared with running
 * vCPUs (memcore/guest_ram.h): while a thread acting as a vCPU stores to
 * and loads from RAM through its host pointer with relaxed atomics (as
 * server/riscv/tlb.h does), other threads read and write the same bytes
 * through address_space_read and _write, the ld and st accessors and
 * cpu_physical_memory_write_rom, aligned and not, small and large.
 *
 * What a user would see: every naturally aligned 8-byte word a read
 * returns is one the writers stored whole (the vCPU stores words whose 8
 * bytes are all equal; a torn word would mix them), and the run is free
 * of data races, which ThreadSanitizer checks in CI (`make check` under
 * --enable-tsan): memcore's copies used to be plain memcpy, which races
 * with the vCPU's stores.
 */
#include <check.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include <memcore/memcore.h>
#include <memcore/memory.h>

#include "robust.h"
#include "check_run.h"

#define RAM_SIZE (64u << 10)
#define BASE 0x80000000u

static MemoryRegion root, ram;
static AddressSpace as;
static uint8_t *host;
static atomic_bool stop;

/* A word whose 8 bytes are all @b. */
static uint64_t uniform(uint8_t b)
{
    return 0x0101010101010101ull * b;
}

static bool is_uniform(const uint8_t *p)
{
    for (int i = 1; i < 8; i++) {
        if (p[i] != p[0]) {
            return false;
        }
    }
    return true;
}

/* The vCPU: stores uniform words everywhere and loads some back. */
static void *vcpu(void *arg)
{
    uint64_t *w = (uint64_t *)host;
    unsigned long n = 0;

    (void)arg;
    while (!atomic_load(&stop)) {
        size_t i = (n * 7919) % (RAM_SIZE / 8);

        __atomic_store_n(&w[i], uniform((uint8_t)n), __ATOMIC_RELAXED);
        if (!is_uniform((const uint8_t *)&(uint64_t){
                __atomic_load_n(&w[(i + 1) % (RAM_SIZE / 8)],
                                __ATOMIC_RELAXED) })) {
            rb_fail("the vCPU loaded a torn word at 0x%zx", (i + 1) * 8);
        }
        n++;
    }
    return NULL;
}

static void check_words(const uint8_t *buf, hwaddr addr, size_t len,
                        const char *how)
{
    /* The words of the buffer that are whole aligned words of RAM. */
    size_t skip = (8 - (addr & 7)) & 7;

    for (size_t i = skip; i + 8 <= len; i += 8) {
        if (!is_uniform(buf + i)) {
            rb_fail("%s: torn word at 0x%" PRIx64, how,
                    (uint64_t)(addr + i));
            return;
        }
    }
}

/* A debugger: reads of every shape, and writes of uniform words. */
static void *debugger(void *arg)
{
    static __thread uint8_t buf[RAM_SIZE];
    unsigned seed = (unsigned)(uintptr_t)arg;
    unsigned long n = 0;
    double start = rb_now();

    while (!rb_time_up(start, 1.0, n, 2000)) {
        hwaddr off = rand_r(&seed) % RAM_SIZE;
        hwaddr a = BASE + off;
        size_t len = 1 + rand_r(&seed) % (RAM_SIZE - off);
        uint64_t v;

        switch (n % 6) {
        case 0: /* a large read */
            address_space_read(&as, a, MEMTXATTRS_UNSPECIFIED, buf,
                               (int)len);
            check_words(buf, a, len, "address_space_read");
            break;
        case 1: /* small reads, aligned or not */
            len = 1u << (rand_r(&seed) % 4);
            if (off + len <= RAM_SIZE) {
                address_space_read(&as, a, MEMTXATTRS_UNSPECIFIED, buf,
                                   (int)len);
            }
            break;
        case 2: /* an aligned ldq */
            v = address_space_ldq(&as, BASE + (off & ~7ull),
                                  MEMTXATTRS_UNSPECIFIED, NULL);
            check_words((const uint8_t *)&v, 0, 8, "address_space_ldq");
            break;
        case 3: /* unaligned ld of each width */
            (void)address_space_ldl(&as, (a & ~3ull) | 1,
                                    MEMTXATTRS_UNSPECIFIED, NULL);
            (void)address_space_lduw(&as, a | 1, MEMTXATTRS_UNSPECIFIED,
                                     NULL);
            break;
        case 4: /* uniform words written through memcore */
            off &= ~7ull;
            len = (len & ~7ull) < RAM_SIZE - off ? len & ~7ull : 0;
            memset(buf, (uint8_t)n, len);
            address_space_write(&as, BASE + off, MEMTXATTRS_UNSPECIFIED,
                                buf, (int)len);
            address_space_stq(&as, BASE + off, uniform((uint8_t)n),
                              MEMTXATTRS_UNSPECIFIED, NULL);
            break;
        default:
            off &= ~7ull;
            memset(buf, (uint8_t)n, 64);
            if (off + 64 <= RAM_SIZE) {
                cpu_physical_memory_write_rom(&as, BASE + off, buf, 64);
            }
            break;
        }
        n++;
    }
    return NULL;
}

START_TEST(debuggers_beside_a_running_vcpu)
{
    pthread_t cpu, dbg[2];

    rb_reset();
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &error_abort);
    memory_region_add_subregion(&root, BASE, &ram);
    address_space_init(&as, &root, "shared");
    host = memory_region_get_ram_ptr(&ram);
    memset(host, 0, RAM_SIZE);

    atomic_store(&stop, false);
    ck_assert_int_eq(pthread_create(&cpu, NULL, vcpu, NULL), 0);
    for (uintptr_t i = 0; i < 2; i++) {
        ck_assert_int_eq(pthread_create(&dbg[i], NULL, debugger,
                                        (void *)(i + 1)), 0);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(dbg[i], NULL);
    }
    atomic_store(&stop, true);
    pthread_join(cpu, NULL);
    rb_assert_no_failure();

    address_space_destroy(&as);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("guest_ram_shared");
    TCase *tc = tcase_create("shared");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, debuggers_beside_a_running_vcpu);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
