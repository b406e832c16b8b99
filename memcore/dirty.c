/*
 * dirty.c — dirty logging (SEMANTICS.md, Dirty logging): one bitmap per
 * client over ram_addr space
 * at target-page granularity, the region-level API, and the listener
 * callbacks that logging changes produce.
 *
 * Bitmaps are split in chunks of 2^21 pages allocated on first use and
 * never moved or freed, so readers and writers on any thread use them
 * without locks; every bit operation is atomic.
 */
#include "internal.h"

#include <stdio.h>

#define CHUNK_PAGES_BITS 21
#define CHUNK_PAGES (1ULL << CHUNK_PAGES_BITS)
#define CHUNK_WORDS (CHUNK_PAGES / 64)
#define MAX_CHUNKS 8192 /* 2^34 pages: 64 TiB of ram_addr space */

static _Atomic(uint64_t *) chunks[DIRTY_MEMORY_NUM][MAX_CHUNKS];

bool mc_global_dirty_log;

static uint64_t *chunk_get(unsigned client, uint64_t idx, bool create)
{
    if (idx >= MAX_CHUNKS) {
        return NULL;
    }
    uint64_t *c = atomic_load_explicit(&chunks[client][idx],
                                       memory_order_acquire);
    if (c || !create) {
        return c;
    }
    uint64_t *fresh = calloc(CHUNK_WORDS, sizeof(uint64_t));
    if (!fresh) {
        fprintf(stderr, "memcore: out of memory for a dirty bitmap\n");
        abort();
    }
    uint64_t *expected = NULL;
    if (!atomic_compare_exchange_strong(&chunks[client][idx], &expected,
                                        fresh)) {
        free(fresh);
        return expected;
    }
    return fresh;
}

/* Walk the pages [first, end) of @client in word-sized pieces; @op gets
 * the word and the mask of pages inside it.  Returns true when @op did. */
typedef bool (*word_op)(_Atomic uint64_t *word, uint64_t mask);

static bool for_each_word(unsigned client, uint64_t first, uint64_t end,
                          bool create, word_op op, bool stop_on_true)
{
    bool any = false;
    for (uint64_t page = first; page < end;) {
        uint64_t chunk = page >> CHUNK_PAGES_BITS;
        uint64_t in_chunk = page & (CHUNK_PAGES - 1);
        uint64_t *c = chunk_get(client, chunk, create);
        uint64_t chunk_end = MC_MIN(end, (chunk + 1) << CHUNK_PAGES_BITS);
        if (!c) {
            page = chunk_end; /* an absent chunk is all clean */
            continue;
        }
        while (page < chunk_end) {
            uint64_t bit = in_chunk & 63;
            uint64_t n = MC_MIN(64 - bit, chunk_end - page);
            uint64_t mask = (n == 64 ? UINT64_MAX : ((1ULL << n) - 1)) << bit;
            if (op((_Atomic uint64_t *)&c[in_chunk / 64], mask)) {
                any = true;
                if (stop_on_true) {
                    return true;
                }
            }
            page += n;
            in_chunk += n;
        }
    }
    return any;
}

static bool op_set(_Atomic uint64_t *w, uint64_t mask)
{
    if ((atomic_load_explicit(w, memory_order_relaxed) & mask) != mask) {
        atomic_fetch_or(w, mask);
    }
    return false;
}

static bool op_clear(_Atomic uint64_t *w, uint64_t mask)
{
    return (atomic_fetch_and(w, ~mask) & mask) != 0;
}

static bool op_test(_Atomic uint64_t *w, uint64_t mask)
{
    return (atomic_load(w) & mask) != 0;
}

static bool op_not_all(_Atomic uint64_t *w, uint64_t mask)
{
    return (atomic_load(w) & mask) != mask;
}

static void page_range(ram_addr_t start, ram_addr_t len, uint64_t *first,
                       uint64_t *end)
{
    *first = start >> TARGET_PAGE_BITS;
    u128 e = ((u128)start + len + TARGET_PAGE_SIZE - 1) >> TARGET_PAGE_BITS;
    *end = (uint64_t)e;
}

void dirty_set_range(ram_addr_t start, ram_addr_t len, unsigned mask)
{
    uint64_t first, end;
    page_range(start, len, &first, &end);
    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        if (mask & (1u << c)) {
            for_each_word(c, first, end, true, op_set, false);
        }
    }
}

void dirty_clear_range(ram_addr_t start, ram_addr_t len, unsigned mask)
{
    uint64_t first, end;
    page_range(start, len, &first, &end);
    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        if (mask & (1u << c)) {
            for_each_word(c, first, end, false, op_clear, false);
        }
    }
}

static bool dirty_test(ram_addr_t start, ram_addr_t len, unsigned client)
{
    uint64_t first, end;
    page_range(start, len, &first, &end);
    return for_each_word(client, first, end, false, op_test, true);
}

static bool dirty_all_set(ram_addr_t start, ram_addr_t len, unsigned client)
{
    uint64_t first, end;
    page_range(start, len, &first, &end);
    for (uint64_t page = first; page < end;
         page = ((page >> CHUNK_PAGES_BITS) + 1) << CHUNK_PAGES_BITS) {
        if (!chunk_get(client, page >> CHUNK_PAGES_BITS, false)) {
            return false;
        }
    }
    return !for_each_word(client, first, end, false, op_not_all, true);
}

/* ---- The write path ---------------------------------------------------------- */

uint8_t memory_region_get_dirty_log_mask(MemoryRegion *mr)
{
    uint8_t mask = MC_LOAD(mr->dirty_log_mask);
    if (MC_LOAD(mc_global_dirty_log) && (mr->ram_block || mr->iommu_ops)) {
        /* Only RAM-backed regions and IOMMUs (2.6 logged MMIO too). */
        mask |= 1 << DIRTY_MEMORY_MIGRATION;
    }
    return mask;
}

bool memory_region_is_logging(MemoryRegion *mr, uint8_t client)
{
    return memory_region_get_dirty_log_mask(mr) & (1 << client);
}

/* Clip [*off, *off + *len) to the block's used length: a range that runs
 * past it (an unmap's access_len, a caller's size) must never reach the
 * bitmap bits of the next block's ram_addr slice.  False when nothing is
 * left. */
static bool clip_to_block(const RAMBlock *b, hwaddr *off, hwaddr *len)
{
    ram_addr_t used = MC_LOAD(b->used_length);
    if (*len == 0 || *off >= used) {
        return false;
    }
    *len = MC_MIN(*len, used - *off);
    return true;
}

static void set_dirty_masked(MemoryRegion *mr, hwaddr off, hwaddr len,
                             unsigned mask)
{
    if (!mask || !mr->ram_block || !clip_to_block(mr->ram_block, &off, &len)) {
        return;
    }
    ram_addr_t ra = mr->ram_block->offset + off;
    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        if ((mask & (1u << c)) && dirty_all_set(ra, len, c)) {
            mask &= ~(1u << c); /* nothing new to record */
        }
    }
    if (mask & (1u << DIRTY_MEMORY_CODE)) {
        /* The hook invalidates; the core never sets the CODE bit. */
        void (*hook)(ram_addr_t, ram_addr_t) =
            MC_LOAD(mc_code_invalidate_hook);
        if (hook) {
            hook(ra, len);
        }
        mask &= ~(1u << DIRTY_MEMORY_CODE);
    }
    dirty_set_range(ra, len, mask);
}

void invalidate_and_set_dirty(MemoryRegion *mr, hwaddr off, hwaddr len)
{
    set_dirty_masked(mr, off, len, memory_region_get_dirty_log_mask(mr));
}

void invalidate_and_set_dirty_notcode(MemoryRegion *mr, hwaddr off,
                                      hwaddr len)
{
    set_dirty_masked(mr, off, len,
                     memory_region_get_dirty_log_mask(mr) &
                         ~(1u << DIRTY_MEMORY_CODE));
}

/* ---- Region API ----------------------------------------------------------------- */

bool memory_region_get_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                             unsigned client)
{
    if (!mr->initialized || !mr->ram_block || client >= DIRTY_MEMORY_NUM ||
        !clip_to_block(mr->ram_block, &addr, &size)) {
        return false;
    }
    return dirty_test(mr->ram_block->offset + addr, size, client);
}

void memory_region_set_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size)
{
    if (!mr->initialized) {
        return;
    }
    invalidate_and_set_dirty(mr, addr, size);
}

bool memory_region_test_and_clear_dirty(MemoryRegion *mr, hwaddr addr,
                                        hwaddr size, unsigned client)
{
    if (!mr->initialized || !mr->ram_block || client >= DIRTY_MEMORY_NUM ||
        !clip_to_block(mr->ram_block, &addr, &size)) {
        return false;
    }
    uint64_t first, end;
    page_range(mr->ram_block->offset + addr, size, &first, &end);
    return for_each_word(client, first, end, false, op_clear, false);
}

void memory_region_reset_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                               unsigned client)
{
    if (mr->initialized && mr->ram_block && client < DIRTY_MEMORY_NUM &&
        clip_to_block(mr->ram_block, &addr, &size)) {
        dirty_clear_range(mr->ram_block->offset + addr, size, 1u << client);
    }
}

void memory_region_set_log(MemoryRegion *mr, bool log, unsigned client)
{
    if (client != DIRTY_MEMORY_VGA) {
        mc_misuse(__func__, "only DIRTY_MEMORY_VGA can be set per region");
        return;
    }
    memcore_lock();
    uint8_t old_count = mr->vga_logging_count;
    if (log) {
        mr->vga_logging_count++;
    } else if (mr->vga_logging_count) {
        mr->vga_logging_count--;
    }
    bool was = old_count != 0, now = mr->vga_logging_count != 0;
    if (was != now) {
        memory_region_transaction_begin();
        MC_STORE(mr->dirty_log_mask,
                 mr->dirty_log_mask ^ (1 << DIRTY_MEMORY_VGA));
        if (mr->enabled) {
            mc_topology_pending = true;
            mark_region_extent(mr);
        }
        memory_region_transaction_commit();
    }
    memcore_unlock();
}

void memory_region_sync_dirty_bitmap(MemoryRegion *mr)
{
    memcore_lock();
    for (AddressSpace *as = mc_as_head; as; as = as->as_next) {
        const FlatRange *fr;
        FLATVIEW_FOREACH(as->current_map, fr) {
            if (fr->mr == mr) {
                MemoryRegionSection sec = flatrange_section(fr, as);
                listeners_section(LC_LOG_SYNC, as, &sec, 0, 0);
            }
        }
    }
    memcore_unlock();
}

void address_space_sync_dirty_bitmap(AddressSpace *as)
{
    memcore_lock();
    const FlatRange *fr;
    FLATVIEW_FOREACH(as->current_map, fr) {
        MemoryRegionSection sec = flatrange_section(fr, as);
        listeners_section(LC_LOG_SYNC, as, &sec, 0, 0);
    }
    memcore_unlock();
}

void memory_global_dirty_log_start(void)
{
    memcore_lock();
    if (mc_global_dirty_log) { /* starting twice is a no-op */
        memcore_unlock();
        return;
    }
    MC_STORE(mc_global_dirty_log, true);
    for (MemoryListener *l = mc_listener_head; l; l = l->link_next) {
        if (l->log_global_start) {
            l->log_global_start(l);
        }
    }
    memory_region_transaction_begin();
    mc_topology_pending = true;
    mark_render_all();
    memory_region_transaction_commit();
    memcore_unlock();
}

void memory_global_dirty_log_stop(void)
{
    memcore_lock();
    if (!mc_global_dirty_log) { /* stopping while stopped: a no-op */
        memcore_unlock();
        return;
    }
    MC_STORE(mc_global_dirty_log, false);
    memory_region_transaction_begin();
    mc_topology_pending = true;
    mark_render_all();
    memory_region_transaction_commit();
    for (MemoryListener *l = mc_listener_tail; l; l = l->link_prev) {
        if (l->log_global_stop) {
            l->log_global_stop(l);
        }
    }
    memcore_unlock();
}
