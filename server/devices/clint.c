/*
 * server/devices/clint.c — "clint": the SiFive core-local interruptor,
 * the timer of the reference vCPU.
 *
 *   0x0000 + 4*hart   msip[hart]      bit 0: software interrupt pending
 *   0x4000 + 8*hart   mtimecmp[hart]  timer fires when mtime >= mtimecmp
 *   0xbff8            mtime           64-bit, 10 MHz
 *
 * mtime is not a stored register: it is the host's monotonic clock
 * divided down to 10 MHz plus an offset, so it advances in real time
 * whether or not anyone reads it; writing mtime changes the offset.
 * Accesses are 4 or 8 bytes, naturally aligned (the 32-bit halves of the
 * 64-bit registers are reachable separately, as RV32 software expects).
 *
 * Parameter: "harts" (1 to 4095, default 1).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "clint.h"

#define CLINT_MSIP 0x0000
#define CLINT_MTIMECMP 0x4000
#define CLINT_MTIME 0xbff8
#define CLINT_SIZE 0xc000
#define CLINT_TICKS_PER_SEC 10000000u
#define CLINT_MAX_HARTS 4095

typedef struct Clint {
    Device dev;
    unsigned harts;
    _Atomic int64_t mtime_offset;   /* ticks added to the clock */
    _Atomic uint32_t *msip;
    _Atomic uint64_t *mtimecmp;
    void (*notify)(void *opaque);
    void *notify_opaque;
} Clint;

static uint64_t clock_ticks(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * CLINT_TICKS_PER_SEC +
           (uint64_t)ts.tv_nsec / (1000000000u / CLINT_TICKS_PER_SEC);
}

uint64_t clint_mtime(Device *dev)
{
    Clint *c = (Clint *)dev;

    return clock_ticks() + (uint64_t)atomic_load(&c->mtime_offset);
}

bool clint_timer_pending(Device *dev, unsigned hart)
{
    Clint *c = (Clint *)dev;

    return hart < c->harts && clint_mtime(dev) >= atomic_load(&c->mtimecmp[hart]);
}

bool clint_software_pending(Device *dev, unsigned hart)
{
    Clint *c = (Clint *)dev;

    return hart < c->harts && (atomic_load(&c->msip[hart]) & 1);
}

uint64_t clint_next_event_ns(Device *dev, unsigned hart)
{
    Clint *c = (Clint *)dev;
    uint64_t now, cmp, ticks;
    struct timespec ts;

    if (hart >= c->harts) {
        return UINT64_MAX;
    }
    now = clint_mtime(dev);
    cmp = atomic_load(&c->mtimecmp[hart]);
    if (cmp <= now) {
        return 0;
    }
    ticks = cmp - now;
    if (ticks > UINT64_MAX / 200) {
        return UINT64_MAX;
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec +
           ticks * (1000000000u / CLINT_TICKS_PER_SEC);
}

void clint_set_notify(Device *dev, void (*fn)(void *opaque), void *opaque)
{
    Clint *c = (Clint *)dev;

    c->notify = fn;
    c->notify_opaque = opaque;
}

/* The 64-bit register holding @addr, or false if there is none there. */
static bool reg64_read(Clint *c, hwaddr base, uint64_t *v)
{
    if (base >= CLINT_MTIMECMP && base < CLINT_MTIMECMP + 8 * c->harts) {
        *v = atomic_load(&c->mtimecmp[(base - CLINT_MTIMECMP) / 8]);
        return true;
    }
    if (base == CLINT_MTIME) {
        *v = clint_mtime(&c->dev);
        return true;
    }
    return false;
}

static uint64_t clint_read(void *opaque, hwaddr addr, unsigned size)
{
    Clint *c = opaque;
    uint64_t v;

    if (addr < CLINT_MSIP + 4 * c->harts) {
        return size == 4 && addr % 4 == 0 ?
               atomic_load(&c->msip[addr / 4]) & 1 : 0;
    }
    if (!reg64_read(c, addr & ~(hwaddr)7, &v)) {
        return 0;
    }
    if (size == 8) {
        return v;
    }
    return (addr & 4) ? v >> 32 : (uint32_t)v;
}

/* Merge a 4- or 8-byte write into the old value of a 64-bit register. */
static uint64_t merge(uint64_t old, hwaddr addr, uint64_t data, unsigned size)
{
    if (size == 8) {
        return data;
    }
    if (addr & 4) {
        return (old & 0xffffffffu) | (data << 32);
    }
    return (old & ~(uint64_t)0xffffffffu) | (uint32_t)data;
}

static void clint_write(void *opaque, hwaddr addr, uint64_t data,
                        unsigned size)
{
    Clint *c = opaque;
    hwaddr base = addr & ~(hwaddr)7;

    if (addr < CLINT_MSIP + 4 * c->harts) {
        if (size == 4 && addr % 4 == 0) {
            atomic_store(&c->msip[addr / 4], (uint32_t)data & 1);
            if (c->notify) {
                c->notify(c->notify_opaque);
            }
        }
        return;
    }
    if (base >= CLINT_MTIMECMP && base < CLINT_MTIMECMP + 8 * c->harts) {
        _Atomic uint64_t *reg = &c->mtimecmp[(base - CLINT_MTIMECMP) / 8];

        atomic_store(reg, merge(atomic_load(reg), addr, data, size));
    } else if (base == CLINT_MTIME) {
        uint64_t now = clint_mtime(&c->dev);
        uint64_t want = merge(now, addr, data, size);

        atomic_fetch_add(&c->mtime_offset, (int64_t)(want - now));
    }
    if (c->notify) {
        c->notify(c->notify_opaque);
    }
}

static const MemoryRegionOps clint_ops = {
    .read = clint_read,
    .write = clint_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

static void clint_destroy(Device *dev)
{
    Clint *c = (Clint *)dev;

    free((void *)c->msip);
    free((void *)c->mtimecmp);
    device_free(dev);
}

static Device *clint_create(const DeviceModel *model, const json_t *params,
                            JPath *path, Diag *d, uint64_t size)
{
    uint64_t harts = 1;
    Clint *c;

    if (!device_param_uint(params, "harts", 1, CLINT_MAX_HARTS, &harts,
                           path, d)) {
        return NULL;
    }
    if (size < CLINT_SIZE) {
        diag_error(d, jpath_str(path), "clint needs a region of at least "
                   "0xc000 bytes (mtime is at 0xbff8)");
        return NULL;
    }
    c = (Clint *)device_new(model, sizeof(*c), &clint_ops, size);
    if (!c) {
        return NULL;
    }
    c->harts = (unsigned)harts;
    c->msip = calloc(harts, sizeof(*c->msip));
    c->mtimecmp = calloc(harts, sizeof(*c->mtimecmp));
    if (!c->msip || !c->mtimecmp) {
        clint_destroy(&c->dev);
        return NULL;
    }
    for (unsigned i = 0; i < c->harts; i++) {
        /* reset value: no timer interrupt until software programs one */
        atomic_store(&c->mtimecmp[i], UINT64_MAX);
    }
    /* mtime starts at 0 when the machine is built */
    atomic_store(&c->mtime_offset, -(int64_t)clock_ticks());
    return &c->dev;
}

const DeviceModel device_clint = {
    .name = "clint",
    .summary = "msip, mtimecmp and a 10 MHz mtime for the vCPU",
    .params = (const char *const[]){ "harts", NULL },
    .create = clint_create,
    .destroy = clint_destroy,
};
