/*
 * server/devices/device.c — the model registry and the helpers every
 * model shares (state allocation, byte packing, the debug-access flag).
 */
#include "device.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../numparse.h"

static const DeviceModel *const models[] = {
    &device_unassigned,
    &device_zero,
    &device_ones,
    &device_scratch,
    &device_counter,
    &device_ns16550a,
    &device_sifive_test,
    &device_clint,
};

const DeviceModel *device_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
        if (strcmp(models[i]->name, name) == 0) {
            return models[i];
        }
    }
    return NULL;
}

const char *device_model_names(void)
{
    return "unassigned, zero, ones, scratch, counter, ns16550a, "
           "sifive-test, clint";
}

Device *device_new(const DeviceModel *model, size_t state_size,
                   const MemoryRegionOps *ops, uint64_t size)
{
    Device *dev = calloc(1, state_size);

    if (!dev) {
        return NULL;
    }
    dev->model = model;
    dev->ops = ops;
    dev->size = size;
    return dev;
}

void device_free(Device *dev)
{
    if (dev) {
        free(dev->name);
        free(dev);
    }
}

bool device_set_identity(Device *dev, const char *name,
                         const DeviceHost *host)
{
    char *copy = strdup(name ? name : "");

    if (!copy) {
        return false;
    }
    free(dev->name);
    dev->name = copy;
    dev->host = host;
    return true;
}

static __thread unsigned debug_depth;

void device_debug_access_begin(void)
{
    debug_depth++;
}

void device_debug_access_end(void)
{
    if (debug_depth) {
        debug_depth--;
    }
}

bool device_access_is_debug(MemTxAttrs attrs)
{
    /* The gdb stub sets MemTxAttrs.debug; other front-ends bracket their
     * reads with device_debug_access_begin()/end(). */
    return attrs.debug || debug_depth > 0;
}

uint64_t device_load_bytes(const uint8_t *p, unsigned size, bool big)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        unsigned idx = big ? i : size - 1 - i;

        v = (v << 8) | p[idx];
    }
    return v;
}

void device_store_bytes(uint8_t *p, unsigned size, uint64_t v, bool big)
{
    for (unsigned i = 0; i < size; i++) {
        unsigned idx = big ? size - 1 - i : i;

        p[idx] = (uint8_t)v;
        v >>= 8;
    }
}

bool device_param_access_size(const json_t *dev, const char *key,
                              unsigned *out, JPath *path, Diag *d)
{
    const json_t *v = json_object_get(dev, key);
    size_t mark;
    json_int_t n;

    if (!v) {
        return true;
    }
    n = json_is_integer(v) ? json_integer_value(v) : 0;
    if (n == 1 || n == 2 || n == 4 || n == 8) {
        *out = (unsigned)n;
        return true;
    }
    mark = jpath_key(path, key);
    {
        char *text = json_describe(v);

        diag_error(d, jpath_str(path),
                   "%s is not an access size (1, 2, 4 or 8)", text);
        free(text);
    }
    jpath_restore(path, mark);
    return false;
}

bool device_param_bool(const json_t *dev, const char *key, bool *out,
                       JPath *path, Diag *d)
{
    const json_t *v = json_object_get(dev, key);
    size_t mark;
    char *text;

    if (!v) {
        return true;
    }
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return true;
    }
    mark = jpath_key(path, key);
    text = json_describe(v);
    diag_error(d, jpath_str(path), "%s is not true or false", text);
    free(text);
    jpath_restore(path, mark);
    return false;
}

bool device_param_uint(const json_t *dev, const char *key, uint64_t min,
                       uint64_t max, uint64_t *out, JPath *path, Diag *d)
{
    const json_t *v = json_object_get(dev, key);
    size_t mark;
    u128 val;
    bool ok = true;

    if (!v) {
        return true;
    }
    mark = jpath_key(path, key);
    if (!board_number(v, NUM_U64, &val, d, jpath_str(path))) {
        ok = false;
    } else if (val < min || val > max) {
        char *text = json_describe(v);

        diag_error(d, jpath_str(path),
                   "%s is out of range (%" PRIu64 " to %" PRIu64 ")",
                   text, min, max);
        free(text);
        ok = false;
    } else {
        *out = (uint64_t)val;
    }
    jpath_restore(path, mark);
    return ok;
}

bool device_param_endianness(const json_t *dev, const char *key,
                             enum device_endian *out, JPath *path, Diag *d)
{
    const json_t *v = json_object_get(dev, key);
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    size_t mark;
    char *text;

    if (!v) {
        return true;
    }
    if (strcmp(s, "little") == 0) {
        *out = DEVICE_LITTLE_ENDIAN;
        return true;
    }
    if (strcmp(s, "big") == 0) {
        *out = DEVICE_BIG_ENDIAN;
        return true;
    }
    if (strcmp(s, "native") == 0) {
        *out = DEVICE_NATIVE_ENDIAN;
        return true;
    }
    mark = jpath_key(path, key);
    text = json_describe(v);
    diag_error(d, jpath_str(path),
               "%s is not an endianness (little, big or native)", text);
    free(text);
    jpath_restore(path, mark);
    return false;
}
