/*
 * web/include/web/events.h — the event hub behind GET /api/v1/events.
 *
 * Publishers (server/web_event_source.c: topology commits, vCPU run
 * state, watchpoint hits, dirty logging) hand the hub small JSON objects;
 * each subscriber (one per Server-Sent-Events client) gets every event
 * published while it is subscribed, as SSE text:
 *
 *     id: N\nevent: TYPE\ndata: JSON\n\n
 *
 * N is one increasing counter per hub: every subscriber sees an event
 * under the same id, and ids only grow (they are not consecutive: events
 * published while nobody subscribes take none).
 *
 * Publishing never blocks on a subscriber.  Each subscriber has a queue
 * of at most WEB_EVENTS_QUEUE_MAX events; when a publish finds it full,
 * the oldest event the reader has not started is dropped, and the reader
 * gets, in its place, one event
 *
 *     id: L\nevent: lost\ndata: {"dropped":K,"first":F,"last":L}\n\n
 *
 * saying that the K events with ids F..L were dropped (a subscriber's
 * ids are consecutive, so K = L - F + 1).  A partly read event is never
 * dropped, so a reader always gets whole events.
 *
 * Locking: the hub's locks are leaves held for a queue operation only; no
 * hub lock is held while a notify function runs, and the hub never waits
 * for a reader.  So publishing is safe from any thread, also with
 * memcore's global lock held (listener callbacks) or inside a memory
 * access (watchpoint hits), provided notify functions keep the same rule:
 * they must not block, nor take memcore's global lock.
 */
#ifndef WEB_EVENTS_H
#define WEB_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Events a subscriber may have queued before the oldest are dropped. */
#define WEB_EVENTS_QUEUE_MAX 256

typedef struct WebEvents WebEvents;
typedef struct WebEventSub WebEventSub;

/* web_events_new: an empty hub.  NULL when out of memory. */
WebEvents *web_events_new(void);

/* web_events_free: free @ev (NULL is fine).  Every subscriber must have
 * unsubscribed; no publish may run or start. */
void web_events_free(WebEvents *ev);

/*
 * web_events_publish: queue event @type with data @json for every
 * current subscriber, then call each one's notify.  Any thread; never
 * blocks on a subscriber.  @type is a name of letters, digits, '-' and
 * '_' (anything else is not published); @json is one JSON object's text
 * (line breaks in it become further "data:" lines, which an SSE client
 * joins back).  With no subscriber it costs one atomic load.  When
 * memory runs out, the event and everything a subscriber has queued but
 * not started reading are dropped and reported as one "lost" event.
 */
void web_events_publish(WebEvents *ev, const char *type, const char *json);

/* web_events_has_subscribers: whether anyone subscribes now (a publisher
 * may skip building an event nobody would get). */
bool web_events_has_subscribers(WebEvents *ev);

/*
 * web_events_subscribe: a subscriber that gets every event published
 * after this returns.  @notify(@opaque) runs on a publisher's thread,
 * with no hub lock held, each time data is queued for this subscriber;
 * never after web_events_unsubscribe() returns.  It must not block, nor
 * unsubscribe this subscriber; it may read, publish, subscribe and
 * unsubscribe others.  @notify may be NULL (poll with web_events_read).
 * NULL when out of memory.
 */
WebEventSub *web_events_subscribe(WebEvents *ev, void (*notify)(void *opaque),
                                  void *opaque);

/*
 * web_events_read: copy up to @max bytes of @sub's pending SSE text into
 * @buf (not NUL-terminated) and consume them; 0 when nothing is pending.
 * An event may be split over several reads.  Any thread, but one reader
 * at a time per subscriber.
 */
size_t web_events_read(WebEventSub *sub, char *buf, size_t max);

/*
 * web_events_unsubscribe: stop @sub and free it (NULL is fine).  When it
 * returns, its notify is not running and will not run again.  Not from
 * @sub's own notify.
 */
void web_events_unsubscribe(WebEventSub *sub);

#ifdef __cplusplus
}
#endif

#endif /* WEB_EVENTS_H */
