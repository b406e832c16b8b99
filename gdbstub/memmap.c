/*
 * gdbstub/memmap.c — the memory map gdb gets through
 * qXfer:memory-map:read, built from the current FlatView.
 *
 * gdb drops a map whose entries overlap and, once it has a map, refuses
 * any address outside it without asking and any write to a "rom" entry.
 * A FlatView's ranges are disjoint and sorted by construction, so listing
 * them (merged where adjacent and of the same kind) keeps both promises;
 * everything the guest can reach is listed, I/O included (as "ram": gdb
 * has no better word, and `x` on a device register must work).
 *
 * The stub builds the document afresh whenever gdb starts reading it
 * (offset 0), so a map read after a topology change shows the change.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static GdbMemKind range_kind(const MemoryRegionSection *s)
{
    MemoryRegion *mr = s->mr;

    /* A ROM device in MMIO mode is shown as the guest sees it: i/o. */
    if (s->readonly || memory_region_is_rom(mr) ||
        memory_region_is_romd(mr)) {
        return GDB_MEM_ROM;
    }
    return memory_region_is_ram(mr) ? GDB_MEM_RAM : GDB_MEM_IO;
}

GdbMemRange *gdb_memory_ranges(AddressSpace *as, size_t *n)
{
    FlatView *view = address_space_get_flatview(as);
    unsigned nr = view ? flatview_nr_ranges(view) : 0;
    GdbMemRange *r = nr ? calloc(nr, sizeof(*r)) : NULL;
    size_t k = 0;

    *n = 0;
    if (!r) {
        if (view) {
            flatview_unref(view);
        }
        return NULL;
    }
    for (unsigned i = 0; i < nr; i++) {
        MemoryRegionSection s;
        Int128 end;
        uint64_t start, len;
        GdbMemKind kind;

        if (!flatview_get_range(view, i, &s) || !s.mr ||
            !int128_nz(s.size)) {
            continue;
        }
        start = s.offset_within_address_space;
        end = int128_add(int128_make64(start), s.size);
        if (int128_gt(end, int128_2_64())) {
            end = int128_2_64();
        }
        if (int128_eq(end, int128_2_64())) {
            /* gdb's lengths are 64-bit: the last byte cannot be said */
            end = int128_sub(end, int128_one());
        }
        if (int128_le(end, int128_make64(start))) {
            continue;
        }
        len = int128_get64(int128_sub(end, int128_make64(start)));
        kind = range_kind(&s);
        if (k && r[k - 1].kind == kind &&
            r[k - 1].start + r[k - 1].len == start) {
            r[k - 1].len += len;
            continue;
        }
        r[k].start = start;
        r[k].len = len;
        r[k].kind = kind;
        k++;
    }
    flatview_unref(view);
    if (!k) {
        free(r);
        return NULL;
    }
    *n = k;
    return r;
}

char *gdb_memory_map_xml(AddressSpace *as, size_t *len)
{
    size_t n;
    GdbMemRange *r = gdb_memory_ranges(as, &n);
    char *doc = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&doc, &size);

    if (!f) {
        free(r);
        return NULL;
    }
    fputs("<?xml version=\"1.0\"?>\n"
          "<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB Memory Map "
          "V1.0//EN\" \"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n"
          "<memory-map>\n", f);
    for (size_t i = 0; i < n;) {
        bool rom = r[i].kind == GDB_MEM_ROM;
        uint64_t start = r[i].start, len = r[i].len;

        /* RAM next to I/O: both are "ram" to gdb, one entry */
        for (i++; i < n && (r[i].kind == GDB_MEM_ROM) == rom &&
                  start + len == r[i].start; i++) {
            len += r[i].len;
        }
        fprintf(f, "<memory type=\"%s\" start=\"0x%" PRIx64 "\" "
                "length=\"0x%" PRIx64 "\"/>\n",
                rom ? "rom" : "ram", start, len);
    }
    fputs("</memory-map>\n", f);
    free(r);
    if (fclose(f) != 0) {
        free(doc);
        return NULL;
    }
    *len = size;
    return doc;
}
