/*
 * lock.c — memcore's global lock (QEMU's "big lock").
 *
 * One recursive mutex serialises every topology change.  It is recursive
 * so that a mutator can take it itself while an embedder, an open
 * transaction or a device callback of a region with global locking
 * already holds it.  Readers never take it: they run under RCU (rcu.c).
 */
#include "internal.h"

__thread unsigned mc_lock_depth;

static pthread_mutex_t big_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

void memcore_lock(void)
{
    pthread_mutex_lock(&big_lock);
    mc_lock_depth++;
}

void memcore_unlock(void)
{
    if (mc_lock_depth == 0) {
        mc_misuse(__func__, "the global lock is not held by this thread");
        return;
    }
    mc_lock_depth--;
    pthread_mutex_unlock(&big_lock);
}

bool memcore_lock_held(void)
{
    return mc_lock_depth > 0;
}
