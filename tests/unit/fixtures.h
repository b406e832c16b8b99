/*
 * tests/unit/fixtures.h — shared fixtures of the Check unit tests, in the
 * notation of memcore/SEMANTICS.md ("Conformance cases", "Fixture
 * notation"), so that a test reads like the conformance case it checks:
 *
 *   root/as   fx_setup() builds a fresh container `root` of size 2^64 and
 *             an address space `as` on it; fx_teardown() destroys the
 *             address space and waits for the RCU grace period.
 *   io(n, s)  FxPatternDev: an MMIO device whose read(a, k) returns the
 *             bytes (a+i) & 0xff composed in the device's byte order, and
 *             which logs every call so tests can assert the exact calls.
 *   listener  FxListener: a MemoryListener that logs every callback as a
 *             short string ("begin", "add 0x1000-0x2fff R@0", ...).
 *   FV        fx_render_fv(): the address space's FlatView as
 *             "[1000-2fff] R@0, [3000-3fff] X@0 ro".
 *
 * All strings returned by fx_* functions are malloc()ed; free() them.
 * Allocation failures fail the running test.  An FxPatternDev is large
 * (it keeps FX_MAX_CALLS calls): give it static storage, not the stack.
 */
#ifndef TESTS_UNIT_FIXTURES_H
#define TESTS_UNIT_FIXTURES_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include <memcore/memory.h>

/* ---- root + address space ------------------------------------------------ */

/* The fixture's root container (size 2^64, no owner, name "root") and the
 * address space "as" on it; valid between fx_setup() and fx_teardown(). */
extern MemoryRegion *fx_root;
extern AddressSpace *fx_as;

/*
 * fx_setup: build a fresh root + address space (for
 * tcase_add_checked_fixture).  Also resets the misuse counter, installs
 * no misuse handler and leaves the target little-endian.
 */
void fx_setup(void);

/*
 * fx_teardown: address_space_destroy(fx_as), then memcore_rcu_barrier(),
 * and restore the default misuse handler.  Regions the test added to the
 * root are left as they are (they usually live on the test's stack).
 */
void fx_teardown(void);

/* ---- misuse -------------------------------------------------------------- */

/*
 * fx_catch_misuse: install a misuse handler that only counts (so the
 * offending call does nothing, per memcore_set_misuse_handler) and keeps
 * the last message.  fx_teardown() removes it.
 */
void fx_catch_misuse(void);
extern unsigned fx_misuse_count;
extern char fx_misuse_msg[256];

/* ---- small constructors ---------------------------------------------------- */

/* fx_ram: memory_region_init_ram with no owner, failing the test on error. */
void fx_ram(MemoryRegion *mr, const char *name, uint64_t size);
/* fx_rom: memory_region_init_rom likewise. */
void fx_rom(MemoryRegion *mr, const char *name, uint64_t size);

/* ---- string log ----------------------------------------------------------- */

/*
 * FxLog: an append-only list of strings (thread-safe appends).  Zero-
 * initialise it (or fx_log_reset) before use; fx_log_free releases it.
 */
typedef struct FxLog {
    char **v;
    size_t n, cap;
    pthread_mutex_t lock;
    bool lock_ready;
} FxLog;

void fx_log_add(FxLog *log, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void fx_log_reset(FxLog *log); /* drop all entries */
void fx_log_free(FxLog *log);
/* fx_log_join: the entries joined by ", " (for messages). */
char *fx_log_join(const FxLog *log);

/*
 * fx_log_equals: whether @log holds exactly @expected[0..n-1]; on a
 * mismatch prints both lists on stderr (tagged with @what).
 */
bool fx_log_equals(const FxLog *log, const char *const *expected, size_t n,
                   const char *what);

/*
 * fx_assert_log(log, "begin", "add ...", "commit"): fail unless @log holds
 * exactly these strings; fx_assert_log_empty(log): fail unless empty.
 * The failure message contains both lists.
 */
#define fx_assert_log(log, ...)                                            \
    do {                                                                   \
        const char *const fx_exp_[] = { __VA_ARGS__ };                     \
        fx_check_log((log), fx_exp_, sizeof fx_exp_ / sizeof fx_exp_[0],   \
                     __FILE__, __LINE__);                                  \
    } while (0)
#define fx_assert_log_empty(log) \
    fx_check_log((log), NULL, 0, __FILE__, __LINE__)
void fx_check_log(const FxLog *log, const char *const *expected, size_t n,
                  const char *file, int line);

/* ---- FlatView rendering ---------------------------------------------------- */

/*
 * fx_render_fv: the current FlatView of @as (taken with
 * address_space_get_flatview, released with flatview_unref) in the
 * fixture notation: entries "[start-end] NAME@offset" (hex, no 0x, end
 * inclusive) plus " ro" when readonly, joined by ", ".  An empty view is
 * "".  A region without a name prints "(noname)".
 */
char *fx_render_fv(AddressSpace *as);

/* fx_assert_fv(as, "[1000-2fff] R@0"): fail unless the FV renders so. */
#define fx_assert_fv(as, expected) \
    fx_check_fv((as), (expected), __FILE__, __LINE__)
void fx_check_fv(AddressSpace *as, const char *expected, const char *file,
                 int line);

/* fx_section_str: a section as "0x1000-0x2fff R@0" (+ " ro"), the form the
 * recording listener uses. */
char *fx_section_str(const MemoryRegionSection *s);

/* ---- mtree ------------------------------------------------------------------ */

/* fx_mtree: what mtree_info_flags(fprintf, f, @flags) prints, as a string. */
char *fx_mtree(unsigned flags);

/* ---- pattern device ---------------------------------------------------------- */

/* One recorded device call (reads have is_write false, value = result). */
typedef struct FxCall {
    hwaddr addr;
    unsigned size;
    uint64_t value;
    bool is_write;
} FxCall;

#define FX_MAX_CALLS 4096

typedef struct FxPatternDev FxPatternDev;
struct FxPatternDev {
    /*
     * The ops handed to memory_region_init_io.  fx_pattern_init fills
     * read/write (or the *_with_attrs pair), endianness; impl and valid
     * are 0.  Adjust ops.impl / ops.valid before fx_pattern_init_io.
     */
    MemoryRegionOps ops;
    MemoryRegion mr;
    const char *name;

    /* Log of device calls, oldest first (at most FX_MAX_CALLS). */
    FxCall calls[FX_MAX_CALLS];
    unsigned nr_calls;
    pthread_mutex_t lock;

    /* Optional: replaces the pattern as the read result. */
    uint64_t (*read_value)(FxPatternDev *d, hwaddr addr, unsigned size);
    /* Optional (attrs variant only): the MemTxResult of a call. */
    MemTxResult (*result)(FxPatternDev *d, hwaddr addr, unsigned size,
                          bool is_write);
    /* Optional: the accepts hook (see fx_pattern_set_accepts). */
    bool (*accepts)(FxPatternDev *d, hwaddr addr, unsigned size,
                    bool is_write);
    /* Every accepts call as "(addr,size,r|w)", e.g. "(0x10,4,w)". */
    FxLog accepts_log;
    /* The attrs of the last *_with_attrs call. */
    MemTxAttrs last_attrs;
};

/*
 * fx_pattern_init: prepare @d as a pattern device called @name with byte
 * order @endian (DEVICE_NATIVE_ENDIAN follows the target).  @with_attrs
 * selects read_with_attrs/write_with_attrs instead of read/write.  Does
 * not create the region: tweak d->ops, then call fx_pattern_init_io.
 */
void fx_pattern_init(FxPatternDev *d, const char *name,
                     enum device_endian endian, bool with_attrs);

/* fx_pattern_set_accepts: route ops.valid.accepts to @hook (logged). */
void fx_pattern_set_accepts(FxPatternDev *d,
                            bool (*hook)(FxPatternDev *d, hwaddr addr,
                                         unsigned size, bool is_write));

/* fx_pattern_init_io: memory_region_init_io(&d->mr, owner, &d->ops, d,
 * d->name, size). */
void fx_pattern_init_io(FxPatternDev *d, Object *owner, uint64_t size);

/* fx_io: the fixture notation's io(n, s): fx_pattern_init (little-endian, plain
 * read/write) + fx_pattern_init_io without owner.  Returns &d->mr. */
MemoryRegion *fx_io(FxPatternDev *d, const char *name, uint64_t size);

/* fx_pattern_value: the pattern read(a, k) returns in byte order @endian. */
uint64_t fx_pattern_value(hwaddr addr, unsigned size,
                          enum device_endian endian);

/* fx_pattern_reset: forget the recorded calls (and accepts log). */
void fx_pattern_reset(FxPatternDev *d);

/*
 * fx_calls_str: the call log in the fixture notation joined by ",":
 * reads "(0x10,1)", writes "(0x10,0x44,1)".  Empty log: "".
 */
char *fx_calls_str(FxPatternDev *d);

/* fx_assert_calls(d, "(0x10,1),(0x11,1)"): fail unless the log is that. */
#define fx_assert_calls(d, expected) \
    fx_check_calls((d), (expected), __FILE__, __LINE__)
void fx_check_calls(FxPatternDev *d, const char *expected, const char *file,
                    int line);

/* ---- recording listener ----------------------------------------------------- */

/*
 * FxListener: every callback appends one entry to @log (plain, e.g.
 * "begin") and, if @shared is set, "NAME: entry" to @shared, so the
 * interleaving of several listeners can be asserted on one log.
 *
 * Entries (addresses hex with 0x; R = memory_region_name, "(noname)"):
 *   "begin", "commit", "log_global_start", "log_global_stop"
 *   "add 0x1000-0x2fff R@0"     region_add (+ " ro" when readonly)
 *   "del ...", "nop ..."        region_del, region_nop, same form
 *   "log_start R 0 1"           log_start(section of R, old, new)
 *   "log_stop R 1 0"            log_stop
 *   "log_sync 0x1000-0x1fff R@0"
 *   "eventfd_add 0x3040 4 1 0x7"   offset_within_address_space, size
 *                               (decimal), match_data (0/1), data (hex);
 *                               " mr=NAME" is appended if section.mr is
 *                               not NULL (it must be NULL: "kept
 *                               quirk: eventfd sections have no
 *                               region")
 *   "eventfd_del ..."           same form
 *   "coalesced_add 0x3000 0x100"  addr, len
 *   "coalesced_del 0x3000 0x100"
 * Sections' address_space must be the listener's filter when it has one;
 * a mismatch is logged as an extra " as=NAME" suffix.
 */
typedef struct FxListener {
    MemoryListener ml;
    const char *name;
    FxLog log;
    FxLog *shared;
    EventNotifier *last_eventfd; /* notifier of the last eventfd_* call */
} FxListener;

/* fx_listener_init: fill every callback; @shared may be NULL. */
void fx_listener_init(FxListener *l, const char *name, unsigned priority,
                      FxLog *shared);

/* fx_listener_register: init + memory_listener_register(&l->ml, filter),
 * then clear the log of the registration replay. */
void fx_listener_register(FxListener *l, const char *name, unsigned priority,
                          AddressSpace *filter, FxLog *shared);

/* fx_listener_unregister: unregister and free the log. */
void fx_listener_unregister(FxListener *l);

#endif /* TESTS_UNIT_FIXTURES_H */
