/*
 * rcu.c — the global lock, RCU thread registration, misuse reports and
 * library-wide settings.
 *
 * Readers never need a set-up call: the first read section of a thread
 * registers it with liburcu (memb flavour, read side inlined) and a
 * pthread key unregisters it when the thread exits.  The global lock is
 * recursive so that mutators can take it themselves while an embedder (or
 * an open transaction) already holds it.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

__thread bool mc_rcu_registered __attribute__((tls_model("initial-exec")));
__thread unsigned mc_lock_depth;

static pthread_key_t rcu_key;
static pthread_once_t rcu_key_once = PTHREAD_ONCE_INIT;

static void rcu_thread_exit(void *arg)
{
    (void)arg;
    if (mc_rcu_registered) {
        urcu_memb_unregister_thread();
        mc_rcu_registered = false;
    }
}

static void rcu_key_create(void)
{
    if (pthread_key_create(&rcu_key, rcu_thread_exit) != 0) {
        fprintf(stderr, "memcore: cannot create the RCU thread key\n");
        abort();
    }
}

void mc_rcu_register_self(void)
{
    pthread_once(&rcu_key_once, rcu_key_create);
    urcu_memb_register_thread();
    mc_rcu_registered = true;
    /* Any non-NULL value makes the destructor run at thread exit. */
    pthread_setspecific(rcu_key, (void *)1);
}

#if defined(__SANITIZE_THREAD__)
char mc_tsan_grace;

struct tsan_deferred {
    struct rcu_head rcu;
    struct rcu_head *head;
    void (*func)(struct rcu_head *head);
};

static void tsan_deferred_run(struct rcu_head *rcu)
{
    struct tsan_deferred *d = caa_container_of(rcu, struct tsan_deferred,
                                               rcu);
    __tsan_acquire(&mc_tsan_grace);
    d->func(d->head);
    free(d);
}
#endif

void mc_call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
    if (unlikely(!mc_rcu_registered)) {
        mc_rcu_register_self();
    }
#if defined(__SANITIZE_THREAD__)
    struct tsan_deferred *d = mc_malloc0(sizeof(*d));
    d->head = head;
    d->func = func;
    __tsan_release(&mc_tsan_grace);
    urcu_memb_call_rcu(&d->rcu, tsan_deferred_run);
#else
    urcu_memb_call_rcu(head, func);
#endif
}

void memcore_rcu_read_lock(void)
{
    mc_rcu_lock();
}

void memcore_rcu_read_unlock(void)
{
    mc_rcu_unlock();
}

void memcore_rcu_barrier(void)
{
    if (unlikely(!mc_rcu_registered)) {
        mc_rcu_register_self();
    }
    /* A callback may retire further objects (a view drops the last
     * reference of a region whose RAM is then retired): drain twice. */
    urcu_memb_barrier();
    urcu_memb_barrier();
}

/* ---- Global lock ---------------------------------------------------------- */

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

/* ---- Misuse ---------------------------------------------------------------- */

static void (*misuse_handler)(const char *msg);

void memcore_set_misuse_handler(void (*handler)(const char *msg))
{
    misuse_handler = handler;
}

void mc_misuse(const char *func, const char *fmt, ...)
{
    char msg[512];
    int n = snprintf(msg, sizeof(msg), "%s: ", func);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < sizeof(msg)) {
        vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
    }
    va_end(ap);
    if (misuse_handler) {
        misuse_handler(msg);
        return;
    }
    fprintf(stderr, "memcore: %s\n", msg);
    abort();
}

/* ---- Settings ---------------------------------------------------------------- */

bool mc_target_big_endian;
void (*mc_code_invalidate_hook)(ram_addr_t start, ram_addr_t len);
void (*mc_unassigned_hook)(hwaddr addr, bool is_write, unsigned size);

void memcore_set_target_big_endian(bool big)
{
    mc_target_big_endian = big;
}

bool memcore_target_big_endian(void)
{
    return mc_target_big_endian;
}

void memcore_set_code_invalidate_hook(void (*hook)(ram_addr_t, ram_addr_t))
{
    mc_code_invalidate_hook = hook;
}

void memcore_set_unassigned_access_hook(void (*hook)(hwaddr, bool, unsigned))
{
    mc_unassigned_hook = hook;
}

void *mc_malloc0(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p) {
        fprintf(stderr, "memcore: out of memory (%zu bytes)\n", size);
        abort();
    }
    return p;
}

void *mc_realloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q) {
        fprintf(stderr, "memcore: out of memory (%zu bytes)\n", size);
        abort();
    }
    return q;
}

char *mc_strdup(const char *s)
{
    if (!s) {
        return NULL;
    }
    char *d = strdup(s);
    if (!d) {
        fprintf(stderr, "memcore: out of memory\n");
        abort();
    }
    return d;
}
