/*
 * web/events.c — the event hub (web/include/web/events.h).
 *
 * A publish formats its event once, as SSE text, into a reference-counted
 * item; under the hub lock it takes the next id and puts the item into
 * every live subscriber's queue (each queue has its own lock, taken
 * inside the hub lock), so every queue holds its events in id order.
 * It then walks the subscriber list again to call the notify functions,
 * dropping the hub lock around each call.
 *
 * The walk is what makes unsubscribing subtle: a publisher may be about
 * to call a subscriber's notify on one thread while the subscriber leaves
 * on another.  So a subscriber being notified is pinned (`busy`), and
 * web_events_unsubscribe() marks it dead — no walk calls a dead one —
 * and waits until it is no longer pinned.  While any walk is under way
 * dead subscribers stay linked, so that the walk's `next` pointers stay
 * good; the last walk to finish unlinks and frees those whose unsubscribe
 * has returned (an unsubscribe still waiting frees its own).  New subscribers
 * go to the head of the list, behind every walk in progress, which is
 * right: they did not get that walk's event.
 *
 * Lock order: hub lock, then a subscriber's queue lock.  Readers take only
 * their queue lock.  No lock is held while a notify function runs.
 */
#include <web/events.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TYPE_MAX 64

typedef struct Item {
    atomic_uint refs;
    uint64_t id;
    size_t len;
    char text[];
} Item;

struct WebEventSub {
    WebEvents *ev;
    WebEventSub *prev, *next;
    void (*notify)(void *opaque);
    void *opaque;
    /* under ev->lock */
    bool dead;             /* unsubscribed: no walk notifies it any more */
    bool orphan;           /* its unsubscribe returned: a walk frees it */
    unsigned busy;         /* walks inside (or entering) its notify */
    /* under lock: the queue, a ring of items in id order */
    pthread_mutex_t lock;
    Item *q[WEB_EVENTS_QUEUE_MAX];
    unsigned head, count;
    size_t off;            /* bytes of q[head] already read */
    /* events dropped before q[head] (or after it, while it is partly
     * read): ids lost_first..lost_last, consecutive */
    uint64_t lost_n, lost_first, lost_last;
    /* the "lost" event being read */
    char lost_text[192];
    size_t lost_len, lost_off;
};

struct WebEvents {
    pthread_mutex_t lock;
    pthread_cond_t unpinned;  /* a dead subscriber's notify returned */
    WebEventSub *subs;        /* newest first; dead ones linger in walks */
    atomic_uint nsubs;        /* live subscribers */
    uint64_t last_id;
    unsigned walks;           /* publishers walking the list to notify */
    unsigned ndead;           /* dead subscribers left for a walk to free */
};

static void item_unref(Item *it)
{
    if (it && atomic_fetch_sub_explicit(&it->refs, 1,
                                        memory_order_acq_rel) == 1) {
        free(it);
    }
}

static bool type_ok(const char *type)
{
    size_t n = 0;

    if (!type) {
        return false;
    }
    for (const char *p = type; *p; p++, n++) {
        char c = *p;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_')) {
            return false;
        }
    }
    return n > 0 && n <= TYPE_MAX;
}

/* SSE ends a line at CR, LF or CRLF: each such break in @json becomes a
 * new "data: " line.  Returns the length of @json written that way, and
 * writes it to @out when @out is not NULL. */
static size_t data_lines(const char *json, char *out)
{
    static const char cont[] = "\ndata: ";
    size_t n = 0;

    for (const char *p = json; *p; p++) {
        if (*p == '\r' || *p == '\n') {
            if (*p == '\r' && p[1] == '\n') {
                p++;
            }
            if (out) {
                memcpy(out + n, cont, sizeof(cont) - 1);
            }
            n += sizeof(cont) - 1;
        } else {
            if (out) {
                out[n] = *p;
            }
            n++;
        }
    }
    return n;
}

/* room for "id: <20 digits>\nevent: TYPE\ndata: DATA\n\n" */
static Item *item_alloc(const char *type, const char *json, size_t *datalen)
{
    size_t tl = strlen(type);
    Item *it;

    *datalen = data_lines(json, NULL);
    it = malloc(sizeof(*it) + 4 + 20 + 8 + tl + 7 + *datalen + 3);
    if (it) {
        atomic_init(&it->refs, 1);
    }
    return it;
}

static void item_fill(Item *it, uint64_t id, const char *type,
                      const char *json, size_t datalen)
{
    int n = sprintf(it->text, "id: %" PRIu64 "\nevent: %s\ndata: ", id, type);

    it->id = id;
    it->len = (size_t)n;
    data_lines(json, it->text + it->len);
    it->len += datalen;
    memcpy(it->text + it->len, "\n\n", 3);
    it->len += 2;
}

/* ---- a subscriber's queue (under sub->lock) -------------------------------- */

static void lost_add(WebEventSub *s, uint64_t id)
{
    if (s->lost_n == 0) {
        s->lost_first = id;
    }
    s->lost_last = id;
    s->lost_n++;
}

/* Drop queue entry @idx (0: the head, only when it is unread; 1: the one
 * after the head). */
static void drop_at(WebEventSub *s, unsigned idx)
{
    unsigned at = (s->head + idx) % WEB_EVENTS_QUEUE_MAX;
    Item *victim = s->q[at];

    lost_add(s, victim->id);
    if (idx == 1) {
        /* keep the partly read head: it moves into the freed slot */
        s->q[at] = s->q[s->head];
    }
    s->q[s->head] = NULL;
    s->head = (s->head + 1) % WEB_EVENTS_QUEUE_MAX;
    s->count--;
    item_unref(victim);
}

/* Queue @it (id @id), or record @id lost when @it is NULL (no memory). */
static void enqueue(WebEventSub *s, Item *it, uint64_t id)
{
    /* a partly read head stays: the reader has part of its text */
    unsigned keep = s->off > 0 ? 1 : 0;

    if (!it) {
        /* The lost run must stay contiguous with what is queued: drop
         * every unread event too, so that this one directly follows. */
        while (s->count > keep) {
            drop_at(s, keep);
        }
        lost_add(s, id);
        return;
    }
    if (s->count == WEB_EVENTS_QUEUE_MAX) {
        drop_at(s, keep);
    }
    atomic_fetch_add_explicit(&it->refs, 1, memory_order_relaxed);
    s->q[(s->head + s->count) % WEB_EVENTS_QUEUE_MAX] = it;
    s->count++;
}

static void sub_free(WebEventSub *s)
{
    while (s->count) {
        item_unref(s->q[s->head]);
        s->head = (s->head + 1) % WEB_EVENTS_QUEUE_MAX;
        s->count--;
    }
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* ---- the hub ----------------------------------------------------------------- */

WebEvents *web_events_new(void)
{
    WebEvents *ev = calloc(1, sizeof(*ev));

    if (!ev) {
        return NULL;
    }
    if (pthread_mutex_init(&ev->lock, NULL) != 0) {
        free(ev);
        return NULL;
    }
    if (pthread_cond_init(&ev->unpinned, NULL) != 0) {
        pthread_mutex_destroy(&ev->lock);
        free(ev);
        return NULL;
    }
    atomic_init(&ev->nsubs, 0);
    return ev;
}

void web_events_free(WebEvents *ev)
{
    if (!ev) {
        return;
    }
    /* every subscriber has left and no walk runs, so none lingers; free
     * any a caller forgot rather than leak it */
    while (ev->subs) {
        WebEventSub *s = ev->subs;

        ev->subs = s->next;
        sub_free(s);
    }
    pthread_cond_destroy(&ev->unpinned);
    pthread_mutex_destroy(&ev->lock);
    free(ev);
}

bool web_events_has_subscribers(WebEvents *ev)
{
    return atomic_load_explicit(&ev->nsubs, memory_order_relaxed) != 0;
}

static void unlink_sub(WebEvents *ev, WebEventSub *s)
{
    if (s->prev) {
        s->prev->next = s->next;
    } else {
        ev->subs = s->next;
    }
    if (s->next) {
        s->next->prev = s->prev;
    }
    s->prev = s->next = NULL;
}

/* under ev->lock, when no walk runs: unlink the dead subscribers walks
 * kept whose unsubscribe has returned (one still waiting for its notify
 * to end frees itself); they are chained through ->next for the caller
 * to free */
static WebEventSub *reap_dead(WebEvents *ev)
{
    WebEventSub *reaped = NULL;
    WebEventSub *s = ev->subs;

    while (s && ev->ndead) {
        WebEventSub *next = s->next;

        if (s->orphan) {
            unlink_sub(ev, s);
            s->next = reaped;
            reaped = s;
            ev->ndead--;
        }
        s = next;
    }
    return reaped;
}

void web_events_publish(WebEvents *ev, const char *type, const char *json)
{
    size_t datalen = 0;
    Item *it;
    WebEventSub *reaped = NULL;

    if (!ev || !type_ok(type) || !json ||
        atomic_load_explicit(&ev->nsubs, memory_order_relaxed) == 0) {
        return;
    }
    it = item_alloc(type, json, &datalen);

    pthread_mutex_lock(&ev->lock);
    if (atomic_load_explicit(&ev->nsubs, memory_order_relaxed) == 0) {
        pthread_mutex_unlock(&ev->lock);
        free(it);
        return;
    }
    uint64_t id = ++ev->last_id;

    if (it) {
        item_fill(it, id, type, json, datalen);
    }
    for (WebEventSub *s = ev->subs; s; s = s->next) {
        if (!s->dead) {
            pthread_mutex_lock(&s->lock);
            enqueue(s, it, id);
            pthread_mutex_unlock(&s->lock);
        }
    }

    /* The walk: subscribers that join from now on are put in front of
     * the current head and so are not visited (they did not get this
     * event); dead ones stay linked until no walk runs. */
    ev->walks++;
    for (WebEventSub *s = ev->subs; s; s = s->next) {
        if (s->dead || !s->notify) {
            continue;
        }
        s->busy++;
        pthread_mutex_unlock(&ev->lock);
        s->notify(s->opaque);
        pthread_mutex_lock(&ev->lock);
        s->busy--;
        if (s->dead && s->busy == 0) {
            pthread_cond_broadcast(&ev->unpinned);
        }
    }
    if (--ev->walks == 0 && ev->ndead) {
        reaped = reap_dead(ev);
    }
    pthread_mutex_unlock(&ev->lock);

    item_unref(it);
    while (reaped) {
        WebEventSub *s = reaped;

        reaped = s->next;
        sub_free(s);
    }
}

WebEventSub *web_events_subscribe(WebEvents *ev, void (*notify)(void *opaque),
                                  void *opaque)
{
    WebEventSub *s;

    if (!ev) {
        return NULL;
    }
    s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return NULL;
    }
    s->ev = ev;
    s->notify = notify;
    s->opaque = opaque;
    pthread_mutex_lock(&ev->lock);
    s->next = ev->subs;
    if (ev->subs) {
        ev->subs->prev = s;
    }
    ev->subs = s;
    atomic_fetch_add_explicit(&ev->nsubs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&ev->lock);
    return s;
}

void web_events_unsubscribe(WebEventSub *s)
{
    WebEvents *ev;
    bool free_now;

    if (!s) {
        return;
    }
    ev = s->ev;
    pthread_mutex_lock(&ev->lock);
    s->dead = true;
    atomic_fetch_sub_explicit(&ev->nsubs, 1, memory_order_relaxed);
    /* a walk that pinned it before it died is in (or entering) notify */
    while (s->busy) {
        pthread_cond_wait(&ev->unpinned, &ev->lock);
    }
    free_now = ev->walks == 0;
    if (free_now) {
        unlink_sub(ev, s);
    } else {
        s->orphan = true;   /* the last walk frees it */
        ev->ndead++;
    }
    pthread_mutex_unlock(&ev->lock);
    if (free_now) {
        sub_free(s);
    }
}

/* ---- reading ------------------------------------------------------------------ */

static size_t copy_out(char *dst, size_t room, const char *src, size_t len,
                       size_t *off)
{
    size_t n = len - *off;

    if (n > room) {
        n = room;
    }
    memcpy(dst, src + *off, n);
    *off += n;
    return n;
}

size_t web_events_read(WebEventSub *s, char *buf, size_t max)
{
    size_t n = 0;

    if (!s || !buf) {
        return 0;
    }
    pthread_mutex_lock(&s->lock);
    while (n < max) {
        if (s->lost_len) {
            n += copy_out(buf + n, max - n, s->lost_text, s->lost_len,
                          &s->lost_off);
            if (s->lost_off == s->lost_len) {
                s->lost_len = s->lost_off = 0;
            }
            continue;
        }
        if (s->off == 0 && s->lost_n) {
            /* the dropped events' place in the stream: before the first
             * event not started (the id is the last dropped one's, so ids
             * still only grow) */
            int len = snprintf(s->lost_text, sizeof(s->lost_text),
                               "id: %" PRIu64 "\nevent: lost\ndata: "
                               "{\"dropped\":%" PRIu64 ",\"first\":%" PRIu64
                               ",\"last\":%" PRIu64 "}\n\n",
                               s->lost_last, s->lost_n, s->lost_first,
                               s->lost_last);
            s->lost_len = (size_t)len;
            s->lost_off = 0;
            s->lost_n = 0;
            continue;
        }
        if (s->count == 0) {
            break;
        }
        Item *it = s->q[s->head];

        n += copy_out(buf + n, max - n, it->text, it->len, &s->off);
        if (s->off == it->len) {
            s->q[s->head] = NULL;
            s->head = (s->head + 1) % WEB_EVENTS_QUEUE_MAX;
            s->count--;
            s->off = 0;
            item_unref(it);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return n;
}
