/*
 * server/kernel.h — --kernel FILE: put a guest program into memory and
 * tell the board's boot ROM where it starts.
 */
#ifndef SERVER_KERNEL_H
#define SERVER_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include <memcore/memory.h>

#include "board.h"

/* The largest --kernel file: it is read whole before it is loaded, and
 * must be a regular file (file_read.h). */
#define KERNEL_FILE_MAX ((size_t)1 << 30)

/*
 * kernel_load: load @file into @as.
 *
 * An ELF file (32- or 64-bit, little-endian) has each PT_LOAD segment
 * copied to its physical address (p_paddr), the part beyond p_filesz
 * zeroed; *@entry is e_entry.  Anything else is a raw image, copied to
 * the start of the lowest-addressed RAM range of @as big enough to hold
 * it; *@entry is that address.  Every byte must land in RAM or ROM.
 * Returns false with a malloc'ed message in *@err.
 */
bool kernel_load(AddressSpace *as, const char *file, uint64_t *entry,
                 char **err);

/*
 * kernel_boot: --kernel @file on the built board @b.  kernel_load() into
 * board_default_as(); then, when the board has "kernel-entry", *@entry is
 * stored at that address as 8 little-endian bytes in every CPU address
 * space (board_cpu_as()), after the program's own bytes, so that the
 * boot ROM, which loads it from there, jumps to it — at start and after
 * every reset — and *@stored is true.  Without the key *@stored is false
 * and the caller makes *@entry the harts' reset pc.
 * Returns false with a malloc'ed message in *@err.
 */
bool kernel_boot(Board *b, const char *file, uint64_t *entry, bool *stored,
                 char **err);

#endif /* SERVER_KERNEL_H */
