/*
 * settings.c — library-wide settings and hooks an embedder installs once,
 * before building a machine: the target byte order, the CODE dirty
 * client's invalidation hook and the unassigned-access hook.
 *
 * They are read on the access path of every thread, so they are plain
 * words read with relaxed atomic loads: changing one while other threads
 * access memory is allowed, and each access sees the old or the new value.
 */
#include "internal.h"

bool mc_target_big_endian;
void (*mc_code_invalidate_hook)(ram_addr_t start, ram_addr_t len);
void (*mc_unassigned_hook)(hwaddr addr, bool is_write, unsigned size);

void memcore_set_target_big_endian(bool big)
{
    MC_STORE(mc_target_big_endian, big);
}

bool memcore_target_big_endian(void)
{
    return MC_LOAD(mc_target_big_endian);
}

void memcore_set_code_invalidate_hook(void (*hook)(ram_addr_t, ram_addr_t))
{
    MC_STORE(mc_code_invalidate_hook, hook);
}

void memcore_set_unassigned_access_hook(void (*hook)(hwaddr, bool, unsigned))
{
    MC_STORE(mc_unassigned_hook, hook);
}
