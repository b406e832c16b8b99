/*
 * server/kernel.h — --kernel FILE: put a guest program into memory.
 */
#ifndef SERVER_KERNEL_H
#define SERVER_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include <memcore/memory.h>

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

#endif /* SERVER_KERNEL_H */
