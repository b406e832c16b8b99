/*
 * web/memaccess.c — guest memory for the REST endpoint, with the first
 * failing address.
 *
 * address_space_read says that something failed, not where, and goes on
 * past the failure.  Here an access is cut into pieces along the current
 * flat view: RAM (and ROM, for reads) in one copy per range, everything
 * else in naturally aligned accesses of at most 8 bytes, as a device
 * would see them anyway.  An access that is all RAM (ROM) is first tried
 * as one memcore access, so that it sees a single layout.  The first piece that fails stops the access and
 * names its address, so a read never returns bytes it did not read and a
 * write stops where memory does.  Nothing takes memcore's global lock:
 * the view is a reference-counted snapshot and every piece is an
 * ordinary RCU-protected access (MEMTXATTRS_UNSPECIFIED, as the monitor's
 * `xp` and `st*`: gdb watchpoints see them).
 */
#include "internal.h"

#include <memcore/memcore.h>

/* The range of @v that holds @a, or false when nothing does. */
static bool range_at(const FlatView *v, uint64_t a, FlatRangeInfo *r)
{
    unsigned i = flatview_find_range(v, a);

    return flatview_get_range_info(v, i, r) && r->start <= a;
}

bool web_mem_check(AddressSpace *as, uint64_t addr, uint64_t len,
                   bool is_write, uint64_t *bad)
{
    FlatView *v;
    uint64_t a = addr;
    bool ok = true;

    if (!len) {
        return true;
    }
    v = address_space_get_flatview(as);
    for (;;) {
        FlatRangeInfo r;

        if (!range_at(v, a, &r) || (is_write && r.readonly)) {
            *bad = a;
            ok = false;
            break;
        }
        /* Done when the range reaches the last byte (no overflow: the
         * caller made sure addr + len - 1 does not pass 2^64). */
        if (r.last >= addr + (len - 1)) {
            break;
        }
        a = r.last + 1;
    }
    flatview_unref(v);
    return ok;
}

/* Is [addr, addr + len) all memory that @v copies directly (RAM, and ROM
 * for reads)?  Then one access reads or writes it with no side effect. */
static bool all_direct(const FlatView *v, uint64_t addr, size_t len,
                       bool is_write)
{
    uint64_t a = addr;

    for (;;) {
        FlatRangeInfo r;

        if (!range_at(v, a, &r) ||
            !(is_write ? r.direct_write : r.direct_read)) {
            return false;
        }
        if (r.last >= addr + (len - 1)) {
            return true;
        }
        a = r.last + 1;
    }
}

MemTxResult web_mem_rw(AddressSpace *as, uint64_t addr, uint8_t *buf,
                       size_t len, bool is_write, uint64_t *fail)
{
    FlatView *v = address_space_get_flatview(as);
    MemTxResult res = MEMTX_OK;
    size_t done = 0;

    /* One memcore access sees one layout; pieces could each see another
     * while a transaction commits in between (a torn read, which
     * tests/load found).  So memory without side effects goes in one
     * access; only when that fails (the layout changed into a hole since
     * the snapshot) is it cut into pieces to find the failing address. */
    if (len && len <= (1u << 30) && all_direct(v, addr, len, is_write) &&
        address_space_rw(as, addr, MEMTXATTRS_UNSPECIFIED, buf, (int)len,
                         is_write) == MEMTX_OK) {
        flatview_unref(v);
        return MEMTX_OK;
    }
    while (done < len) {
        uint64_t a = addr + done;
        uint64_t piece = len - done;
        FlatRangeInfo r;

        if (!range_at(v, a, &r)) {
            /* A hole: nothing to access, the answer is known. */
            res = MEMTX_DECODE_ERROR;
            *fail = a;
            break;
        }
        if (piece - 1 > r.last - a) {
            piece = r.last - a + 1;
        }
        if (!(is_write ? r.direct_write : r.direct_read)) {
            uint64_t unit = 8 - (a & 7);
            if (piece > unit) {
                piece = unit;
            }
        }
        /* A flat range may exceed what an int holds. */
        if (piece > (1u << 30)) {
            piece = 1u << 30;
        }
        res = address_space_rw(as, a, MEMTXATTRS_UNSPECIFIED, buf + done,
                               (int)piece, is_write);
        if (res != MEMTX_OK) {
            *fail = a;
            break;
        }
        done += (size_t)piece;
    }
    flatview_unref(v);
    return res;
}
