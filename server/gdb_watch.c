/*
 * server/gdb_watch.c — gdb's watchpoints as memcore watchpoints (see
 * gdb_watch.h).
 */
#include "gdb_watch.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include <memcore/memcore.h>

typedef struct Watch Watch;

struct Watch {
    Watch *next;
    GdbWatchSet *set;
    GdbBreakType type;
    uint64_t addr, len;
    int id;
    atomic_bool removed;
};

struct GdbWatchSet {
    pthread_mutex_t lock; /* the lists; never held while memcore calls us */
    Watch *list;
    /* Removed watchpoints: an access already under way may still call
     * on_hit with one, so they are freed only after memcore_rcu_barrier()
     * in gdb_watch_free. */
    Watch *removed;
    unsigned nremoved;
    unsigned count;
    GdbWatchHitFn hit;
    void *opaque;
    const GdbWatchObserver *_Atomic observer;
};

/* The memcore callback; its opaque is the gdb watchpoint itself, which
 * says which kind gdb asked for (an awatch hit by a read is still an
 * awatch stop). */
static void on_hit(const MemcoreWatchHit *hit)
{
    Watch *x = hit->opaque;
    GdbStopReason reason;

    if (atomic_load(&x->removed)) {
        return;
    }
    reason = x->type == GDB_WATCH_READ    ? GDB_STOP_RWATCH
             : x->type == GDB_WATCH_ACCESS ? GDB_STOP_AWATCH
                                            : GDB_STOP_WATCH;
    x->set->hit(x->set->opaque, reason, x->addr, hit->attrs.requester_id);
    const GdbWatchObserver *obs = atomic_load_explicit(&x->set->observer,
                                                       memory_order_acquire);
    if (obs) {
        obs->hit(obs->opaque, hit, x->type);
    }
}

/* Free the removed watchpoints once no access can still be in on_hit with
 * one of them.  Not from on_hit (memcore_rcu_barrier would be misuse). */
static void free_removed(GdbWatchSet *w)
{
    Watch *list;

    pthread_mutex_lock(&w->lock);
    list = w->removed;
    w->removed = NULL;
    w->nremoved = 0;
    pthread_mutex_unlock(&w->lock);
    if (!list) {
        return;
    }
    memcore_rcu_barrier();
    while (list) {
        Watch *x = list;
        list = x->next;
        free(x);
    }
}

GdbWatchSet *gdb_watch_new(GdbWatchHitFn hit, void *opaque)
{
    GdbWatchSet *w = calloc(1, sizeof(*w));

    if (!w) {
        return NULL;
    }
    pthread_mutex_init(&w->lock, NULL);
    w->hit = hit;
    w->opaque = opaque;
    atomic_init(&w->observer, NULL);
    return w;
}

void gdb_watch_free(GdbWatchSet *w)
{
    if (!w) {
        return;
    }
    while (w->list) {
        Watch *x = w->list;
        gdb_watch_remove(w, x->type, x->addr, x->len);
    }
    free_removed(w);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

int gdb_watch_insert(GdbWatchSet *w, AddressSpace *as, GdbBreakType type,
                     uint64_t addr, uint64_t len)
{
    unsigned flags;
    Error *err = NULL;
    Watch *x;

    switch (type) {
    case GDB_WATCH_WRITE:
        flags = MEMCORE_WATCH_WRITE;
        break;
    case GDB_WATCH_READ:
        flags = MEMCORE_WATCH_READ;
        break;
    case GDB_WATCH_ACCESS:
        flags = MEMCORE_WATCH_ACCESS;
        break;
    default:
        return -EINVAL;
    }
    /* gdb removes and inserts its watchpoints around every stop: free
     * the removed ones now and then, after a grace period. */
    if (w->nremoved >= 64) {
        free_removed(w);
    }
    x = calloc(1, sizeof(*x));
    if (!x) {
        return -ENOMEM;
    }
    x->set = w;
    x->type = type;
    x->addr = addr;
    x->len = len;
    atomic_init(&x->removed, false);
    x->id = memcore_watchpoint_insert(as, addr, len, flags, on_hit, x, &err);
    if (x->id < 0) {
        error_free(err);
        free(x);
        return -EFAULT;
    }
    pthread_mutex_lock(&w->lock);
    x->next = w->list;
    w->list = x;
    w->count++;
    pthread_mutex_unlock(&w->lock);
    return 0;
}

int gdb_watch_remove(GdbWatchSet *w, GdbBreakType type, uint64_t addr,
                     uint64_t len)
{
    Watch *x = NULL;

    pthread_mutex_lock(&w->lock);
    for (Watch **pp = &w->list; *pp; pp = &(*pp)->next) {
        if ((*pp)->type == type && (*pp)->addr == addr &&
            (*pp)->len == len) {
            x = *pp;
            *pp = x->next;
            w->count--;
            atomic_store(&x->removed, true);
            x->next = w->removed;
            w->removed = x;
            w->nremoved++;
            break;
        }
    }
    pthread_mutex_unlock(&w->lock);
    if (!x) {
        return -ENOENT;
    }
    memcore_watchpoint_remove(x->id);
    return 0;
}

void gdb_watch_set_observer(GdbWatchSet *w, const GdbWatchObserver *obs)
{
    const GdbWatchObserver *old = atomic_exchange(&w->observer, obs);

    /* on_hit runs inside memcore's read section: after a grace period
     * nobody still calls the old observer */
    if (old && old != obs) {
        memcore_rcu_barrier();
    }
}

unsigned gdb_watch_count(GdbWatchSet *w)
{
    unsigned n;

    pthread_mutex_lock(&w->lock);
    n = w->count;
    pthread_mutex_unlock(&w->lock);
    return n;
}
