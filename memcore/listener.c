/*
 * listener.c — MemoryListeners: the ordered list, delivery in the
 * direction each callback kind requires (additions in priority order,
 * removals in reverse), and the replay a listener receives when it
 * registers (region_add then log_start, and eventfd_add) or unregisters
 * (the matching removals, inside begin/commit) — SEMANTICS.md, Listeners.
 */
#include "internal.h"

MemoryListener *mc_listener_head, *mc_listener_tail;

static void call_one(enum listener_call call, MemoryListener *l,
                     MemoryRegionSection *sec, int old_mask, int new_mask)
{
    switch (call) {
    case LC_REGION_ADD:
        if (l->region_add) {
            l->region_add(l, sec);
        }
        break;
    case LC_REGION_DEL:
        if (l->region_del) {
            l->region_del(l, sec);
        }
        break;
    case LC_REGION_NOP:
        if (l->region_nop) {
            l->region_nop(l, sec);
        }
        break;
    case LC_LOG_START:
        if (l->log_start) {
            l->log_start(l, sec, old_mask, new_mask);
        }
        break;
    case LC_LOG_STOP:
        if (l->log_stop) {
            l->log_stop(l, sec, old_mask, new_mask);
        }
        break;
    case LC_LOG_SYNC:
        if (l->log_sync) {
            l->log_sync(l, sec);
        }
        break;
    }
}

static bool call_is_reverse(enum listener_call call)
{
    return call == LC_REGION_DEL || call == LC_LOG_STOP;
}

void listeners_section(enum listener_call call, AddressSpace *as,
                       MemoryRegionSection *sec, int old_mask, int new_mask)
{
    if (call_is_reverse(call)) {
        for (MemoryListener *l = mc_listener_tail; l; l = l->link_prev) {
            if (listener_wants(l, as)) {
                call_one(call, l, sec, old_mask, new_mask);
            }
        }
    } else {
        for (MemoryListener *l = mc_listener_head; l; l = l->link_next) {
            if (listener_wants(l, as)) {
                call_one(call, l, sec, old_mask, new_mask);
            }
        }
    }
}

void listeners_begin(void)
{
    for (MemoryListener *l = mc_listener_head; l; l = l->link_next) {
        if (l->begin) {
            l->begin(l);
        }
    }
}

void listeners_commit(void)
{
    for (MemoryListener *l = mc_listener_head; l; l = l->link_next) {
        if (l->commit) {
            l->commit(l);
        }
    }
}

bool listeners_watch(AddressSpace *as)
{
    for (MemoryListener *l = mc_listener_head; l; l = l->link_next) {
        if (listener_wants(l, as)) {
            return true;
        }
    }
    return false;
}

/* ---- Registration -------------------------------------------------------- */

static void listener_link(MemoryListener *l)
{
    /* After every listener whose priority is <= ours: stable order. */
    MemoryListener *after = mc_listener_tail;
    while (after && after->priority > l->priority) {
        after = after->link_prev;
    }
    l->link_prev = after;
    l->link_next = after ? after->link_next : mc_listener_head;
    if (l->link_next) {
        l->link_next->link_prev = l;
    } else {
        mc_listener_tail = l;
    }
    if (after) {
        after->link_next = l;
    } else {
        mc_listener_head = l;
    }
}

static void listener_unlink(MemoryListener *l)
{
    if (l->link_prev) {
        l->link_prev->link_next = l->link_next;
    } else {
        mc_listener_head = l->link_next;
    }
    if (l->link_next) {
        l->link_next->link_prev = l->link_prev;
    } else {
        mc_listener_tail = l->link_prev;
    }
    l->link_next = l->link_prev = NULL;
}

void memory_listener_register(MemoryListener *l, AddressSpace *filter)
{
    memcore_lock();
    if (l->registered) {
        mc_misuse(__func__, "listener is already registered");
        memcore_unlock();
        return;
    }
    l->address_space_filter = filter;
    listener_link(l);
    l->registered = true;
    for (AddressSpace *as = mc_as_head; as; as = as->as_next) {
        if (!listener_wants(l, as)) {
            continue;
        }
        FlatView *view = as->current_map;
        const FlatRange *fr;
        if (l->begin) {
            l->begin(l);
        }
        if (mc_global_dirty_log && l->log_global_start) {
            l->log_global_start(l);
        }
        FLATVIEW_FOREACH(view, fr) {
            MemoryRegionSection sec = flatrange_section(fr, as);
            call_one(LC_REGION_ADD, l, &sec, 0, 0);
            listener_coalesced_one(l, true, as, fr);
            if (fr->dirty_log_mask) {
                call_one(LC_LOG_START, l, &sec, 0, fr->dirty_log_mask);
            }
        }
        listener_eventfds_one(l, true, as);
        if (l->commit) {
            l->commit(l);
        }
    }
    memcore_unlock();
}

void memory_listener_unregister(MemoryListener *l)
{
    memcore_lock();
    if (!l->registered) {
        memcore_unlock();
        return;
    }
    for (AddressSpace *as = mc_as_head; as; as = as->as_next) {
        if (!listener_wants(l, as)) {
            continue;
        }
        FlatView *view = as->current_map;
        const FlatRange *fr;
        if (l->begin) {
            l->begin(l);
        }
        FLATVIEW_FOREACH(view, fr) {
            MemoryRegionSection sec = flatrange_section(fr, as);
            if (fr->dirty_log_mask) {
                call_one(LC_LOG_STOP, l, &sec, fr->dirty_log_mask, 0);
            }
            listener_coalesced_one(l, false, as, fr);
            call_one(LC_REGION_DEL, l, &sec, 0, 0);
        }
        listener_eventfds_one(l, false, as);
        if (l->commit) {
            l->commit(l);
        }
    }
    listener_unlink(l);
    l->registered = false;
    memcore_unlock();
}
