/*
 * memcore/guest_ram.h — how memcore itself reads and writes guest RAM.
 *
 * Guest RAM is shared memory: a vCPU thread may store to it while a
 * debugger, a monitor command or an HTTP client reads it through
 * address_space_read (or writes it through address_space_write).  A
 * plain memcpy racing with those stores is a data race in C11 (and
 * ThreadSanitizer reports it), so every copy memcore makes to or from a
 * RAM host pointer is done with relaxed atomic accesses: aligned words
 * where the RAM side is aligned, single bytes at the edges.  On the usual
 * hosts these compile to the same plain moves a memcpy makes; what a
 * racing reader gets is some mix of old and new bytes, never undefined
 * behaviour.  vCPU models that store to RAM through its host pointer
 * (memory_region_get_ram_ptr) should use relaxed atomics as well.
 */
#ifndef MEMCORE_GUEST_RAM_H
#define MEMCORE_GUEST_RAM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GUEST_RAM_RELAXED __ATOMIC_RELAXED

/* One access of @n (1, 2, 4 or 8) bytes at @p, host byte order. */
static inline uint64_t guest_ram_load(const uint8_t *p, unsigned n)
{
    if (((uintptr_t)p & (n - 1)) == 0) {
        switch (n) {
        case 1: return __atomic_load_n(p, GUEST_RAM_RELAXED);
        case 2: return __atomic_load_n((const uint16_t *)p, GUEST_RAM_RELAXED);
        case 4: return __atomic_load_n((const uint32_t *)p, GUEST_RAM_RELAXED);
        default: return __atomic_load_n((const uint64_t *)p, GUEST_RAM_RELAXED);
        }
    }
    {
        uint8_t b[8];
        uint16_t v2;
        uint32_t v4;
        uint64_t v8;

        for (unsigned i = 0; i < n; i++) {
            b[i] = __atomic_load_n(p + i, GUEST_RAM_RELAXED);
        }
        switch (n) {
        case 2: memcpy(&v2, b, 2); return v2;
        case 4: memcpy(&v4, b, 4); return v4;
        default: memcpy(&v8, b, 8); return v8;
        }
    }
}

static inline void guest_ram_store(uint8_t *p, unsigned n, uint64_t v)
{
    if (((uintptr_t)p & (n - 1)) == 0) {
        switch (n) {
        case 1: __atomic_store_n(p, (uint8_t)v, GUEST_RAM_RELAXED); return;
        case 2: __atomic_store_n((uint16_t *)p, (uint16_t)v, GUEST_RAM_RELAXED); return;
        case 4: __atomic_store_n((uint32_t *)p, (uint32_t)v, GUEST_RAM_RELAXED); return;
        default: __atomic_store_n((uint64_t *)p, v, GUEST_RAM_RELAXED); return;
        }
    }
    {
        uint8_t b[8];
        uint16_t v2 = (uint16_t)v;
        uint32_t v4 = (uint32_t)v;

        switch (n) {
        case 2: memcpy(b, &v2, 2); break;
        case 4: memcpy(b, &v4, 4); break;
        default: memcpy(b, &v, 8); break;
        }
        for (unsigned i = 0; i < n; i++) {
            __atomic_store_n(p + i, b[i], GUEST_RAM_RELAXED);
        }
    }
}

/* Copy @len bytes of guest RAM at @ram into the caller's @dst. */
static inline void guest_ram_read(void *dst, const uint8_t *ram, size_t len)
{
    uint8_t *d = dst;

    for (; len && ((uintptr_t)ram & 7); len--) {
        *d++ = __atomic_load_n(ram++, GUEST_RAM_RELAXED);
    }
    /* Four words an iteration: atomics are never vectorised, and the
     * unrolled loop keeps a copy from cache near memcpy's speed. */
    for (; len >= 32; len -= 32, ram += 32, d += 32) {
        const uint64_t *w = (const uint64_t *)ram;
        uint64_t v[4] = {
            __atomic_load_n(&w[0], GUEST_RAM_RELAXED),
            __atomic_load_n(&w[1], GUEST_RAM_RELAXED),
            __atomic_load_n(&w[2], GUEST_RAM_RELAXED),
            __atomic_load_n(&w[3], GUEST_RAM_RELAXED),
        };
        memcpy(d, v, 32);
    }
    for (; len >= 8; len -= 8, ram += 8, d += 8) {
        uint64_t w = __atomic_load_n((const uint64_t *)ram, GUEST_RAM_RELAXED);
        memcpy(d, &w, 8);
    }
    for (; len; len--) {
        *d++ = __atomic_load_n(ram++, GUEST_RAM_RELAXED);
    }
}

/* Copy the caller's @len bytes at @src into guest RAM at @ram. */
static inline void guest_ram_write(uint8_t *ram, const void *src, size_t len)
{
    const uint8_t *s = src;

    for (; len && ((uintptr_t)ram & 7); len--) {
        __atomic_store_n(ram++, *s++, GUEST_RAM_RELAXED);
    }
    for (; len >= 32; len -= 32, ram += 32, s += 32) {
        uint64_t *w = (uint64_t *)ram;
        uint64_t v[4];

        memcpy(v, s, 32);
        __atomic_store_n(&w[0], v[0], GUEST_RAM_RELAXED);
        __atomic_store_n(&w[1], v[1], GUEST_RAM_RELAXED);
        __atomic_store_n(&w[2], v[2], GUEST_RAM_RELAXED);
        __atomic_store_n(&w[3], v[3], GUEST_RAM_RELAXED);
    }
    for (; len >= 8; len -= 8, ram += 8, s += 8) {
        uint64_t w;

        memcpy(&w, s, 8);
        __atomic_store_n((uint64_t *)ram, w, GUEST_RAM_RELAXED);
    }
    for (; len; len--) {
        __atomic_store_n(ram++, *s++, GUEST_RAM_RELAXED);
    }
}

#endif /* MEMCORE_GUEST_RAM_H */
