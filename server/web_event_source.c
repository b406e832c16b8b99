/*
 * server/web_event_source.c — memcored's publishers for the event hub
 * (web_event_source.h; the events are documented in web/README.md).
 *
 * Topology and per-region dirty logging come from one MemoryListener on
 * every address space.  During a commit, region_add and region_del name
 * the address spaces whose flat view changed (memcore diffs old and new
 * views and reports only ranges that differ; an unchanged range is a
 * region_nop), and log_start/log_stop the ranges whose VGA logging
 * flipped; the commit callback turns what was collected into events.
 * The migration client's bit flips for every RAM range when global
 * logging starts or stops: that is the one global "dirty-log" event from
 * log_global_start/stop, not one per range.  The replay a listener gets
 * when it registers and unregisters describes no change, so it is
 * ignored (`quiet`).
 *
 * All listener callbacks run with memcore's global lock held, which also
 * guards what they collect.  Publishing there is fine: the hub never
 * blocks (web/include/web/events.h).
 *
 * Run-state events come from a cpu.h run-state observer, watchpoint
 * events from a GdbWatchObserver the gdb target's watch set calls.
 */
#include "web_event_source.h"

#include <inttypes.h>
#include <stddef.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>

typedef struct LogChange {
    MemoryRegion *mr;
    AddressSpace *as;
    bool on;
} LogChange;

struct WebEventSource {
    Machine *m;
    WebEvents *ev;
    MemoryListener listener;
    GdbWatchObserver watch;
    bool cpu_observed;
    /* under memcore's lock */
    bool quiet;               /* a (un)registration replay, not a change */
    AddressSpace **changed;   /* address spaces whose view changed */
    size_t nchanged, capchanged;
    bool all_changed;         /* out of memory: name every address space */
    LogChange *logs;          /* VGA logging flips in this commit */
    size_t nlogs, caplogs;
};

/* Publish @obj (consumed) as event @type; nothing when memory is short. */
static void publish(WebEventSource *src, const char *type, json_t *obj)
{
    char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;

    if (text) {
        web_events_publish(src->ev, type, text);
        free(text);
    }
    json_decref(obj);
}

static json_t *hex(uint64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
    return json_string(buf);
}

static json_t *as_name(const AddressSpace *as)
{
    return as ? json_string(address_space_name(as)) : json_null();
}

static json_t *region_name(const MemoryRegion *mr)
{
    const char *name = memory_region_name(mr);

    return name ? json_string(name) : json_null();
}

/* ---- topology and per-region dirty logging (memcore's lock held) -------- */

static WebEventSource *of(MemoryListener *l)
{
    return (WebEventSource *)((char *)l - offsetof(WebEventSource, listener));
}

static void note_as(WebEventSource *src, AddressSpace *as)
{
    if (src->quiet || src->all_changed || !as) {
        return;
    }
    for (size_t i = 0; i < src->nchanged; i++) {
        if (src->changed[i] == as) {
            return;
        }
    }
    if (src->nchanged == src->capchanged) {
        size_t cap = src->capchanged ? 2 * src->capchanged : 8;
        AddressSpace **n = realloc(src->changed, cap * sizeof(*n));

        if (!n) {
            src->all_changed = true;
            return;
        }
        src->changed = n;
        src->capchanged = cap;
    }
    src->changed[src->nchanged++] = as;
}

static void on_region_add(MemoryListener *l, MemoryRegionSection *sec)
{
    note_as(of(l), sec->address_space);
}

static void on_region_del(MemoryListener *l, MemoryRegionSection *sec)
{
    note_as(of(l), sec->address_space);
}

static void note_log(MemoryListener *l, MemoryRegionSection *sec, int old,
                     int new)
{
    WebEventSource *src = of(l);
    int vga = 1 << DIRTY_MEMORY_VGA;

    LogChange change = { sec->mr, sec->address_space, (new & vga) != 0 };

    if (src->quiet || !((old ^ new) & vga)) {
        return;
    }
    /* a region in several ranges of one view flips in each */
    for (size_t i = 0; i < src->nlogs; i++) {
        if (src->logs[i].mr == change.mr && src->logs[i].as == change.as &&
            src->logs[i].on == change.on) {
            return;
        }
    }
    if (src->nlogs == src->caplogs) {
        size_t cap = src->caplogs ? 2 * src->caplogs : 8;
        LogChange *n = realloc(src->logs, cap * sizeof(*n));

        if (!n) {
            return;   /* the event is lost; the state is still readable */
        }
        src->logs = n;
        src->caplogs = cap;
    }
    src->logs[src->nlogs++] = change;
}

static void on_log_start(MemoryListener *l, MemoryRegionSection *sec,
                         int old, int new)
{
    note_log(l, sec, old, new);
}

static void on_log_stop(MemoryListener *l, MemoryRegionSection *sec,
                        int old, int new)
{
    note_log(l, sec, old, new);
}

static void publish_topology(WebEventSource *src)
{
    json_t *names = json_array();

    if (src->all_changed) {
        for (AddressSpace *as = address_space_first(); as;
             as = address_space_next(as)) {
            json_array_append_new(names, as_name(as));
        }
    } else {
        for (size_t i = 0; i < src->nchanged; i++) {
            json_array_append_new(names, as_name(src->changed[i]));
        }
    }
    publish(src, "topology", json_pack("{s:o}", "address_spaces", names));
}

/* One event per region and direction, naming every address space in
 * which its logging flipped (note_log keeps entries unique). */
static void publish_region_logs(WebEventSource *src)
{
    for (size_t i = 0; i < src->nlogs; i++) {
        LogChange *c = &src->logs[i];
        json_t *names;

        if (!c->mr) {
            continue;   /* told with an earlier entry */
        }
        names = json_array();
        json_array_append_new(names, as_name(c->as));
        for (size_t j = i + 1; j < src->nlogs; j++) {
            LogChange *d = &src->logs[j];

            if (d->mr == c->mr && d->on == c->on) {
                json_array_append_new(names, as_name(d->as));
                d->mr = NULL;
            }
        }
        publish(src, "dirty-log",
                json_pack("{s:b,s:s,s:s,s:o,s:o}", "active", c->on,
                          "scope", "region", "client", "vga",
                          "region", region_name(c->mr),
                          "address_spaces", names));
    }
}

static void on_commit(MemoryListener *l)
{
    WebEventSource *src = of(l);

    if (!src->quiet && web_events_has_subscribers(src->ev)) {
        if (src->nchanged || src->all_changed) {
            publish_topology(src);
        }
        publish_region_logs(src);
    }
    src->nchanged = 0;
    src->all_changed = false;
    src->nlogs = 0;
}

static void publish_global_log(WebEventSource *src, bool on)
{
    if (src->quiet || !web_events_has_subscribers(src->ev)) {
        return;
    }
    publish(src, "dirty-log", json_pack("{s:b,s:s,s:s}", "active", on,
                                        "scope", "global",
                                        "client", "migration"));
}

static void on_log_global_start(MemoryListener *l)
{
    publish_global_log(of(l), true);
}

static void on_log_global_stop(MemoryListener *l)
{
    publish_global_log(of(l), false);
}

/* ---- run state and watchpoints ---------------------------------------- */

static void on_run_state(void *opaque, bool running, CpuRunReason reason)
{
    WebEventSource *src = opaque;

    if (!web_events_has_subscribers(src->ev)) {
        return;
    }
    publish(src, "run-state", json_pack("{s:b,s:s}", "running", running,
                                        "reason",
                                        cpu_run_reason_name(reason)));
}

static void on_watch_hit(void *opaque, const MemcoreWatchHit *hit,
                         GdbBreakType type)
{
    WebEventSource *src = opaque;
    const char *kind = type == GDB_WATCH_READ     ? "rwatch"
                       : type == GDB_WATCH_ACCESS ? "awatch"
                                                  : "watch";

    if (!web_events_has_subscribers(src->ev)) {
        return;
    }
    publish(src, "watchpoint",
            json_pack("{s:o,s:o,s:o,s:s,s:s,s:o,s:o,s:o,s:I}",
                      "addr", hex(hit->wp_addr),
                      "len", hex(hit->wp_len),
                      "as", as_name(hit->wp_as),
                      "kind", kind,
                      "access", (hit->flags & MEMCORE_WATCH_WRITE) ? "write"
                                                                   : "read",
                      "access_addr", hex(hit->addr),
                      "access_len", hex(hit->len),
                      "access_as", as_name(hit->as),
                      "requester", (json_int_t)hit->attrs.requester_id));
}

/* ---- life cycle ---------------------------------------------------------- */

WebEventSource *web_event_source_new(Machine *m, WebEvents *ev)
{
    WebEventSource *src = calloc(1, sizeof(*src));

    if (!src) {
        return NULL;
    }
    src->m = m;
    src->ev = ev;
    src->listener = (MemoryListener){
        .region_add = on_region_add,
        .region_del = on_region_del,
        .log_start = on_log_start,
        .log_stop = on_log_stop,
        .commit = on_commit,
        .log_global_start = on_log_global_start,
        .log_global_stop = on_log_global_stop,
    };
    src->watch = (GdbWatchObserver){ on_watch_hit, src };
    if (m->cpus) {
        if (cpu_run_observer_add(m->cpus, on_run_state, src) != 0) {
            free(src);
            return NULL;
        }
        src->cpu_observed = true;
    }
    /* the lock makes the replay quiet for this thread's callbacks only,
     * and keeps other threads' commits out until it is over */
    memcore_lock();
    src->quiet = true;
    memory_listener_register(&src->listener, NULL);
    src->quiet = false;
    memcore_unlock();
    return src;
}

const GdbWatchObserver *web_event_source_watch_observer(WebEventSource *src)
{
    return &src->watch;
}

void web_event_source_free(WebEventSource *src)
{
    if (!src) {
        return;
    }
    if (src->cpu_observed) {
        cpu_run_observer_remove(src->m->cpus, on_run_state, src);
    }
    memcore_lock();
    src->quiet = true;
    memory_listener_unregister(&src->listener);
    memcore_unlock();
    free(src->changed);
    free(src->logs);
    free(src);
}
