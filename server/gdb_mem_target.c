/*
 * server/gdb_mem_target.c — the gdb target of a machine without a CPU
 * (see gdb_mem_target.h).
 */
#include "gdb_mem_target.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>

#include <gdbstub/stub.h>

#include "gdb_watch.h"

struct GdbMemTarget {
    GdbTarget target;
    AddressSpace *as;
    GdbWatchSet *watch;
    pthread_mutex_t lock; /* stub and running, against hits on any thread */
    GdbStub *stub;
    bool running;         /* resumed, waiting for a watchpoint or Ctrl-C */
};

/* Report the one stop of this resume, if it is still running. */
static void stop_with(GdbMemTarget *t, GdbStopReason reason, int signal,
                      uint64_t addr)
{
    pthread_mutex_lock(&t->lock);
    if (t->running && t->stub) {
        GdbStopEvent ev = { 1, reason, signal, addr };
        t->running = false;
        gdb_stub_notify_stop(t->stub, &ev);
    }
    pthread_mutex_unlock(&t->lock);
}

static void on_watch(void *opaque, GdbStopReason reason, uint64_t addr,
                     unsigned requester_id)
{
    (void)requester_id;
    stop_with(opaque, reason, GDB_SIGTRAP, addr);
}

/*
 * Registers: all 0 but pc, which reads as the start of the lowest RAM or
 * ROM range.  gdb reads the instruction at pc when it steps over a
 * watchpoint that fired (RISC-V watchpoints are "non-steppable" for gdb),
 * and gives up with "Cannot access memory" where nothing is mapped.
 */
static int mem_read_registers(void *opaque, unsigned thread, uint8_t *buf)
{
    GdbMemTarget *t = opaque;
    FlatView *view = address_space_get_flatview(t->as);
    uint64_t pc = 0;
    MemoryRegionSection sec;

    (void)thread;
    for (unsigned i = 0; flatview_get_range(view, i, &sec); i++) {
        if (memory_region_is_ram(sec.mr) || memory_region_is_romd(sec.mr)) {
            pc = sec.offset_within_address_space;
            break;
        }
    }
    flatview_unref(view);
    memset(buf, 0, RV64_GDB_NREGS * 8);
    for (unsigned b = 0; b < 8; b++) {
        buf[RV64_GDB_REG_PC * 8 + b] = (uint8_t)(pc >> (8 * b));
    }
    return 0;
}

static AddressSpace *mem_as(void *opaque, unsigned thread)
{
    GdbMemTarget *t = opaque;

    (void)thread;
    return t->as;
}

static void mem_attach(void *opaque, GdbStub *stub)
{
    GdbMemTarget *t = opaque;

    pthread_mutex_lock(&t->lock);
    t->stub = stub;
    t->running = false;
    pthread_mutex_unlock(&t->lock);
}

static void mem_detach(void *opaque)
{
    GdbMemTarget *t = opaque;

    pthread_mutex_lock(&t->lock);
    t->stub = NULL;
    t->running = false;
    pthread_mutex_unlock(&t->lock);
}

static int mem_resume(void *opaque, const GdbResume *actions)
{
    GdbMemTarget *t = opaque;
    bool wait = actions[0].action == GDB_RESUME_CONTINUE &&
                gdb_watch_count(t->watch) > 0;

    pthread_mutex_lock(&t->lock);
    t->running = true;
    pthread_mutex_unlock(&t->lock);
    if (!wait) {
        /* Nothing runs: a step or a continue with nothing to wait for
         * ends at once. */
        stop_with(t, GDB_STOP_SIGNAL, GDB_SIGTRAP, 0);
    }
    return 0;
}

static void mem_stop(void *opaque)
{
    stop_with(opaque, GDB_STOP_SIGNAL, GDB_SIGINT, 0);
}

static int mem_insert(void *opaque, GdbBreakType type, uint64_t addr,
                      uint64_t kind)
{
    GdbMemTarget *t = opaque;

    if (type <= GDB_BREAK_HW) {
        return 0; /* remembered by the stub, never hit */
    }
    return gdb_watch_insert(t->watch, t->as, type, addr, kind);
}

static int mem_remove(void *opaque, GdbBreakType type, uint64_t addr,
                      uint64_t kind)
{
    GdbMemTarget *t = opaque;

    if (type <= GDB_BREAK_HW) {
        return 0;
    }
    return gdb_watch_remove(t->watch, type, addr, kind);
}

static const GdbTargetOps mem_ops = {
    .read_registers = mem_read_registers,
    .address_space = mem_as,
    .attach = mem_attach,
    .detach = mem_detach,
    .resume = mem_resume,
    .stop = mem_stop,
    .insert_breakpoint = mem_insert,
    .remove_breakpoint = mem_remove,
};

GdbMemTarget *gdb_mem_target_new(AddressSpace *as, bool read_only)
{
    GdbMemTarget *t = calloc(1, sizeof(*t));

    if (!t) {
        return NULL;
    }
    t->watch = gdb_watch_new(on_watch, t);
    if (!t->watch) {
        free(t);
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    t->as = as;
    t->target = (GdbTarget){
        .ops = &mem_ops,
        .opaque = t,
        .arch = &gdb_arch_riscv64,
        .read_only = read_only,
    };
    return t;
}

const GdbTarget *gdb_mem_target(GdbMemTarget *t)
{
    return &t->target;
}

GdbWatchSet *gdb_mem_target_watches(GdbMemTarget *t)
{
    return t->watch;
}

void gdb_mem_target_free(GdbMemTarget *t)
{
    if (!t) {
        return;
    }
    gdb_watch_free(t->watch);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
