/*
 * server/devices/device.h — what a built-in device model is.
 *
 * A device model is an ordinary user of libmemcore's MemoryRegionOps: a
 * state struct that starts with a Device, a read and a write callback, and
 * a MemoryRegionOps telling the core which access sizes the callbacks
 * handle.  The board loader creates the state while it checks the board
 * (create() makes no memcore call, so a board with errors leaves nothing
 * behind), then passes ops and state to memory_region_init_io() or
 * memory_region_init_rom_device().
 *
 * Models reach the rest of memcored only through a DeviceHost: where UART
 * output goes, how to power off or reset the machine.  They never include
 * server/ headers, which keeps each file readable on its own — the
 * examples an embedder reads first.
 */
#ifndef SERVER_DEVICES_DEVICE_H
#define SERVER_DEVICES_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <memcore/memory.h>

#include "../diag.h"

/* DeviceHost: the machine services a device may use.  Any may be NULL. */
typedef struct DeviceHost {
    void *opaque;
    /* bytes the guest transmitted on the UART named @uart */
    void (*uart_tx)(void *opaque, const char *uart, const uint8_t *buf,
                    size_t len);
    /* the guest asked to power off; @status is the exit status to use */
    void (*power_off)(void *opaque, int status);
    /* the guest asked for a reset */
    void (*reset)(void *opaque);
} DeviceHost;

typedef struct DeviceModel DeviceModel;

/* Device: the first member of every model's state; the ops' opaque. */
typedef struct Device {
    const DeviceModel *model;
    const MemoryRegionOps *ops;
    const DeviceHost *host;
    char *name;     /* the region's name (owned) */
    uint64_t size;  /* the region's size as the API spells it */
} Device;

/*
 * DeviceModel: one built-in model.
 *
 * @params lists the keys the "device" object may have besides "model";
 * the loader rejects any other key before calling @create.
 * @create checks the parameters in @dev (the "device" object; @path points
 * at it) and returns a new state, or records problems in @d and returns
 * NULL.  It must not call memcore.
 * @destroy frees the state once no access can reach it any more.
 */
struct DeviceModel {
    const char *name;
    const char *summary;
    const char *const *params;
    Device *(*create)(const DeviceModel *model, const json_t *dev,
                      JPath *path, Diag *d, uint64_t size);
    void (*destroy)(Device *dev);
};

/* device_model_find: the model called @name, or NULL. */
const DeviceModel *device_model_find(const char *name);
/* device_model_names: "a, b, c" for messages (static string). */
const char *device_model_names(void);

/* device_new: allocate a zeroed state of @state_size bytes whose Device
 * header is filled in; NULL when out of memory. */
Device *device_new(const DeviceModel *model, size_t state_size,
                   const MemoryRegionOps *ops, uint64_t size);
/* device_free: free what device_new allocated. */
void device_free(Device *dev);
/* device_set_identity: tell @dev its region name and host (by the loader). */
bool device_set_identity(Device *dev, const char *name,
                         const DeviceHost *host);

/*
 * Debug accesses: front-ends that inspect memory on a debugger's behalf
 * (gdb, REST) must not change device state by looking.  They bracket
 * such reads with device_debug_access_begin()/end() on their own thread,
 * and a device with read side effects (counter, the UART's receive
 * buffer) asks device_access_is_debug() before changing anything; it is
 * also true for an access whose MemTxAttrs has the debug bit (the gdb
 * stub's).  The flag is per thread because MMIO callbacks run on the thread that made
 * the access.  The monitor's x/xp and ld* are ordinary accesses, as
 * QEMU's monitor's are.
 */
void device_debug_access_begin(void);
void device_debug_access_end(void);
bool device_access_is_debug(MemTxAttrs attrs);

/*
 * Parameter helpers for create(): each reads the key @key of @dev (absent
 * keeps *@out as the default), records a problem under PATH.KEY when the
 * value is bad, and returns false then.
 */
bool device_param_access_size(const json_t *dev, const char *key,
                              unsigned *out, JPath *path, Diag *d);
bool device_param_bool(const json_t *dev, const char *key, bool *out,
                       JPath *path, Diag *d);
bool device_param_uint(const json_t *dev, const char *key, uint64_t min,
                       uint64_t max, uint64_t *out, JPath *path, Diag *d);
bool device_param_endianness(const json_t *dev, const char *key,
                             enum device_endian *out, JPath *path, Diag *d);

/* Helpers for models: the value of @size bytes at @p in either order. */
uint64_t device_load_bytes(const uint8_t *p, unsigned size, bool big);
void device_store_bytes(uint8_t *p, unsigned size, uint64_t v, bool big);

/* The models (one file each). */
extern const DeviceModel device_unassigned;
extern const DeviceModel device_zero;
extern const DeviceModel device_ones;
extern const DeviceModel device_scratch;
extern const DeviceModel device_counter;
extern const DeviceModel device_ns16550a;
extern const DeviceModel device_sifive_test;
extern const DeviceModel device_clint;

#endif /* SERVER_DEVICES_DEVICE_H */
