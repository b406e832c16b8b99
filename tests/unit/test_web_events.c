/*
 * tests/unit/test_web_events.c — the event hub (web/include/web/events.h):
 * the SSE text and its ids, order, several subscribers, bad input,
 * overflow and "lost" events (also while an event is half read, and when
 * memory runs out), reads with tiny buffers, notify running without hub
 * locks and never after unsubscribe returns, and publishers on many
 * threads while subscribers come and go.
 */
#include <check.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <web/events.h>

#include "robust.h"
#include "check_run.h"

/* ---- malloc that fails on demand (linked with --wrap=malloc) ------------- */

void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);
static atomic_int fail_mallocs;

void *__wrap_malloc(size_t n)
{
    if (atomic_load(&fail_mallocs) > 0) {
        atomic_fetch_sub(&fail_mallocs, 1);
        return NULL;
    }
    return __real_malloc(n);
}

/* ---- reading and parsing ------------------------------------------------- */

typedef struct Text {
    char *s;
    size_t len, cap;
} Text;

static void text_add(Text *t, const char *p, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        ck_assert_ptr_nonnull(t->s);
    }
    memcpy(t->s + t->len, p, n);
    t->len += n;
    t->s[t->len] = '\0';
}

/* Everything pending, read @chunk bytes at a time (chunk 0: sizes
 * cycling through 1..13). */
static size_t read_into(WebEventSub *sub, Text *t, size_t chunk)
{
    char buf[4096];
    size_t total = 0, n;
    unsigned k = 0;

    for (;;) {
        size_t want = chunk ? chunk : 1 + (k++ % 13);

        n = web_events_read(sub, buf, want);
        if (n == 0) {
            return total;
        }
        if (n > want) {
            return (size_t)-1;
        }
        text_add(t, buf, n);
        total += n;
    }
}

static char *read_all(WebEventSub *sub, size_t chunk)
{
    Text t = { 0 };

    text_add(&t, "", 0);
    read_into(sub, &t, chunk);
    return t.s;
}

typedef struct Ev {
    uint64_t id;
    char type[32];
    char data[128];
} Ev;

/* Parse whole events "id: N\nevent: T\ndata: D\n\n" from @s; returns how
 * many, or -1 when the text is anything else (a torn event included). */
static int parse(const char *s, Ev *out, int max)
{
    int n = 0;

    while (*s) {
        Ev e = { 0 };
        const char *nl;
        char *end;

        if (n == max || strncmp(s, "id: ", 4) != 0) {
            return -1;
        }
        e.id = strtoull(s + 4, &end, 10);
        if (end == s + 4 || strncmp(end, "\nevent: ", 8) != 0) {
            return -1;
        }
        s = end + 8;
        nl = strchr(s, '\n');
        if (!nl || (size_t)(nl - s) >= sizeof(e.type)) {
            return -1;
        }
        memcpy(e.type, s, (size_t)(nl - s));
        s = nl + 1;
        if (strncmp(s, "data: ", 6) != 0) {
            return -1;
        }
        s += 6;
        nl = strstr(s, "\n\n");
        if (!nl || (size_t)(nl - s) >= sizeof(e.data) || memchr(s, '\n', (size_t)(nl - s))) {
            return -1;
        }
        memcpy(e.data, s, (size_t)(nl - s));
        s = nl + 2;
        out[n++] = e;
    }
    return n;
}

/* ---- basics -------------------------------------------------------------- */

START_TEST(test_text_and_ids)
{
    WebEvents *ev = web_events_new();
    WebEventSub *a, *b;
    char *s;

    ck_assert_ptr_nonnull(ev);
    a = web_events_subscribe(ev, NULL, NULL);
    ck_assert_ptr_nonnull(a);
    web_events_publish(ev, "topology", "{\"address_spaces\":[\"memory\"]}");
    b = web_events_subscribe(ev, NULL, NULL);
    web_events_publish(ev, "run-state", "{\"running\":false}");
    web_events_publish(ev, "dirty_log", "{}");

    s = read_all(a, 4096);
    ck_assert_str_eq(s,
        "id: 1\nevent: topology\ndata: {\"address_spaces\":[\"memory\"]}\n\n"
        "id: 2\nevent: run-state\ndata: {\"running\":false}\n\n"
        "id: 3\nevent: dirty_log\ndata: {}\n\n");
    free(s);
    /* b joined after the first event: the same ids for the same events */
    s = read_all(b, 4096);
    ck_assert_str_eq(s,
        "id: 2\nevent: run-state\ndata: {\"running\":false}\n\n"
        "id: 3\nevent: dirty_log\ndata: {}\n\n");
    free(s);
    ck_assert_uint_eq(web_events_read(a, (char[8]){ 0 }, 8), 0);
    web_events_unsubscribe(a);
    web_events_unsubscribe(b);
    web_events_free(ev);
}
END_TEST

START_TEST(test_no_subscriber)
{
    WebEvents *ev = web_events_new();
    WebEventSub *a;
    char *s;

    ck_assert(!web_events_has_subscribers(ev));
    /* nobody listens: nothing is built (no allocation) */
    atomic_store(&fail_mallocs, 1);
    web_events_publish(ev, "topology", "{\"n\":1}");
    /* disarmed before any Check call, which may allocate */
    int unused = atomic_exchange(&fail_mallocs, 0);
    ck_assert_int_eq(unused, 1);
    a = web_events_subscribe(ev, NULL, NULL);
    ck_assert(web_events_has_subscribers(ev));
    ck_assert_uint_eq(web_events_read(a, (char[64]){ 0 }, 64), 0);
    web_events_publish(ev, "topology", "{\"n\":2}");
    s = read_all(a, 4096);
    /* nobody got the first one; ids only grow */
    ck_assert_str_eq(s, "id: 1\nevent: topology\ndata: {\"n\":2}\n\n");
    free(s);
    web_events_unsubscribe(a);
    ck_assert(!web_events_has_subscribers(ev));
    web_events_free(ev);
    web_events_free(NULL);
    web_events_unsubscribe(NULL);
}
END_TEST

static atomic_uint count_notify;
static void notify_count(void *opaque)
{
    (void)opaque;
    atomic_fetch_add(&count_notify, 1);
}

START_TEST(test_bad_input)
{
    WebEvents *ev = web_events_new();
    WebEventSub *a = web_events_subscribe(ev, notify_count, NULL);
    char *s;

    atomic_store(&count_notify, 0);
    web_events_publish(ev, "a b", "{}");
    web_events_publish(ev, "", "{}");
    web_events_publish(ev, "x\ndata: evil", "{}");
    web_events_publish(ev, "a:b", "{}");
    web_events_publish(ev, NULL, "{}");
    web_events_publish(ev, "ok", NULL);
    web_events_publish(NULL, "ok", "{}");
    ck_assert_uint_eq(web_events_read(a, (char[64]){ 0 }, 64), 0);
    ck_assert_uint_eq(atomic_load(&count_notify), 0);
    /* a line break inside the data becomes another data line, so it can
     * neither end the event nor forge a field */
    web_events_publish(ev, "ok", "{\n\"a\":1,\r\n\"b\":2\r}\n\nid: 99");
    s = read_all(a, 4096);
    ck_assert_str_eq(s, "id: 1\nevent: ok\ndata: {\ndata: \"a\":1,\ndata: "
                        "\"b\":2\ndata: }\ndata: \ndata: id: 99\n\n");
    free(s);
    ck_assert_uint_eq(atomic_load(&count_notify), 1);
    web_events_unsubscribe(a);
    web_events_free(ev);
}
END_TEST

/* ---- overflow ------------------------------------------------------------ */

static void publish_n(WebEvents *ev, unsigned from, unsigned to)
{
    char json[64];

    for (unsigned i = from; i <= to; i++) {
        snprintf(json, sizeof(json), "{\"n\":%u}", i);
        web_events_publish(ev, "e", json);
    }
}

START_TEST(test_overflow_lost)
{
    enum { Q = WEB_EVENTS_QUEUE_MAX };
    static Ev e[Q + 10];
    WebEvents *ev = web_events_new();
    WebEventSub *a = web_events_subscribe(ev, NULL, NULL);
    char *s;
    int n;

    publish_n(ev, 1, Q + 10);
    s = read_all(a, 4096);
    n = parse(s, e, Q + 10);
    free(s);
    ck_assert_int_eq(n, Q + 1);
    ck_assert_uint_eq(e[0].id, 10);
    ck_assert_str_eq(e[0].type, "lost");
    ck_assert_str_eq(e[0].data, "{\"dropped\":10,\"first\":1,\"last\":10}");
    for (int i = 1; i < n; i++) {
        char want[32];

        ck_assert_uint_eq(e[i].id, 10 + (unsigned)i);
        snprintf(want, sizeof(want), "{\"n\":%d}", 10 + i);
        ck_assert_str_eq(e[i].data, want);
    }
    /* drained: a later event comes alone */
    publish_n(ev, Q + 11, Q + 11);
    s = read_all(a, 4096);
    ck_assert_int_eq(parse(s, e, 2), 1);
    ck_assert_uint_eq(e[0].id, Q + 11);
    free(s);
    web_events_unsubscribe(a);
    web_events_free(ev);
}
END_TEST

/* The event a reader is half way through is never dropped: the lost
 * report follows it. */
START_TEST(test_overflow_partial)
{
    enum { Q = WEB_EVENTS_QUEUE_MAX };
    static Ev e[Q + 10];
    WebEvents *ev = web_events_new();
    WebEventSub *a = web_events_subscribe(ev, NULL, NULL);
    Text t = { 0 };
    char buf[5];
    int n;

    publish_n(ev, 1, 1);
    ck_assert_uint_eq(web_events_read(a, buf, 5), 5);
    text_add(&t, buf, 5);
    publish_n(ev, 2, Q + 5);
    read_into(a, &t, 7);
    n = parse(t.s, e, Q + 10);
    ck_assert_int_eq(n, 1 + 1 + (Q + 5 - 6));
    ck_assert_uint_eq(e[0].id, 1);
    ck_assert_str_eq(e[0].data, "{\"n\":1}");
    ck_assert_str_eq(e[1].type, "lost");
    ck_assert_uint_eq(e[1].id, 6);
    ck_assert_str_eq(e[1].data, "{\"dropped\":5,\"first\":2,\"last\":6}");
    for (int i = 2; i < n; i++) {
        ck_assert_uint_eq(e[i].id, 5 + (unsigned)i);
    }
    free(t.s);
    web_events_unsubscribe(a);
    web_events_free(ev);
}
END_TEST

/* Out of memory for an event: it and the unread queue become one lost
 * run (contiguous ids), after the half-read event. */
START_TEST(test_out_of_memory)
{
    static Ev e[8];
    WebEvents *ev = web_events_new();
    WebEventSub *a = web_events_subscribe(ev, notify_count, NULL);
    Text t = { 0 };
    char buf[5];

    atomic_store(&count_notify, 0);
    publish_n(ev, 1, 3);
    ck_assert_uint_eq(web_events_read(a, buf, 5), 5);
    text_add(&t, buf, 5);
    atomic_store(&fail_mallocs, 1);
    publish_n(ev, 4, 4);
    int unused = atomic_exchange(&fail_mallocs, 0);
    ck_assert_int_eq(unused, 0);
    ck_assert_uint_eq(atomic_load(&count_notify), 4);
    read_into(a, &t, 3);
    ck_assert_int_eq(parse(t.s, e, 8), 2);
    ck_assert_uint_eq(e[0].id, 1);
    ck_assert_str_eq(e[1].type, "lost");
    ck_assert_uint_eq(e[1].id, 4);
    ck_assert_str_eq(e[1].data, "{\"dropped\":3,\"first\":2,\"last\":4}");
    free(t.s);
    publish_n(ev, 5, 5);
    t = (Text){ 0 };
    read_into(a, &t, 100);
    ck_assert_str_eq(t.s, "id: 5\nevent: e\ndata: {\"n\":5}\n\n");
    free(t.s);
    web_events_unsubscribe(a);
    web_events_free(ev);
}
END_TEST

/* Any read size gives the same text; overflow never tears an event. */
START_TEST(test_small_reads)
{
    enum { Q = WEB_EVENTS_QUEUE_MAX };
    static Ev e[1024];
    WebEvents *ev = web_events_new();
    WebEventSub *big = web_events_subscribe(ev, NULL, NULL);
    WebEventSub *tiny = web_events_subscribe(ev, NULL, NULL);
    WebEventSub *slow = web_events_subscribe(ev, NULL, NULL);
    Text tb = { 0 }, tt = { 0 }, ts = { 0 };
    char buf[3];
    uint64_t next = 1, lost = 0;
    int n;

    for (unsigned round = 0; round < 8; round++) {
        publish_n(ev, round * 100 + 1, round * 100 + 100);
        read_into(big, &tb, 4096);
        read_into(tiny, &tt, 0);
        /* slow reads 3 bytes now and then: its queue overflows while an
         * event is half read (13 * 3 bytes is no whole number of events) */
        for (int i = 0; i < 13; i++) {
            size_t got = web_events_read(slow, buf, sizeof(buf));

            text_add(&ts, buf, got);
        }
    }
    ck_assert_str_eq(tb.s, tt.s);
    ck_assert_int_eq(parse(tb.s, e, 1024), 800);
    read_into(slow, &ts, 3);
    n = parse(ts.s, e, 1024);
    ck_assert_int_gt(n, 1);
    /* every id once: delivered, or inside exactly one lost run */
    for (int i = 0; i < n; i++) {
        if (strcmp(e[i].type, "lost") == 0) {
            unsigned long long k, f, l;

            ck_assert_int_eq(sscanf(e[i].data, "{\"dropped\":%llu,\"first\":"
                                    "%llu,\"last\":%llu}", &k, &f, &l), 3);
            ck_assert_uint_eq(f, next);
            ck_assert_uint_eq(l - f + 1, k);
            ck_assert_uint_eq(e[i].id, l);
            next = l + 1;
            lost += k;
        } else {
            char want[32];

            /* ids and n both count from 1 here */
            snprintf(want, sizeof(want), "{\"n\":%" PRIu64 "}", next);
            ck_assert_uint_eq(e[i].id, next);
            ck_assert_str_eq(e[i].data, want);
            next++;
        }
    }
    ck_assert_uint_eq(next, 801);
    ck_assert_uint_gt(lost, 0);
    free(tb.s);
    free(tt.s);
    free(ts.s);
    web_events_unsubscribe(big);
    web_events_unsubscribe(tiny);
    web_events_unsubscribe(slow);
    web_events_free(ev);
}
END_TEST

/* ---- notify -------------------------------------------------------------- */

typedef struct Reentrant {
    WebEvents *ev;
    WebEventSub *sub;
    unsigned calls;
    Text got;
} Reentrant;

/* Everything a notify may do: if the hub held any of its locks while
 * calling, one of these would deadlock (the test would time out). */
static void notify_reenter(void *opaque)
{
    Reentrant *r = opaque;
    WebEventSub *other;

    r->calls++;
    read_into(r->sub, &r->got, 0);
    other = web_events_subscribe(r->ev, NULL, NULL);
    ck_assert_ptr_nonnull(other);
    web_events_unsubscribe(other);
    if (r->calls == 1) {
        web_events_publish(r->ev, "nested", "{}");
    }
}

START_TEST(test_notify_unlocked)
{
    Reentrant r = { 0 };

    r.ev = web_events_new();
    r.sub = web_events_subscribe(r.ev, notify_reenter, &r);
    web_events_publish(r.ev, "outer", "{}");
    ck_assert_uint_eq(r.calls, 2);
    ck_assert_str_eq(r.got.s, "id: 1\nevent: outer\ndata: {}\n\n"
                              "id: 2\nevent: nested\ndata: {}\n\n");
    free(r.got.s);
    web_events_unsubscribe(r.sub);
    web_events_free(r.ev);
}
END_TEST

/* A notify in progress holds up the unsubscribe of its subscriber. */
typedef struct Held {
    WebEvents *ev;
    WebEventSub *sub;
    atomic_bool in_notify, release, unsubscribing, unsubscribed;
    atomic_bool returned_early;
} Held;

static void notify_hold(void *opaque)
{
    Held *h = opaque;

    atomic_store(&h->in_notify, true);
    for (long i = 0; i < 100000000 && !atomic_load(&h->release); i++) {
        sched_yield();
    }
    if (atomic_load(&h->unsubscribed)) {
        atomic_store(&h->returned_early, true);
    }
}

static void *publish_once(void *arg)
{
    Held *h = arg;

    web_events_publish(h->ev, "e", "{}");
    return NULL;
}

static void *unsubscribe_thread(void *arg)
{
    Held *h = arg;

    atomic_store(&h->unsubscribing, true);
    web_events_unsubscribe(h->sub);
    atomic_store(&h->unsubscribed, true);
    return NULL;
}

START_TEST(test_unsubscribe_waits_for_notify)
{
    Held h = { 0 };
    pthread_t p, u;

    h.ev = web_events_new();
    h.sub = web_events_subscribe(h.ev, notify_hold, &h);
    pthread_create(&p, NULL, publish_once, &h);
    while (!atomic_load(&h.in_notify)) {
        sched_yield();
    }
    pthread_create(&u, NULL, unsubscribe_thread, &h);
    while (!atomic_load(&h.unsubscribing)) {
        sched_yield();
    }
    /* give a wrong unsubscribe every chance to return early */
    for (int i = 0; i < 2000 && !atomic_load(&h.unsubscribed); i++) {
        sched_yield();
    }
    atomic_store(&h.release, true);
    pthread_join(p, NULL);
    pthread_join(u, NULL);
    ck_assert(!atomic_load(&h.returned_early));
    ck_assert(atomic_load(&h.unsubscribed));
    web_events_free(h.ev);
}
END_TEST

/* ---- threads ------------------------------------------------------------- */

enum { NPUB = 4, NCHURN = 3, PER_PUB = 2000 };

typedef struct SubCtx {
    struct SubCtx *next;
    atomic_bool closed;    /* unsubscribe has returned */
    atomic_uint notified;
} SubCtx;

typedef struct Stress {
    WebEvents *ev;
    atomic_bool publishing_done;
    atomic_uint churns;
    atomic_uint published;
    double deadline;
} Stress;

static void notify_checked(void *opaque)
{
    SubCtx *c = opaque;

    if (atomic_load(&c->closed)) {
        rb_fail("notify ran after web_events_unsubscribe returned");
    }
    atomic_fetch_add(&c->notified, 1);
    /* widen the window in which a wrong hub would lose the race */
    sched_yield();
    if (atomic_load(&c->closed)) {
        rb_fail("notify still running after web_events_unsubscribe "
                "returned");
    }
}

static void *publisher(void *arg)
{
    Stress *st = arg;
    static atomic_uint next_tid;
    unsigned tid = atomic_fetch_add(&next_tid, 1) % NPUB;
    char json[64];

    for (unsigned n = 0; n < PER_PUB && rb_now() < st->deadline; n++) {
        snprintf(json, sizeof(json), "{\"t\":%u,\"n\":%u}", tid, n);
        web_events_publish(st->ev, "s", json);
        atomic_fetch_add(&st->published, 1);
    }
    return NULL;
}

/* Check a subscription's stream: whole events, consecutive ids (each
 * delivered or inside one lost run), and each publisher's events in the
 * order it published them.  Returns the number delivered + lost. */
typedef struct Checker {
    uint64_t next_id;      /* 0: the first event sets it */
    long last_n[NPUB];
    uint64_t seen;
    Text pending;
} Checker;

static void check_text(Checker *k, Text *t)
{
    char *end;

    /* consume the whole events at the front */
    while (t->len && (end = strstr(t->s, "\n\n")) != NULL) {
        Ev e;
        size_t len = (size_t)(end + 2 - t->s);
        char save = t->s[len];

        t->s[len] = '\0';
        if (parse(t->s, &e, 1) != 1) {
            rb_fail("torn or malformed event: %.80s", t->s);
            t->len = 0;
            return;
        }
        t->s[len] = save;
        memmove(t->s, t->s + len, t->len - len + 1);
        t->len -= len;
        if (strcmp(e.type, "lost") == 0) {
            unsigned long long kk, f, l;

            if (sscanf(e.data, "{\"dropped\":%llu,\"first\":%llu,\"last\":"
                       "%llu}", &kk, &f, &l) != 3 || l - f + 1 != kk ||
                e.id != l || (k->next_id && f != k->next_id)) {
                rb_fail("bad lost event %s (expected first %" PRIu64 ")",
                        e.data, k->next_id);
                return;
            }
            k->next_id = l + 1;
            k->seen += kk;
            continue;
        }
        unsigned tid, n;

        if (sscanf(e.data, "{\"t\":%u,\"n\":%u}", &tid, &n) != 2 ||
            tid >= NPUB) {
            rb_fail("bad data %s", e.data);
            return;
        }
        if (k->next_id && e.id != k->next_id) {
            rb_fail("id %" PRIu64 " where %" PRIu64 " was due", e.id,
                    k->next_id);
            return;
        }
        if ((long)n <= k->last_n[tid]) {
            rb_fail("publisher %u: event %u after %ld", tid, n,
                    k->last_n[tid]);
            return;
        }
        k->last_n[tid] = n;
        k->next_id = e.id + 1;
        k->seen++;
    }
}

static void checker_init(Checker *k)
{
    memset(k, 0, sizeof(*k));
    for (int i = 0; i < NPUB; i++) {
        k->last_n[i] = -1;
    }
    text_add(&k->pending, "", 0);
}

static void drain(WebEventSub *sub, Checker *k, unsigned *chunk)
{
    char buf[512];
    size_t n;

    do {
        size_t want = 1 + (*chunk)++ % sizeof(buf);

        n = web_events_read(sub, buf, want);
        text_add(&k->pending, buf, n);
    } while (n);
    check_text(k, &k->pending);
}

/* Subscribes, reads a little, unsubscribes — over and over.  Returns
 * its contexts, freed only once no publisher runs: a notify after
 * unsubscribe must find its context closed, not freed. */
static void *churner(void *arg)
{
    Stress *st = arg;
    unsigned chunk = 0;
    SubCtx *kept = NULL;

    while (!atomic_load(&st->publishing_done) && rb_now() < st->deadline &&
           !rb_failed()) {
        SubCtx *c = calloc(1, sizeof(*c));
        Checker k;
        WebEventSub *sub;

        if (!c) {
            rb_fail("out of memory");
            break;
        }
        c->next = kept;
        kept = c;
        checker_init(&k);
        sub = web_events_subscribe(st->ev, notify_checked, c);
        for (int i = 0; i < 5; i++) {
            drain(sub, &k, &chunk);
            sched_yield();
        }
        web_events_unsubscribe(sub);
        atomic_store(&c->closed, true);
        free(k.pending.s);
        atomic_fetch_add(&st->churns, 1);
    }
    return kept;
}

START_TEST(test_threads)
{
    Stress st = { 0 };
    pthread_t pub[NPUB], churn[NCHURN];
    void *kept[NCHURN];
    SubCtx steady_ctx = { 0 };
    Checker k;
    WebEventSub *steady;
    unsigned chunk = 0;

    rb_reset();
    st.ev = web_events_new();
    st.deadline = rb_now() + 20;
    checker_init(&k);
    steady = web_events_subscribe(st.ev, notify_checked, &steady_ctx);
    for (int i = 0; i < NCHURN; i++) {
        pthread_create(&churn[i], NULL, churner, &st);
    }
    for (int i = 0; i < NPUB; i++) {
        pthread_create(&pub[i], NULL, publisher, &st);
    }
    /* the steady subscriber reads along, in odd-sized pieces */
    for (int spins = 0; spins < 200000 && !rb_failed(); spins++) {
        drain(steady, &k, &chunk);
        if (k.seen >= (uint64_t)NPUB * PER_PUB || rb_now() > st.deadline) {
            break;
        }
        sched_yield();
    }
    for (int i = 0; i < NPUB; i++) {
        pthread_join(pub[i], NULL);
    }
    atomic_store(&st.publishing_done, true);
    for (int i = 0; i < NCHURN; i++) {
        pthread_join(churn[i], &kept[i]);
    }
    drain(steady, &k, &chunk);
    rb_assert_no_failure();
    /* the steady subscriber accounts for every event: delivered or lost */
    ck_assert_uint_eq(k.seen, atomic_load(&st.published));
    ck_assert_uint_gt(k.seen, 1000);
    ck_assert_uint_eq(k.pending.len, 0);
    ck_assert_uint_gt(atomic_load(&steady_ctx.notified), 0);
    ck_assert_uint_gt(atomic_load(&st.churns), 10);
    web_events_unsubscribe(steady);
    free(k.pending.s);
    web_events_free(st.ev);
    for (int i = 0; i < NCHURN; i++) {
        for (SubCtx *c = kept[i], *next; c; c = next) {
            next = c->next;
            free(c);
        }
    }
}
END_TEST

static Suite *events_suite(void)
{
    Suite *s = suite_create("web_events");
    TCase *tc = tcase_create("hub");

    tcase_add_test(tc, test_text_and_ids);
    tcase_add_test(tc, test_no_subscriber);
    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_overflow_lost);
    tcase_add_test(tc, test_overflow_partial);
    tcase_add_test(tc, test_out_of_memory);
    tcase_add_test(tc, test_small_reads);
    tcase_add_test(tc, test_notify_unlocked);
    suite_add_tcase(s, tc);

    tc = tcase_create("threads");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_unsubscribe_waits_for_notify);
    tcase_add_test(tc, test_threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(events_suite());
}
