/*
 * rcu.c — RCU for the access path: thread registration, read sections,
 * deferred frees and the barrier.
 *
 * Readers never need a set-up call: the first read section of a thread
 * registers it with liburcu (memb flavour, read side inlined).  liburcu
 * itself may have registered the thread already — its call_rcu worker,
 * on which owners' finalizers run, or an embedder's own reader thread —
 * so registration asks liburcu first and only registers threads it does
 * not know; those, and only those, are unregistered by a pthread key
 * destructor when the thread exits.
 *
 * Everything memcore frees after a grace period goes through one
 * trampoline (McRcu): it counts outstanding callbacks, so that the
 * barrier can also wait for what callbacks retire in turn (a view drops
 * the last reference of an owner whose finalizer destroys a region,
 * which retires that region's RAM), and under ThreadSanitizer it tells
 * the tool that the grace period orders readers before the free.
 */
#include "internal.h"

#include <urcu/call-rcu.h>

__thread bool mc_rcu_registered __attribute__((tls_model("initial-exec")));
/* memcore registered this thread itself (so it unregisters it at exit). */
static __thread bool rcu_registered_by_us;

static pthread_key_t rcu_key;
static pthread_once_t rcu_key_once = PTHREAD_ONCE_INIT;

static void rcu_thread_exit(void *arg)
{
    (void)arg;
    if (rcu_registered_by_us) {
        urcu_memb_unregister_thread();
        rcu_registered_by_us = false;
    }
    mc_rcu_registered = false;
}

static void rcu_key_create(void)
{
    if (pthread_key_create(&rcu_key, rcu_thread_exit) != 0) {
        mc_fatal("cannot create the RCU thread key");
    }
}

void mc_rcu_register_self(void)
{
    if (URCU_TLS(urcu_memb_reader).registered) {
        mc_rcu_registered = true;
        return;
    }
    pthread_once(&rcu_key_once, rcu_key_create);
    urcu_memb_register_thread();
    rcu_registered_by_us = true;
    mc_rcu_registered = true;
    /* Any non-NULL value makes the destructor run at thread exit. */
    pthread_setspecific(rcu_key, (void *)1);
}

void memcore_rcu_read_lock(void)
{
    mc_rcu_lock();
}

void memcore_rcu_read_unlock(void)
{
    mc_rcu_unlock();
}

/* ---- Deferred frees ------------------------------------------------------ */

/* Callbacks queued and not yet finished. */
static atomic_ulong rcu_pending;

#if defined(__SANITIZE_THREAD__)
char mc_tsan_grace;
/* Callbacks done happen before memcore_rcu_barrier() returns: liburcu's
 * own barrier is invisible to TSan. */
static char mc_tsan_callbacks_done;
#endif

static void rcu_trampoline(struct rcu_head *head)
{
    McRcu *d = caa_container_of(head, McRcu, head);
#if defined(__SANITIZE_THREAD__)
    __tsan_acquire(&mc_tsan_grace);
#endif
    d->func(d);
#if defined(__SANITIZE_THREAD__)
    __tsan_release(&mc_tsan_callbacks_done);
#endif
    atomic_fetch_sub(&rcu_pending, 1);
}

void mc_call_rcu(McRcu *d, void (*func)(McRcu *d))
{
    if (unlikely(!mc_rcu_registered)) {
        mc_rcu_register_self();
    }
    d->func = func;
    atomic_fetch_add(&rcu_pending, 1);
#if defined(__SANITIZE_THREAD__)
    __tsan_release(&mc_tsan_grace);
#endif
    urcu_memb_call_rcu(&d->head, rcu_trampoline);
}

/* Whether this thread is liburcu's call_rcu worker, i.e. runs callbacks. */
static bool on_rcu_worker(void)
{
    struct call_rcu_data *crdp = urcu_memb_get_thread_call_rcu_data();
    return crdp && pthread_equal(urcu_memb_get_call_rcu_thread(crdp),
                                 pthread_self());
}

/* Callbacks may queue callbacks: a few rounds drain any real chain; the
 * bound keeps the barrier finite while other threads keep retiring. */
#define BARRIER_MAX_ROUNDS 64

void memcore_rcu_barrier(void)
{
    if (unlikely(!mc_rcu_registered)) {
        mc_rcu_register_self();
    }
    if (on_rcu_worker()) {
        mc_misuse(__func__, "called from an RCU callback (an owner's "
                  "finalizer?): it would wait for itself");
        return;
    }
    if (urcu_memb_read_ongoing()) {
        mc_misuse(__func__, "called inside a read section");
        return;
    }
    if (memcore_lock_held()) {
        mc_misuse(__func__, "called with the global lock held: a "
                  "finalizer that needs it would deadlock");
        return;
    }
    for (int round = 0; round < BARRIER_MAX_ROUNDS; round++) {
        urcu_memb_barrier();
        if (atomic_load(&rcu_pending) == 0) {
            break;
        }
    }
#if defined(__SANITIZE_THREAD__)
    __tsan_acquire(&mc_tsan_callbacks_done);
#endif
}
