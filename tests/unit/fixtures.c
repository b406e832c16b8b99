/*
 * tests/unit/fixtures.c — the shared conformance-case fixtures declared in
 * fixtures.h: root + address space set-up, the pattern device, the
 * recording listener, FlatView rendering and the string logs they all
 * write to.
 *
 * Everything here reports through Check (ck_abort_msg) so that a broken
 * fixture fails the test that used it rather than the whole program.
 */
#include "fixtures.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

MemoryRegion *fx_root;
AddressSpace *fx_as;
unsigned fx_misuse_count;
char fx_misuse_msg[256];

/* Static storage: Check runs each test in a fresh child process, and with
 * CK_FORK=no the set-up re-initialises them from zero anyway. */
static MemoryRegion root_storage;
static AddressSpace as_storage;

/* ---- allocation and strings ----------------------------------------------- */

static void *fx_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q) {
        ck_abort_msg("fixtures: out of memory (%zu bytes)", n);
    }
    return q;
}

static char *fx_vstrdup_printf(const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *s;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        ck_abort_msg("fixtures: bad format \"%s\"", fmt);
    }
    s = fx_xrealloc(NULL, (size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *fx_strdup_printf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static char *fx_strdup_printf(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = fx_vstrdup_printf(fmt, ap);
    va_end(ap);
    return s;
}

/* A growing string for joins. */
typedef struct StrBuf {
    char *s;
    size_t len, cap;
} StrBuf;

static void sb_add(StrBuf *b, const char *t)
{
    size_t n = strlen(t);

    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = fx_xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, t, n + 1);
    b->len += n;
}

static char *sb_finish(StrBuf *b)
{
    if (!b->s) {
        sb_add(b, "");
    }
    return b->s;
}

static const char *mr_name(const MemoryRegion *mr)
{
    const char *n = mr ? memory_region_name(mr) : NULL;

    return n ? n : "(noname)";
}

/* ---- root + address space ------------------------------------------------- */

void fx_setup(void)
{
    memset(&root_storage, 0, sizeof(root_storage));
    memset(&as_storage, 0, sizeof(as_storage));
    fx_misuse_count = 0;
    fx_misuse_msg[0] = '\0';
    memcore_set_misuse_handler(NULL);
    memcore_set_target_big_endian(false);
    fx_root = &root_storage;
    fx_as = &as_storage;
    memory_region_init(fx_root, NULL, "root", UINT64_MAX);
    address_space_init(fx_as, fx_root, "as");
}

void fx_teardown(void)
{
    memcore_set_misuse_handler(NULL);
    if (fx_as) {
        address_space_destroy(fx_as);
        memcore_rcu_barrier();
    }
    fx_as = NULL;
    fx_root = NULL;
}

/* ---- misuse ----------------------------------------------------------------- */

static void counting_misuse_handler(const char *msg)
{
    fx_misuse_count++;
    snprintf(fx_misuse_msg, sizeof(fx_misuse_msg), "%s", msg ? msg : "");
}

void fx_catch_misuse(void)
{
    fx_misuse_count = 0;
    fx_misuse_msg[0] = '\0';
    memcore_set_misuse_handler(counting_misuse_handler);
}

/* ---- small constructors ----------------------------------------------------- */

void fx_ram(MemoryRegion *mr, const char *name, uint64_t size)
{
    Error *err = NULL;

    memory_region_init_ram(mr, NULL, name, size, &err);
    if (err) {
        ck_abort_msg("init_ram(%s): %s", name, error_get_pretty(err));
    }
}

void fx_rom(MemoryRegion *mr, const char *name, uint64_t size)
{
    Error *err = NULL;

    memory_region_init_rom(mr, NULL, name, size, &err);
    if (err) {
        ck_abort_msg("init_rom(%s): %s", name, error_get_pretty(err));
    }
}

/* ---- string log ------------------------------------------------------------- */

static pthread_mutex_t log_init_lock = PTHREAD_MUTEX_INITIALIZER;

static void log_lock(FxLog *log)
{
    pthread_mutex_lock(&log_init_lock);
    if (!log->lock_ready) {
        pthread_mutex_init(&log->lock, NULL);
        log->lock_ready = true;
    }
    pthread_mutex_unlock(&log_init_lock);
    pthread_mutex_lock(&log->lock);
}

static void log_append(FxLog *log, char *s)
{
    log_lock(log);
    if (log->n == log->cap) {
        log->cap = log->cap ? log->cap * 2 : 16;
        log->v = fx_xrealloc(log->v, log->cap * sizeof(*log->v));
    }
    log->v[log->n++] = s;
    pthread_mutex_unlock(&log->lock);
}

void fx_log_add(FxLog *log, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = fx_vstrdup_printf(fmt, ap);
    va_end(ap);
    log_append(log, s);
}

void fx_log_reset(FxLog *log)
{
    log_lock(log);
    for (size_t i = 0; i < log->n; i++) {
        free(log->v[i]);
    }
    log->n = 0;
    pthread_mutex_unlock(&log->lock);
}

void fx_log_free(FxLog *log)
{
    fx_log_reset(log);
    free(log->v);
    log->v = NULL;
    log->cap = 0;
}

char *fx_log_join(const FxLog *log)
{
    StrBuf b = { 0 };

    for (size_t i = 0; i < log->n; i++) {
        if (i) {
            sb_add(&b, ", ");
        }
        sb_add(&b, log->v[i]);
    }
    return sb_finish(&b);
}

bool fx_log_equals(const FxLog *log, const char *const *expected, size_t n,
                   const char *what)
{
    bool same = log->n == n;

    for (size_t i = 0; same && i < n; i++) {
        same = strcmp(log->v[i], expected[i]) == 0;
    }
    if (!same) {
        fprintf(stderr, "%s mismatch\n  expected (%zu):\n", what, n);
        for (size_t i = 0; i < n; i++) {
            fprintf(stderr, "    %s\n", expected[i]);
        }
        fprintf(stderr, "  actual (%zu):\n", log->n);
        for (size_t i = 0; i < log->n; i++) {
            fprintf(stderr, "    %s\n", log->v[i]);
        }
    }
    return same;
}

void fx_check_log(const FxLog *log, const char *const *expected, size_t n,
                  const char *file, int line)
{
    if (!fx_log_equals(log, expected, n, "log")) {
        StrBuf e = { 0 };
        char *a = fx_log_join(log);

        for (size_t i = 0; i < n; i++) {
            if (i) {
                sb_add(&e, ", ");
            }
            sb_add(&e, expected[i]);
        }
        ck_abort_msg("%s:%d: log mismatch\n  expected: [%s]\n  actual:   [%s]",
                     file, line, sb_finish(&e), a);
    }
}

/* ---- FlatView rendering ------------------------------------------------------- */

char *fx_render_fv(AddressSpace *as)
{
    FlatView *fv = address_space_get_flatview(as);
    MemoryRegionSection s;
    StrBuf b = { 0 };

    ck_assert_ptr_nonnull(fv);
    for (unsigned i = 0; flatview_get_range(fv, i, &s); i++) {
        uint64_t end = (uint64_t)(s.offset_within_address_space + s.size - 1);
        char *e = fx_strdup_printf("%s[%" PRIx64 "-%" PRIx64 "] %s@%" PRIx64
                                   "%s", i ? ", " : "",
                                   (uint64_t)s.offset_within_address_space,
                                   end, mr_name(s.mr),
                                   (uint64_t)s.offset_within_region,
                                   s.readonly ? " ro" : "");
        sb_add(&b, e);
        free(e);
    }
    flatview_unref(fv);
    return sb_finish(&b);
}

void fx_check_fv(AddressSpace *as, const char *expected, const char *file,
                 int line)
{
    char *got = fx_render_fv(as);

    if (strcmp(got, expected) != 0) {
        ck_abort_msg("%s:%d: FlatView mismatch\n  expected: [%s]\n"
                     "  actual:   [%s]", file, line, expected, got);
    }
    free(got);
}

char *fx_section_str(const MemoryRegionSection *s)
{
    uint64_t end = (uint64_t)(s->offset_within_address_space + s->size - 1);

    return fx_strdup_printf("0x%" PRIx64 "-0x%" PRIx64 " %s@%" PRIx64 "%s",
                            (uint64_t)s->offset_within_address_space, end,
                            mr_name(s->mr), (uint64_t)s->offset_within_region,
                            s->readonly ? " ro" : "");
}

/* ---- mtree ---------------------------------------------------------------------- */

static int mtree_printf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

char *fx_mtree(unsigned flags)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (!f) {
        ck_abort_msg("fixtures: open_memstream failed");
    }
    mtree_info_flags(mtree_printf, f, flags);
    if (fclose(f) != 0 || !text) {
        ck_abort_msg("fixtures: capturing mtree output failed");
    }
    return text;
}

/* ---- pattern device ------------------------------------------------------------ */

uint64_t fx_pattern_value(hwaddr addr, unsigned size,
                          enum device_endian endian)
{
    bool big = endian == DEVICE_BIG_ENDIAN ||
               (endian == DEVICE_NATIVE_ENDIAN && memcore_target_big_endian());
    uint64_t v = 0;

    for (unsigned i = 0; i < size && i < 8; i++) {
        uint64_t byte = (addr + i) & 0xff;
        unsigned shift = big ? 8 * (size - 1 - i) : 8 * i;

        v |= byte << shift;
    }
    return v;
}

static void record_call(FxPatternDev *d, hwaddr addr, unsigned size,
                        uint64_t value, bool is_write)
{
    pthread_mutex_lock(&d->lock);
    if (d->nr_calls < FX_MAX_CALLS) {
        d->calls[d->nr_calls] = (FxCall) {
            .addr = addr, .size = size, .value = value, .is_write = is_write,
        };
    }
    /* Count past the end so an overflow shows up as a wrong count. */
    d->nr_calls++;
    pthread_mutex_unlock(&d->lock);
}

static uint64_t read_result(FxPatternDev *d, hwaddr addr, unsigned size)
{
    if (d->read_value) {
        return d->read_value(d, addr, size);
    }
    return fx_pattern_value(addr, size, d->ops.endianness);
}

static uint64_t pattern_read(void *opaque, hwaddr addr, unsigned size)
{
    FxPatternDev *d = opaque;
    uint64_t v = read_result(d, addr, size);

    record_call(d, addr, size, v, false);
    return v;
}

static void pattern_write(void *opaque, hwaddr addr, uint64_t data,
                          unsigned size)
{
    record_call(opaque, addr, size, data, true);
}

static MemTxResult pattern_read_attrs(void *opaque, hwaddr addr,
                                      uint64_t *data, unsigned size,
                                      MemTxAttrs attrs)
{
    FxPatternDev *d = opaque;

    d->last_attrs = attrs;
    *data = read_result(d, addr, size);
    record_call(d, addr, size, *data, false);
    return d->result ? d->result(d, addr, size, false) : MEMTX_OK;
}

static MemTxResult pattern_write_attrs(void *opaque, hwaddr addr,
                                       uint64_t data, unsigned size,
                                       MemTxAttrs attrs)
{
    FxPatternDev *d = opaque;

    d->last_attrs = attrs;
    record_call(d, addr, size, data, true);
    return d->result ? d->result(d, addr, size, true) : MEMTX_OK;
}

static bool pattern_accepts(void *opaque, hwaddr addr, unsigned size,
                            bool is_write)
{
    FxPatternDev *d = opaque;

    fx_log_add(&d->accepts_log, "(0x%" PRIx64 ",%u,%c)", (uint64_t)addr, size,
               is_write ? 'w' : 'r');
    return d->accepts ? d->accepts(d, addr, size, is_write) : true;
}

void fx_pattern_init(FxPatternDev *d, const char *name,
                     enum device_endian endian, bool with_attrs)
{
    memset(d, 0, sizeof(*d));
    pthread_mutex_init(&d->lock, NULL);
    d->name = name;
    if (with_attrs) {
        d->ops.read_with_attrs = pattern_read_attrs;
        d->ops.write_with_attrs = pattern_write_attrs;
    } else {
        d->ops.read = pattern_read;
        d->ops.write = pattern_write;
    }
    d->ops.endianness = endian;
}

void fx_pattern_set_accepts(FxPatternDev *d,
                            bool (*hook)(FxPatternDev *d, hwaddr addr,
                                         unsigned size, bool is_write))
{
    d->accepts = hook;
    d->ops.valid.accepts = pattern_accepts;
}

void fx_pattern_init_io(FxPatternDev *d, Object *owner, uint64_t size)
{
    memory_region_init_io(&d->mr, owner, &d->ops, d, d->name, size);
}

MemoryRegion *fx_io(FxPatternDev *d, const char *name, uint64_t size)
{
    fx_pattern_init(d, name, DEVICE_LITTLE_ENDIAN, false);
    fx_pattern_init_io(d, NULL, size);
    return &d->mr;
}

void fx_pattern_reset(FxPatternDev *d)
{
    pthread_mutex_lock(&d->lock);
    d->nr_calls = 0;
    pthread_mutex_unlock(&d->lock);
    fx_log_reset(&d->accepts_log);
}

char *fx_calls_str(FxPatternDev *d)
{
    StrBuf b = { 0 };

    pthread_mutex_lock(&d->lock);
    for (unsigned i = 0; i < d->nr_calls && i < FX_MAX_CALLS; i++) {
        const FxCall *c = &d->calls[i];
        char *e;

        if (c->is_write) {
            e = fx_strdup_printf("%s(0x%" PRIx64 ",0x%" PRIx64 ",%u)",
                                 i ? "," : "", (uint64_t)c->addr, c->value,
                                 c->size);
        } else {
            e = fx_strdup_printf("%s(0x%" PRIx64 ",%u)", i ? "," : "",
                                 (uint64_t)c->addr, c->size);
        }
        sb_add(&b, e);
        free(e);
    }
    if (d->nr_calls > FX_MAX_CALLS) {
        sb_add(&b, ",...");
    }
    pthread_mutex_unlock(&d->lock);
    return sb_finish(&b);
}

void fx_check_calls(FxPatternDev *d, const char *expected, const char *file,
                    int line)
{
    char *got = fx_calls_str(d);

    if (strcmp(got, expected) != 0) {
        ck_abort_msg("%s:%d: device %s calls mismatch\n  expected: [%s]\n"
                     "  actual:   [%s]", file, line, d->name, expected, got);
    }
    free(got);
}

/* ---- recording listener ---------------------------------------------------------- */

/* Append @entry to the listener's log (and "NAME: entry" to the shared
 * one); takes ownership of @entry. */
static void lrec(FxListener *l, char *entry)
{
    if (l->shared) {
        fx_log_add(l->shared, "%s: %s", l->name ? l->name : "?", entry);
    }
    log_append(&l->log, entry);
}

static FxListener *fxl(MemoryListener *ml)
{
    return (FxListener *)((char *)ml - offsetof(FxListener, ml));
}

/* " as=NAME" when a section comes from another address space than the
 * listener's filter, "" otherwise. */
static char *as_suffix(FxListener *l, const MemoryRegionSection *s)
{
    AddressSpace *f = l->ml.address_space_filter;

    if (f && s->address_space != f) {
        return fx_strdup_printf(" as=%s", s->address_space
                                ? address_space_name(s->address_space)
                                : "NULL");
    }
    return fx_strdup_printf("%s", "");
}

static void lrec_section(FxListener *l, const char *what,
                         MemoryRegionSection *s)
{
    char *sec = fx_section_str(s);
    char *suf = as_suffix(l, s);

    lrec(l, fx_strdup_printf("%s %s%s", what, sec, suf));
    free(sec);
    free(suf);
}

static void l_begin(MemoryListener *ml)
{
    lrec(fxl(ml), fx_strdup_printf("begin"));
}

static void l_commit(MemoryListener *ml)
{
    lrec(fxl(ml), fx_strdup_printf("commit"));
}

static void l_add(MemoryListener *ml, MemoryRegionSection *s)
{
    lrec_section(fxl(ml), "add", s);
}

static void l_del(MemoryListener *ml, MemoryRegionSection *s)
{
    lrec_section(fxl(ml), "del", s);
}

static void l_nop(MemoryListener *ml, MemoryRegionSection *s)
{
    lrec_section(fxl(ml), "nop", s);
}

static void l_log_start(MemoryListener *ml, MemoryRegionSection *s, int old,
                        int new)
{
    lrec(fxl(ml), fx_strdup_printf("log_start %s %d %d", mr_name(s->mr), old,
                                   new));
}

static void l_log_stop(MemoryListener *ml, MemoryRegionSection *s, int old,
                       int new)
{
    lrec(fxl(ml), fx_strdup_printf("log_stop %s %d %d", mr_name(s->mr), old,
                                   new));
}

static void l_log_sync(MemoryListener *ml, MemoryRegionSection *s)
{
    lrec_section(fxl(ml), "log_sync", s);
}

static void l_log_global_start(MemoryListener *ml)
{
    lrec(fxl(ml), fx_strdup_printf("log_global_start"));
}

static void l_log_global_stop(MemoryListener *ml)
{
    lrec(fxl(ml), fx_strdup_printf("log_global_stop"));
}

static void lrec_eventfd(FxListener *l, const char *what,
                         MemoryRegionSection *s, bool match_data,
                         uint64_t data, EventNotifier *e)
{
    char *mr = s->mr ? fx_strdup_printf(" mr=%s", mr_name(s->mr))
                     : fx_strdup_printf("%s", "");

    l->last_eventfd = e;
    lrec(l, fx_strdup_printf("%s 0x%" PRIx64 " %" PRIu64 " %d 0x%" PRIx64
                             "%s", what,
                             (uint64_t)s->offset_within_address_space,
                             (uint64_t)s->size, match_data ? 1 : 0, data,
                             mr));
    free(mr);
}

static void l_eventfd_add(MemoryListener *ml, MemoryRegionSection *s,
                          bool match_data, uint64_t data, EventNotifier *e)
{
    lrec_eventfd(fxl(ml), "eventfd_add", s, match_data, data, e);
}

static void l_eventfd_del(MemoryListener *ml, MemoryRegionSection *s,
                          bool match_data, uint64_t data, EventNotifier *e)
{
    lrec_eventfd(fxl(ml), "eventfd_del", s, match_data, data, e);
}

static void l_coalesced_add(MemoryListener *ml, MemoryRegionSection *s,
                            hwaddr addr, hwaddr len)
{
    (void)s;
    lrec(fxl(ml), fx_strdup_printf("coalesced_add 0x%" PRIx64 " 0x%" PRIx64,
                                   (uint64_t)addr, (uint64_t)len));
}

static void l_coalesced_del(MemoryListener *ml, MemoryRegionSection *s,
                            hwaddr addr, hwaddr len)
{
    (void)s;
    lrec(fxl(ml), fx_strdup_printf("coalesced_del 0x%" PRIx64 " 0x%" PRIx64,
                                   (uint64_t)addr, (uint64_t)len));
}

void fx_listener_init(FxListener *l, const char *name, unsigned priority,
                      FxLog *shared)
{
    memset(l, 0, sizeof(*l));
    l->name = name;
    l->shared = shared;
    l->ml.begin = l_begin;
    l->ml.commit = l_commit;
    l->ml.region_add = l_add;
    l->ml.region_del = l_del;
    l->ml.region_nop = l_nop;
    l->ml.log_start = l_log_start;
    l->ml.log_stop = l_log_stop;
    l->ml.log_sync = l_log_sync;
    l->ml.log_global_start = l_log_global_start;
    l->ml.log_global_stop = l_log_global_stop;
    l->ml.eventfd_add = l_eventfd_add;
    l->ml.eventfd_del = l_eventfd_del;
    l->ml.coalesced_mmio_add = l_coalesced_add;
    l->ml.coalesced_mmio_del = l_coalesced_del;
    l->ml.priority = priority;
}

void fx_listener_register(FxListener *l, const char *name, unsigned priority,
                          AddressSpace *filter, FxLog *shared)
{
    fx_listener_init(l, name, priority, shared);
    memory_listener_register(&l->ml, filter);
    fx_log_reset(&l->log);
    if (shared) {
        fx_log_reset(shared);
    }
}

void fx_listener_unregister(FxListener *l)
{
    memory_listener_unregister(&l->ml);
    fx_log_free(&l->log);
}
