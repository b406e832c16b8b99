/*
 * ramblock.c — RAM blocks: the host memory behind RAM, ROM and ROM-device
 * regions.
 *
 * Anonymous RAM is one mmap() of the maximum size with MAP_NORESERVE, so a
 * 4 GiB region costs nothing until the guest touches it and resizeable
 * RAM never moves.  Each block also owns a slice of ram_addr space (the
 * index of the dirty bitmaps), placed in the smallest gap that fits
 * (SEMANTICS.md, Dirty logging).  Blocks are unmapped only after an RCU
 * grace period, since
 * readers may still copy from them, and only once the last direct
 * address_space_map mapping of a destroyed region is unmapped.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef HUGETLBFS_MAGIC
#define HUGETLBFS_MAGIC 0x958458f6
#endif

/* In ram_addr order.  Changed under the global lock; address_space_unmap
 * walks it under RCU, so links are published with release stores and a
 * block is freed only after a grace period. */
static RAMBlock *blocks;
static RAMBlock *blocks_tail;
/* Bumped (release) whenever a block leaves the list: a thread's hint
 * (ramblock_from_host) is good only while it has not changed. */
static atomic_ulong blocks_removed;
/* Whether a block was ever freed: until then ram_addr space has no holes
 * and a new block simply goes after the last one, in O(1). */
static bool blocks_have_holes;

uint64_t mc_host_page_size(void)
{
    static uint64_t page;
    if (!page) {
        long p = sysconf(_SC_PAGESIZE);
        page = p > 0 ? (uint64_t)p : 4096;
    }
    return page;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Smallest gap between existing blocks that holds @size (best fit). */
/* Blocks start on a 64-page boundary, so each block's dirty bits begin
 * a bitmap word and scans of one block take whole words (as QEMU has done
 * since 2.12). */
#define RAM_OFFSET_ALIGN ((ram_addr_t)64 << TARGET_PAGE_BITS)

static ram_addr_t align_offset(ram_addr_t v)
{
    return (v + RAM_OFFSET_ALIGN - 1) & ~(RAM_OFFSET_ALIGN - 1);
}

static ram_addr_t find_ram_offset(ram_addr_t size)
{
    if (!blocks_have_holes) {
        return blocks_tail ? align_offset(blocks_tail->offset +
                                          blocks_tail->max_length)
                           : 0;
    }
    ram_addr_t best = RAM_ADDR_MAX, best_gap = 0;
    bool found = false;
    ram_addr_t prev_end = 0;
    for (RAMBlock *b = blocks;; b = b->next) {
        ram_addr_t start = align_offset(prev_end);
        ram_addr_t next_start = b ? b->offset : RAM_ADDR_MAX;
        ram_addr_t gap = next_start - start;
        if (next_start >= start && gap >= size &&
            (!found || gap < best_gap)) {
            best = start;
            best_gap = gap;
            found = true;
        }
        if (!b) {
            break;
        }
        prev_end = b->offset + b->max_length;
    }
    return best;
}

static void publish_link(RAMBlock **link, RAMBlock *b)
{
    __atomic_store_n(link, b, __ATOMIC_RELEASE);
}

static void link_block(RAMBlock *nb)
{
    if (!blocks_tail || blocks_tail->offset < nb->offset) {
        nb->next = NULL;
        publish_link(blocks_tail ? &blocks_tail->next : &blocks, nb);
        blocks_tail = nb;
        return;
    }
    RAMBlock **pp = &blocks;
    while (*pp && (*pp)->offset < nb->offset) {
        pp = &(*pp)->next;
    }
    nb->next = *pp;
    publish_link(pp, nb);
}

RAMBlock *ramblock_new(MemoryRegion *mr, uint64_t size, uint64_t max_size,
                       void *host, int fd, uint64_t page_size, bool share,
                       Error **errp)
{
    uint64_t page = MC_MAX(mc_host_page_size(), TARGET_PAGE_SIZE);
    if (page_size > page) {
        page = page_size;
    }
    if (max_size == UINT64_MAX || size == UINT64_MAX) {
        error_setg(errp, "%s: RAM of 2^64 bytes cannot be allocated",
                   mr->name ? mr->name : "(noname)");
        return NULL;
    }
    if (size > UINT64_MAX - (page - 1) ||
        max_size > UINT64_MAX - (page - 1)) {
        /* Rounded up to whole pages it would pass 2^64: never map less.
         * Caller memory is not rounded, but its dirty bitmaps and its
         * slice of ram_addr space are kept in whole pages too, and their
         * round-up would wrap the same way. */
        error_setg(errp, "%s: RAM of 0x%" PRIx64 " bytes cannot be %s "
                   "(rounded up to 0x%" PRIx64 "-byte pages it passes 2^64)",
                   mr->name ? mr->name : "(noname)", MC_MAX(size, max_size),
                   host ? "backed" : "mapped", page);
        return NULL;
    }
    if (host && size && size - 1 > UINTPTR_MAX - (uintptr_t)host) {
        /* Caller memory that would end past the host's address space:
         * it cannot exist. */
        error_setg(errp, "%s: caller memory of 0x%" PRIx64 " bytes at %p "
                   "runs past the end of the host address space",
                   mr->name ? mr->name : "(noname)", size, host);
        return NULL;
    }
    RAMBlock *b = mc_malloc0(sizeof(*b));
    b->mr = mr;
    b->owner = mr->owner;
    atomic_init(&b->users, 1);
    b->fd = fd;
    b->page_size = page;
    b->idstr = mc_strdup(mr->name ? mr->name : "(noname)");
    if (host) {
        /* Caller memory: exactly what was given, never rounded. */
        b->host = host;
        b->caller_memory = true;
        b->used_length = b->max_length = size;
    } else {
        b->used_length = align_up(size, page);
        b->max_length = align_up(max_size, page);
        if (b->max_length == 0) {
            b->max_length = page; /* a zero-sized region still has a block */
        }
        if (fd >= 0) {
            b->host = mmap(NULL, b->max_length, PROT_READ | PROT_WRITE,
                           share ? MAP_SHARED : MAP_PRIVATE,
                           fd, 0);
        } else {
            b->host = mmap(NULL, b->max_length, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        }
        if (b->host == MAP_FAILED) {
            error_setg_errno(errp, errno, "cannot map 0x%" PRIx64
                             " bytes of RAM for '%s'", b->max_length,
                             b->idstr);
            free(b->idstr);
            free(b);
            return NULL;
        }
    }
    memcore_lock();
    b->offset = find_ram_offset(MC_MAX(b->max_length, (ram_addr_t)1));
    link_block(b);
    memcore_unlock();
    /* A new block is dirty for every client (as in QEMU). */
    dirty_set_range(b->offset, b->used_length, DIRTY_CLIENTS_ALL);
    return b;
}

static void ramblock_rcu_free(McRcu *d)
{
    RAMBlock *b = caa_container_of(d, RAMBlock, rcu);
    if (!b->caller_memory) {
        munmap(b->host, b->max_length);
    }
    if (b->fd >= 0) {
        close(b->fd);
    }
    free(b->idstr);
    free(b);
}

/* Take @block off the list (global lock held); it is freed after a grace
 * period, since address_space_unmap may be walking the list. */
static void ramblock_unlink(RAMBlock *block)
{
    RAMBlock *prev = NULL;
    for (RAMBlock **pp = &blocks; *pp; prev = *pp, pp = &(*pp)->next) {
        if (*pp == block) {
            /* block->next stays intact: a reader standing on @block
             * still finds the rest of the list. */
            publish_link(pp, block->next);
            if (blocks_tail == block) {
                blocks_tail = prev;
            }
            break;
        }
    }
    blocks_have_holes = true;
    atomic_fetch_add_explicit(&blocks_removed, 1, memory_order_release);
    mc_call_rcu(&block->rcu, ramblock_rcu_free);
}

/* The last unmap after the region's destroy: unlinking needs the global
 * lock, which unmap never takes, so an RCU callback does it. */
static void ramblock_unlink_rcu(McRcu *d)
{
    RAMBlock *b = caa_container_of(d, RAMBlock, rcu);
    memcore_lock();
    ramblock_unlink(b);
    memcore_unlock();
}

void ramblock_release(RAMBlock *block)
{
    memcore_lock();
    /* Unmap marks nothing dirty for a destroyed region, and lookups by
     * ram_addr no longer find it; its memory stays until the last
     * mapping is gone. */
    MC_STORE(block->mr, NULL);
    if (atomic_fetch_and(&block->users, ~(uint_fast64_t)1) == 1) {
        ramblock_unlink(block);
    }
    memcore_unlock();
}

bool ramblock_map_get(RAMBlock *block)
{
    uint_fast64_t u = atomic_load(&block->users);
    do {
        if (!(u & 1)) {
            return false; /* retiring: a read section keeps it readable */
        }
    } while (!atomic_compare_exchange_weak(&block->users, &u, u + 2));
    return true;
}

bool ramblock_map_put(RAMBlock *block)
{
    uint_fast64_t u = atomic_load(&block->users);
    do {
        if (u < 2) {
            return false;
        }
    } while (!atomic_compare_exchange_weak(&block->users, &u, u - 2));
    if (u == 2) {
        mc_call_rcu(&block->rcu, ramblock_unlink_rcu);
    }
    return true;
}

/* Each thread's last answer: DMA unmaps the block it mapped last. */
static __thread struct {
    const uint8_t *start, *end;
    RAMBlock *block;
    unsigned long removed; /* blocks_removed when it was found */
} host_hint;

static bool block_mapped(RAMBlock *b)
{
    return atomic_load_explicit(&b->users, memory_order_relaxed) >= 2;
}

RAMBlock *ramblock_from_host(const void *ptr, hwaddr *offset)
{
    const uint8_t *p = ptr;
    unsigned long removed = atomic_load_explicit(&blocks_removed,
                                                 memory_order_acquire);
    if (host_hint.block && host_hint.removed == removed &&
        p >= host_hint.start && p < host_hint.end &&
        block_mapped(host_hint.block)) {
        *offset = (hwaddr)(p - host_hint.start);
        return host_hint.block;
    }
    /* Blocks of caller memory may overlap: prefer one with a mapping. */
    RAMBlock *found = NULL;
    for (RAMBlock *b = __atomic_load_n(&blocks, __ATOMIC_ACQUIRE); b;
         b = __atomic_load_n(&b->next, __ATOMIC_ACQUIRE)) {
        if (p >= b->host && (size_t)(p - b->host) < b->max_length) {
            if (!found) {
                found = b;
            }
            if (block_mapped(b)) {
                found = b;
                break;
            }
        }
    }
    if (found) {
        *offset = (hwaddr)(p - found->host);
        host_hint.start = found->host;
        host_hint.end = found->host + found->max_length;
        host_hint.block = found;
        host_hint.removed = removed;
    }
    return found;
}

void *qemu_get_ram_ptr(RAMBlock *ram_block, ram_addr_t addr)
{
    RAMBlock *b = ram_block;
    if (!b) {
        memcore_lock();
        for (b = blocks; b; b = b->next) {
            if (b->mr && addr >= b->offset &&
                addr - b->offset < b->max_length) {
                break;
            }
        }
        memcore_unlock();
    }
    if (!b || addr < b->offset || addr - b->offset >= b->max_length) {
        return NULL;
    }
    return b->host + (addr - b->offset);
}

int qemu_ram_foreach_block_info(int (*fn)(const RAMBlockInfo *info,
                                          void *opaque),
                                void *opaque)
{
    int ret = 0;
    memcore_lock();
    for (RAMBlock *b = blocks; b && !ret; b = b->next) {
        if (!b->mr) {
            continue; /* destroyed, kept only by a mapping */
        }
        RAMBlockInfo info = {
            .idstr = b->idstr,
            .mr = b->mr,
            .page_size = b->page_size,
            .offset = b->offset,
            .used_length = b->used_length,
            .max_length = b->max_length,
            .host = b->host,
        };
        ret = fn(&info, opaque);
    }
    memcore_unlock();
    return ret;
}

/* ---- Resize ------------------------------------------------------------------ */

void memory_region_ram_resize(MemoryRegion *mr, ram_addr_t newsize,
                              Error **errp)
{
    /* Whether @mr is alive, and its block, are read under the lock that
     * memory_region_destroy holds: a destroyed region's block may already
     * be freed (or, with a mapping outstanding, be kept only for it). */
    memcore_lock();
    if (!mr->initialized) {
        memcore_unlock();
        mc_misuse(__func__, "region is not initialised (or destroyed)");
        return;
    }
    RAMBlock *b = mr->ram_block;
    if (!b) {
        memcore_unlock();
        error_setg(errp, "%s: not a RAM region", mr->name ? mr->name
                                                         : "(noname)");
        return;
    }
    if (newsize > UINT64_MAX - (b->page_size - 1)) {
        memcore_unlock();
        error_setg_errno(errp, EINVAL, "Length too large: %s: 0x%" PRIx64
                         " > 0x%" PRIx64, b->idstr, newsize, b->max_length);
        return;
    }
    ram_addr_t aligned = align_up(newsize, b->page_size);
    if (aligned == b->used_length) {
        if (newsize != memory_region_size(mr)) {
            memory_region_set_size(mr, newsize);
            memcore_unlock();
            if (b->resized) {
                b->resized(b->idstr, newsize, b->host);
            }
            return;
        }
        memcore_unlock();
        return;
    }
    if (!b->resizeable) {
        memcore_unlock();
        error_setg_errno(errp, EINVAL, "Length mismatch: %s: 0x%" PRIx64
                         " in != 0x%" PRIx64, b->idstr, newsize,
                         b->used_length);
        return;
    }
    if (aligned > b->max_length) {
        memcore_unlock();
        error_setg_errno(errp, EINVAL, "Length too large: %s: 0x%" PRIx64
                         " > 0x%" PRIx64, b->idstr, newsize, b->max_length);
        return;
    }
    dirty_clear_range(b->offset, b->used_length, DIRTY_CLIENTS_ALL);
    MC_STORE(b->used_length, aligned);
    dirty_set_range(b->offset, b->used_length, DIRTY_CLIENTS_ALL);
    memory_region_set_size(mr, newsize);
    memcore_unlock();
    /* After the topology update (depth 0 here unless the caller has a
     * transaction open, in which case the listeners run later). */
    if (b->resized) {
        b->resized(b->idstr, newsize, b->host);
    }
}

/* ---- RAM from a file: an existing non-empty file is never resized ---------- */

static int open_backing(const char *path, const char *name, bool *created,
                        Error **errp)
{
    for (;;) {
        int fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd >= 0) {
            struct stat st;
            if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
                close(fd);
            } else {
                *created = false;
                return fd;
            }
        } else if (errno == ENOENT) {
            fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            if (fd >= 0) {
                *created = true;
                return fd;
            }
            if (errno == EEXIST || errno == EINTR) {
                continue;
            }
            error_setg_errno(errp, errno, "cannot create backing file %s",
                             path);
            return -1;
        } else if (errno == EINTR) {
            continue;
        } else if (errno != EISDIR) {
            error_setg_errno(errp, errno, "cannot open backing file %s", path);
            return -1;
        }
        /* A directory: an unlinked temporary file inside it. */
        char *sanitized = mc_strdup(name ? name : "noname");
        for (char *c = sanitized; *c; c++) {
            if (*c == '/') {
                *c = '_';
            }
        }
        char *tmpl = NULL;
        if (asprintf(&tmpl, "%s/qemu_back_mem.%s.XXXXXX", path, sanitized) <
            0) {
            free(sanitized);
            error_setg(errp, "out of memory");
            return -1;
        }
        free(sanitized);
        fd = mkostemp(tmpl, O_CLOEXEC);
        if (fd >= 0) {
            unlink(tmpl);
            free(tmpl);
            *created = false;
            return fd;
        }
        int err = errno;
        free(tmpl);
        if (err == EINTR || err == EEXIST) {
            continue;
        }
        error_setg_errno(errp, err, "cannot create a backing file in %s",
                         path);
        return -1;
    }
}

void memory_region_init_ram_from_file(MemoryRegion *mr, Object *owner,
                                      const char *name, uint64_t size,
                                      bool share, const char *path,
                                      Error **errp)
{
    memory_region_init(mr, owner, name, size);
    mr->terminates = true;
    bool created = false;
    int fd = open_backing(path, name, &created, errp);
    if (fd < 0) {
        mr_init_failed(mr);
        return;
    }
    uint64_t page = mc_host_page_size();
    struct statfs fs;
    if (fstatfs(fd, &fs) == 0 && (unsigned long)fs.f_type == HUGETLBFS_MAGIC) {
        page = (uint64_t)fs.f_bsize;
    }
    const char *err_fmt = NULL;
    struct stat st;
    if (size > UINT64_MAX - (page - 1)) {
        err_fmt = "size 0x%" PRIx64 " passes 2^64 when rounded up to pages";
    } else if (size < page) {
        err_fmt = "size 0x%" PRIx64 " is smaller than the page size";
    } else if (fstat(fd, &st) != 0) {
        err_fmt = "cannot stat the backing file (size 0x%" PRIx64 ")";
    }
    uint64_t rounded = align_up(size, page);
    if (!err_fmt) {
        if (st.st_size == 0) {
            if (ftruncate(fd, (off_t)rounded) != 0) {
                /* QEMU ignores this failure; mmap will then fail. */
            }
        } else if ((uint64_t)st.st_size < rounded) {
            err_fmt = "backing file is smaller than the size 0x%" PRIx64;
        }
    }
    if (err_fmt) {
        error_setg(errp, err_fmt, size);
        close(fd);
        if (created) {
            unlink(path);
        }
        mr_init_failed(mr);
        return;
    }
    mr->ram = true;
    Error *err = NULL;
    mr->ram_block = ramblock_new(mr, rounded, rounded, NULL, fd, page, share,
                                 &err);
    if (!mr->ram_block) {
        close(fd);
        if (created) {
            unlink(path);
        }
        mr_init_failed(mr);
        error_propagate(errp, err);
        return;
    }
}
