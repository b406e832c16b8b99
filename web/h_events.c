/*
 * web/h_events.c — GET /api/v1/events: the event hub (web/events.h) as
 * Server-Sent Events.
 *
 * Each client is one hub subscriber.  The stream's read takes what the
 * hub has queued for it; when nothing is, it returns 0 and the transport
 * parks the connection until the hub's notify wakes it (through the wake
 * function the transport handed over with set_wake).  The stream opens
 * with a comment line, so a client sees the stream open at once, and the
 * transport sends IDLE_TEXT while nothing happens, which is how a client
 * that went away is noticed and its subscriber freed.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <web/events.h>

#include "internal.h"

typedef struct EventStream {
    WebStream s;
    WebEventSub *sub;
    pthread_mutex_t lock;     /* orders set_wake against notify */
    void (*wake)(void *arg);
    void *wake_arg;
    size_t hello_pos;
} EventStream;

static const char hello[] = ": memcored events\n\n";

static void on_notify(void *opaque)
{
    EventStream *e = opaque;

    pthread_mutex_lock(&e->lock);
    if (e->wake) {
        e->wake(e->wake_arg);
    }
    pthread_mutex_unlock(&e->lock);
}

static ssize_t event_read(WebStream *s, char *buf, size_t max)
{
    EventStream *e = (EventStream *)s;

    if (e->hello_pos < sizeof(hello) - 1) {
        size_t n = sizeof(hello) - 1 - e->hello_pos;
        if (n > max) {
            n = max;
        }
        memcpy(buf, hello + e->hello_pos, n);
        e->hello_pos += n;
        return (ssize_t)n;
    }
    return (ssize_t)web_events_read(e->sub, buf, max);
}

static void event_set_wake(WebStream *s, void (*wake)(void *arg), void *arg)
{
    EventStream *e = (EventStream *)s;

    pthread_mutex_lock(&e->lock);
    e->wake = wake;
    e->wake_arg = arg;
    pthread_mutex_unlock(&e->lock);
}

static void event_free(WebStream *s)
{
    EventStream *e = (EventStream *)s;

    /* After this no notify runs, so the lock and the wake target go. */
    web_events_unsubscribe(e->sub);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

void web_h_events(WebCtx *c, WebResponse *r)
{
    EventStream *e;

    if (!web_params_check(c, r)) {
        return;
    }
    if (!c->api->events) {
        web_error(r, WEB_NOT_FOUND, WEB_E_NOT_FOUND,
                  "this memcored has no event stream");
        return;
    }
    e = calloc(1, sizeof(*e));
    if (!e) {
        web_error_oom(r);
        return;
    }
    pthread_mutex_init(&e->lock, NULL);
    e->sub = web_events_subscribe(c->api->events, on_notify, e);
    if (!e->sub) {
        pthread_mutex_destroy(&e->lock);
        free(e);
        web_error_oom(r);
        return;
    }
    e->s.length = WEB_LENGTH_UNKNOWN;
    e->s.block_size = 16384;
    e->s.read = event_read;
    e->s.set_wake = event_set_wake;
    e->s.idle_text = ": keep-alive\n\n";
    e->s.free = event_free;
    web_reply_body(r, WEB_OK, "text/event-stream", NULL, 0);
    r->stream = &e->s;
}

void web_response_too_many_streams(WebResponse *resp, unsigned max)
{
    web_error(resp, WEB_TOO_MANY_REQUESTS, WEB_E_TOO_MANY_STREAMS,
              "this client has %u event streams open already, the most "
              "one client address may hold: close one (they cost a "
              "connection each) and try again", max);
}
