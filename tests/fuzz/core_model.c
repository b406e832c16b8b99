/*
 * tests/fuzz/core_model.c — the reference model behind fuzz_core (see
 * core_model.h).  Every rule here is one of memcore/SEMANTICS.md's, named
 * in the comment next to it; when fuzz_core reports a difference, either
 * memcore or this file misreads the spec.
 */
#include "core_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#define TWO_64 ((cm_i128)1 << 64)

/* ---- Tree ------------------------------------------------------------------ */

static bool terminates(enum cm_kind k)
{
    return k == CM_RAM || k == CM_ROM || k == CM_IO;
}

/* "Containers, priorities and sibling order": priority descending, the
 * most recently inserted first among equals. */
static unsigned children(const CmModel *m, int c, int *out)
{
    unsigned n = 0;
    for (int s = 0; s < CM_SLOTS; s++) {
        if (m->r[s].kind == CM_NONE || m->r[s].container != c) {
            continue;
        }
        unsigned i = n++;
        while (i > 0) {
            const CmRegion *p = &m->r[out[i - 1]], *q = &m->r[s];
            if (p->priority > q->priority ||
                (p->priority == q->priority && p->seq > q->seq)) {
                break;
            }
            out[i] = out[i - 1];
            i--;
        }
        out[i] = s;
    }
    return n;
}

bool cm_reaches(const CmModel *m, int from, int to)
{
    if (from == to) {
        return true;
    }
    const CmRegion *r = &m->r[from];
    if (r->kind == CM_ALIAS && cm_reaches(m, r->alias, to)) {
        return true;
    }
    for (int s = 0; s < CM_SLOTS; s++) {
        if (m->r[s].kind != CM_NONE && m->r[s].container == from &&
            cm_reaches(m, s, to)) {
            return true;
        }
    }
    return false;
}

void cm_add(CmModel *m, int container, int sub, uint64_t addr, int32_t prio)
{
    CmRegion *r = &m->r[sub];
    r->container = container;
    r->addr = addr;
    r->priority = prio;
    r->seq = ++m->seq;
}

void cm_del(CmModel *m, int sub)
{
    m->r[sub].container = -1;
}

/* "Mutators": set_address of a mapped region deletes and re-inserts it,
 * so it becomes the newest among its equals. */
void cm_set_address(CmModel *m, int s, uint64_t addr)
{
    CmRegion *r = &m->r[s];
    if (r->addr == addr) {
        return;
    }
    r->addr = addr;
    if (r->container >= 0) {
        r->seq = ++m->seq;
    }
}

/* ---- Ownership of one address ("The painter rule") ------------------------ */

typedef struct Hit {
    int slot;
    uint64_t off;
    bool readonly;
} Hit;

/*
 * Who owns @addr inside region @s whose container starts at @base: a
 * disabled region owns nothing and hides nothing; an address outside the
 * region's extent is not its (this check at every level is the clipping
 * by every ancestor and alias); an alias puts its target's offset
 * alias_offset at its own start, the target's own addr cancelled;
 * children first in list order, the region's own content last;
 * readonly is ORed down the path.
 */
static bool owner(const CmModel *m, int s, cm_i128 base, uint64_t addr,
                  bool ro, Hit *h)
{
    const CmRegion *r = &m->r[s];
    if (r->kind == CM_NONE || !r->enabled) {
        return false;
    }
    cm_i128 b = base + r->addr, a = addr;
    if (a < b || a >= b + (cm_i128)r->size) {
        return false;
    }
    ro = ro || r->readonly;
    if (r->kind == CM_ALIAS) {
        const CmRegion *t = &m->r[r->alias];
        return owner(m, r->alias, b - (cm_i128)r->alias_offset - t->addr,
                     addr, ro, h);
    }
    int kids[CM_SLOTS];
    unsigned nk = children(m, s, kids);
    for (unsigned i = 0; i < nk; i++) {
        if (owner(m, kids[i], b, addr, ro, h)) {
            return true;
        }
    }
    if (!terminates(r->kind)) {
        return false;
    }
    h->slot = s;
    h->off = (uint64_t)(a - b);
    h->readonly = ro;
    return true;
}

/* ---- Views -------------------------------------------------------------- */

typedef struct Edges {
    unsigned n, cap;
    cm_i128 *e;
} Edges;

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fprintf(stderr, "core_model: out of memory\n");
        abort();
    }
    return p;
}

static void edge(Edges *e, cm_i128 x)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->e = xrealloc(e->e, e->cap * sizeof(*e->e));
    }
    e->e[e->n++] = x;
}

/* Every edge of every region the walk reaches, clipped as rendering
 * clips: ownership can only change at these. */
static void edges(const CmModel *m, int s, cm_i128 base, cm_i128 lo,
                  cm_i128 hi, Edges *e)
{
    const CmRegion *r = &m->r[s];
    if (r->kind == CM_NONE || !r->enabled) {
        return;
    }
    cm_i128 b = base + r->addr, end = b + (cm_i128)r->size;
    if (b > lo) {
        lo = b;
    }
    if (end < hi) {
        hi = end;
    }
    if (lo >= hi) {
        return;
    }
    edge(e, lo);
    edge(e, hi);
    if (r->kind == CM_ALIAS) {
        edges(m, r->alias,
              b - (cm_i128)r->alias_offset - m->r[r->alias].addr, lo, hi, e);
        return;
    }
    for (int c = 0; c < CM_SLOTS; c++) {
        if (m->r[c].kind != CM_NONE && m->r[c].container == s) {
            edges(m, c, b, lo, hi, e);
        }
    }
}

static int cmp_i128(const void *a, const void *b)
{
    cm_i128 x = *(const cm_i128 *)a, y = *(const cm_i128 *)b;
    return x < y ? -1 : x > y;
}

/* "Simplification": neighbours merge when they are the same region at
 * contiguous offsets with the same flags. */
static bool merges(const CmRange *p, const CmRange *q)
{
    return p->slot == q->slot && p->last + 1 == q->start &&
           (cm_u128)p->off + (p->last - p->start) + 1 == q->off &&
           p->readonly == q->readonly;
}

void cm_render(const CmModel *m, int root, CmView *v)
{
    Edges e = { 0 };
    edge(&e, 0);
    edges(m, root, 0, 0, TWO_64, &e);
    qsort(e.e, e.n, sizeof(*e.e), cmp_i128);
    v->n = 0;
    for (unsigned i = 0; i < e.n; i++) {
        cm_i128 start = e.e[i];
        if (start >= TWO_64 || (i > 0 && start == e.e[i - 1])) {
            continue;
        }
        cm_i128 end = TWO_64;
        for (unsigned j = i + 1; j < e.n; j++) {
            if (e.e[j] > start) {
                end = e.e[j];
                break;
            }
        }
        Hit h;
        if (!owner(m, root, 0, (uint64_t)start, false, &h)) {
            continue;
        }
        const CmRegion *r = &m->r[h.slot];
        CmRange q = {
            .start = (uint64_t)start,
            .last = (uint64_t)(end - 1),
            .slot = h.slot,
            .off = h.off,
            .readonly = h.readonly,
            /* "Access path": direct means RAM (reads) and RAM whose own
             * readonly flag is clear (writes). */
            .direct_read = r->kind == CM_RAM || r->kind == CM_ROM,
            .direct_write = (r->kind == CM_RAM || r->kind == CM_ROM) &&
                            !r->readonly,
        };
        if (v->n > 0 && merges(&v->r[v->n - 1], &q)) {
            v->r[v->n - 1].last = q.last;
            continue;
        }
        if (v->n == v->cap) {
            v->cap = v->cap ? v->cap * 2 : 16;
            v->r = xrealloc(v->r, v->cap * sizeof(*v->r));
        }
        v->r[v->n++] = q;
    }
    free(e.e);
}

void cm_view_free(CmView *v)
{
    free(v->r);
    v->r = NULL;
    v->n = v->cap = 0;
}

const CmRange *cm_view_find(const CmView *v, uint64_t addr)
{
    for (unsigned i = 0; i < v->n; i++) {
        if (v->r[i].start <= addr && addr <= v->r[i].last) {
            return &v->r[i];
        }
    }
    return NULL;
}

/* ---- Accesses -------------------------------------------------------------- */

uint8_t cm_device_byte(int slot, unsigned gen, uint64_t off)
{
    return (uint8_t)(off * 0x9d + (off >> 8) * 0x3b + (off >> 56) +
                     (unsigned)slot * 0x11 + gen * 0x47 + 0x5a);
}

/* "Access size": the MMIO chunk for @l bytes left at region offset @off. */
static unsigned access_size(unsigned valid_max, bool unaligned, uint64_t off,
                            unsigned l)
{
    unsigned max = valid_max ? valid_max : 4;
    if (!unaligned && off != 0 && (off & -off) < max) {
        max = (unsigned)(off & -off);
    }
    if (l > max) {
        l = max;
    }
    unsigned p = 1;
    while (p * 2 <= l) {
        p *= 2;
    }
    return p;
}

/*
 * One MMIO chunk of @n bytes at @off of device @s ("Validity",
 * "Splitting and widening", "Endianness"): refused (no call, zeros) when
 * unaligned or too big; else calls of min(n, impl.max) bytes in
 * ascending order, each value the chunk's bytes in the device's order.
 */
static unsigned dispatch(const CmModel *m, int s, uint64_t off,
                         uint8_t *bytes, unsigned n, bool is_write,
                         CmCalls *calls)
{
    const CmRegion *r = &m->r[s];
    if ((!r->io.unaligned && (off & (n - 1))) ||
        (r->io.valid_max && n > r->io.valid_max)) {
        if (!is_write) {
            memset(bytes, 0, n);
        }
        return MEMTX_DECODE_ERROR;
    }
    unsigned as = r->io.impl_max ? r->io.impl_max : 4;
    if (as > n) {
        as = n;
    }
    for (unsigned k = 0; k < n; k += as) {
        uint64_t val = 0;
        for (unsigned j = 0; j < as; j++) {
            uint8_t byte;
            if (is_write) {
                byte = bytes[k + j];
            } else {
                byte = cm_device_byte(s, r->gen, off + k + j);
                bytes[k + j] = byte;
            }
            if (r->io.big_endian) {
                val = val << 8 | byte;
            } else {
                val |= (uint64_t)byte << (8 * j);
            }
        }
        if (calls->n == CM_MAX_CALLS) {
            fprintf(stderr, "core_model: more than %d device calls\n",
                    CM_MAX_CALLS);
            abort();
        }
        calls->c[calls->n++] = (CmCall){ s, r->gen, off + k, as, is_write,
                                         val };
    }
    return MEMTX_OK;
}

static bool crosses_2_64(uint64_t addr, unsigned len)
{
    return (cm_u128)addr + len > ((cm_u128)1 << 64);
}

/* "address_space_rw": direct RAM bytes are copied; a write to RAM whose
 * own readonly flag is set is dropped with a decode error (ROM writes
 * fail); anything else goes in MMIO chunks, unassigned space through the
 * unassigned ops (valid any size up to 4, aligned), and the chunk is
 * sized by the bytes left, not by the region's end. */
unsigned cm_rw(CmModel *m, const CmView *v, uint64_t addr, uint8_t *buf,
               unsigned len, bool is_write, CmCalls *calls)
{
    unsigned res = MEMTX_OK;
    if (len == 0) {
        return res;
    }
    if (crosses_2_64(addr, len)) {
        if (!is_write) {
            memset(buf, 0, len);
        }
        return MEMTX_DECODE_ERROR;
    }
    for (unsigned i = 0; i < len;) {
        uint64_t pos = addr + i;
        unsigned rem = len - i, n;
        const CmRange *r = cm_view_find(v, pos);
        if (!r) {
            n = access_size(0, false, pos, rem > 8 ? 8 : rem);
            if (!is_write) {
                memset(buf + i, 0, n);
            }
            res |= MEMTX_DECODE_ERROR;
            i += n;
            continue;
        }
        CmRegion *reg = &m->r[r->slot];
        uint64_t off = r->off + (pos - r->start);
        if (r->direct_read) {
            if (!is_write) {
                buf[i] = reg->shadow[off];
            } else if (r->direct_write) {
                reg->shadow[off] = buf[i];
            } else {
                res |= MEMTX_DECODE_ERROR;
            }
            i++;
            continue;
        }
        n = access_size(reg->io.valid_max, reg->io.unaligned, off,
                        rem > 8 ? 8 : rem);
        res |= dispatch(m, r->slot, off, buf + i, n, is_write, calls);
        i += n;
    }
    return res;
}

/* "Dispatch pieces": the end of the piece of range @r holding @pos (a
 * head up to the first page boundary, a body of whole pages, a tail). */
static cm_u128 piece_end(const CmRange *r, uint64_t pos)
{
    cm_u128 s = r->start, e = (cm_u128)r->last + 1;
    if (s % CM_PAGE) {
        cm_u128 h = (s / CM_PAGE + 1) * CM_PAGE;
        if (h > e) {
            h = e;
        }
        if (pos < h) {
            return h;
        }
        s = h;
    }
    cm_u128 b = s + (e - s) / CM_PAGE * CM_PAGE;
    return pos < b ? b : e;
}

/* "ld/st": one translation; direct when the piece holds all @n bytes,
 * else the whole access is one MMIO dispatch to the first region (RAM:
 * unassigned ops, decode error). */
static unsigned ldst(CmModel *m, const CmView *v, uint64_t addr, unsigned n,
                     uint8_t *bytes, bool is_write, CmCalls *calls)
{
    if (crosses_2_64(addr, n)) {
        memset(bytes, 0, n);
        return MEMTX_DECODE_ERROR;
    }
    const CmRange *r = cm_view_find(v, addr);
    if (!r) {
        memset(bytes, 0, n);
        return MEMTX_DECODE_ERROR;
    }
    CmRegion *reg = &m->r[r->slot];
    uint64_t off = r->off + (addr - r->start);
    if (r->direct_read) {
        bool whole = piece_end(r, addr) - addr >= n;
        if (!whole || (is_write && !r->direct_write)) {
            memset(bytes, 0, n);
            return MEMTX_DECODE_ERROR;
        }
        if (is_write) {
            memcpy(reg->shadow + off, bytes, n);
        } else {
            memcpy(bytes, reg->shadow + off, n);
        }
        return MEMTX_OK;
    }
    return dispatch(m, r->slot, off, bytes, n, is_write, calls);
}

unsigned cm_ld(CmModel *m, const CmView *v, uint64_t addr, unsigned n,
               bool big_endian, uint64_t *value, CmCalls *calls)
{
    uint8_t bytes[8];
    unsigned res = ldst(m, v, addr, n, bytes, false, calls);
    uint64_t val = 0;
    for (unsigned j = 0; j < n; j++) {
        if (big_endian) {
            val = val << 8 | bytes[j];
        } else {
            val |= (uint64_t)bytes[j] << (8 * j);
        }
    }
    *value = val;
    return res;
}

unsigned cm_st(CmModel *m, const CmView *v, uint64_t addr, unsigned n,
               bool big_endian, uint64_t value, CmCalls *calls)
{
    uint8_t bytes[8];
    for (unsigned j = 0; j < n; j++) {
        unsigned sh = big_endian ? 8 * (n - 1 - j) : 8 * j;
        bytes[j] = (uint8_t)(value >> sh);
    }
    return ldst(m, v, addr, n, bytes, true, calls);
}

/* "write_rom": RAM and ROM bytes are copied, readonly or not; anything
 * else is skipped by one access size of its region (unassigned space by
 * the unassigned ops'), without a device call. */
void cm_write_rom(CmModel *m, const CmView *v, uint64_t addr,
                  const uint8_t *buf, unsigned len)
{
    if (len == 0 || crosses_2_64(addr, len)) {
        return;
    }
    for (unsigned i = 0; i < len;) {
        uint64_t pos = addr + i;
        unsigned rem = len - i > 8 ? 8 : len - i;
        const CmRange *r = cm_view_find(v, pos);
        if (!r) {
            i += access_size(0, false, pos, rem);
            continue;
        }
        CmRegion *reg = &m->r[r->slot];
        uint64_t off = r->off + (pos - r->start);
        if (r->direct_read) {
            reg->shadow[off] = buf[i++];
            continue;
        }
        i += access_size(reg->io.valid_max, reg->io.unaligned, off, rem);
    }
}

/* "memory_region_find": the lowest range of the view that meets
 * [addr, addr + size), clipped to it. */
bool cm_find(const CmView *v, uint64_t addr, cm_u128 size, CmRange *out)
{
    cm_u128 end = (cm_u128)addr + size;
    if (end > (cm_u128)1 << 64) {
        end = (cm_u128)1 << 64;
    }
    for (unsigned i = 0; i < v->n; i++) {
        const CmRange *r = &v->r[i];
        if ((cm_u128)r->last + 1 <= addr || r->start >= end) {
            continue;
        }
        *out = *r;
        if (r->start < addr) {
            out->start = addr;
            out->off = r->off + (addr - r->start);
        }
        if ((cm_u128)r->last >= end) {
            out->last = (uint64_t)(end - 1);
        }
        return true;
    }
    return false;
}

/* "Translate": the terminal region (-1: unassigned), the offset in it, and
 * the length: clamped to the dispatch piece for RAM, to 2^64 always. */
int cm_translate(const CmView *v, uint64_t addr, uint64_t *xlat,
                 uint64_t *len)
{
    if ((cm_u128)addr + *len > ((cm_u128)1 << 64)) {
        *len = 0 - addr;
    }
    const CmRange *r = cm_view_find(v, addr);
    if (!r) {
        *xlat = addr;
        return -1;
    }
    *xlat = r->off + (addr - r->start);
    if (r->direct_read) {
        cm_u128 pl = piece_end(r, addr) - addr;
        if (*len > pl) {
            *len = (uint64_t)pl;
        }
    }
    return r->slot;
}

/* "address_space_access_valid": walked as address_space_rw walks;
 * direct pieces are valid, other chunks as "Validity" says (unassigned
 * space and writes to ROM never are). */
bool cm_access_valid(const CmModel *m, const CmView *v, uint64_t addr,
                     unsigned len, bool is_write)
{
    if (len == 0) {
        return true;
    }
    if (crosses_2_64(addr, len)) {
        return false;
    }
    for (unsigned i = 0; i < len;) {
        uint64_t pos = addr + i;
        unsigned rem = len - i > 8 ? 8 : len - i;
        const CmRange *r = cm_view_find(v, pos);
        if (!r) {
            return false;
        }
        const CmRegion *reg = &m->r[r->slot];
        uint64_t off = r->off + (pos - r->start);
        if (r->direct_read) {
            if (is_write && !r->direct_write) {
                return false;
            }
            i++;
            continue;
        }
        unsigned n = access_size(reg->io.valid_max, reg->io.unaligned, off,
                                 rem);
        if ((!reg->io.unaligned && (off & (n - 1))) ||
            (reg->io.valid_max && n > reg->io.valid_max)) {
            return false;
        }
        i += n;
    }
    return true;
}

/* "Map, unmap and the bounce buffer": a direct first piece extends over
 * the following ranges of the same region at contiguous offsets; else
 * the bounce buffer, at most one page (and, for RAM, its piece). */
int cm_map(const CmView *v, uint64_t addr, uint64_t len, bool is_write,
           uint64_t *off, uint64_t *plen)
{
    if (len == 0) {
        *plen = 0;
        return CM_MAP_NULL;
    }
    if ((cm_u128)addr + len > ((cm_u128)1 << 64)) {
        len = 0 - addr;
    }
    const CmRange *r = cm_view_find(v, addr);
    if (r && (is_write ? r->direct_write : r->direct_read)) {
        *off = r->off + (addr - r->start);
        cm_u128 cover = (cm_u128)r->last - addr + 1;
        for (const CmRange *n = r + 1; n < v->r + v->n && cover < len; n++) {
            const CmRange *p = n - 1;
            if (n->start != p->last + 1 || n->slot != r->slot ||
                n->off != p->off + (p->last - p->start) + 1) {
                break;
            }
            cover += (cm_u128)n->last - n->start + 1;
        }
        *plen = cover < len ? (uint64_t)cover : len;
        return CM_MAP_DIRECT;
    }
    uint64_t l = len < CM_PAGE ? len : CM_PAGE;
    if (r && r->direct_read) {
        cm_u128 pl = piece_end(r, addr) - addr;
        if (l > pl) {
            l = (uint64_t)pl;
        }
    }
    *plen = l;
    return CM_MAP_BOUNCE;
}
