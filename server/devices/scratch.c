/*
 * server/devices/scratch.c — "scratch": a register file that reads back
 * what was written.
 *
 * Its point is its MemoryRegionOps: every field that steers the core's
 * access splitting is a board parameter, so a board can put the same
 * bytes behind "only 4-byte accesses" or "big-endian, 1..2 bytes, no
 * unaligned" and watch how address_space_rw and the ld/st accessors cut
 * guest accesses into device calls.
 *
 *   valid-min, valid-max  sizes the guest may use (1, 2, 4, 8; default 1, 8)
 *   impl-min, impl-max    sizes the callbacks handle (default 1, 8)
 *   unaligned             the guest may make unaligned accesses (the core
 *                         splits them into aligned calls; default false)
 *   endianness            little, big or native (default little)
 *
 * The bytes are kept in the device's own byte order, so whatever the
 * endianness the guest sees plain memory: a value written with stl_le
 * reads back with ldl_le.  The ops live inside the state because each
 * instance has its own.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "device.h"

/* A register file this large is already far more than any test needs;
 * the limit keeps a typo ("16E") from allocating the host away. */
#define SCRATCH_MAX_SIZE (UINT64_C(16) << 20)

typedef struct Scratch {
    Device dev;
    MemoryRegionOps ops;
    bool big;           /* byte order the bytes are kept in */
    uint8_t *bytes;
} Scratch;

static uint64_t scratch_read(void *opaque, hwaddr addr, unsigned size)
{
    Scratch *s = opaque;
    uint8_t tmp[8] = { 0 };

    /* The core may widen an access to impl-min at the very end of the
     * region: bytes past the end read as 0. */
    for (unsigned i = 0; i < size; i++) {
        if (addr + i < s->dev.size) {
            tmp[i] = s->bytes[addr + i];
        }
    }
    return device_load_bytes(tmp, size, s->big);
}

static void scratch_write(void *opaque, hwaddr addr, uint64_t data,
                          unsigned size)
{
    Scratch *s = opaque;
    uint8_t tmp[8];

    device_store_bytes(tmp, size, data, s->big);
    for (unsigned i = 0; i < size; i++) {
        if (addr + i < s->dev.size) {
            s->bytes[addr + i] = tmp[i];
        }
    }
}

static void scratch_destroy(Device *dev)
{
    Scratch *s = (Scratch *)dev;

    free(s->bytes);
    device_free(dev);
}

static Device *scratch_create(const DeviceModel *model, const json_t *params,
                              JPath *path, Diag *d, uint64_t size)
{
    unsigned vmin = 1, vmax = 8, imin = 1, imax = 8;
    bool unaligned = false, ok = true;
    enum device_endian endian = DEVICE_LITTLE_ENDIAN;
    Scratch *s;

    ok &= device_param_access_size(params, "valid-min", &vmin, path, d);
    ok &= device_param_access_size(params, "valid-max", &vmax, path, d);
    ok &= device_param_access_size(params, "impl-min", &imin, path, d);
    ok &= device_param_access_size(params, "impl-max", &imax, path, d);
    ok &= device_param_bool(params, "unaligned", &unaligned, path, d);
    ok &= device_param_endianness(params, "endianness", &endian, path, d);
    if (ok && vmin > vmax) {
        diag_error(d, jpath_str(path), "valid-min %u is larger than "
                   "valid-max %u", vmin, vmax);
        ok = false;
    }
    if (ok && imin > imax) {
        diag_error(d, jpath_str(path), "impl-min %u is larger than "
                   "impl-max %u", imin, imax);
        ok = false;
    }
    if (size > SCRATCH_MAX_SIZE) {
        diag_error(d, jpath_str(path), "scratch holds at most 16M bytes, "
                   "the region has 0x%" PRIx64, size);
        ok = false;
    }
    if (!ok) {
        return NULL;
    }

    s = (Scratch *)device_new(model, sizeof(*s), NULL, size);
    if (!s) {
        return NULL;
    }
    s->bytes = calloc(size ? size : 1, 1);
    if (!s->bytes) {
        device_free(&s->dev);
        return NULL;
    }
    s->ops.read = scratch_read;
    s->ops.write = scratch_write;
    s->ops.endianness = endian;
    s->ops.valid.min_access_size = vmin;
    s->ops.valid.max_access_size = vmax;
    s->ops.valid.unaligned = unaligned;
    s->ops.impl.min_access_size = imin;
    s->ops.impl.max_access_size = imax;
    s->big = endian == DEVICE_BIG_ENDIAN ||
             (endian == DEVICE_NATIVE_ENDIAN && memcore_target_big_endian());
    s->dev.ops = &s->ops;
    return &s->dev;
}

const DeviceModel device_scratch = {
    .name = "scratch",
    .summary = "register file that reads back what was written",
    .params = (const char *const[]){ "valid-min", "valid-max", "impl-min",
                                     "impl-max", "unaligned", "endianness",
                                     NULL },
    .create = scratch_create,
    .destroy = scratch_destroy,
};
