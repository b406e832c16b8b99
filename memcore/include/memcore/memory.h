/*
 * memcore/memory.h — the physical memory API of QEMU's include/exec/memory.h
 * (2016 generation), re-implemented by libmemcore.
 *
 * A machine's memory is a tree of MemoryRegions (containers, RAM, ROM, ROM
 * devices, MMIO with MemoryRegionOps, aliases, IOMMUs).  An AddressSpace
 * renders a root region into a FlatView of disjoint ranges and dispatches
 * accesses through it.  Names and signatures follow QEMU's header so that
 * a device model ports with an include change; the behaviour is QEMU
 * 2.6's with later QEMU fixes adopted (memcore/SEMANTICS.md in the source
 * tree tells it rule by rule).
 *
 * Threads: topology changes (init, add/del subregion, set_*, transactions)
 * take memcore's global lock themselves (see memcore_lock() in
 * <memcore/memcore.h>); every access path (address_space_rw/read/write,
 * ld*, st*, translate, map/unmap, memory_region_find, mtree_info) may run
 * on any thread without it, while other threads change the topology, and
 * each call sees one consistent view.  No per-thread set-up is needed:
 * a thread is registered with liburcu on its first access (unless liburcu
 * already knows it) and unregistered when it exits.  Readers write no
 * shared memory, so readers on several cores do not slow each other.
 *
 * Lifetimes: what a view shows stays valid for readers that entered it,
 * however the topology changes meanwhile: a destroyed region's state, RAM
 * and the views that show it are freed after an RCU grace period.  The
 * MemoryRegion structure itself is the caller's: keep its storage (and the
 * device state its callbacks use) until a grace period has passed after
 * memory_region_destroy() — memcore_rcu_barrier() waits for that — or, as
 * QEMU does, free it in the owner's finalize callback (see Object in
 * <memcore/types.h> for where finalizers run).
 *
 * Sizes and addresses are 65-bit: a region's size may be 2^64 (pass
 * UINT64_MAX), and a region may reach past 2^64 (a root moved up); what
 * lies past 2^64 is clipped, never wrapped to address 0.  An access or a
 * query that would cross 2^64 is refused as a whole (MEMTX_DECODE_ERROR,
 * reads give 0); RAM that cannot be mapped whole is refused with an Error.
 *
 * A constructor that fails (through its Error **) leaves the region
 * uninitialised and owning nothing: there is nothing to destroy.
 *
 * Out of memory for its own bookkeeping (names, views, listener lists),
 * memcore prints "memcore: out of memory (N bytes)" and aborts: no caller
 * could go on with half a topology.  Guest RAM is not bookkeeping: RAM
 * that cannot be reserved is reported through the constructor's Error.
 *
 * Misuse the API cannot report through an Error (adding a region that is
 * already mapped, a subregion of an alias, a cyclic alias chain, deleting
 * from the wrong container, ...) prints "memcore: FUNCTION: MESSAGE" on
 * stderr and aborts, unless a misuse handler installed with
 * memcore_set_misuse_handler() returns, in which case the call does nothing.
 */
#ifndef MEMCORE_MEMORY_H
#define MEMCORE_MEMORY_H

#include <memcore/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DIRTY_MEMORY_VGA 0
#define DIRTY_MEMORY_CODE 1
#define DIRTY_MEMORY_MIGRATION 2
#define DIRTY_MEMORY_NUM 3 /* number of dirty clients */
#define DIRTY_CLIENTS_ALL ((1 << DIRTY_MEMORY_NUM) - 1)
#define DIRTY_CLIENTS_NOCODE (DIRTY_CLIENTS_ALL & ~(1 << DIRTY_MEMORY_CODE))

#define MAX_PHYS_ADDR_SPACE_BITS 62
#define MAX_PHYS_ADDR (((hwaddr)1 << MAX_PHYS_ADDR_SPACE_BITS) - 1)

/* QOM names of the seed; memcore has no QOM, so the cast is unchecked. */
#define TYPE_MEMORY_REGION "qemu:memory-region"
#define MEMORY_REGION(obj) ((MemoryRegion *)(obj))

/* Target page: the granularity of dirty bitmaps and of the bounce buffer. */
#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE ((hwaddr)1 << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(TARGET_PAGE_SIZE - 1))

typedef struct MemoryRegion MemoryRegion;
typedef struct MemoryRegionOps MemoryRegionOps;
typedef struct MemoryRegionMmio MemoryRegionMmio;
typedef struct MemoryRegionSection MemoryRegionSection;
typedef struct MemoryListener MemoryListener;
typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;
typedef struct RAMBlock RAMBlock;
typedef struct IOMMUTLBEntry IOMMUTLBEntry;
typedef struct MemoryRegionIOMMUOps MemoryRegionIOMMUOps;
typedef struct CoalescedMemoryRange CoalescedMemoryRange;
typedef struct MemoryRegionIoeventfd MemoryRegionIoeventfd;

typedef void CPUWriteMemoryFunc(void *opaque, hwaddr addr, uint32_t value);
typedef uint32_t CPUReadMemoryFunc(void *opaque, hwaddr addr);

/* Legacy per-size handlers, indexed by log2(size): [0] 1, [1] 2, [2] 4 bytes. */
struct MemoryRegionMmio {
    CPUReadMemoryFunc *read[3];
    CPUWriteMemoryFunc *write[3];
};

/* Permission bits of an IOMMU translation: bit 0 read, bit 1 write. */
typedef enum {
    IOMMU_NONE = 0,
    IOMMU_RO = 1,
    IOMMU_WO = 2,
    IOMMU_RW = 3,
} IOMMUAccessFlags;

/*
 * IOMMUTLBEntry: one translation.  Addresses of the page containing @iova
 * (page mask @addr_mask, e.g. 0xfff) map to @translated_addr in
 * @target_as with permissions @perm.
 */
struct IOMMUTLBEntry {
    AddressSpace *target_as;
    hwaddr iova;
    hwaddr translated_addr;
    hwaddr addr_mask;
    IOMMUAccessFlags perm;
};

/*
 * MemoryRegionOps: the callbacks of an MMIO region.
 *
 * @read/@write get the offset within the region and the access size in
 * bytes; values are in the device's byte order (@endianness).  The
 * *_with_attrs forms also see the transaction attributes and return a
 * MemTxResult.  @valid bounds what the guest may do (an access outside
 * them fails with MEMTX_DECODE_ERROR and no call); @impl bounds what the
 * callbacks handle (the core splits or widens accesses to fit).  A zero
 * max_access_size in @valid means every size is valid; zero sizes in
 * @impl mean 1..4.
 */
struct MemoryRegionOps {
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);
    MemTxResult (*read_with_attrs)(void *opaque, hwaddr addr, uint64_t *data,
                                   unsigned size, MemTxAttrs attrs);
    MemTxResult (*write_with_attrs)(void *opaque, hwaddr addr, uint64_t data,
                                    unsigned size, MemTxAttrs attrs);
    enum device_endian endianness;
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
        bool (*accepts)(void *opaque, hwaddr addr, unsigned size,
                        bool is_write);
    } valid;
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
    } impl;
    /* Used when neither read nor read_with_attrs (write...) is set. */
    const MemoryRegionMmio old_mmio;
};

/* MemoryRegionIOMMUOps: @translate returns the entry covering @addr. */
struct MemoryRegionIOMMUOps {
    IOMMUTLBEntry (*translate)(MemoryRegion *iommu, hwaddr addr,
                               bool is_write);
};

/*
 * MemoryRegion: caller-allocated (embed it in your device state) and
 * initialised with one of the memory_region_init* functions.  All fields
 * are private to libmemcore: read them through the accessors below.
 */
struct MemoryRegion {
    /* Flags first, so that the struct packs tightly. */
    bool romd_mode;
    bool ram;
    bool subpage;
    bool readonly;
    bool rom_device;
    bool flush_coalesced_mmio;
    bool global_locking;
    bool terminates;
    bool skip_dump;
    bool enabled;
    bool may_overlap;
    bool initialized;
    uint8_t dirty_log_mask;
    uint8_t vga_logging_count;
    int32_t priority;
    uint32_t alias_users;          /* aliases whose target is this region */
    unsigned ioeventfd_nb;
    unsigned nr_subregions;
    Int128 size;
    hwaddr addr;
    hwaddr alias_offset;
    RAMBlock *ram_block;
    Object *owner;
    const MemoryRegionIOMMUOps *iommu_ops;
    const MemoryRegionOps *ops;
    void *opaque;
    MemoryRegion *container;
    MemoryRegion *alias;
    MemoryRegion *subregions_head; /* priority descending, newest first */
    MemoryRegion *sub_next;
    MemoryRegion *sub_prev;
    uint64_t link_seq;             /* when linked: orders equal priorities */
    CoalescedMemoryRange *coalesced;
    char *name;
    /* What few regions use (ioeventfds, IOMMU notifiers, a children
     * index), allocated on first use to keep regions small. */
    struct MemoryRegionExtra *extra;
};

/*
 * MemoryListener: callbacks on changes of the rendered memory map.
 *
 * Any callback may be NULL.  Lower @priority runs earlier on additions and
 * later on removals.  @address_space_filter is set by
 * memory_listener_register(); per-range callbacks only arrive for that
 * address space (all of them when NULL), while begin, commit and the
 * log_global_* callbacks reach every listener.
 */
struct MemoryListener {
    void (*begin)(MemoryListener *listener);
    void (*commit)(MemoryListener *listener);
    void (*region_add)(MemoryListener *listener, MemoryRegionSection *section);
    void (*region_del)(MemoryListener *listener, MemoryRegionSection *section);
    void (*region_nop)(MemoryListener *listener, MemoryRegionSection *section);
    void (*log_start)(MemoryListener *listener, MemoryRegionSection *section,
                      int old, int new);
    void (*log_stop)(MemoryListener *listener, MemoryRegionSection *section,
                     int old, int new);
    void (*log_sync)(MemoryListener *listener, MemoryRegionSection *section);
    void (*log_global_start)(MemoryListener *listener);
    void (*log_global_stop)(MemoryListener *listener);
    void (*eventfd_add)(MemoryListener *listener, MemoryRegionSection *section,
                        bool match_data, uint64_t data, EventNotifier *e);
    void (*eventfd_del)(MemoryListener *listener, MemoryRegionSection *section,
                        bool match_data, uint64_t data, EventNotifier *e);
    void (*coalesced_mmio_add)(MemoryListener *listener,
                               MemoryRegionSection *section,
                               hwaddr addr, hwaddr len);
    void (*coalesced_mmio_del)(MemoryListener *listener,
                               MemoryRegionSection *section,
                               hwaddr addr, hwaddr len);
    unsigned priority;
    AddressSpace *address_space_filter;
    /* private */
    MemoryListener *link_next;
    MemoryListener *link_prev;
    bool registered;
};

/*
 * AddressSpace: a root region, its rendered FlatView and its dispatch.
 * Caller-allocated for address_space_init(); all fields are private.
 */
struct AddressSpace {
    char *name;
    MemoryRegion *root;
    int ref_count;
    bool malloced;
    FlatView *current_map;           /* RCU-published */
    int ioeventfd_nb;
    MemoryRegionIoeventfd *ioeventfds;
    AddressSpace *as_next;
    AddressSpace *as_prev;
    uint64_t serial;                 /* creation order */
};

/*
 * MemoryRegionSection: a piece of a region as seen in an address space.
 *
 * @mr: the region, or NULL when nothing was found
 * @address_space: where the piece is mapped
 * @offset_within_region: start of the piece, relative to @mr
 * @size: length of the piece (65-bit)
 * @offset_within_address_space: address of the first byte
 * @readonly: the piece is read-only (inherited from any region on the path)
 */
struct MemoryRegionSection {
    MemoryRegion *mr;
    AddressSpace *address_space;
    hwaddr offset_within_region;
    Int128 size;
    hwaddr offset_within_address_space;
    bool readonly;
};

/* ---- Constructors ------------------------------------------------------ */

/*
 * memory_region_init: initialise a container.
 *
 * A container has no content of its own: where none of its subregions is,
 * lower-priority siblings show through.  Subregions are clipped to @size.
 *
 * @mr: the region to initialise
 * @owner: the object the region's references go to, or NULL (immortal)
 * @name: for diagnostics and RAM block identity; copied; may be NULL
 * @size: size in bytes; UINT64_MAX means 2^64 (the whole address space)
 */
void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size);

/* memory_region_ref: add a reference to @mr's owner (no-op without owner). */
void memory_region_ref(MemoryRegion *mr);

/* memory_region_unref: drop a reference from @mr's owner. */
void memory_region_unref(MemoryRegion *mr);

/*
 * memory_region_init_io: initialise an MMIO region.
 *
 * Accesses call @ops with @opaque.  NULL @ops gives the unassigned ops:
 * every access fails with MEMTX_DECODE_ERROR (reads give 0).  Setting
 * @ops->impl.unaligned without @ops->valid.unaligned is misuse.
 */
void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);

/*
 * memory_region_init_ram: initialise a RAM region.
 *
 * The zero-filled block is mmap()ed, so untouched RAM costs nothing; its
 * length is rounded up to the host page size.  The block starts dirty for
 * every client.
 *
 * @errp: receives an error when the memory cannot be reserved — too big
 *        for the host, 2^64 (UINT64_MAX), or a size whose page round-up
 *        would pass 2^64; the region is then left uninitialised (nothing
 *        to destroy).  memcore never maps less than @size.
 */
void memory_region_init_ram(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp);

/*
 * memory_region_init_resizeable_ram: RAM whose used size may change later
 * with memory_region_ram_resize(), up to @max_size.  The whole @max_size is
 * reserved up front, so the host pointer never moves.  @resized (may be
 * NULL) is called after every effective resize with the region name, the
 * new size and the host pointer.
 */
void memory_region_init_resizeable_ram(MemoryRegion *mr, Object *owner,
                                       const char *name, uint64_t size,
                                       uint64_t max_size,
                                       void (*resized)(const char *,
                                                       uint64_t length,
                                                       void *host),
                                       Error **errp);

/*
 * memory_region_init_ram_from_file: RAM backed by a file.
 *
 * @path is an existing file, a new file (created 0644) or a directory (an
 * unlinked temporary file is made in it).  @size is rounded up to the
 * file's page size and must be at least one page.  An empty file is
 * extended; a non-empty file smaller than @size is an error; a file is
 * never shrunk or grown otherwise.  @share maps it MAP_SHARED.
 */
void memory_region_init_ram_from_file(MemoryRegion *mr, Object *owner,
                                      const char *name, uint64_t size,
                                      bool share, const char *path,
                                      Error **errp);

/*
 * memory_region_init_ram_ptr: RAM backed by caller memory @ptr of @size
 * bytes, which memcore never frees and which cannot be resized.  There is
 * no Error **: a NULL @ptr, a @size whose round-up to whole target pages
 * (the unit of dirty logging and ram_addr space) passes 2^64, and memory
 * that would run past the end of the host address space are misuse; the
 * region is then left uninitialised (nothing to destroy).
 */
void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr);

/*
 * memory_region_init_alias: a window of @size bytes onto @orig starting at
 * @offset.  Offsets add up along alias-of-alias chains; a cycle is misuse.
 */
void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size);

/*
 * memory_region_init_rom_device: a ROM whose reads come from its RAM block
 * while in ROMD mode (the default) and from @ops otherwise; writes always
 * go to @ops (which must not be NULL).
 */
void memory_region_init_rom_device(MemoryRegion *mr, Object *owner,
                                   const MemoryRegionOps *ops, void *opaque,
                                   const char *name, uint64_t size,
                                   Error **errp);

/*
 * memory_region_init_rom: RAM that is read-only to the guest (writes
 * through address_space_write fail with MEMTX_DECODE_ERROR; loaders use
 * cpu_physical_memory_write_rom()).
 */
void memory_region_init_rom(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp);

/*
 * memory_region_init_reservation: a region that only claims an address
 * range; every access to it fails like an unassigned one.
 */
static inline void memory_region_init_reservation(MemoryRegion *mr,
                                                  Object *owner,
                                                  const char *name,
                                                  uint64_t size)
{
    memory_region_init_io(mr, owner, NULL, mr, name, size);
}

/*
 * memory_region_init_iommu: a region that translates accesses through
 * @ops->translate into another address space (IOMMUTLBEntry.target_as).
 */
void memory_region_init_iommu(MemoryRegion *mr, Object *owner,
                              const MemoryRegionIOMMUOps *ops,
                              const char *name, uint64_t size);

/*
 * memory_region_destroy: tear a region down (QEMU does this when the
 * owner is finalised).  The region must have no container and must not be
 * the target of an alias (both are misuse).  It is disabled and its
 * subregions are removed in one transaction, queued coalesced writes to it
 * are delivered, and its coalescing and ioeventfds are dropped.  Readers
 * that entered a view showing it before that may still use it: its RAM
 * block, state and name are freed only after an RCU grace period, and the
 * caller must keep the MemoryRegion's storage (and its device's state)
 * that long too (memcore_rcu_barrier() waits for it).  Afterwards the
 * structure may be initialised again.  Destroying twice does nothing.
 * Direct address_space_map mappings of its RAM may still be outstanding:
 * each keeps the RAM block (and its owner) alive until its
 * address_space_unmap, which still works and marks nothing dirty; the
 * block is freed a grace period after the last one (caller memory of
 * init_ram_ptr must stay valid that long too).
 */
void memory_region_destroy(MemoryRegion *mr);

/* ---- Queries ----------------------------------------------------------- */

/* memory_region_owner: the owner passed at init, or NULL. */
Object *memory_region_owner(MemoryRegion *mr);

/* memory_region_size: the size; 2^64 reads back as UINT64_MAX. */
uint64_t memory_region_size(MemoryRegion *mr);

/* memory_region_is_ram: true for RAM, ROM and file/ptr-backed RAM. */
static inline bool memory_region_is_ram(MemoryRegion *mr)
{
    return mr->ram;
}

/* memory_region_is_skip_dump: true if dumps should leave it out. */
bool memory_region_is_skip_dump(MemoryRegion *mr);

/* memory_region_set_skip_dump: make dumps leave @mr out. */
void memory_region_set_skip_dump(MemoryRegion *mr);

/* memory_region_is_romd: a ROM device currently in ROMD mode. */
static inline bool memory_region_is_romd(MemoryRegion *mr)
{
    return mr->rom_device && mr->romd_mode;
}

/* memory_region_is_iommu: true for regions made by init_iommu. */
static inline bool memory_region_is_iommu(MemoryRegion *mr)
{
    return mr->iommu_ops != NULL;
}

/* memory_region_is_rom: RAM that is read-only. */
static inline bool memory_region_is_rom(MemoryRegion *mr)
{
    return mr->ram && mr->readonly;
}

/*
 * memory_region_notify_iommu: tell every notifier registered on the IOMMU
 * region @mr about a changed translation (@entry is passed as data).
 * Notifiers are called most recently registered first.
 */
void memory_region_notify_iommu(MemoryRegion *mr, IOMMUTLBEntry entry);

/* memory_region_register_iommu_notifier: add @n to @mr's notifiers. */
void memory_region_register_iommu_notifier(MemoryRegion *mr, Notifier *n);

/*
 * memory_region_iommu_replay: call @n with every valid translation of @mr,
 * stepping @granularity bytes from 0 to the region's end.
 */
void memory_region_iommu_replay(MemoryRegion *mr, Notifier *n,
                                hwaddr granularity, bool is_write);

/* memory_region_unregister_iommu_notifier: remove @n. */
void memory_region_unregister_iommu_notifier(Notifier *n);

/* memory_region_name: the name given at init ("(noname)" never: may be NULL). */
const char *memory_region_name(const MemoryRegion *mr);

/* memory_region_is_logging: whether @client's dirty logging is on for @mr. */
bool memory_region_is_logging(MemoryRegion *mr, uint8_t client);

/*
 * memory_region_get_dirty_log_mask: the clients logging @mr: VGA when
 * set_log enabled it, CODE when code tracking is on, MIGRATION while
 * global dirty logging runs and @mr has a RAM block or is an IOMMU.
 */
uint8_t memory_region_get_dirty_log_mask(MemoryRegion *mr);

/* memory_region_get_fd: the file descriptor behind file RAM, else -1.
 * Follows aliases. */
int memory_region_get_fd(MemoryRegion *mr);

/*
 * memory_region_get_ram_ptr: the host pointer of a RAM-backed region's
 * first byte, following aliases (their offsets add up).  NULL when the end
 * of the chain has no RAM block.
 *
 * memcore's own accesses to RAM (address_space_rw and friends, ld*, st*)
 * use relaxed atomic loads and stores, naturally aligned words where they
 * can: a vCPU that accesses RAM through this pointer while other threads
 * read or write it through memcore should use relaxed atomics too (C11
 * calls a plain access racing with another thread's store a data race).
 */
void *memory_region_get_ram_ptr(MemoryRegion *mr);

/*
 * memory_region_ram_resize: change the used size of resizeable RAM.
 * Fails (through @errp), changing nothing, for other RAM and beyond the
 * maximum size (a @newsize whose page round-up would pass 2^64 included).
 * Resizing a region that is not initialised (or already destroyed) is
 * misuse, even while a mapping still holds its RAM block.
 */
void memory_region_ram_resize(MemoryRegion *mr, ram_addr_t newsize,
                              Error **errp);

/*
 * memory_region_set_log: turn VGA dirty logging on or off.  Calls are
 * counted: logging stops when the disables balance the enables.
 * @client must be DIRTY_MEMORY_VGA.
 */
void memory_region_set_log(MemoryRegion *mr, bool log, unsigned client);

/*
 * memory_region_get_dirty: whether any target page overlapping
 * [@addr, @addr + @size) of @mr is dirty for @client.
 */
bool memory_region_get_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                             unsigned client);

/* memory_region_set_dirty: mark the range dirty for the clients logging
 * @mr (memory_region_get_dirty_log_mask). */
void memory_region_set_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size);

/* memory_region_test_and_clear_dirty: clear @client's bits over the range;
 * true if any was set. */
bool memory_region_test_and_clear_dirty(MemoryRegion *mr, hwaddr addr,
                                        hwaddr size, unsigned client);

/* memory_region_sync_dirty_bitmap: ask listeners (log_sync) to fold their
 * dirty state into memcore's bitmaps for every range showing @mr. */
void memory_region_sync_dirty_bitmap(MemoryRegion *mr);

/* memory_region_reset_dirty: clear @client's bits over the range. */
void memory_region_reset_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                               unsigned client);

/* memory_region_set_readonly: make @mr read-only (inherited by what it
 * contains in the rendered view). */
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);

/* memory_region_rom_device_set_romd: switch a ROM device between ROMD
 * mode (reads from RAM) and MMIO mode (reads call the ops). */
void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd_mode);

/* memory_region_set_coalescing: coalesce writes to all of @mr. */
void memory_region_set_coalescing(MemoryRegion *mr);

/*
 * memory_region_add_coalescing: queue writes to [@offset, @offset+@size)
 * of @mr in the coalesced ring instead of calling the device at once; they
 * reach the device in queue order when a flush-coalesced region is
 * accessed, when a transaction begins, or when the ring fills.  From any
 * number of threads, every write queued before an access to a
 * flush-coalesced region reaches its device before that access does.
 * Queued writes are delivered by one thread at a time, holding the global
 * lock (even for regions without global locking).
 */
void memory_region_add_coalescing(MemoryRegion *mr, hwaddr offset,
                                  uint64_t size);

/* memory_region_clear_coalescing: flush and drop every coalesced range. */
void memory_region_clear_coalescing(MemoryRegion *mr);

/* memory_region_set_flush_coalesced: accesses to @mr first flush the ring. */
void memory_region_set_flush_coalesced(MemoryRegion *mr);

/* memory_region_clear_flush_coalesced: undo set_flush_coalesced (kept
 * while @mr itself has coalesced ranges). */
void memory_region_clear_flush_coalesced(MemoryRegion *mr);

/* memory_region_set_global_locking: @mr's callbacks run under memcore's
 * global lock (the default). */
void memory_region_set_global_locking(MemoryRegion *mr);

/*
 * memory_region_clear_global_locking: @mr's callbacks run without it, on
 * whatever threads access @mr, possibly at the same time; ioeventfds and
 * coalescing may still change meanwhile.
 */
void memory_region_clear_global_locking(MemoryRegion *mr);

/*
 * memory_region_add_eventfd: signal @e instead of calling the device when
 * the guest writes @size bytes (any size when 0) at @addr of @mr, and, if
 * @match_data, the value is @data.
 */
void memory_region_add_eventfd(MemoryRegion *mr, hwaddr addr, unsigned size,
                               bool match_data, uint64_t data,
                               EventNotifier *e);

/* memory_region_del_eventfd: remove the entry with exactly these values;
 * an unknown entry is misuse. */
void memory_region_del_eventfd(MemoryRegion *mr, hwaddr addr, unsigned size,
                               bool match_data, uint64_t data,
                               EventNotifier *e);

/*
 * memory_region_add_subregion: map @subregion at @offset in @mr with
 * priority 0.  A region is mapped at most once (use an alias to show it in
 * several places); @mr must not be an alias.
 */
void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion);

/*
 * memory_region_add_subregion_overlap: as add_subregion with @priority.
 * Among overlapping siblings the higher priority wins; with equal
 * priority the one added (or moved) most recently wins.
 */
void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority);

/* memory_region_get_ram_addr: offset of @mr's block in ram_addr space, or
 * RAM_ADDR_INVALID. */
ram_addr_t memory_region_get_ram_addr(MemoryRegion *mr);

/* memory_region_get_alignment: alignment of the backing memory. */
uint64_t memory_region_get_alignment(const MemoryRegion *mr);

/* memory_region_del_subregion: unmap @subregion from @mr (its container). */
void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion);

/* memory_region_set_enabled: show or hide @mr (and all it contains). */
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);

/* memory_region_set_address: move @mr inside its container; it becomes
 * the newest among its equal-priority siblings. */
void memory_region_set_address(MemoryRegion *mr, hwaddr addr);

/* memory_region_set_size: resize the region (UINT64_MAX means 2^64). */
void memory_region_set_size(MemoryRegion *mr, uint64_t size);

/* memory_region_set_alias_offset: move an alias' window on its target. */
void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset);

/*
 * memory_region_present: whether something other than @container itself
 * is visible at @addr (relative to @container).
 */
bool memory_region_present(MemoryRegion *container, hwaddr addr);

/* memory_region_is_mapped: whether @mr has a container. */
bool memory_region_is_mapped(MemoryRegion *mr);

/*
 * memory_region_find: what the address space shows at [@addr, @addr+@size)
 * relative to @mr.
 *
 * Climbs @mr's container links to a root, picks the first address space
 * (creation order) rendered from it, and returns the lowest-addressed
 * range overlapping the query, clipped to it.  .mr is NULL (and .size 0)
 * when nothing is there, @size is 0, the query starts past 2^64 or the
 * root is not an address space's.  @size UINT64_MAX means 2^64; a query
 * ending past 2^64 is cut there.  A reference is taken on the returned
 * region: memory_region_unref() it.  That reference is on the region's
 * owner: a region without owner is kept alive by nothing, so when another
 * thread may destroy it, call memory_region_find, use the result and
 * unref it inside one memcore_rcu_read_lock() section (the destroyer's
 * grace period then waits for you).
 */
MemoryRegionSection memory_region_find(MemoryRegion *mr, hwaddr addr,
                                       uint64_t size);

/* address_space_sync_dirty_bitmap: log_sync every range of @as. */
void address_space_sync_dirty_bitmap(AddressSpace *as);

/*
 * memory_region_transaction_begin: start a group of topology changes.
 * Nested groups are fine; only the outermost commit renders and notifies
 * listeners, so build a machine inside one transaction.  Holds memcore's
 * global lock until the matching commit.
 */
void memory_region_transaction_begin(void);

/* memory_region_transaction_commit: end a group; the outermost commit
 * publishes the new views and calls the listeners. */
void memory_region_transaction_commit(void);

/*
 * memory_listener_register: add @listener, filtered to @filter (NULL: all
 * address spaces).  It is told about everything already mapped (begin,
 * region_add, coalesced_mmio_add, log_start, eventfd_add, commit).
 */
void memory_listener_register(MemoryListener *listener, AddressSpace *filter);

/* memory_listener_unregister: remove @listener, telling it everything it
 * saw goes away; a second call is a no-op. */
void memory_listener_unregister(MemoryListener *listener);

/* memory_global_dirty_log_start: start MIGRATION logging everywhere. */
void memory_global_dirty_log_start(void);

/* memory_global_dirty_log_stop: stop it. */
void memory_global_dirty_log_stop(void);

/*
 * mtree_info: print the memory tree of every address space, as QEMU 7.2's
 * `info mtree` does without options.  @f is passed to @mon_printf.  See
 * mtree_info_flags() in <memcore/memcore.h> for -f, -d, -o, -D.
 */
void mtree_info(fprintf_function mon_printf, void *f);

/*
 * memory_region_dispatch_read: read @size bytes at @addr of @mr through
 * its ops (splitting, widening, byte-swapping as its ops ask).  On an
 * alias, reads the target at the alias offset.
 */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr,
                                        uint64_t *pval, unsigned size,
                                        MemTxAttrs attrs);

/* memory_region_dispatch_write: the write counterpart; a matching
 * ioeventfd is signalled instead of calling the device. */
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr,
                                         uint64_t data, unsigned size,
                                         MemTxAttrs attrs);

/*
 * address_space_init: make @as show @root (which gains a reference).
 * @name defaults to "anonymous" and is copied.
 */
void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name);

/* address_space_init_shareable: an address space for @root, shared with
 * any earlier one made this way for the same root (count-referenced). */
AddressSpace *address_space_init_shareable(MemoryRegion *root,
                                           const char *name);

/* address_space_destroy: drop @as (when its count reaches zero); memory is
 * released after the RCU grace period.  Unregister listeners filtered on
 * it first. */
void address_space_destroy(AddressSpace *as);

/*
 * address_space_rw: read or write @len bytes at @addr.  RAM is copied
 * directly; MMIO is split into accesses the device accepts.  Returns the
 * OR of every piece's result: a failing piece does not stop the others
 * (failed read bytes are 0).  A range that would cross 2^64 is refused
 * whole: MEMTX_DECODE_ERROR, nothing written, every byte read 0.
 */
MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                             uint8_t *buf, int len, bool is_write);

/* address_space_write: address_space_rw(..., true). */
MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                MemTxAttrs attrs, const uint8_t *buf, int len);

/* address_space_read: address_space_rw(..., false). */
MemTxResult address_space_read(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, uint8_t *buf, int len);

/*
 * address_space_ld* / st*: one naturally aligned access of 1, 2, 4 or 8
 * bytes; _le/_be name the byte order, none means the target's.  An access
 * that crosses the end of the region it starts in goes to that region as
 * one MMIO access (so RAM answers MEMTX_DECODE_ERROR and 0); one that
 * would cross 2^64 is refused (MEMTX_DECODE_ERROR, 0, no device called).
 * @result may be NULL.
 */
uint32_t address_space_ldub(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                            MemTxResult *result);
uint32_t address_space_lduw_le(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, MemTxResult *result);
uint32_t address_space_lduw_be(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, MemTxResult *result);
uint32_t address_space_ldl_le(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                              MemTxResult *result);
uint32_t address_space_ldl_be(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                              MemTxResult *result);
uint64_t address_space_ldq_le(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                              MemTxResult *result);
uint64_t address_space_ldq_be(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                              MemTxResult *result);
void address_space_stb(AddressSpace *as, hwaddr addr, uint32_t val,
                       MemTxAttrs attrs, MemTxResult *result);
void address_space_stw_le(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxAttrs attrs, MemTxResult *result);
void address_space_stw_be(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxAttrs attrs, MemTxResult *result);
void address_space_stl_le(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxAttrs attrs, MemTxResult *result);
void address_space_stl_be(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxAttrs attrs, MemTxResult *result);
void address_space_stq_le(AddressSpace *as, hwaddr addr, uint64_t val,
                          MemTxAttrs attrs, MemTxResult *result);
void address_space_stq_be(AddressSpace *as, hwaddr addr, uint64_t val,
                          MemTxAttrs attrs, MemTxResult *result);
uint32_t address_space_lduw(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                            MemTxResult *result);
uint32_t address_space_ldl(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                           MemTxResult *result);
uint64_t address_space_ldq(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                           MemTxResult *result);
void address_space_stw(AddressSpace *as, hwaddr addr, uint32_t val,
                       MemTxAttrs attrs, MemTxResult *result);
void address_space_stl(AddressSpace *as, hwaddr addr, uint32_t val,
                       MemTxAttrs attrs, MemTxResult *result);
void address_space_stq(AddressSpace *as, hwaddr addr, uint64_t val,
                       MemTxAttrs attrs, MemTxResult *result);
/* address_space_stl_notdirty: a RAM store that leaves the CODE client
 * alone (for page-table updates by a TCG-like CPU). */
void address_space_stl_notdirty(AddressSpace *as, hwaddr addr, uint32_t val,
                                MemTxAttrs attrs, MemTxResult *result);

/*
 * address_space_translate: the terminal region behind @addr, the offset
 * in it (@xlat) and how many of *@len bytes it covers (for RAM: to the end
 * of the dispatch piece; MMIO lengths are not clamped, except that no
 * length reaches past 2^64).  IOMMUs are followed; a permission fault
 * returns the unassigned region.  Call it inside
 * memcore_rcu_read_lock()/unlock(): the region is only guaranteed to live
 * that long.
 */
MemoryRegion *address_space_translate(AddressSpace *as, hwaddr addr,
                                      hwaddr *xlat, hwaddr *len,
                                      bool is_write);

/* address_space_access_valid: whether every byte of the range can be
 * accessed (RAM, or MMIO whose ops accept the access sizes used); false
 * for a range that would cross 2^64. */
bool address_space_access_valid(AddressSpace *as, hwaddr addr, int len,
                                bool is_write);

/*
 * address_space_map: a host pointer to up to *@plen bytes at @addr.
 * RAM is mapped directly (*@plen may shrink to what is contiguous, and
 * never reaches past 2^64); anything else goes through one page-sized
 * bounce buffer (device reads happen now; writes at unmap).  NULL with
 * *@plen = 0 when the bounce buffer is busy: cpu_register_map_client()
 * says when to retry.  A mapping holds a reference on the region's owner
 * until unmap, and a direct one also holds the RAM block: the pointer
 * stays valid until unmap even if the region is destroyed meanwhile
 * (see memory_region_destroy).
 */
void *address_space_map(AddressSpace *as, hwaddr addr, hwaddr *plen,
                        bool is_write);

/* address_space_unmap: release a mapping; marks @access_len bytes dirty
 * (direct, unless the region was destroyed) or writes them back (bounce,
 * to what the address space shows now) when @is_write.  Takes no global
 * lock for a direct mapping.  A @buffer that is no outstanding mapping
 * (never mapped, or unmapped already) is misuse and changes nothing.
 * @access_len is clamped to the mapping.  When several outstanding
 * mappings share @buffer (overlapping init_ram_ptr memory), the one
 * mapped with the same @is_write and @len is released.  A bounce mapping
 * writes back through @as at unmap: unmap it before address_space_destroy
 * of the address space it was mapped from (unmapping after is misuse; the
 * address space's storage may be gone). */
void address_space_unmap(AddressSpace *as, void *buffer, hwaddr len,
                         int is_write, hwaddr access_len);

/*
 * cpu_register_map_client: run @callback (a bottom half in QEMU: here,
 * called at once from the releasing thread) when the bounce buffer is
 * free; immediately if it already is.  Returns a handle for
 * cpu_unregister_map_client.
 */
void *cpu_register_map_client(void *opaque, void (*callback)(void *opaque));
void cpu_unregister_map_client(void *handle);

/*
 * cpu_physical_memory_write_rom: loader write that also fills ROM and
 * ROM devices in ROMD mode; other regions are skipped silently, and a
 * range that would cross 2^64 writes nothing.
 */
void cpu_physical_memory_write_rom(AddressSpace *as, hwaddr addr,
                                   const uint8_t *buf, int len);

/*
 * address_space_read_full / address_space_read_continue: the seed's
 * internal halves of address_space_read, kept for code that calls them.
 * _continue finishes a read whose first piece the caller already
 * translated (@addr1, @l, @mr): the result is the whole read's.
 */
MemTxResult address_space_read_full(AddressSpace *as, hwaddr addr,
                                    MemTxAttrs attrs, uint8_t *buf, int len);
MemTxResult address_space_read_continue(AddressSpace *as, hwaddr addr,
                                        MemTxAttrs attrs, uint8_t *buf,
                                        int len, hwaddr addr1, hwaddr l,
                                        MemoryRegion *mr);

/*
 * qemu_get_ram_ptr: the host address of ram_addr @addr, in @ram_block (or,
 * when NULL, the block that holds @addr); NULL when no block does.
 */
void *qemu_get_ram_ptr(RAMBlock *ram_block, ram_addr_t addr);

/* memory_access_is_direct: whether an access is a plain host memory copy. */
static inline bool memory_access_is_direct(MemoryRegion *mr, bool is_write)
{
    if (is_write) {
        return memory_region_is_ram(mr) && !mr->readonly;
    }
    return memory_region_is_ram(mr) || memory_region_is_romd(mr);
}

#ifdef __cplusplus
}
#endif

#include <memcore/memcore.h>

#endif /* MEMCORE_MEMORY_H */
