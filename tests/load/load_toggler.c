/*
 * tests/load/load_toggler.c — memcored with one more thread, for the
 * load test: tests/load/memcored_load is server/main.c, unchanged, linked
 * with this file and `-Wl,--wrap=machine_create,--wrap=machine_destroy`.
 *
 * Once the machine is built, a thread changes the layout of the load
 * board's window (tests/load/load.json) every MEMCORED_LOAD_TOGGLE_US
 * microseconds (default 1000), cycling through three layouts.  Each step
 * changes two or three regions inside one memory transaction, so a reader
 * that ever sees a mix of two layouts has seen a commit half done:
 *
 *   layout 0: load.a on,  load.b off, load.mv on at 0      c3 a1 a1 a1
 *   layout 1: load.a off, load.b on,  load.mv on at 32K    b2 b2 c3 b2
 *   layout 2: load.a off, load.b off, load.mv off (at 0)   00 00 00 00
 *
 * (the right column: the window's four 16 KiB quarters).  The monitor's
 * `region` commands change one region per transaction, which is why
 * this is a thread in the server and not a client.  The thread stops
 * before the machine is destroyed, and memcored then prints
 * "toggler: N transactions" on stderr.
 *
 * The wrapped functions give no place to keep a pointer, hence the one
 * static Toggler.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "machine.h"

Machine *__real_machine_create(Board *board, bool read_only, Diag *d);
void __real_machine_destroy(Machine *m);
Machine *__wrap_machine_create(Board *board, bool read_only, Diag *d);
void __wrap_machine_destroy(Machine *m);

#define MV_MOVED 0x8000

typedef struct Toggler {
    MemoryRegion *a, *b, *mv;
    long period_us;
    atomic_bool stop;
    bool started;
    pthread_t thread;
    unsigned long transactions;
} Toggler;

static Toggler toggler;

static MemoryRegion *find(Machine *m, const char *name)
{
    BoardRegion *r;

    if (board_find_region(m->board, name, &r) != 1) {
        fprintf(stderr, "memcored_load: the board has no region '%s' "
                "(use tests/load/load.json)\n", name);
        return NULL;
    }
    return &r->mr;
}

/* From layout @from to the next one, in one transaction. */
static void step(Toggler *t, unsigned from)
{
    memory_region_transaction_begin();
    switch (from) {
    case 0:
        memory_region_set_enabled(t->a, false);
        memory_region_set_enabled(t->b, true);
        memory_region_set_address(t->mv, MV_MOVED);
        break;
    case 1:
        memory_region_set_enabled(t->b, false);
        memory_region_set_enabled(t->mv, false);
        memory_region_set_address(t->mv, 0);
        break;
    default:
        memory_region_set_enabled(t->a, true);
        memory_region_set_enabled(t->mv, true);
        break;
    }
    memory_region_transaction_commit();
}

static void *toggle_thread(void *opaque)
{
    Toggler *t = opaque;
    struct timespec ts = {
        .tv_sec = t->period_us / 1000000,
        .tv_nsec = (t->period_us % 1000000) * 1000,
    };
    unsigned layout = 0;

    while (!atomic_load(&t->stop)) {
        step(t, layout);
        layout = (layout + 1) % 3;
        t->transactions++;
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
        ts.tv_sec = t->period_us / 1000000;
        ts.tv_nsec = (t->period_us % 1000000) * 1000;
    }
    return NULL;
}

Machine *__wrap_machine_create(Board *board, bool read_only, Diag *d)
{
    Machine *m = __real_machine_create(board, read_only, d);
    const char *env = getenv("MEMCORED_LOAD_TOGGLE_US");
    int rc;

    if (!m) {
        return NULL;
    }
    toggler.a = find(m, "load.a");
    toggler.b = find(m, "load.b");
    toggler.mv = find(m, "load.mv");
    toggler.period_us = env ? strtol(env, NULL, 10) : 1000;
    if (toggler.period_us < 0 || toggler.period_us > 1000000) {
        fprintf(stderr, "memcored_load: MEMCORED_LOAD_TOGGLE_US must be "
                "0..1000000\n");
        toggler.a = NULL;
    }
    if (!toggler.a || !toggler.b || !toggler.mv) {
        __real_machine_destroy(m);
        return NULL;
    }
    rc = pthread_create(&toggler.thread, NULL, toggle_thread, &toggler);
    if (rc != 0) {
        fprintf(stderr, "memcored_load: cannot start the toggler thread\n");
        __real_machine_destroy(m);
        return NULL;
    }
    toggler.started = true;
    return m;
}

void __wrap_machine_destroy(Machine *m)
{
    if (toggler.started) {
        atomic_store(&toggler.stop, true);
        pthread_join(toggler.thread, NULL);
        toggler.started = false;
        fprintf(stderr, "toggler: %lu transactions\n", toggler.transactions);
    }
    __real_machine_destroy(m);
}
