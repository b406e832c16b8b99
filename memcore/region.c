/*
 * region.c — building the region tree: constructors, queries and the
 * mutators that change the topology.
 *
 * Every mutator runs inside its own transaction (so it takes the global
 * lock) and tells transaction.c which address window of which region may
 * look different (mark_dirty / mark_region_extent); the outermost commit
 * re-renders just those windows.  The pending rules (when a change is
 * reported to listeners at all) are QEMU's: they look only at the region
 * itself and its direct container.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>

/* Unassigned accesses: no handlers, and an accepts hook that refuses. */
static bool unassigned_accepts(void *opaque, hwaddr addr, unsigned size,
                               bool is_write)
{
    (void)opaque, (void)addr, (void)size, (void)is_write;
    return false;
}

const MemoryRegionOps unassigned_mem_ops = {
    .valid.accepts = unassigned_accepts,
    .endianness = DEVICE_NATIVE_ENDIAN,
};

MemoryRegion io_mem_unassigned = {
    .ops = &unassigned_mem_ops,
    .opaque = NULL,
    .size = (Int128)1 << 64,
    .enabled = true,
    .romd_mode = true,
    .terminates = true,
    .global_locking = false,
    .initialized = true,
    .name = "unassigned",
};

static uint64_t unassigned_io_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque, (void)addr, (void)size;
    return UINT64_MAX;
}

static void unassigned_io_write(void *opaque, hwaddr addr, uint64_t data,
                                unsigned size)
{
    (void)opaque, (void)addr, (void)data, (void)size;
}

const MemoryRegionOps unassigned_io_ops = {
    .read = unassigned_io_read,
    .write = unassigned_io_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
};

static Int128 size_from_u64(uint64_t size)
{
    return size == UINT64_MAX ? int128_2_64() : (Int128)size;
}

/* ---- Constructors ------------------------------------------------------ */

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->owner = owner;
    mr->name = mc_strdup(name);
    mr->size = size_from_u64(size);
    mr->enabled = true;
    mr->romd_mode = true;
    mr->global_locking = true;
    mr->ops = &unassigned_mem_ops;
    mr->opaque = mr;
    mr->initialized = true;
}

void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    if (ops && ops->impl.unaligned && !ops->valid.unaligned) {
        mc_misuse(__func__, "region '%s': impl.unaligned requires "
                  "valid.unaligned", name ? name : "(noname)");
        ops = NULL;
    }
    memory_region_init(mr, owner, name, size);
    mr->ops = ops ? ops : &unassigned_mem_ops;
    mr->opaque = opaque;
    mr->terminates = true;
}

/* A constructor that failed leaves nothing allocated and the region
 * uninitialised: mapping it is misuse, destroying it does nothing. */
void mr_init_failed(MemoryRegion *mr)
{
    free(mr->name);
    mr->name = NULL;
    mr->ram_block = NULL;
    mr->ram = false;
    mr->rom_device = false;
    mr->initialized = false;
}

static void init_ram_common(MemoryRegion *mr, uint64_t size, uint64_t max,
                            void *host, int fd, uint64_t page_size,
                            Error **errp)
{
    mr->terminates = true;
    mr->ram = true;
    if (MC_LOAD(mc_code_invalidate_hook)) {
        mr->dirty_log_mask = 1 << DIRTY_MEMORY_CODE;
    }
    Error *err = NULL;
    mr->ram_block = ramblock_new(mr, size, max, host, fd, page_size, false,
                                 &err);
    if (!mr->ram_block) {
        mr_init_failed(mr);
        error_propagate(errp, err);
        return;
    }
}

void memory_region_init_ram(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp)
{
    memory_region_init(mr, owner, name, size);
    init_ram_common(mr, size, size, NULL, -1, 0, errp);
}

void memory_region_init_rom(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp)
{
    memory_region_init_ram(mr, owner, name, size, errp);
    mr->readonly = true;
}

void memory_region_init_resizeable_ram(MemoryRegion *mr, Object *owner,
                                       const char *name, uint64_t size,
                                       uint64_t max_size,
                                       void (*resized)(const char *,
                                                       uint64_t length,
                                                       void *host),
                                       Error **errp)
{
    memory_region_init(mr, owner, name, size);
    if (max_size < size) {
        error_setg(errp, "%s: maximum size 0x%" PRIx64 " is below size 0x%"
                   PRIx64, name ? name : "(noname)", max_size, size);
        mr_init_failed(mr);
        return;
    }
    init_ram_common(mr, size, max_size, NULL, -1, 0, errp);
    if (mr->ram_block) {
        mr->ram_block->resizeable = true;
        mr->ram_block->resized = resized;
    }
}

void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr)
{
    memory_region_init(mr, owner, name, size);
    if (!ptr) {
        mc_misuse(__func__, "region '%s': NULL host pointer",
                  name ? name : "(noname)");
        mr->terminates = true;
        return;
    }
    /* No Error ** here (QEMU's signature): a size that cannot be backed
     * is misuse, reported like the NULL pointer; the region is then left
     * uninitialised, as by any constructor that fails. */
    Error *err = NULL;
    init_ram_common(mr, size, size, ptr, -1, 0, &err);
    if (err) {
        mc_misuse(__func__, "%s", error_get_pretty(err));
        error_free(err);
    }
}

void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size)
{
    for (MemoryRegion *t = orig; t; t = t->alias) {
        if (t == mr) {
            mc_misuse(__func__, "alias '%s' would form a cycle",
                      name ? name : "(noname)");
            return;
        }
    }
    memory_region_init(mr, owner, name, size);
    if (!orig) {
        mc_misuse(__func__, "alias '%s' has no target",
                  name ? name : "(noname)");
        return;
    }
    mr->alias = orig;
    mr->alias_offset = offset;
    orig->alias_users++;
}

void memory_region_init_rom_device(MemoryRegion *mr, Object *owner,
                                   const MemoryRegionOps *ops, void *opaque,
                                   const char *name, uint64_t size,
                                   Error **errp)
{
    memory_region_init(mr, owner, name, size);
    if (!ops) {
        mc_misuse(__func__, "ROM device '%s' needs ops",
                  name ? name : "(noname)");
        ops = &unassigned_mem_ops;
    }
    mr->ops = ops;
    mr->opaque = opaque;
    mr->terminates = true;
    mr->rom_device = true;
    Error *err = NULL;
    mr->ram_block = ramblock_new(mr, size, size, NULL, -1, 0, false, &err);
    if (!mr->ram_block) {
        mr_init_failed(mr);
        error_propagate(errp, err);
        return;
    }
}

void memory_region_init_iommu(MemoryRegion *mr, Object *owner,
                              const MemoryRegionIOMMUOps *ops,
                              const char *name, uint64_t size)
{
    memory_region_init(mr, owner, name, size);
    mr->iommu_ops = ops;
    mr->terminates = true;
}

/* What a destroyed region owned, freed once readers of older views are
 * gone.  Copied out of the region: its storage may be reused or freed
 * by then (memory.h: storage must outlive a grace period after destroy). */
struct region_remains {
    McRcu rcu;
    struct MemoryRegionExtra *extra;
    char *name;
};

static void region_remains_free(McRcu *d)
{
    struct region_remains *r = caa_container_of(d, struct region_remains,
                                                rcu);
    free(r->extra);
    free(r->name);
    free(r);
}

void memory_region_destroy(MemoryRegion *mr)
{
    /* container and alias_users change under the global lock (another
     * thread may be adding or removing this region): read them under it. */
    memcore_lock();
    if (!mr->initialized) {
        memcore_unlock();
        return; /* never initialised, its constructor failed, or destroyed */
    }
    if (mr->container) {
        memcore_unlock();
        mc_misuse(__func__, "region '%s' is still mapped",
                  mr->name ? mr->name : "(noname)");
        return;
    }
    if (mr->alias_users) {
        unsigned users = mr->alias_users;
        memcore_unlock();
        mc_misuse(__func__, "region '%s' is the target of %u alias(es)",
                  mr->name ? mr->name : "(noname)", users);
        return;
    }
    memory_region_transaction_begin();
    memory_region_set_enabled(mr, false);
    while (mr->subregions_head) {
        memory_region_del_subregion(mr, mr->subregions_head);
    }
    memory_region_transaction_commit();
    /* Readers that started before that commit may still be in an older
     * view that shows @mr: every field they read (ops, opaque, ram_block,
     * the ioeventfd and coalesced sets) stays valid until a grace period
     * has passed; what @mr owns is handed over to be freed after it. */
    child_index_free(mr);
    if (mr->coalesced) {
        memory_region_clear_coalescing(mr);
    }
    ioeventfd_region_destroyed(mr);
    watch_region_destroyed(mr);
    if (mr->alias) {
        mr->alias->alias_users--;
    }
    if (mr->ram_block) {
        ramblock_release(mr->ram_block);
    }
    struct region_remains *r = mc_malloc0(sizeof(*r));
    r->extra = mr->extra;
    r->name = mr->name;
    mc_call_rcu(&r->rcu, region_remains_free);
    mr->initialized = false;
    memcore_unlock();
}

/* ---- References and queries ------------------------------------------- */

void memory_region_ref(MemoryRegion *mr)
{
    if (mr && mr->owner) {
        object_ref(mr->owner);
    }
}

void memory_region_unref(MemoryRegion *mr)
{
    if (mr && mr->owner) {
        object_unref(mr->owner);
    }
}

Object *memory_region_owner(MemoryRegion *mr)
{
    return mr->owner;
}

uint64_t memory_region_size(MemoryRegion *mr)
{
    u128 s = mr_size(mr);
    return s >= U128_2_64 ? UINT64_MAX : (uint64_t)s;
}

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->initialized ? mr->name : NULL;
}

bool memory_region_is_skip_dump(MemoryRegion *mr)
{
    return mr->skip_dump;
}

void memory_region_set_skip_dump(MemoryRegion *mr)
{
    mr->skip_dump = true;
}

bool memory_region_is_mapped(MemoryRegion *mr)
{
    return mr->container != NULL;
}

/* Follow an alias chain to its end, adding up the offsets. */
static MemoryRegion *alias_resolve(MemoryRegion *mr, hwaddr *offset)
{
    hwaddr off = 0;
    while (mr->alias) {
        off += mr->alias_offset;
        mr = mr->alias;
    }
    *offset = off;
    return mr;
}

void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    if (!mr->initialized) {
        return NULL;
    }
    hwaddr off;
    MemoryRegion *t = alias_resolve(mr, &off);
    if (!t->ram_block) {
        return NULL;
    }
    return t->ram_block->host + off;
}

int memory_region_get_fd(MemoryRegion *mr)
{
    if (!mr->initialized) {
        return -1;
    }
    hwaddr off;
    MemoryRegion *t = alias_resolve(mr, &off);
    return t->ram_block ? t->ram_block->fd : -1;
}

ram_addr_t memory_region_get_ram_addr(MemoryRegion *mr)
{
    return mr->initialized && mr->ram_block ? mr->ram_block->offset
                                            : RAM_ADDR_INVALID;
}

uint64_t memory_region_get_alignment(const MemoryRegion *mr)
{
    return mr->initialized && mr->ram_block ? mr->ram_block->page_size : 0;
}

struct MemoryRegionExtra *mr_extra(MemoryRegion *mr)
{
    if (!mr->extra) {
        __atomic_store_n(&mr->extra, mc_malloc0(sizeof(*mr->extra)),
                         __ATOMIC_RELEASE);
    }
    return mr->extra;
}

void memory_region_set_global_locking(MemoryRegion *mr)
{
    MC_STORE(mr->global_locking, true);
}

void memory_region_clear_global_locking(MemoryRegion *mr)
{
    MC_STORE(mr->global_locking, false);
}

/* ---- Subregions -------------------------------------------------------- */

static bool is_ancestor(const MemoryRegion *candidate, const MemoryRegion *mr)
{
    for (const MemoryRegion *c = mr; c; c = c->container) {
        if (c == candidate) {
            return true;
        }
    }
    return false;
}

/* Insert before the first sibling whose priority is not higher: the list
 * stays priority-descending with the newest first among equals. */
static void subregion_link(MemoryRegion *c, MemoryRegion *sub)
{
    static uint64_t link_counter;
    sub->link_seq = ++link_counter;
    c->nr_subregions++;
    child_index_insert(c, sub);
    MemoryRegion *prev = NULL, *e = c->subregions_head;
    while (e && sub->priority < e->priority) {
        prev = e;
        e = e->sub_next;
    }
    sub->sub_next = e;
    sub->sub_prev = prev;
    if (e) {
        e->sub_prev = sub;
    }
    if (prev) {
        prev->sub_next = sub;
    } else {
        c->subregions_head = sub;
    }
}

static void subregion_unlink(MemoryRegion *c, MemoryRegion *sub)
{
    c->nr_subregions--;
    child_index_remove(c, sub);
    if (sub->sub_prev) {
        sub->sub_prev->sub_next = sub->sub_next;
    } else {
        c->subregions_head = sub->sub_next;
    }
    if (sub->sub_next) {
        sub->sub_next->sub_prev = sub->sub_prev;
    }
    sub->sub_next = sub->sub_prev = NULL;
}

static void mark_child_window(MemoryRegion *c, MemoryRegion *sub)
{
    mark_dirty(c, sub->addr, (u128)sub->addr + mr_size(sub));
}

static void add_subregion_common(const char *func, MemoryRegion *c,
                                 hwaddr offset, MemoryRegion *sub,
                                 int priority)
{
    if (!c->initialized || !sub->initialized) {
        mc_misuse(func, "region not initialised");
        return;
    }
    if (sub->container) {
        mc_misuse(func, "region '%s' is already mapped in '%s'",
                  sub->name ? sub->name : "(noname)",
                  sub->container->name ? sub->container->name : "(noname)");
        return;
    }
    if (c->alias) {
        mc_misuse(func, "cannot add '%s' to alias '%s'",
                  sub->name ? sub->name : "(noname)",
                  c->name ? c->name : "(noname)");
        return;
    }
    if (is_ancestor(sub, c)) {
        mc_misuse(func, "adding '%s' to '%s' would make a cycle",
                  sub->name ? sub->name : "(noname)",
                  c->name ? c->name : "(noname)");
        return;
    }
    memory_region_transaction_begin();
    sub->container = c;
    sub->addr = offset;
    sub->priority = priority;
    /* A container holds no reference on regions of its own owner (an owner
     * would otherwise keep itself alive). */
    if (sub->owner != c->owner) {
        memory_region_ref(sub);
    }
    subregion_link(c, sub);
    mark_region_moved(sub);
    if (c->enabled && sub->enabled) {
        mc_topology_pending = true;
        mark_child_window(c, sub);
    }
    memory_region_transaction_commit();
}

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion)
{
    add_subregion_common(__func__, mr, offset, subregion, 0);
}

void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority)
{
    add_subregion_common(__func__, mr, offset, subregion, priority);
}

void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion)
{
    if (subregion->container != mr) {
        mc_misuse(__func__, "region '%s' is not a subregion of '%s'",
                  subregion->name ? subregion->name : "(noname)",
                  mr->name ? mr->name : "(noname)");
        return;
    }
    memory_region_transaction_begin();
    if (mr->enabled && subregion->enabled) {
        mc_topology_pending = true;
        mark_child_window(mr, subregion);
    }
    subregion_unlink(mr, subregion);
    subregion->container = NULL;
    if (subregion->owner != mr->owner) {
        memory_region_unref(subregion);
    }
    memory_region_transaction_commit();
}

/* ---- Attribute mutators ------------------------------------------------ */

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (enabled == mr->enabled) {
        return;
    }
    memory_region_transaction_begin();
    mr->enabled = enabled;
    mc_topology_pending = true;
    mark_region_extent(mr);
    memory_region_transaction_commit();
}

void memory_region_set_size(MemoryRegion *mr, uint64_t size)
{
    Int128 s = size_from_u64(size);
    if (s == mr->size) {
        return;
    }
    memory_region_transaction_begin();
    mark_region_extent(mr);
    if (mr->container) {
        child_index_remove(mr->container, mr); /* its size class moves */
    }
    mr->size = s;
    if (mr->container) {
        child_index_insert(mr->container, mr);
    }
    mark_region_extent(mr);
    mc_topology_pending = true;
    memory_region_transaction_commit();
}

/* Whether some address space shows @mr as its root, or renders its view
 * from @mr (global lock held). */
static bool region_roots_a_view(const MemoryRegion *mr)
{
    for (AddressSpace *as = mc_as_head; as; as = as->as_next) {
        if (as->root == mr || as->current_map->root == mr) {
            return true;
        }
    }
    return false;
}

void memory_region_set_address(MemoryRegion *mr, hwaddr addr)
{
    if (addr == mr->addr) {
        return;
    }
    MemoryRegion *c = mr->container;
    if (!c) {
        memory_region_transaction_begin();
        mr->addr = addr;
        mark_region_moved(mr);
        /* A view rendered from @mr places it at its addr: moving the root
         * of a view re-renders that view in this very commit. */
        if (region_roots_a_view(mr)) {
            mc_topology_pending = true;
        }
        memory_region_transaction_commit();
        return;
    }
    memory_region_transaction_begin();
    memory_region_ref(mr);
    int priority = mr->priority;
    memory_region_del_subregion(c, mr);
    add_subregion_common(__func__, c, addr, mr, priority);
    memory_region_unref(mr);
    memory_region_transaction_commit();
}

void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset)
{
    if (!mr->alias) {
        mc_misuse(__func__, "region '%s' is not an alias",
                  mr->name ? mr->name : "(noname)");
        return;
    }
    if (offset == mr->alias_offset) {
        return;
    }
    memory_region_transaction_begin();
    mr->alias_offset = offset;
    if (mr->enabled) {
        mc_topology_pending = true;
        mark_region_extent(mr);
    }
    memory_region_transaction_commit();
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly == readonly) {
        return;
    }
    memory_region_transaction_begin();
    mr->readonly = readonly;
    if (mr->enabled) {
        mc_topology_pending = true;
        mark_region_extent(mr);
    }
    memory_region_transaction_commit();
}

void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd_mode)
{
    if (mr->romd_mode == romd_mode) {
        return;
    }
    memory_region_transaction_begin();
    mr->romd_mode = romd_mode;
    if (mr->enabled) {
        mc_topology_pending = true;
        mark_region_extent(mr);
    }
    memory_region_transaction_commit();
}
