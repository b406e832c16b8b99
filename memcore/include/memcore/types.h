/*
 * memcore/types.h — the small types the memory API is written in.
 *
 * QEMU's memory.h leans on a handful of QEMU-wide types (hwaddr, Int128,
 * Object, Error, Notifier, EventNotifier, ...).  An embedder porting a
 * device model expects them under the same names, so they live here with
 * just enough behaviour to serve the memory API.  Nothing here depends on
 * liburcu or on any other memcore header.
 */
#ifndef MEMCORE_TYPES_H
#define MEMCORE_TYPES_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A guest physical address or an offset inside a region. */
typedef uint64_t hwaddr;
#define HWADDR_MAX UINT64_MAX
#define HWADDR_PRIx PRIx64

/* An offset in the RAM-block address space (section 9.3 of the spec). */
typedef uint64_t ram_addr_t;
#define RAM_ADDR_MAX UINT64_MAX
#define RAM_ADDR_INVALID (~(ram_addr_t)0)

/*
 * Int128: region sizes are 65-bit quantities (0 … 2^64), so they are kept
 * in a native 128-bit integer.  The helpers mirror QEMU's names so that
 * code written against int128_* compiles unchanged.
 */
typedef __int128 Int128;

static inline Int128 int128_make64(uint64_t a) { return (Int128)a; }
static inline Int128 int128_make128(uint64_t lo, uint64_t hi)
{
    return (Int128)(((unsigned __int128)hi << 64) | lo);
}
static inline uint64_t int128_get64(Int128 a) { return (uint64_t)a; }
static inline uint64_t int128_getlo(Int128 a) { return (uint64_t)a; }
static inline int64_t int128_gethi(Int128 a) { return (int64_t)(a >> 64); }
static inline Int128 int128_zero(void) { return 0; }
static inline Int128 int128_one(void) { return 1; }
static inline Int128 int128_2_64(void) { return (Int128)1 << 64; }
static inline Int128 int128_exts64(int64_t a) { return (Int128)a; }
static inline Int128 int128_and(Int128 a, Int128 b) { return a & b; }
static inline Int128 int128_or(Int128 a, Int128 b) { return a | b; }
static inline Int128 int128_rshift(Int128 a, int n) { return a >> n; }
static inline Int128 int128_lshift(Int128 a, int n) { return a << n; }
static inline Int128 int128_add(Int128 a, Int128 b) { return a + b; }
static inline Int128 int128_sub(Int128 a, Int128 b) { return a - b; }
static inline Int128 int128_neg(Int128 a) { return -a; }
static inline bool int128_nonneg(Int128 a) { return a >= 0; }
static inline bool int128_eq(Int128 a, Int128 b) { return a == b; }
static inline bool int128_ne(Int128 a, Int128 b) { return a != b; }
static inline bool int128_ge(Int128 a, Int128 b) { return a >= b; }
static inline bool int128_lt(Int128 a, Int128 b) { return a < b; }
static inline bool int128_le(Int128 a, Int128 b) { return a <= b; }
static inline bool int128_gt(Int128 a, Int128 b) { return a > b; }
static inline bool int128_nz(Int128 a) { return a != 0; }
static inline Int128 int128_min(Int128 a, Int128 b) { return a < b ? a : b; }
static inline Int128 int128_max(Int128 a, Int128 b) { return a > b ? a : b; }

/*
 * MemTxAttrs: attributes of one memory transaction.  The core passes them
 * unchanged to the *_with_attrs callbacks and never interprets them.
 *
 * @debug: the access comes from a debugger (the gdb stub), not from the
 * guest; a device model may skip read side effects for it (QEMU's
 * MemTxAttrs.debug), and memcore's watchpoints do not see it.
 */
typedef struct MemTxAttrs {
    unsigned int unspecified:1;
    unsigned int secure:1;
    unsigned int user:1;
    unsigned int debug:1;
    unsigned int requester_id:16;
} MemTxAttrs;

#define MEMTXATTRS_DEBUG ((MemTxAttrs) { .debug = 1 })

#define MEMTXATTRS_UNSPECIFIED ((MemTxAttrs) { .unspecified = 1 })

/* MemTxResult: a bit set; chunk results of one access are ORed together. */
typedef uint32_t MemTxResult;
#define MEMTX_OK 0
#define MEMTX_ERROR (1U << 0)        /* the device reported an error */
#define MEMTX_DECODE_ERROR (1U << 1) /* nothing there, or access refused */
#define MEMTX_ACCESS_ERROR (1U << 2) /* defined for later code; never produced */

/* Byte order of a device; NATIVE means the target's byte order. */
enum device_endian {
    DEVICE_NATIVE_ENDIAN,
    DEVICE_BIG_ENDIAN,
    DEVICE_LITTLE_ENDIAN,
};

/*
 * Object: the reference-counted owner of memory regions.
 *
 * Memory regions have no count of their own; references taken on a region
 * (by a container, a FlatView, memory_region_find, address_space_map, a
 * queued coalesced write) go to its owner.  @path names the owner in
 * `info mtree -o` output (` owner:{obj path=PATH}`).  @finalize, when set,
 * runs when the last reference goes away.  All fields are read-only for
 * callers once object_initialize_owner() has run; use the functions below.
 *
 * Where finalize runs: on the thread that drops the last reference.  As
 * retired FlatViews hold references until a grace period has passed, that
 * is usually liburcu's call_rcu thread, with no memcore lock held and
 * outside any read section; it can also be any thread that unmaps,
 * deletes or unrefs, possibly holding the global lock (which is
 * recursive).  A finalizer may call any memcore function — destroy its
 * regions, change the topology, make accesses — except
 * memcore_rcu_barrier(); it must not wait for another thread that is
 * itself waiting for the global lock.
 */
typedef struct Object Object;
struct Object {
    const char *path;
    void (*finalize)(Object *obj);
    unsigned ref;
};

/*
 * object_initialize_owner: make @obj a live owner with one reference.
 *
 * @obj: caller-allocated object
 * @path: name shown by `info mtree -o` (copied pointer, not the string:
 *        it must outlive the object); may be NULL
 * @finalize: called once when the count drops to zero; may be NULL
 */
void object_initialize_owner(Object *obj, const char *path,
                             void (*finalize)(Object *obj));

/* object_ref: add one reference to @obj (no-op for NULL). */
void object_ref(Object *obj);

/* object_unref: drop one reference; the last one runs @finalize.  Dropping
 * a reference of a count that is already zero is misuse (reported; the
 * count stays zero). */
void object_unref(Object *obj);

/* object_ref_count: the current count (for diagnostics and tests). */
unsigned object_ref_count(const Object *obj);

/*
 * Error: a heap-allocated error report, filled through an Error ** the
 * caller passes in (NULL to ignore the error).  Passing &error_abort makes
 * any error print and abort(); &error_fatal prints and exit(1)s.
 */
typedef struct Error Error;
extern Error *error_abort;
extern Error *error_fatal;

/* error_setg: store a formatted error in *@errp if @errp is not NULL. */
#define error_setg(errp, ...) \
    error_setg_internal((errp), __FILE__, __LINE__, __func__, __VA_ARGS__)
/* error_setg_errno: like error_setg, with ": strerror(os_errno)" appended. */
#define error_setg_errno(errp, os_errno, ...) \
    error_setg_errno_internal((errp), __FILE__, __LINE__, __func__, \
                              (os_errno), __VA_ARGS__)

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void error_setg_errno_internal(Error **errp, const char *src, int line,
                               const char *func, int os_errno,
                               const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* error_get_pretty: the message text of @err. */
const char *error_get_pretty(const Error *err);

/* error_free: release @err (NULL is fine). */
void error_free(Error *err);

/* error_propagate: move @local_err into *@dst_errp (freeing it if ignored). */
void error_propagate(Error **dst_errp, Error *local_err);

/* error_report_err: print "memcore: MESSAGE" on stderr and free @err. */
void error_report_err(Error *err);

/*
 * Notifier / NotifierList: a callback with a link, as in QEMU.  A list
 * calls its notifiers most recently added first.
 */
typedef struct Notifier Notifier;
struct Notifier {
    void (*notify)(Notifier *notifier, void *data);
    Notifier *next;
    Notifier **pprev;
};

typedef struct NotifierList {
    Notifier *head;
} NotifierList;

#define NOTIFIER_LIST_INITIALIZER(head) { NULL }

void notifier_list_init(NotifierList *list);
/* notifier_list_add: insert @notifier at the head of @list. */
void notifier_list_add(NotifierList *list, Notifier *notifier);
/* notifier_remove: unlink @notifier from whichever list holds it. */
void notifier_remove(Notifier *notifier);
/* notifier_list_notify: call every notifier with @data, newest first. */
void notifier_list_notify(NotifierList *list, void *data);
bool notifier_list_empty(NotifierList *list);

/*
 * EventNotifier: an eventfd(2) a write to a registered MMIO address
 * signals instead of calling the device (ioeventfd).  The descriptor is
 * non-blocking, as in QEMU.
 */
typedef struct EventNotifier {
    int rfd;
    int wfd;
} EventNotifier;

/* event_notifier_init: create the eventfd; @active signals it at once.
 * Returns 0 or -errno. */
int event_notifier_init(EventNotifier *e, int active);
/* event_notifier_cleanup: close the eventfd. */
void event_notifier_cleanup(EventNotifier *e);
/* event_notifier_set: add 1 to the counter. Returns 0 or -errno. */
int event_notifier_set(EventNotifier *e);
/* event_notifier_test_and_clear: read and reset the counter; true if it
 * was non-zero. */
int event_notifier_test_and_clear(EventNotifier *e);
/* event_notifier_get_fd: the descriptor to poll. */
int event_notifier_get_fd(const EventNotifier *e);

/* The printf-like sink mtree_info writes to; @f is passed through. */
typedef int (*fprintf_function)(FILE *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif /* MEMCORE_TYPES_H */
