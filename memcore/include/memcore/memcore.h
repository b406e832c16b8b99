/*
 * memcore/memcore.h — what libmemcore offers beyond QEMU's memory.h:
 * the global lock, RCU read sections for embedder threads, library
 * settings, mtree_info with flags, and read-only inspection of the
 * rendered state (address spaces, FlatViews, RAM blocks) that monitors and
 * tests need.  Included by <memcore/memory.h>.
 */
#ifndef MEMCORE_MEMCORE_H
#define MEMCORE_MEMCORE_H

#include <memcore/memory.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Global lock (QEMU's "big lock") ------------------------------------ */

/*
 * memcore_lock: take memcore's global lock (recursive).  Every topology
 * change takes it by itself; take it explicitly to make several changes
 * and reads of the tree atomic for other threads.  MMIO callbacks of
 * regions with global locking run with it held.
 */
void memcore_lock(void);
/* memcore_unlock: release one level of memcore_lock(). */
void memcore_unlock(void);
/* memcore_lock_held: whether the calling thread holds the global lock. */
bool memcore_lock_held(void);

/* ---- RCU ---------------------------------------------------------------- */

/*
 * memcore_rcu_read_lock / memcore_rcu_read_unlock: a read section in which
 * regions returned by address_space_translate stay alive.  Nestable; the
 * calling thread needs no registration.
 *
 * memcore uses liburcu's memb flavour.  A thread liburcu already knows
 * (registered by the embedder, or liburcu's own call_rcu thread) is used
 * as it is and left registered; memcore registers any other thread on its
 * first access and unregisters it when it exits.  An embedder thread that
 * uses liburcu-memb itself must register before its first memcore call
 * and stay registered while it makes them (liburcu refuses to register a
 * thread twice).
 */
void memcore_rcu_read_lock(void);
void memcore_rcu_read_unlock(void);

/*
 * memcore_rcu_barrier: wait until every view, RAM block and destroyed
 * region's state retired so far has been freed (and the owner references
 * they held dropped, so their finalizers have run), including what those
 * frees retire in turn.  When other threads keep retiring objects it
 * returns after a bounded number of rounds.  It is misuse (reported,
 * and the call does nothing) inside a read section, with the global lock
 * held (a finalizer waiting for the lock would deadlock), and from an RCU
 * callback, i.e. from a finalizer that runs on liburcu's call_rcu thread
 * (it would wait for itself).
 */
void memcore_rcu_barrier(void);

/* ---- Settings and hooks --------------------------------------------------- */

/* memcore_set_target_big_endian: the byte order DEVICE_NATIVE_ENDIAN and
 * the suffix-less ld/st accessors use (default little).  Set it before
 * creating regions. */
void memcore_set_target_big_endian(bool big);
bool memcore_target_big_endian(void);

/*
 * memcore_set_misuse_handler: called with a message on API misuse instead
 * of abort().  If it returns, the offending call does nothing.  NULL
 * restores the default (print and abort).
 */
void memcore_set_misuse_handler(void (*handler)(const char *msg));

/*
 * memcore_set_code_invalidate_hook: enables the CODE dirty client; @hook
 * is called with the ram_addr range of every write to RAM that is logged
 * for CODE.  NULL disables code tracking (the default).
 */
void memcore_set_code_invalidate_hook(void (*hook)(ram_addr_t start,
                                                   ram_addr_t len));

/* memcore_set_unassigned_access_hook: called for every access that ends
 * on nothing (or is refused by a device's valid constraints). */
void memcore_set_unassigned_access_hook(void (*hook)(hwaddr addr,
                                                     bool is_write,
                                                     unsigned size));

/*
 * unassigned_io_ops: ready-made ops for an I/O-port style root: unmapped
 * reads return all ones, writes are ignored, both succeed (QEMU's
 * unassigned_io_ops).
 */
extern const MemoryRegionOps unassigned_io_ops;

/* ---- mtree -------------------------------------------------------------- */

enum {
    MTREE_FLATVIEW = 1 << 0, /* -f: flat views instead of the tree */
    MTREE_DISPATCH = 1 << 1, /* -d: with -f, the dispatch sections */
    MTREE_OWNER = 1 << 2,    /* -o: owners */
    MTREE_DISABLED = 1 << 3, /* -D: disabled regions too */
    MTREE_FORMAT_2016 = 1 << 4, /* the 2016 "(prio P, RW)" tree format */
};

/*
 * mtree_info_flags: mtree_info with options.  Without MTREE_DISABLED a
 * disabled region and its whole subtree are hidden (QEMU prints the
 * children of a hidden disabled region; memcore does not).  Address-space
 * groups and FlatViews come in creation order, FlatViews numbered from 0.
 */
void mtree_info_flags(fprintf_function mon_printf, void *f, unsigned flags);

/* ---- Inspection ---------------------------------------------------------- */

/*
 * MemoryRegionInfo: one region as `info mtree` describes it, for front-ends
 * that show the tree as data (memcored's REST endpoint).  The strings
 * point into the region and its owner: valid while the region lives.
 *
 * @type: `info mtree`'s word: "ram", "rom", "romd" or "i/o" (an alias
 *        shows its final target's, a container "i/o")
 * @kind: what the region was made as: "container", "ram", "rom",
 *        "rom_device", "io", "iommu" or "alias"
 * @size: the size, UINT64_MAX standing for 2^64
 * @owner_path: the owner's path, NULL without an owner or path
 */
typedef struct MemoryRegionInfo {
    MemoryRegion *mr;
    const char *name;         /* NULL when the region has none */
    const char *type;
    const char *kind;
    hwaddr addr;              /* offset in its container */
    uint64_t size;
    int32_t priority;
    bool enabled;
    bool readonly;
    bool romd;                /* a ROM device in ROMD mode */
    MemoryRegion *container;  /* NULL when not a subregion */
    MemoryRegion *alias;      /* the alias target, NULL for no alias */
    hwaddr alias_offset;
    bool has_owner;
    const char *owner_path;
    unsigned nr_subregions;
} MemoryRegionInfo;

/*
 * memory_region_get_info: fill @info with @mr's current state, read under
 * memcore's global lock (taken and released here), so that the fields
 * belong together.
 */
void memory_region_get_info(MemoryRegion *mr, MemoryRegionInfo *info);

/*
 * MtreeWalkFn: called by mtree_walk for each region, parents before
 * children.  @depth is 0 for the root; @start is the region's first
 * address, computed as `info mtree` does (its container's start plus its
 * addr, the root's own addr counted, wrapping past 2^64 as the printed
 * line would).  Return non-zero to stop the walk.
 */
typedef int (*MtreeWalkFn)(const MemoryRegionInfo *info, unsigned depth,
                           hwaddr start, void *opaque);

/*
 * mtree_walk: @root and every region under it, depth first, children in
 * `info mtree` order (address ascending, then priority descending), every
 * subregion included, disabled ones too (with enabled false).  An alias's
 * target is not walked (as `info mtree` prints it apart).  The whole walk
 * holds memcore's global lock, like mtree_info: @fn must not block, wait
 * for another thread or change the topology.  Returns @fn's non-zero
 * value, else 0; -1 when memory for the walk ran out.
 */
int mtree_walk(MemoryRegion *root, MtreeWalkFn fn, void *opaque);

/*
 * FlatRangeInfo: one range of a FlatView as rendered (no lock needed: a
 * view never changes once published).  @type is `info mtree -f`'s word
 * for it: "rom" when the range is read-only, else "romd", "ram" or "i/o".
 */
typedef struct FlatRangeInfo {
    hwaddr start;
    hwaddr last;              /* inclusive */
    MemoryRegion *mr;
    hwaddr offset_in_region;
    bool readonly;
    bool romd;                /* a ROM device rendered in ROMD mode */
    bool direct_read;         /* reads are plain copies from RAM */
    bool direct_write;        /* writes are plain copies into RAM */
    const char *type;
} FlatRangeInfo;

/* flatview_get_range_info: range @i (address order) of @view; false if
 * @i is out of range. */
bool flatview_get_range_info(const FlatView *view, unsigned i,
                             FlatRangeInfo *out);

/* flatview_find_range: the index of the first range of @view whose last
 * byte is at or above @addr (it contains @addr when its start is not
 * above it); flatview_nr_ranges() when there is none. */
unsigned flatview_find_range(const FlatView *view, hwaddr addr);

/* address_space_first / address_space_next: every live address space in
 * creation order.  Hold memcore_lock() while iterating. */
AddressSpace *address_space_first(void);
AddressSpace *address_space_next(AddressSpace *as);
/* address_space_name / address_space_root: what init was given. */
const char *address_space_name(const AddressSpace *as);
MemoryRegion *address_space_root(const AddressSpace *as);

/*
 * address_space_get_flatview: the current view of @as with a reference
 * taken (never one already being freed).  Drop it with flatview_unref().
 */
FlatView *address_space_get_flatview(AddressSpace *as);
void flatview_unref(FlatView *view);
/* flatview_nr_ranges: how many ranges the view has. */
unsigned flatview_nr_ranges(const FlatView *view);
/* flatview_get_range: range @i (address order) as a section whose
 * address_space is NULL; false if @i is out of range. */
bool flatview_get_range(const FlatView *view, unsigned i,
                        MemoryRegionSection *out);

/* RAM blocks as `info ramblock` lists them. */
typedef struct RAMBlockInfo {
    const char *idstr;
    MemoryRegion *mr;
    uint64_t page_size;
    ram_addr_t offset;
    ram_addr_t used_length;
    ram_addr_t max_length;
    void *host;
} RAMBlockInfo;

/* qemu_ram_foreach_block_info: call @fn for each RAM block in ram_addr
 * order; stops early and returns @fn's value when it is non-zero. */
int qemu_ram_foreach_block_info(int (*fn)(const RAMBlockInfo *info,
                                          void *opaque),
                                void *opaque);

/* ---- Watchpoints ----------------------------------------------------------- */

/*
 * Watchpoints live in the memory, not in a CPU: one set on guest-physical
 * [addr, addr + len) of an address space fires for every access that
 * reaches those bytes through any address space, alias or IOMMU (a vCPU,
 * a device's DMA, a monitor `st`), at whatever address that address space
 * shows them (a view places its root at the root's own addr), except
 * accesses whose MemTxAttrs have the debug bit.  Memory with no
 * watchpoint keeps its fast path: setting one re-renders the views that
 * show the watched region (a commit, so listeners such as a vCPU's
 * software TLB see it), and only that region's accesses then take the
 * checked path.
 *
 * What is watched is the memory the range translated to when the
 * watchpoint was inserted, piece by piece: RAM, MMIO, ROM devices and
 * IOMMU targets alike, each piece ending where its memory does.  Moving
 * the region moves the watchpoint with it; destroying the region removes
 * its part.  Accesses through memory_region_dispatch_read/write called
 * directly (not through an address space) are not seen.
 * address_space_map of watched RAM goes through the bounce buffer, so the
 * watchpoint fires when the bytes are read (at map) or written back (at
 * unmap).
 */
#define MEMCORE_WATCH_READ 1u
#define MEMCORE_WATCH_WRITE 2u
#define MEMCORE_WATCH_ACCESS (MEMCORE_WATCH_READ | MEMCORE_WATCH_WRITE)

typedef struct MemcoreWatchHit {
    int id;            /* what memcore_watchpoint_insert returned */
    void *opaque;      /* as passed to memcore_watchpoint_insert */
    AddressSpace *wp_as;
    hwaddr wp_addr;    /* the watchpoint as inserted */
    hwaddr wp_len;
    unsigned flags;    /* MEMCORE_WATCH_READ or _WRITE: what the access did */
    AddressSpace *as;  /* the access: its address space, address, length */
    hwaddr addr;
    hwaddr len;
    MemTxAttrs attrs;
} MemcoreWatchHit;

/*
 * MemcoreWatchFn: called on the accessing thread after the access (a write
 * has happened and the new value is in memory), inside memcore's read
 * section, with no memcore lock held unless the access itself held it
 * (an MMIO region with global locking).  It must not block waiting for
 * other threads that access guest memory, and must not call
 * memcore_rcu_barrier(); it may ask other threads to stop (that is what a
 * gdb stub does) and may remove watchpoints.  One access that meets
 * several watchpoints calls each of them, each once, when the whole
 * access is done (an access that reaches a watchpoint's bytes in several
 * pieces, or twice through two aliases, still reports it once); the hit
 * gives the whole access's address and length.
 */
typedef void (*MemcoreWatchFn)(const MemcoreWatchHit *hit);

/*
 * memcore_watchpoint_insert: watch [@addr, @addr + @len) of @as for
 * @flags (MEMCORE_WATCH_READ, _WRITE or _ACCESS).  Returns an id >= 0, or
 * -1 with @errp set when @len is 0, the range crosses 2^64, a byte of it
 * is not mapped (nothing to watch), @flags is empty, or @fn is NULL.
 * Takes the global lock.
 */
int memcore_watchpoint_insert(AddressSpace *as, hwaddr addr, hwaddr len,
                              unsigned flags, MemcoreWatchFn fn,
                              void *opaque, Error **errp);

/* memcore_watchpoint_remove: remove watchpoint @id; false if there is
 * none (already removed, or never inserted).  Accesses already under way
 * on other threads may still call its function; once
 * memcore_rcu_barrier() has returned after the removal, none will, and
 * its opaque may be freed. */
bool memcore_watchpoint_remove(int id);

/*
 * memcore_watchpoint_covered: whether any watchpoint covers a byte of
 * [@offset, @offset + @len) of @mr (for a CPU model's software TLB, which
 * must not cache a host pointer to watched memory).  Call it inside a read
 * section; a watchpoint inserted later causes a commit, which the TLB's
 * listener sees.
 */
bool memcore_watchpoint_covered(MemoryRegion *mr, hwaddr offset, hwaddr len);

#ifdef __cplusplus
}
#endif

#endif /* MEMCORE_MEMCORE_H */
