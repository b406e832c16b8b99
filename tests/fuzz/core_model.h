/*
 * tests/fuzz/core_model.h — fuzz_core's reference model of the memory
 * core: a handful of regions, the flat view they render to, and what each
 * access must do (which RAM bytes it copies, which device calls it makes,
 * what it returns).
 *
 * It is written from the rules of memcore/SEMANTICS.md, not from memcore's
 * code, and kept obviously correct rather than fast: the owner of an
 * address is found by walking the tree from the root for that one address
 * (no painter, no windows, no sharing), and a view is that lookup applied
 * at every region edge.
 */
#ifndef FUZZ_CORE_MODEL_H
#define FUZZ_CORE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define CM_SLOTS 8        /* regions; slots 0 and 1 are the two roots */
#define CM_PAGE 4096u     /* TARGET_PAGE_SIZE: dispatch pieces */
#define CM_MAX_CALLS 8192 /* device calls one access may make */

typedef unsigned __int128 cm_u128;
typedef __int128 cm_i128;

enum cm_kind { CM_NONE, CM_CONTAINER, CM_RAM, CM_ROM, CM_IO, CM_ALIAS };

/* An MMIO device's MemoryRegionOps, as the model needs them. */
typedef struct CmIoOps {
    unsigned valid_max; /* 0: any size */
    bool unaligned;     /* valid.unaligned and impl.unaligned */
    unsigned impl_max;  /* 0: 4 */
    bool big_endian;
} CmIoOps;

typedef struct CmRegion {
    enum cm_kind kind;
    unsigned gen;           /* tells apart the regions a slot held */
    cm_u128 size;           /* up to 2^64 */
    uint64_t addr;
    int32_t priority;
    bool enabled;
    bool readonly;
    int container;          /* slot, -1 when unmapped */
    uint64_t seq;           /* insertion order among siblings */
    int alias;              /* target slot of an alias */
    uint64_t alias_offset;
    CmIoOps io;
    uint8_t *shadow;        /* RAM/ROM: what the block must hold */
    uint64_t shadow_len;    /* the block: size rounded up to a page */
} CmRegion;

/* One range of a view: [start, last] shows @slot from @off on. */
typedef struct CmRange {
    uint64_t start, last;
    int slot;
    uint64_t off;
    bool readonly;
    bool direct_read, direct_write;
} CmRange;

typedef struct CmView {
    unsigned n, cap;
    CmRange *r;
} CmView;

typedef struct CmModel {
    CmRegion r[CM_SLOTS];
    uint64_t seq;
} CmModel;

/* One device call: what the device gets (write) or answers (read). */
typedef struct CmCall {
    int slot;
    unsigned gen;
    uint64_t off;
    unsigned size;
    bool is_write;
    uint64_t value;
} CmCall;

typedef struct CmCalls {
    unsigned n;
    CmCall c[CM_MAX_CALLS];
} CmCalls;

/* Sibling order and cycles. */
bool cm_reaches(const CmModel *m, int from, int to);
void cm_add(CmModel *m, int container, int sub, uint64_t addr, int32_t prio);
void cm_del(CmModel *m, int sub);
void cm_set_address(CmModel *m, int s, uint64_t addr);

/* cm_render: the view of an address space whose root is @root
 * (malloc'ed ranges; aborts when out of memory). */
void cm_render(const CmModel *m, int root, CmView *v);
void cm_view_free(CmView *v);
/* cm_view_find: the range holding @addr, NULL for unassigned space. */
const CmRange *cm_view_find(const CmView *v, uint64_t addr);

/* The byte a device answers at @off (any offset, past its end too). */
uint8_t cm_device_byte(int slot, unsigned gen, uint64_t off);

/*
 * Predictions on view @v (the published one).  Each applies its RAM
 * effects to the model's shadows, appends the device calls it expects to
 * @calls and returns the MemTxResult.  @buf: the bytes to write, or where
 * the bytes read go.
 */
unsigned cm_rw(CmModel *m, const CmView *v, uint64_t addr, uint8_t *buf,
               unsigned len, bool is_write, CmCalls *calls);
unsigned cm_ld(CmModel *m, const CmView *v, uint64_t addr, unsigned n,
               bool big_endian, uint64_t *value, CmCalls *calls);
unsigned cm_st(CmModel *m, const CmView *v, uint64_t addr, unsigned n,
               bool big_endian, uint64_t value, CmCalls *calls);

/* cm_write_rom: cpu_physical_memory_write_rom's effect on the shadows. */
void cm_write_rom(CmModel *m, const CmView *v, uint64_t addr,
                  const uint8_t *buf, unsigned len);

/* cm_find: what memory_region_find answers for [@addr, @addr + @size) of
 * the address space whose view is @v (@out: the range clipped to the
 * query, which ends at 2^64 at the latest). */
bool cm_find(const CmView *v, uint64_t addr, cm_u128 size, CmRange *out);

/* cm_translate: address_space_translate's region slot (-1: unassigned),
 * offset and length. */
int cm_translate(const CmView *v, uint64_t addr, uint64_t *xlat,
                 uint64_t *len);

/* cm_access_valid: address_space_access_valid's answer. */
bool cm_access_valid(const CmModel *m, const CmView *v, uint64_t addr,
                     unsigned len, bool is_write);

/* cm_map: how address_space_map maps [@addr, @addr + @len): not at all,
 * directly (at @off of the first range's region) or through the bounce
 * buffer; @plen the length mapped. */
enum { CM_MAP_NULL, CM_MAP_DIRECT, CM_MAP_BOUNCE };
int cm_map(const CmView *v, uint64_t addr, uint64_t len, bool is_write,
           uint64_t *off, uint64_t *plen);

#endif /* FUZZ_CORE_MODEL_H */
