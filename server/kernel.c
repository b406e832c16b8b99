/*
 * server/kernel.c — --kernel FILE (see kernel.h).
 *
 * Loading goes through cpu_physical_memory_write_rom(), the loader path
 * of the memory API, so the boot ROM can be replaced as well as RAM.
 * That call skips anything that is not RAM or ROM without a word, so
 * every range is first checked with address_space_translate().
 *
 * A board with "kernel-entry" (the built-in virt: 0x1018) boots as QEMU's
 * riscv virt machine does: the harts reset into the boot ROM, which loads
 * the start address from that slot and jumps there; kernel_boot() writes
 * the entry point into the slot.  Memory is not reset, so system_reset
 * goes through the ROM to the same entry again.
 */
#include "kernel.h"
#include "file_read.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool fail(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool fail(char **err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(err, fmt, ap) < 0) {
        *err = NULL;
    }
    va_end(ap);
    return false;
}

/* Whether every byte of [addr, addr+len) is RAM or ROM in @as. */
static bool range_is_memory(AddressSpace *as, uint64_t addr, uint64_t len)
{
    bool ok = true;

    memcore_rcu_read_lock();
    while (len && ok) {
        hwaddr xlat, l = len;
        MemoryRegion *mr = address_space_translate(as, addr, &xlat, &l,
                                                   false);

        if (!mr || !memory_region_is_ram(mr) || l == 0) {
            ok = false;
            break;
        }
        if (l > len) {
            l = len;
        }
        addr += l;
        len -= l;
        if (addr == 0 && len) {
            ok = false;  /* wrapped past 2^64 */
        }
    }
    memcore_rcu_read_unlock();
    return ok;
}

/* Copy @len bytes in chunks (the API takes an int length). */
static void write_rom(AddressSpace *as, uint64_t addr, const uint8_t *buf,
                      uint64_t len)
{
    while (len) {
        int chunk = len > (1u << 30) ? 1 << 30 : (int)len;

        cpu_physical_memory_write_rom(as, addr, buf, chunk);
        addr += (uint64_t)chunk;
        buf += chunk;
        len -= (uint64_t)chunk;
    }
}

static bool zero_fill(AddressSpace *as, uint64_t addr, uint64_t len)
{
    static const uint8_t zeros[4096];

    while (len) {
        uint64_t n = len < sizeof(zeros) ? len : sizeof(zeros);

        write_rom(as, addr, zeros, n);
        addr += n;
        len -= n;
    }
    return true;
}

typedef struct Segment {
    uint64_t paddr, offset, filesz, memsz;
} Segment;

static bool load_elf(AddressSpace *as, const char *file, const uint8_t *img,
                     size_t size, uint64_t *entry, char **err)
{
    bool is64 = img[EI_CLASS] == ELFCLASS64;
    uint64_t phoff, phnum, phentsize;
    Segment *segs;
    size_t nsegs = 0;
    bool ok = true;

    if (img[EI_DATA] != ELFDATA2LSB) {
        return fail(err, "%s: only little-endian ELF files are supported",
                    file);
    }
    if (is64) {
        const Elf64_Ehdr *eh = (const void *)img;

        if (size < sizeof(*eh)) {
            return fail(err, "%s: truncated ELF header", file);
        }
        phoff = eh->e_phoff;
        phnum = eh->e_phnum;
        phentsize = eh->e_phentsize;
        *entry = eh->e_entry;
        if (phnum && phentsize < sizeof(Elf64_Phdr)) {
            return fail(err, "%s: bad program header size", file);
        }
    } else {
        const Elf32_Ehdr *eh = (const void *)img;

        if (size < sizeof(*eh)) {
            return fail(err, "%s: truncated ELF header", file);
        }
        phoff = eh->e_phoff;
        phnum = eh->e_phnum;
        phentsize = eh->e_phentsize;
        *entry = eh->e_entry;
        if (phnum && phentsize < sizeof(Elf32_Phdr)) {
            return fail(err, "%s: bad program header size", file);
        }
    }
    if (phoff > size || phnum * phentsize > size - phoff) {
        return fail(err, "%s: program headers lie outside the file", file);
    }
    segs = calloc(phnum + 1, sizeof(*segs));
    if (!segs) {
        return fail(err, "%s: out of memory", file);
    }
    /* Check every segment before writing any, so a bad file loads nothing. */
    for (uint64_t i = 0; i < phnum && ok; i++) {
        const uint8_t *ph = img + phoff + i * phentsize;
        Segment s;
        uint32_t type;

        if (is64) {
            const Elf64_Phdr *p = (const void *)ph;

            type = p->p_type;
            s = (Segment) { p->p_paddr, p->p_offset, p->p_filesz, p->p_memsz };
        } else {
            const Elf32_Phdr *p = (const void *)ph;

            type = p->p_type;
            s = (Segment) { p->p_paddr, p->p_offset, p->p_filesz, p->p_memsz };
        }
        if (type != PT_LOAD || s.memsz == 0) {
            continue;
        }
        if (s.filesz > s.memsz || s.offset > size ||
            s.filesz > size - s.offset) {
            ok = fail(err, "%s: segment %" PRIu64 " lies outside the file",
                      file, i);
        } else if (!range_is_memory(as, s.paddr, s.memsz)) {
            ok = fail(err, "%s: segment %" PRIu64 " (0x%" PRIx64 "-0x%"
                      PRIx64 ") is not in RAM or ROM", file, i, s.paddr,
                      s.paddr + s.memsz - 1);
        } else {
            segs[nsegs++] = s;
        }
    }
    for (size_t i = 0; ok && i < nsegs; i++) {
        write_rom(as, segs[i].paddr, img + segs[i].offset, segs[i].filesz);
        zero_fill(as, segs[i].paddr + segs[i].filesz,
                  segs[i].memsz - segs[i].filesz);
    }
    free(segs);
    return ok;
}

/* The lowest-addressed RAM range of @as holding @len bytes. */
static bool find_ram(AddressSpace *as, uint64_t len, uint64_t *addr)
{
    FlatView *view = address_space_get_flatview(as);
    MemoryRegionSection sec;
    bool found = false;

    for (unsigned i = 0; view && flatview_get_range(view, i, &sec); i++) {
        if (sec.mr && memory_region_is_ram(sec.mr) && !sec.readonly &&
            sec.size >= (Int128)len) {
            *addr = sec.offset_within_address_space;
            found = true;
            break;
        }
    }
    if (view) {
        flatview_unref(view);
    }
    return found;
}

bool kernel_load(AddressSpace *as, const char *file, uint64_t *entry,
                 char **err)
{
    uint8_t *img = NULL;
    size_t size = 0;
    uintmax_t file_size = 0;
    const char *what = NULL;
    int e = 0;
    bool ok;

    *err = NULL;
    switch (read_regular_file(file, KERNEL_FILE_MAX, &img, &size, &e, &what,
                              &file_size)) {
    case READ_FILE_OK:
        break;
    case READ_FILE_ERRNO:
        return fail(err, "cannot read %s: %s", file, strerror(e));
    case READ_FILE_NOT_REGULAR:
        return fail(err, "cannot read %s: it is %s, not a regular file",
                    file, what);
    case READ_FILE_TOO_BIG:
        return fail(err, "%s has %ju bytes, more than the limit of %zu "
                    "(1 GiB)", file, file_size, KERNEL_FILE_MAX);
    case READ_FILE_NO_MEMORY:
        return fail(err, "%s: out of memory", file);
    }

    if (size >= EI_NIDENT && memcmp(img, ELFMAG, SELFMAG) == 0) {
        ok = load_elf(as, file, img, size, entry, err);
    } else if (size == 0) {
        ok = fail(err, "%s is empty", file);
    } else if (!find_ram(as, size, entry)) {
        ok = fail(err, "%s: no RAM range holds its %zu bytes", file, size);
    } else {
        write_rom(as, *entry, img, size);
        ok = true;
    }
    free(img);
    return ok;
}

bool kernel_boot(Board *b, const char *file, uint64_t *entry, bool *stored,
                 char **err)
{
    BoardAS *as = board_default_as(b);
    uint8_t slot[8];

    *err = NULL;
    *stored = false;
    if (!as) {
        return fail(err, "the board has no address space");
    }
    /* The board checker placed the slot in RAM or ROM of each CPU address
     * space; check again against what memcore built before loading. */
    for (size_t n = 0; b->has_kernel_entry &&
                       (as = board_cpu_as(b, n)) != NULL; n++) {
        if (!range_is_memory(&as->as, b->kernel_entry, sizeof(slot))) {
            return fail(err, "kernel-entry 0x%" PRIx64 " is not in RAM or "
                        "ROM of address space \"%s\"", b->kernel_entry,
                        as->name);
        }
    }
    if (!kernel_load(&board_default_as(b)->as, file, entry, err)) {
        return false;
    }
    if (!b->has_kernel_entry) {
        return true;
    }
    for (int i = 0; i < 8; i++) {
        slot[i] = (uint8_t)(*entry >> (8 * i));
    }
    for (size_t n = 0; (as = board_cpu_as(b, n)) != NULL; n++) {
        write_rom(&as->as, b->kernel_entry, slot, sizeof(slot));
    }
    *stored = true;
    return true;
}
