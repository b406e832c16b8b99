/*
 * server/web_event_source.h — what memcored publishes into the event hub
 * behind GET /api/v1/events (web/include/web/events.h); the events and
 * their JSON are listed in web/README.md, "Events".
 *
 *   topology    a commit changed the flat view of some address spaces
 *   run-state   the machine's harts stopped or started running
 *   watchpoint  a gdb watchpoint was hit
 *   dirty-log   dirty logging started or stopped (global, or a region's)
 *
 * Nothing here blocks: the hub never waits for a reader, so publishing
 * from a MemoryListener callback (memcore's global lock held), from a
 * hart thread (run-state) or inside an access (watchpoint hits) is safe.
 * With no subscriber, no event is built.
 */
#ifndef SERVER_WEB_EVENT_SOURCE_H
#define SERVER_WEB_EVENT_SOURCE_H

#include <web/events.h>

#include "gdb_watch.h"
#include "machine.h"

typedef struct WebEventSource WebEventSource;

/*
 * web_event_source_new: publish @m's changes into @ev from now on: a
 * MemoryListener on every address space (also ones created later), a
 * run-state observer on @m's harts when it has any.  NULL when out of
 * memory (or when @m's harts have no free observer slot).
 */
WebEventSource *web_event_source_new(Machine *m, WebEvents *ev);

/* web_event_source_watch_observer: what to hand to a gdb target's
 * gdb_watch_set_observer() for "watchpoint" events; valid until the
 * source is freed, so clear it or free the target first. */
const GdbWatchObserver *web_event_source_watch_observer(WebEventSource *src);

/* web_event_source_free: stop publishing (NULL is fine).  Not with
 * memcore's lock held, nor from a listener or observer. */
void web_event_source_free(WebEventSource *src);

#endif /* SERVER_WEB_EVENT_SOURCE_H */
