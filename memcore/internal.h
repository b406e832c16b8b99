/*
 * memcore/internal.h — what the files of libmemcore share and nobody
 * outside memcore/ may include.
 *
 * The story in one paragraph: regions form a tree (region.c).  Every
 * topology change marks the address window it may affect (transaction.c,
 * mark_dirty_*); the outermost commit re-renders only those windows of
 * each FlatView (render.c), diffs old and new views for the listeners
 * (transaction.c, listener.c) and publishes the new view with a release
 * store.  A FlatView is an immutable array of FlatRanges in shared chunks
 * with its own dispatch index (flatview.c, dispatch.c); whether an access
 * to a range is a plain copy was decided when it was rendered.  The access
 * path (rw.c, ldst.c, access.c) runs under an RCU read section on any
 * thread and writes nothing shared; whatever a commit or a destroy
 * replaces (views, RAM blocks, a region's eventfd and coalesced sets) is
 * freed after a grace period (rcu.c).  RAM lives in mmap()ed blocks
 * (ramblock.c) with dirty bitmaps per client (dirty.c).
 */
#ifndef MEMCORE_INTERNAL_H
#define MEMCORE_INTERNAL_H

#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE /* inline liburcu's read-side primitives */
#endif
#include <urcu/urcu-memb.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define MC_MIN(a, b) ((a) < (b) ? (a) : (b))
#define MC_MAX(a, b) ((a) > (b) ? (a) : (b))

/* A 65-bit end/size in unsigned 128-bit arithmetic. */
typedef unsigned __int128 u128;
#define U128_2_64 ((u128)1 << 64)

/* Relaxed atomic access to a word written under the global lock and read
 * by readers on any thread: each sees the old or the new value, whole. */
#define MC_LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define MC_STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* ---- lock.c: the global lock --------------------------------------------- */

extern __thread unsigned mc_lock_depth;

/* ---- rcu.c: read sections, deferred frees --------------------------------- */

extern __thread bool mc_rcu_registered
    __attribute__((tls_model("initial-exec")));
void mc_rcu_register_self(void);

/* Enter/leave an RCU read section; registers the thread on first use. */
static inline void mc_rcu_lock(void)
{
    if (unlikely(!mc_rcu_registered)) {
        mc_rcu_register_self();
    }
    urcu_memb_read_lock();
}

#if defined(__SANITIZE_THREAD__)
/* liburcu is not instrumented: tell ThreadSanitizer that a read section's
 * accesses happen before whatever a later grace period frees. */
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
extern char mc_tsan_grace;
#define MC_TSAN_RELEASE() __tsan_release(&mc_tsan_grace)
#else
#define MC_TSAN_RELEASE() ((void)0)
#endif

static inline void mc_rcu_unlock(void)
{
    MC_TSAN_RELEASE();
    urcu_memb_read_unlock();
}

/*
 * McRcu: what every object freed after a grace period embeds.  The
 * callback must not touch anything a caller may free once a grace period
 * has passed (a MemoryRegion's storage, for instance): copy what it needs
 * into the enclosing object when it is queued.
 */
typedef struct McRcu {
    struct rcu_head head;
    void (*func)(struct McRcu *d);
} McRcu;

/* Run @func(@d) once every reader now inside a read section has left. */
void mc_call_rcu(McRcu *d, void (*func)(McRcu *d));

/* ---- misuse.c, settings.c, alloc.c ---------------------------------------- */

/*
 * mc_misuse: report API misuse (abort by default).  Returns only when an
 * embedder's handler returned; the caller then undoes nothing and returns.
 */
void mc_misuse(const char *func, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Settings (settings.c); read them with MC_LOAD. */
extern bool mc_target_big_endian;
extern void (*mc_code_invalidate_hook)(ram_addr_t start, ram_addr_t len);
extern void (*mc_unassigned_hook)(hwaddr addr, bool is_write, unsigned size);

/* Allocators that abort with a message when memory runs out (alloc.c). */
void *mc_malloc0(size_t size);
void *mc_realloc(void *p, size_t size);
char *mc_strdup(const char *s);
/* Print "memcore: MESSAGE" and abort: for failures no caller could handle. */
void mc_fatal(const char *msg) __attribute__((noreturn));

/* ---- byte order -------------------------------------------------------------- */

/* Reverse the low @size bytes (1, 2, 4 or 8) of @v. */
static inline uint64_t mc_bswap(uint64_t v, unsigned size)
{
    switch (size) {
    case 2:
        return __builtin_bswap16((uint16_t)v);
    case 4:
        return __builtin_bswap32((uint32_t)v);
    case 8:
        return __builtin_bswap64(v);
    default:
        return v;
    }
}

/* Whether @mr's device is big-endian (NATIVE means the target's order). */
static inline bool mr_device_big_endian(const MemoryRegion *mr)
{
    switch (mr->ops->endianness) {
    case DEVICE_BIG_ENDIAN:
        return true;
    case DEVICE_LITTLE_ENDIAN:
        return false;
    default:
        return MC_LOAD(mc_target_big_endian);
    }
}

/* A value in target order as the device sees it, and back. */
static inline uint64_t mr_to_device_order(const MemoryRegion *mr, uint64_t v,
                                          unsigned size)
{
    return mr_device_big_endian(mr) != MC_LOAD(mc_target_big_endian)
               ? mc_bswap(v, size)
               : v;
}

/* ---- region.c ------------------------------------------------------------ */

/* The region every unmapped address resolves to (section 0 in QEMU). */
extern MemoryRegion io_mem_unassigned;
extern const MemoryRegionOps unassigned_mem_ops;

void mr_init_failed(MemoryRegion *mr);

static inline u128 mr_size(const MemoryRegion *mr)
{
    return (u128)mr->size;
}

typedef struct IoeventfdSet IoeventfdSet;

/* What few regions use.  Allocated on first use (under the global lock)
 * and published with a release store: dispatch reads @ioeventfds without
 * the lock.  Freed after a grace period once the region is destroyed. */
struct MemoryRegionExtra {
    IoeventfdSet *ioeventfds; /* immutable, RCU-replaced (ioeventfd.c) */
    struct WatchSet *watch;   /* immutable, RCU-replaced (watch.c) */
    NotifierList iommu_notify;
    struct MemoryRegionChildIndex *child_index;
};

/* The extra part of @mr, allocated on first use (global lock held). */
struct MemoryRegionExtra *mr_extra(MemoryRegion *mr);

/* ---- child_index.c --------------------------------------------------------- */

/* Containers with at least this many children get an address index. */
#define CHILD_INDEX_MIN 64

void child_index_insert(MemoryRegion *c, MemoryRegion *sub);
void child_index_remove(MemoryRegion *c, MemoryRegion *sub);
void child_index_free(MemoryRegion *c);
/*
 * child_index_query: the children of @c that meet [@wlo, @whi) (in @c's
 * coordinates), in subregion-list order, in a malloc()ed *@out.  SIZE_MAX
 * when @c has too few children to be worth an index: walk the list.
 */
size_t child_index_query(MemoryRegion *c, __int128 wlo, __int128 whi,
                         MemoryRegion ***out);

/* ---- flatview.c: the rendered view, which is also the dispatch table ----- */

typedef struct FlatRange {
    MemoryRegion *mr;
    hwaddr offset_in_region;
    hwaddr start;
    hwaddr last; /* inclusive, so that a range may end at 2^64 - 1 */
    /* For RAM wholly backed by its block: the host address of @start, so
     * that the hot path never touches the region or its block. */
    uint8_t *host;
    uint8_t dirty_log_mask;
    bool romd_mode;
    bool readonly;
    uint8_t direct; /* FR_* below, decided at render time */
} FlatRange;

/* Reads (writes) of the range are plain copies from (to) its RAM block,
 * as QEMU's memory_access_is_direct decides for the region. */
#define FR_DIRECT_READ 1
#define FR_DIRECT_WRITE 2
/* @host is set: the range lies wholly inside the block's used memory. */
#define FR_FAST 4
/* A watchpoint covers part of the region: accesses take the checked
 * path (never FR_FAST) and report to watch.c afterwards. */
#define FR_WATCHED 8

/* Fill in @fr->host and @fr->direct from its region (render time). */
void flatrange_set_host(FlatRange *fr);

/* ---- dispatch.c: the dispatch index ------------------------------------ */

/*
 * A slot of the index: DISP_EMPTY (nothing mapped), a range (a FlatRange
 * pointer | DISP_LEAF: the only range meeting the slot; check its bounds)
 * or a DispNode pointer.
 */
typedef uintptr_t DispSlot;
#define DISP_EMPTY ((DispSlot)0)
#define DISP_LEAF ((DispSlot)1)

/* A node covers [base, base + 2^(shift + bits)) in 2^bits slots. */
typedef struct DispNode {
    hwaddr base;
    uint8_t shift;
    uint8_t bits;
    DispSlot slot[];
} DispNode;

typedef struct DispItem {
    hwaddr start, last;
    DispSlot slot; /* what a lookup continues with inside [start, last] */
} DispItem;

typedef struct DispArena DispArena;

/* disp_build: the index of @n sorted, disjoint items; nodes go in
 * *@arena (freed with disp_arena_free). */
DispSlot disp_build(DispArena **arena, const DispItem *items, size_t n);
void disp_arena_free(DispArena *arena);

static inline DispSlot disp_leaf(const struct FlatRange *fr)
{
    return (DispSlot)fr | DISP_LEAF;
}

/*
 * A view's ranges live in chunks of at most FLAT_CHUNK_MAX.  A commit
 * rebuilds only the chunks around the window it re-rendered and shares the
 * others with the previous view, so the cost of a small change does not
 * grow with the size of the view.  A chunk holds a reference on the region
 * of each of its ranges and its own dispatch index; a view holds a
 * reference on each of its chunks and an index over them.
 */
#define FLAT_CHUNK_MAX 256
#define FLAT_CHUNK_TARGET 128

typedef struct FlatChunk {
    atomic_uint ref;
    unsigned nr;
    DispSlot index;
    DispArena *arena;
    FlatRange r[];
} FlatChunk;

/* Immutable once published: readers only ever load from it. */
struct FlatView {
    atomic_uint ref;
    unsigned nr;          /* ranges in all chunks */
    unsigned nchunks;
    DispSlot index;       /* address -> range, through the chunks' indexes */
    DispArena *arena;
    FlatChunk **chunks;
    hwaddr *chunk_first;  /* start of each chunk's first range */
    unsigned *chunk_base; /* index (over the view) of each chunk's first */
    MemoryRegion *root;   /* physical root rendered from; NULL when empty */
};

/* A growable array of ranges, used while rendering. */
typedef struct RangeVec {
    FlatRange *r;
    unsigned n, cap;
} RangeVec;

void rangevec_push(RangeVec *v, const FlatRange *fr);

/* Building a view: chunks are added in address order, then finished. */
FlatView *flatview_new(MemoryRegion *root);
/* flatview_add_chunk: share @chunk (takes a chunk reference). */
void flatview_add_chunk(FlatView *view, FlatChunk *chunk);
/* flatview_add_ranges: copy @n ranges into new chunks (takes region
 * references). */
void flatview_add_ranges(FlatView *view, const FlatRange *r, unsigned n);
void flatview_finish(FlatView *view);

void flatview_ref(FlatView *view);
/* flatview_retire: drop the commit's reference after a grace period. */
void flatview_retire(FlatView *view);
FlatView *flatview_empty(void);
/* flatview_physical_root: the region a view for @root is rendered from,
 * looking through full aliases and single-child containers (QEMU 2.11). */
MemoryRegion *flatview_physical_root(MemoryRegion *root);

/* Range @i (address order) of the view. */
const FlatRange *flatview_at(const FlatView *view, unsigned i);
/* Index of the first range whose last byte is >= @addr (nr if none). */
unsigned flatview_lower_bound(const FlatView *view, hwaddr addr);

/* Walking a view's ranges in address order. */
typedef struct FlatIter {
    const FlatView *view;
    unsigned chunk, i;
} FlatIter;

static inline const FlatRange *flat_iter_get(FlatIter *it)
{
    while (it->chunk < it->view->nchunks) {
        const FlatChunk *c = it->view->chunks[it->chunk];
        if (it->i < c->nr) {
            return &c->r[it->i];
        }
        it->chunk++;
        it->i = 0;
    }
    return NULL;
}

#define FLATVIEW_FOREACH(view, fr)                                         \
    for (FlatIter fr##_it = { (view), 0, 0 };                              \
         ((fr) = flat_iter_get(&fr##_it)) != NULL; fr##_it.i++)

/* The range of @view holding @addr, or NULL: a walk down the index. */
static inline const FlatRange *flatview_lookup(const FlatView *view,
                                               hwaddr addr)
{
    DispSlot s = view->index;
    while (!(s & DISP_LEAF)) {
        if (s == DISP_EMPTY) {
            return NULL;
        }
        const DispNode *n = (const DispNode *)s;
        uint64_t i = (addr - n->base) >> n->shift;
        if (i >> n->bits) {
            return NULL;
        }
        s = n->slot[i];
    }
    const FlatRange *fr = (const FlatRange *)(s - DISP_LEAF);
    return addr - fr->start <= fr->last - fr->start ? fr : NULL;
}

/*
 * flatrange_piece_last: last address of the dispatch piece holding @addr.
 * QEMU registers a range as an unaligned head (up to the next page), a
 * body of whole pages and a tail; RAM translations stop at piece ends.
 */
static inline hwaddr flatrange_piece_last(const FlatRange *fr, hwaddr addr)
{
    hwaddr s = fr->start, last = fr->last;
    const hwaddr pm = TARGET_PAGE_SIZE - 1;
    if (s & pm) {
        hwaddr head_last = s | pm;
        if (head_last >= last || addr <= head_last) {
            return MC_MIN(head_last, last);
        }
        s = head_last + 1;
    }
    if ((last & pm) == pm) {
        return last;
    }
    hwaddr tail_start = last & ~pm;
    if (tail_start == s || addr >= tail_start) {
        return last;
    }
    return tail_start - 1;
}

static inline MemoryRegionSection flatrange_section(const FlatRange *fr,
                                                    AddressSpace *as)
{
    MemoryRegionSection s = {
        .mr = fr->mr,
        .address_space = as,
        .offset_within_region = fr->offset_in_region,
        .size = (Int128)((u128)(fr->last - fr->start) + 1),
        .offset_within_address_space = fr->start,
        .readonly = fr->readonly,
    };
    return s;
}

/* The view an address space currently shows (inside a read section).
 * C11 acquire/release rather than liburcu's macros, so that
 * ThreadSanitizer sees the ordering; on x86 both are plain moves. */
static inline FlatView *as_view(AddressSpace *as)
{
    return __atomic_load_n(&as->current_map, __ATOMIC_ACQUIRE);
}

static inline void as_publish(AddressSpace *as, FlatView *view)
{
    __atomic_store_n(&as->current_map, view, __ATOMIC_RELEASE);
}

/* ---- render.c ------------------------------------------------------------ */

/*
 * render_window: the ranges @root shows in [@lo, @hi) (@hi <= 2^64),
 * appended to @out in address order, unsimplified.
 */
void render_window(RangeVec *out, MemoryRegion *root, u128 lo, u128 hi);
/* render_splice: a new view equal to @old outside [@lo, @hi) and freshly
 * rendered inside it, simplified. */
FlatView *render_splice(const FlatView *old, MemoryRegion *root, u128 lo,
                        u128 hi);
FlatView *render_full(MemoryRegion *root);

/* ---- transaction.c ------------------------------------------------------- */

/* Record that the view may change over [@lo, @hi) of @mr's coordinates. */
void mark_dirty(MemoryRegion *mr, u128 lo, u128 hi);
/* Record that @mr's own extent (in its container, or itself) changes. */
void mark_region_extent(MemoryRegion *mr);
/* Record that @mr's addr changed: a view rendered from @mr itself moves.
 * Needed even when nothing is pending: a full render at the next commit
 * would show it. */
void mark_region_moved(MemoryRegion *mr);
void mark_render_all(void);
extern bool mc_topology_pending;
extern bool mc_ioeventfd_pending;
extern unsigned mc_transaction_depth;

/* ---- address_space.c ----------------------------------------------------- */

extern AddressSpace *mc_as_head, *mc_as_tail;

/* ---- listener.c ---------------------------------------------------------- */

extern MemoryListener *mc_listener_head, *mc_listener_tail;

static inline bool listener_wants(MemoryListener *l, AddressSpace *as)
{
    return !l->address_space_filter || l->address_space_filter == as;
}

/* Per-range callbacks for one address space, in the direction the
 * callback kind requires. */
enum listener_call {
    LC_REGION_ADD,
    LC_REGION_DEL,
    LC_REGION_NOP,
    LC_LOG_START,
    LC_LOG_STOP,
    LC_LOG_SYNC,
};
void listeners_section(enum listener_call call, AddressSpace *as,
                       MemoryRegionSection *sec, int old_mask, int new_mask);
void listeners_coalesced(bool add, AddressSpace *as, const FlatRange *fr);
void listeners_begin(void);
void listeners_commit(void);
/* True when some listener may receive per-range calls for @as. */
bool listeners_watch(AddressSpace *as);

/* ---- coalesced.c / ioeventfd.c -------------------------------------------- */

/* coalesced_mmio_add/del for every coalesced range of @fr's region that
 * intersects @fr, to one listener or (listeners_coalesced) to all. */
void listener_coalesced_one(MemoryListener *l, bool add, AddressSpace *as,
                            const FlatRange *fr);
/* eventfd_add/del for every ioeventfd @as has, to one listener. */
void listener_eventfds_one(MemoryListener *l, bool add, AddressSpace *as);
/* Rebuild every address space's ioeventfd list and tell listeners. */
void address_spaces_update_ioeventfds(void);
/* The ioeventfd of @mr a write of @size bytes of @data at @addr signals. */
EventNotifier *ioeventfd_match(MemoryRegion *mr, hwaddr addr, unsigned size,
                               uint64_t data);
/* Forget @mr's ioeventfds (the region is being destroyed). */
void ioeventfd_region_destroyed(MemoryRegion *mr);
/* Queue a write to a coalesced range; false when @mr/@addr is not one. */
bool coalesced_queue(MemoryRegion *mr, hwaddr addr, uint64_t data,
                     unsigned size, MemTxAttrs attrs);

/* ---- ramblock.c / dirty.c ------------------------------------------------ */

struct RAMBlock {
    /* The region; NULL once it is destroyed (written under the global
     * lock, read with MC_LOAD by address_space_unmap). */
    MemoryRegion *mr;
    Object *owner; /* the region's, for the mapping references */
    /* Who keeps the block: bit 0 its region (until destroy), then two
     * per direct address_space_map mapping.  It is retired when it drops
     * to 0, so a mapping outlives memory_region_destroy. */
    atomic_uint_fast64_t users;
    uint8_t *host;
    ram_addr_t offset;
    ram_addr_t used_length;
    ram_addr_t max_length;
    uint64_t page_size;
    int fd;
    bool resizeable;
    bool caller_memory; /* init_ram_ptr: never unmapped */
    void (*resized)(const char *, uint64_t length, void *host);
    char *idstr;
    RAMBlock *next; /* ram_addr order */
    McRcu rcu;
};

RAMBlock *ramblock_new(MemoryRegion *mr, uint64_t size, uint64_t max_size,
                       void *host, int fd, uint64_t page_size, bool share,
                       Error **errp);
/* ramblock_release: @block's region is destroyed (global lock held).  The
 * block is retired now or, if it is mapped, at the last unmap. */
void ramblock_release(RAMBlock *block);
/* ramblock_map_get: count a direct mapping of @block (inside a read
 * section); false when its region is already destroyed. */
bool ramblock_map_get(RAMBlock *block);
/* ramblock_map_put: end a direct mapping (inside a read section); false
 * when @block has none. */
bool ramblock_map_put(RAMBlock *block);
/* The block whose host memory holds @ptr (one with a direct mapping when
 * blocks of caller memory overlap), and @ptr's offset in it. */
RAMBlock *ramblock_from_host(const void *ptr, hwaddr *offset);
uint64_t mc_host_page_size(void);

/* Mark dirty after a direct write of @len bytes at @off of @mr. */
void invalidate_and_set_dirty(MemoryRegion *mr, hwaddr off, hwaddr len);
/* The same for a store that must not invalidate translated code. */
void invalidate_and_set_dirty_notcode(MemoryRegion *mr, hwaddr off,
                                      hwaddr len);
void dirty_set_range(ram_addr_t start, ram_addr_t len, unsigned mask);
void dirty_clear_range(ram_addr_t start, ram_addr_t len, unsigned mask);
extern bool mc_global_dirty_log;

/* ---- access.c ------------------------------------------------------------ */

unsigned memory_access_size(MemoryRegion *mr, unsigned l, hwaddr addr);
bool memory_region_access_valid(MemoryRegion *mr, hwaddr addr, unsigned size,
                                bool is_write);
/* Enter/leave the global lock around an MMIO callback if @mr wants it. */
bool mmio_lock_prepare(MemoryRegion *mr);
void mmio_lock_finish(bool taken);
void coalesced_flush(void);
/* Before an MMIO access to @mr at @addr: flush the ring if @mr asks for
 * it, unless the access is a write the ring itself will take. */
void coalesced_flush_before(MemoryRegion *mr, hwaddr addr, bool is_write);
/* Deliver a write (value in device order) straight to @mr's callbacks. */
MemTxResult mmio_write_to_device(MemoryRegion *mr, hwaddr addr, uint64_t data,
                                 unsigned size, MemTxAttrs attrs);

/* ---- rw.c ---------------------------------------------------------------- */

/* What translate_internal found besides the region. */
typedef struct Translation {
    hwaddr xlat;   /* offset in the region */
    hwaddr piece;  /* bytes to the end of the dispatch piece (0: 2^64) */
    uint8_t direct; /* FR_DIRECT_* of the range (0 when unassigned) */
} Translation;

/*
 * translate_internal: as address_space_translate on @view (the view of
 * the address space, read once per call so that one call never mixes two
 * views), with the piece length and the direct-access flags of the range
 * in *@t.  *@plen is never past 2^64 - @addr.  Must run inside a read
 * section.
 */
MemoryRegion *translate_internal(const FlatView *view, hwaddr addr,
                                 hwaddr *plen, bool is_write, Translation *t);

/* Whether [@addr, @addr + @len) runs past the end of the address space
 * (@len >= 1). */
static inline bool crosses_2_64(hwaddr addr, hwaddr len)
{
    return len - 1 > UINT64_MAX - addr;
}

/* Host address of byte @off of @mr's RAM block (@off within its used
 * memory, which translate_internal guarantees). */
static inline uint8_t *region_host(const MemoryRegion *mr, hwaddr off)
{
    return mr->ram_block->host + off;
}

/* ---- watch.c: watchpoints -------------------------------------------------- */

/* render time, global lock held: whether @mr has watchpoints. */
bool watch_region_watched(const MemoryRegion *mr);
/*
 * An access made of several pieces reports each watchpoint it met once,
 * when it is over: watch_note collects, piece by piece, the watchpoints
 * covering [@off, @off + @len) of @mr (call it only for FR_WATCHED
 * ranges); watch_fire then calls them with the whole access (@as, @addr,
 * @len) and forgets them.  Both inside the access's read section.
 */
#define WATCH_ACCESS_INLINE 4
typedef struct WatchAccess {
    unsigned n, cap;
    struct Watchpoint **wp; /* inline_wp, or malloc()ed beyond it */
    struct Watchpoint *inline_wp[WATCH_ACCESS_INLINE];
} WatchAccess;

static inline void watch_access_init(WatchAccess *wa)
{
    wa->n = 0;
}

void watch_note(WatchAccess *wa, MemoryRegion *mr, hwaddr off, hwaddr len,
                bool is_write, MemTxAttrs attrs);
void watch_fire(WatchAccess *wa, bool is_write, AddressSpace *as,
                hwaddr addr, hwaddr len, MemTxAttrs attrs);
/* watch_after: both at once, for an access of one piece. */
void watch_after(MemoryRegion *mr, hwaddr off, hwaddr len, bool is_write,
                 AddressSpace *as, hwaddr addr, MemTxAttrs attrs);
/* memory_region_destroy: drop @mr's part of every watchpoint. */
void watch_region_destroyed(MemoryRegion *mr);

#endif /* MEMCORE_INTERNAL_H */
