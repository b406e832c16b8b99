/*
 * map.c — address_space_map/unmap: direct pointers into RAM for DMA, and
 * one page-sized bounce buffer (one mapping at a time, as QEMU) for
 * everything else, with
 * map clients told when it frees up.
 */
#include "internal.h"

#include <stdio.h>

/*
 * The bounce buffer: one page, one user at a time.  Whoever wins @in_use
 * (acquire) owns the other fields until unmap releases it, so they need
 * no lock; the page itself is static, so telling a bounce pointer from a
 * direct one needs no shared state at all.
 */
static _Alignas(4096) uint8_t bounce_page[TARGET_PAGE_SIZE];
static struct {
    atomic_bool in_use;
    hwaddr addr;
    hwaddr len;
    Object *owner; /* the region's: the region may be destroyed by unmap */
    AddressSpace *as;
} bounce;

typedef struct MapClient {
    void *opaque;
    void (*callback)(void *opaque);
    struct MapClient *next;
} MapClient;

static pthread_mutex_t clients_lock = PTHREAD_MUTEX_INITIALIZER;
static MapClient *clients;

/*
 * Outstanding direct mappings, keyed by host pointer: unmap must find the
 * very mapping it releases, not just a block containing the pointer.  A
 * second unmap of a pointer whose block still has other mappings is then
 * caught (it used to drop the other mapping's reference), and two
 * init_ram_ptr regions over the same memory are told apart (the entry
 * remembers its block).  One small mutex, never the global lock.
 */
typedef struct DirectMap {
    uint8_t *ptr;
    hwaddr len;
    RAMBlock *block; /* held (ramblock_map_get) until unmap */
    bool is_write;
    struct DirectMap *next;
} DirectMap;

#define MAP_BUCKETS 256
static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;
static DirectMap *maps[MAP_BUCKETS];

static unsigned map_bucket(const void *ptr)
{
    uint64_t h = (uint64_t)(uintptr_t)ptr * 0x9e3779b97f4a7c15ULL;
    return (unsigned)(h >> 56) % MAP_BUCKETS;
}

static void maps_add(uint8_t *ptr, hwaddr len, RAMBlock *block,
                     bool is_write)
{
    DirectMap *e = mc_malloc0(sizeof(*e));
    e->ptr = ptr;
    e->len = len;
    e->block = block;
    e->is_write = is_write;
    unsigned i = map_bucket(ptr);
    pthread_mutex_lock(&maps_lock);
    e->next = maps[i];
    maps[i] = e;
    pthread_mutex_unlock(&maps_lock);
}

/* Take out the mapping at @ptr; when several share it (the same memory
 * mapped twice, or overlapping caller memory), the one whose direction and
 * length match the unmap's arguments, most recent first. */
static DirectMap *maps_take(const void *ptr, hwaddr len, bool is_write)
{
    unsigned i = map_bucket(ptr);
    pthread_mutex_lock(&maps_lock);
    DirectMap **best = NULL;
    int best_score = -1;
    for (DirectMap **pp = &maps[i]; *pp; pp = &(*pp)->next) {
        DirectMap *e = *pp;
        if (e->ptr != ptr) {
            continue;
        }
        int score = (e->is_write == is_write) * 2 + (e->len == len);
        if (score > best_score) {
            best = pp;
            best_score = score;
        }
    }
    DirectMap *e = NULL;
    if (best) {
        e = *best;
        *best = e->next;
    }
    pthread_mutex_unlock(&maps_lock);
    return e;
}

static void *map_bounce(AddressSpace *as, hwaddr addr, hwaddr l,
                        MemoryRegion *mr, bool is_write, hwaddr *plen)
{
    if (atomic_exchange_explicit(&bounce.in_use, true,
                                 memory_order_acquire)) {
        *plen = 0; /* busy: the caller retries from a map client */
        return NULL;
    }
    l = MC_MIN(l, TARGET_PAGE_SIZE);
    bounce.addr = addr;
    bounce.len = l;
    bounce.owner = mr->owner;
    bounce.as = as;
    object_ref(bounce.owner);
    if (!is_write) {
        /* Device reads happen now, at map time. */
        address_space_read(as, addr, MEMTXATTRS_UNSPECIFIED, bounce_page,
                           (int)l);
    }
    *plen = l;
    return bounce_page;
}

void *address_space_map(AddressSpace *as, hwaddr addr, hwaddr *plen,
                        bool is_write)
{
    hwaddr len = *plen;
    if (len == 0) {
        return NULL;
    }
    if (crosses_2_64(addr, len)) {
        len = 0 - addr; /* nothing lies past 2^64; addr != 0 here */
    }
    const uint8_t want = is_write ? FR_DIRECT_WRITE : FR_DIRECT_READ;
    mc_rcu_lock();
    const FlatView *view;
    hwaddr l;
    Translation t;
    MemoryRegion *mr;
    for (;;) {
        view = as_view(as);
        l = len;
        mr = translate_internal(view, addr, &l, is_write, &t);
        /* Watched memory goes through the bounce buffer, whose read at
         * map and write-back at unmap the watchpoints see. */
        if (!(t.direct & want) || (t.direct & FR_WATCHED)) {
            void *p = map_bounce(as, addr, l, mr, is_write, plen);
            mc_rcu_unlock();
            return p;
        }
        /* The mapping keeps the RAM block until unmap, even past the
         * region's destroy.  A region destroyed since this view was read
         * is in no newer view: map what the address space shows now. */
        if (likely(ramblock_map_get(mr->ram_block))) {
            break;
        }
    }
    if (!mr->ram && t.piece && l > t.piece) {
        l = t.piece;
    }
    hwaddr base = t.xlat, done = 0;
    for (;;) {
        len -= l;
        addr += l;
        done += l;
        if (len == 0) {
            break;
        }
        l = len;
        Translation next;
        MemoryRegion *this = translate_internal(view, addr, &l, is_write,
                                                &next);
        if (this != mr || next.xlat != base + done ||
            !(next.direct & want) || (next.direct & FR_WATCHED)) {
            break;
        }
        if (!this->ram && next.piece && l > next.piece) {
            l = next.piece;
        }
    }
    memory_region_ref(mr);
    *plen = done;
    void *ptr = region_host(mr, base);
    maps_add(ptr, done, mr->ram_block, is_write);
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
    (void)as;
    if (buffer != bounce_page) {
        DirectMap *e = maps_take(buffer, len, is_write);
        if (!e) {
            mc_misuse(__func__, "%p was not returned by address_space_map "
                      "(or is unmapped already)", buffer);
            return;
        }
        RAMBlock *b = e->block;
        mc_rcu_lock();
        /* The mapping keeps its block, even after its region was
         * destroyed (then nothing is marked dirty: no region). */
        MemoryRegion *mr = MC_LOAD(b->mr);
        if (mr && is_write) {
            /* Only what the mapping covers (as the bounce path does);
             * set_dirty_masked also keeps to the block. */
            invalidate_and_set_dirty(mr, (hwaddr)(e->ptr - b->host),
                                     MC_MIN(access_len, e->len));
        }
        Object *owner = b->owner;
        bool mapped = ramblock_map_put(b);
        mc_rcu_unlock();
        free(e);
        if (!mapped) {
            mc_misuse(__func__, "%p: its RAM block holds no mapping",
                      buffer);
            return;
        }
        /* The mapping's reference keeps the owner alive until here;
         * dropping it outside the read section lets a finalizer do
         * anything. */
        object_unref(owner);
        return;
    }
    if (!atomic_load_explicit(&bounce.in_use, memory_order_relaxed)) {
        mc_misuse(__func__, "the bounce buffer is not mapped");
        return;
    }
    if (is_write) {
        /* Device writes happen now, and only for what was written. */
        address_space_write(bounce.as, bounce.addr, MEMTXATTRS_UNSPECIFIED,
                            bounce_page, (int)MC_MIN(access_len,
                                                     bounce.len));
    }
    Object *owner = bounce.owner;
    atomic_store_explicit(&bounce.in_use, false, memory_order_release);
    object_unref(owner);
    notify_map_clients();
}

void *cpu_register_map_client(void *opaque, void (*callback)(void *opaque))
{
    if (!atomic_load_explicit(&bounce.in_use, memory_order_acquire)) {
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
    if (!atomic_load_explicit(&bounce.in_use, memory_order_acquire)) {
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
