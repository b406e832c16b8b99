/*
 * object.c — the QEMU-wide helper types the memory API is written in:
 * owners (Object), Error, Notifier lists and EventNotifier.
 */
#include "internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* ---- Object ------------------------------------------------------------ */

void object_initialize_owner(Object *obj, const char *path,
                             void (*finalize)(Object *obj))
{
    obj->path = path;
    obj->finalize = finalize;
    atomic_store((_Atomic unsigned *)&obj->ref, 1);
}

void object_ref(Object *obj)
{
    if (obj) {
        atomic_fetch_add((_Atomic unsigned *)&obj->ref, 1);
    }
}

void object_unref(Object *obj)
{
    if (!obj) {
        return;
    }
    _Atomic unsigned *ref = (_Atomic unsigned *)&obj->ref;
    unsigned old = atomic_load(ref);
    /* Never below zero: a count that would go there is left at 0. */
    do {
        if (old == 0) {
            mc_misuse(__func__, "reference count of '%s' is already zero",
                      obj->path ? obj->path : "(noname)");
            return;
        }
    } while (!atomic_compare_exchange_weak(ref, &old, old - 1));
    if (old == 1 && obj->finalize) {
        obj->finalize(obj);
    }
}

unsigned object_ref_count(const Object *obj)
{
    return atomic_load((_Atomic unsigned *)&obj->ref);
}

/* ---- Error ------------------------------------------------------------- */

struct Error {
    char *msg;
};

/* Sentinels: their addresses are what callers pass. */
Error *error_abort;
Error *error_fatal;

static void error_store(Error **errp, char *msg)
{
    if (errp == &error_abort || errp == &error_fatal) {
        fprintf(stderr, "memcore: %s\n", msg);
        if (errp == &error_abort) {
            abort();
        }
        exit(1);
    }
    if (!errp || *errp) {
        /* Ignored, or an earlier error is kept (first error wins). */
        free(msg);
        return;
    }
    Error *err = malloc(sizeof(*err));
    if (!err) {
        fprintf(stderr, "memcore: out of memory reporting: %s\n", msg);
        abort();
    }
    err->msg = msg;
    *errp = err;
}

static char *error_vformat(const char *fmt, va_list ap, int os_errno)
{
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0) {
        fprintf(stderr, "memcore: out of memory formatting an error\n");
        abort();
    }
    if (os_errno) {
        char *full = NULL;
        if (asprintf(&full, "%s: %s", msg, strerror(os_errno)) < 0) {
            fprintf(stderr, "memcore: out of memory formatting an error\n");
            abort();
        }
        free(msg);
        msg = full;
    }
    return msg;
}

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, const char *fmt, ...)
{
    (void)src, (void)line, (void)func;
    va_list ap;
    va_start(ap, fmt);
    char *msg = error_vformat(fmt, ap, 0);
    va_end(ap);
    error_store(errp, msg);
}

void error_setg_errno_internal(Error **errp, const char *src, int line,
                               const char *func, int os_errno,
                               const char *fmt, ...)
{
    (void)src, (void)line, (void)func;
    va_list ap;
    va_start(ap, fmt);
    char *msg = error_vformat(fmt, ap, os_errno);
    va_end(ap);
    error_store(errp, msg);
}

const char *error_get_pretty(const Error *err)
{
    return err ? err->msg : "";
}

void error_free(Error *err)
{
    if (err) {
        free(err->msg);
        free(err);
    }
}

void error_propagate(Error **dst_errp, Error *local_err)
{
    if (!local_err) {
        return;
    }
    if (dst_errp == &error_abort || dst_errp == &error_fatal) {
        char *msg = mc_strdup(local_err->msg);
        error_free(local_err);
        error_store(dst_errp, msg);
        return;
    }
    if (!dst_errp || *dst_errp) {
        error_free(local_err);
        return;
    }
    *dst_errp = local_err;
}

void error_report_err(Error *err)
{
    if (err) {
        fprintf(stderr, "memcore: %s\n", err->msg);
        error_free(err);
    }
}

/* ---- Notifier lists ---------------------------------------------------- */

void notifier_list_init(NotifierList *list)
{
    list->head = NULL;
}

void notifier_list_add(NotifierList *list, Notifier *n)
{
    n->next = list->head;
    if (list->head) {
        list->head->pprev = &n->next;
    }
    list->head = n;
    n->pprev = &list->head;
}

void notifier_remove(Notifier *n)
{
    if (!n->pprev) {
        return;
    }
    if (n->next) {
        n->next->pprev = n->pprev;
    }
    *n->pprev = n->next;
    n->next = NULL;
    n->pprev = NULL;
}

void notifier_list_notify(NotifierList *list, void *data)
{
    Notifier *n = list->head;
    while (n) {
        /* The callback may remove itself. */
        Notifier *next = n->next;
        n->notify(n, data);
        n = next;
    }
}

bool notifier_list_empty(NotifierList *list)
{
    return list->head == NULL;
}

/* ---- EventNotifier ------------------------------------------------------ */

int event_notifier_init(EventNotifier *e, int active)
{
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    e->rfd = e->wfd = fd;
    if (active && event_notifier_set(e) < 0) {
        int err = errno;
        close(fd);
        e->rfd = e->wfd = -1;
        return -err;
    }
    return 0;
}

void event_notifier_cleanup(EventNotifier *e)
{
    if (e->rfd >= 0) {
        close(e->rfd);
    }
    if (e->wfd >= 0 && e->wfd != e->rfd) {
        close(e->wfd);
    }
    e->rfd = e->wfd = -1;
}

int event_notifier_set(EventNotifier *e)
{
    uint64_t one = 1;
    ssize_t r;
    do {
        r = write(e->wfd, &one, sizeof(one));
    } while (r < 0 && errno == EINTR);
    /* EAGAIN: the counter is saturated, which still reads as "set". */
    if (r < 0 && errno != EAGAIN) {
        return -errno;
    }
    return 0;
}

int event_notifier_test_and_clear(EventNotifier *e)
{
    uint64_t value = 0;
    ssize_t r;
    do {
        r = read(e->rfd, &value, sizeof(value));
    } while (r < 0 && errno == EINTR);
    return r == sizeof(value) && value != 0;
}

int event_notifier_get_fd(const EventNotifier *e)
{
    return e->rfd;
}
