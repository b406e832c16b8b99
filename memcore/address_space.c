/*
 * address_space.c — AddressSpaces: creation (a commit renders the new
 * one, sharing a view with any address space of the same physical root),
 * shareable address spaces, destruction (silent: no listener call and no
 * new view; listeners filtered on it unregister first; freed after a grace
 * period) and iteration in creation order.
 */
#include "internal.h"

AddressSpace *mc_as_head, *mc_as_tail;
static uint64_t as_serial;

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name)
{
    memset(as, 0, sizeof(*as));
    as->name = mc_strdup(name ? name : "anonymous");
    as->root = root;
    as->ref_count = 1;
    memory_region_ref(root);
    FlatView *empty = flatview_empty();
    flatview_ref(empty);
    as->current_map = empty;

    memory_region_transaction_begin();
    as->serial = ++as_serial;
    as->as_prev = mc_as_tail;
    if (mc_as_tail) {
        mc_as_tail->as_next = as;
    } else {
        mc_as_head = as;
    }
    mc_as_tail = as;
    if (root && root->enabled) {
        mc_topology_pending = true;
    }
    memory_region_transaction_commit();
}

AddressSpace *address_space_init_shareable(MemoryRegion *root,
                                           const char *name)
{
    memcore_lock();
    for (AddressSpace *as = mc_as_head; as; as = as->as_next) {
        if (as->malloced && as->root == root) {
            as->ref_count++;
            memcore_unlock();
            return as;
        }
    }
    AddressSpace *as = mc_malloc0(sizeof(*as));
    address_space_init(as, root, name);
    as->malloced = true;
    memcore_unlock();
    return as;
}

/* What outlives the AddressSpace structure until readers are gone: the
 * caller may free a non-malloced one as soon as destroy returns. */
struct as_remains {
    McRcu rcu;
    FlatView *view;
    MemoryRegion *root;
    char *name;
    AddressSpace *malloced;
    MemoryRegionIoeventfd *ioeventfds;
};

static void as_free_remains(McRcu *d)
{
    struct as_remains *r = caa_container_of(d, struct as_remains, rcu);
    flatview_unref(r->view);
    memory_region_unref(r->root);
    free(r->name);
    free(r->ioeventfds);
    free(r->malloced);
    free(r);
}

void address_space_destroy(AddressSpace *as)
{
    memcore_lock();
    if (--as->ref_count > 0) {
        memcore_unlock();
        return;
    }
    if (as->as_prev) {
        as->as_prev->as_next = as->as_next;
    } else {
        mc_as_head = as->as_next;
    }
    if (as->as_next) {
        as->as_next->as_prev = as->as_prev;
    } else {
        mc_as_tail = as->as_prev;
    }
    struct as_remains *r = mc_malloc0(sizeof(*r));
    r->view = as->current_map;
    r->root = as->root;
    r->name = as->name;
    r->malloced = as->malloced ? as : NULL;
    r->ioeventfds = as->ioeventfds;
    as->ioeventfds = NULL;
    as->ioeventfd_nb = 0;
    mc_call_rcu(&r->rcu, as_free_remains);
    memcore_unlock();
}

AddressSpace *address_space_first(void)
{
    return mc_as_head;
}

AddressSpace *address_space_next(AddressSpace *as)
{
    return as->as_next;
}

const char *address_space_name(const AddressSpace *as)
{
    return as->name;
}

MemoryRegion *address_space_root(const AddressSpace *as)
{
    return as->root;
}
