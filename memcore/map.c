/*
 * map.c — address_space_map/unmap (§10.1, §10.2): direct pointers into RAM
 * for DMA, and one page-sized bounce buffer (Q9) for everything else, with
 * map clients told when it frees up.
 */
#include "internal.h"

#include <stdio.h>

static struct {
    atomic_bool in_use;
    uint8_t *buffer;
    hwaddr addr;
    hwaddr len;
    MemoryRegion *mr;
    AddressSpace *as;
} bounce;

typedef struct MapClient {
    void *opaque;
    void (*callback)(void *opaque);
    struct MapClient *next;
} MapClient;

static pthread_mutex_t clients_lock = PTHREAD_MUTEX_INITIALIZER;
static MapClient *clients;

void *address_space_map(AddressSpace *as, hwaddr addr, hwaddr *plen,
                        bool is_write)
{
    hwaddr len = *plen;
    if (len == 0) {
        return NULL;
    }
    mc_rcu_lock();
    FlatView *view = as_view(as);
    hwaddr l = len, xlat, piece;
    MemoryRegion *mr = translate_internal(view, addr, &xlat, &l, is_write,
                                          &piece);
    if (!memory_access_is_direct(mr, is_write)) {
        if (atomic_exchange(&bounce.in_use, true)) {
            mc_rcu_unlock();
            *plen = 0; /* D10 */
            return NULL;
        }
        l = MC_MIN(l, TARGET_PAGE_SIZE);
        bounce.buffer = aligned_alloc(TARGET_PAGE_SIZE, TARGET_PAGE_SIZE);
        if (!bounce.buffer) {
            atomic_store(&bounce.in_use, false);
            mc_rcu_unlock();
            *plen = 0;
            return NULL;
        }
        bounce.addr = addr;
        bounce.len = l;
        bounce.mr = mr;
        bounce.as = as;
        memory_region_ref(mr);
        if (!is_write) {
            /* Device reads happen now, at map time. */
            address_space_read(as, addr, MEMTXATTRS_UNSPECIFIED,
                               bounce.buffer, (int)l);
        }
        mc_rcu_unlock();
        *plen = l;
        return bounce.buffer;
    }
    if (!mr->ram && piece && l > piece) {
        l = piece;
    }
    hwaddr base = xlat, done = 0;
    for (;;) {
        len -= l;
        addr += l;
        done += l;
        if (len == 0) {
            break;
        }
        l = len;
        hwaddr x;
        MemoryRegion *this = translate_internal(view, addr, &x, &l, is_write,
                                                &piece);
        if (this != mr || x != base + done) {
            break;
        }
        if (!this->ram && piece && l > piece) {
            l = piece;
        }
    }
    memory_region_ref(mr);
    RAMBlock *b = mr->ram_block;
    *plen = MC_MIN(done, b->max_length - base);
    void *ptr = ramblock_ptr(b, base);
    mc_rcu_unlock();
    return ptr;
}

static void notify_map_clients(void)
{
    pthread_mutex_lock(&clients_lock);
    MapClient *list = clients;
    clients = NULL;
    pthread_mutex_unlock(&clients_lock);
    /* In registration order, each once. */
    MapClient *rev = NULL;
    while (list) {
        MapClient *n = list->next;
        list->next = rev;
        rev = list;
        list = n;
    }
    while (rev) {
        MapClient *n = rev->next;
        rev->callback(rev->opaque);
        free(rev);
        rev = n;
    }
}

void address_space_unmap(AddressSpace *as, void *buffer, hwaddr len,
                         int is_write, hwaddr access_len)
{
    (void)len;
    if (buffer != bounce.buffer || !atomic_load(&bounce.in_use)) {
        hwaddr off;
        RAMBlock *b = ramblock_from_host(buffer, &off);
        if (!b) {
            mc_misuse(__func__, "%p was not returned by address_space_map",
                      buffer);
            return;
        }
        if (is_write) {
            invalidate_and_set_dirty(b->mr, off, access_len);
        }
        memory_region_unref(b->mr);
        return;
    }
    if (is_write) {
        /* Device writes happen now, and only for what was written. */
        address_space_write(bounce.as, bounce.addr, MEMTXATTRS_UNSPECIFIED,
                            bounce.buffer, (int)MC_MIN(access_len,
                                                       bounce.len));
    }
    (void)as;
    free(bounce.buffer);
    bounce.buffer = NULL;
    memory_region_unref(bounce.mr);
    atomic_store(&bounce.in_use, false);
    notify_map_clients();
}

void *cpu_register_map_client(void *opaque, void (*callback)(void *opaque))
{
    if (!atomic_load(&bounce.in_use)) {
        callback(opaque);
        return NULL;
    }
    MapClient *c = mc_malloc0(sizeof(*c));
    c->opaque = opaque;
    c->callback = callback;
    pthread_mutex_lock(&clients_lock);
    c->next = clients;
    clients = c;
    pthread_mutex_unlock(&clients_lock);
    /* The buffer may have been released meanwhile: do not miss it. */
    if (!atomic_load(&bounce.in_use)) {
        notify_map_clients();
    }
    return c;
}

void cpu_unregister_map_client(void *handle)
{
    if (!handle) {
        return;
    }
    pthread_mutex_lock(&clients_lock);
    for (MapClient **pp = &clients; *pp; pp = &(*pp)->next) {
        if (*pp == handle) {
            *pp = ((MapClient *)handle)->next;
            free(handle);
            break;
        }
    }
    pthread_mutex_unlock(&clients_lock);
}
