/*
 * tests/unit/test_web_event_source.c — what memcored publishes into the
 * event hub (server/web_event_source.h), seen by a subscriber of a real
 * machine with three address spaces: "topology" names exactly the
 * address spaces whose flat view a commit changed (none for a commit
 * that changed nothing visible), "dirty-log" for global and per-region
 * logging, "run-state" for the harts, "watchpoint" for gdb watchpoint
 * hits; nothing for the listener's own registration, nothing after the
 * source is freed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>
#include <monitor/monitor.h>
#include <web/events.h>

#include "test_board_fixture.h"
#include "../../server/gdb_cpu_target.h"
#include "../../server/gdb_watch.h"
#include "../../server/machine.h"
#include "../../server/web_event_source.h"
#include "check_run.h"

/* Quotes written as '. */
static const char board_json[] =
    "{'name': 'events',"
    " 'address-spaces': ["
    "   {'name': 'memory', 'root': 'system'},"
    "   {'name': 'I/O', 'root': 'io'},"
    "   {'name': 'dma', 'root': 'dmaroot'}],"
    " 'regions': ["
    "   {'name': 'system', 'type': 'container', 'size': '16E', 'subregions': ["
    "     {'addr': '0x80000000', 'name': 'ram', 'type': 'ram', 'size': '64K'},"
    "     {'addr': '0x80000000', 'priority': -1, 'name': 'hidden',"
    "      'type': 'io', 'size': '0x1000', 'device': {'model': 'zero'}},"
    "     {'addr': '0x10000000', 'name': 'dev', 'type': 'io',"
    "      'size': '0x1000', 'device': {'model': 'zero'}},"
    "     {'addr': '0x40000000', 'name': 'shared-win', 'type': 'alias',"
    "      'target': 'shared', 'offset': '0', 'size': '0x1000'}]},"
    "   {'name': 'shared', 'type': 'ram', 'size': '0x1000'},"
    "   {'name': 'io', 'type': 'container', 'size': '64K', 'subregions': ["
    "     {'addr': '0', 'name': 'iodev', 'type': 'io', 'size': '0x10',"
    "      'device': {'model': 'zero'}}]},"
    "   {'name': 'dmaroot', 'type': 'container', 'size': '4G',"
    "    'subregions': ["
    "     {'addr': '0', 'name': 'dma-win', 'type': 'alias',"
    "      'target': 'shared', 'offset': '0', 'size': '0x1000'}]}],"
    " 'cpus': [{'model': 'rv64', 'address-space': 'memory',"
    "           'reset-pc': '0x80000000'}]}";

static Machine *m;
static WebEvents *ev;
static WebEventSub *sub;
static WebEventSource *src;

static void setup(void)
{
    char *json = unquote(board_json);
    Diag d;
    Board *b;

    diag_init(&d);
    b = board_parse_string(json, NULL, NULL, &d);
    free(json);
    ck_assert_ptr_nonnull(b);
    m = machine_create(b, false, &d);
    ck_assert_ptr_nonnull(m);
    diag_free(&d);
    ev = web_events_new();
    ck_assert_ptr_nonnull(ev);
    sub = web_events_subscribe(ev, NULL, NULL);
    ck_assert_ptr_nonnull(sub);
    src = web_event_source_new(m, ev);
    ck_assert_ptr_nonnull(src);
}

static void teardown(void)
{
    web_event_source_free(src);
    web_events_unsubscribe(sub);
    web_events_free(ev);
    machine_destroy(m);
}

/* Every pending event as "TYPE DATA\n" lines. */
static char *events(void)
{
    static char text[65536];
    static char out[65536];
    size_t n = 0, got, o = 0;
    char *p = text;

    if (m->cpus) {
        cpu_run_observers_sync(m->cpus);
    }
    while ((got = web_events_read(sub, text + n, sizeof(text) - 1 - n)) > 0) {
        n += got;
    }
    text[n] = '\0';
    out[0] = '\0';
    while (*p) {
        char type[64], data[4096];

        ck_assert_int_eq(sscanf(p, "id: %*u\nevent: %63[^\n]\ndata: %4095[^\n]",
                                type, data), 2);
        o += (size_t)snprintf(out + o, sizeof(out) - o, "%s %s\n", type, data);
        p = strstr(p, "\n\n");
        ck_assert_ptr_nonnull(p);
        p += 2;
    }
    return out;
}

static MemoryRegion *mr(const char *name)
{
    return mr_of(m->board, name);
}

static AddressSpace *as(const char *name)
{
    return as_of(m->board, name);
}

START_TEST(test_registration_is_quiet)
{
    /* the listener's replay of the existing map at registration (and
     * at unregistration) describes no change */
    ck_assert_str_eq(events(), "");
    web_event_source_free(src);
    src = NULL;
    ck_assert_str_eq(events(), "");
    /* and a freed source publishes nothing */
    memory_region_set_enabled(mr("dev"), false);
    ck_assert_str_eq(events(), "");
}
END_TEST

START_TEST(test_topology_names_changed_views)
{
    memory_region_set_enabled(mr("dev"), false);
    ck_assert_str_eq(events(), "topology {\"address_spaces\":[\"memory\"]}\n");
    memory_region_set_enabled(mr("iodev"), false);
    ck_assert_str_eq(events(), "topology {\"address_spaces\":[\"I/O\"]}\n");
    memory_region_set_enabled(mr("dma-win"), false);
    ck_assert_str_eq(events(), "topology {\"address_spaces\":[\"dma\"]}\n");
    /* one transaction, one event, in address-space creation order */
    memory_region_transaction_begin();
    memory_region_set_enabled(mr("dma-win"), true);
    memory_region_set_enabled(mr("dev"), true);
    memory_region_transaction_commit();
    ck_assert_str_eq(events(),
                     "topology {\"address_spaces\":[\"memory\",\"dma\"]}\n");
    /* what two address spaces show through aliases changes in both */
    memory_region_set_readonly(mr("shared"), true);
    ck_assert_str_eq(events(),
                     "topology {\"address_spaces\":[\"memory\",\"dma\"]}\n");
    memory_region_del_subregion(mr("system"), mr("dev"));
    ck_assert_str_eq(events(), "topology {\"address_spaces\":[\"memory\"]}\n");
    memory_region_add_subregion(mr("system"), 0x10000000, mr("dev"));
    ck_assert_str_eq(events(), "topology {\"address_spaces\":[\"memory\"]}\n");
}
END_TEST

START_TEST(test_no_visible_change_no_event)
{
    /* under RAM of higher priority: a commit, but no view changes */
    memory_region_set_enabled(mr("hidden"), false);
    ck_assert_str_eq(events(), "");
    memory_region_set_enabled(mr("hidden"), true);
    ck_assert_str_eq(events(), "");
    /* changed and changed back inside one transaction */
    memory_region_transaction_begin();
    memory_region_set_enabled(mr("dev"), false);
    memory_region_set_enabled(mr("iodev"), false);
    memory_region_set_enabled(mr("dev"), true);
    memory_region_set_enabled(mr("iodev"), true);
    memory_region_transaction_commit();
    ck_assert_str_eq(events(), "");
    /* a region mapped nowhere */
    MemoryRegion *lone = calloc(1, sizeof(*lone));

    ck_assert_ptr_nonnull(lone);
    memory_region_init(lone, NULL, "lone", 0x1000);
    memory_region_set_enabled(lone, false);
    ck_assert_str_eq(events(), "");
    memory_region_destroy(lone);
    memcore_rcu_barrier();
    free(lone);
}
END_TEST

/* Address spaces created later are followed. */
START_TEST(test_new_address_space)
{
    AddressSpace *extra = calloc(1, sizeof(*extra));

    ck_assert_ptr_nonnull(extra);
    address_space_init(extra, mr("io"), "extra");
    ck_assert_str_eq(events(), "topology {\"address_spaces\":[\"extra\"]}\n");
    memory_region_set_enabled(mr("iodev"), false);
    ck_assert_str_eq(events(),
                     "topology {\"address_spaces\":[\"I/O\",\"extra\"]}\n");
    /* destruction is silent in memcore: no event */
    address_space_destroy(extra);
    ck_assert_str_eq(events(), "");
    memory_region_set_enabled(mr("iodev"), true);
    ck_assert_str_eq(events(), "topology {\"address_spaces\":[\"I/O\"]}\n");
    memcore_rcu_barrier();
    free(extra);
}
END_TEST

START_TEST(test_dirty_log)
{
    memory_global_dirty_log_start();
    ck_assert_str_eq(events(), "dirty-log {\"active\":true,\"scope\":"
                               "\"global\",\"client\":\"migration\"}\n");
    memory_global_dirty_log_start();   /* already on: nothing */
    ck_assert_str_eq(events(), "");
    memory_global_dirty_log_stop();
    ck_assert_str_eq(events(), "dirty-log {\"active\":false,\"scope\":"
                               "\"global\",\"client\":\"migration\"}\n");
    memory_region_set_log(mr("ram"), true, DIRTY_MEMORY_VGA);
    ck_assert_str_eq(events(), "dirty-log {\"active\":true,\"scope\":"
                               "\"region\",\"client\":\"vga\",\"region\":"
                               "\"ram\",\"address_spaces\":[\"memory\"]}\n");
    /* counted: a second enable changes nothing */
    memory_region_set_log(mr("ram"), true, DIRTY_MEMORY_VGA);
    memory_region_set_log(mr("ram"), false, DIRTY_MEMORY_VGA);
    ck_assert_str_eq(events(), "");
    memory_region_set_log(mr("ram"), false, DIRTY_MEMORY_VGA);
    ck_assert_str_eq(events(), "dirty-log {\"active\":false,\"scope\":"
                               "\"region\",\"client\":\"vga\",\"region\":"
                               "\"ram\",\"address_spaces\":[\"memory\"]}\n");
    /* one event for a region shown in two address spaces */
    memory_region_set_log(mr("shared"), true, DIRTY_MEMORY_VGA);
    ck_assert_str_eq(events(), "dirty-log {\"active\":true,\"scope\":"
                               "\"region\",\"client\":\"vga\",\"region\":"
                               "\"shared\",\"address_spaces\":[\"memory\","
                               "\"dma\"]}\n");
    memory_region_set_log(mr("shared"), false, DIRTY_MEMORY_VGA);
    events();
    /* a region mapped nowhere: nothing a listener sees changes */
    MemoryRegion *lone = calloc(1, sizeof(*lone));
    Error *err = NULL;

    ck_assert_ptr_nonnull(lone);
    memory_region_init_ram(lone, NULL, "lone", 0x1000, &err);
    ck_assert_ptr_null(err);
    memory_region_set_log(lone, true, DIRTY_MEMORY_VGA);
    memory_region_set_log(lone, false, DIRTY_MEMORY_VGA);
    ck_assert_str_eq(events(), "");
    memory_region_destroy(lone);
    memcore_rcu_barrier();
    free(lone);
}
END_TEST

START_TEST(test_run_state)
{
    ck_assert_ptr_nonnull(m->mon.cpu_cont);
    m->mon.cpu_cont(m->mon.opaque);
    m->mon.cpu_stop(m->mon.opaque);
    cpu_stop_all_for(m->cpus, CPU_RUN_DEBUG);   /* stopped: no change */
    ck_assert_int_eq(cpu_step(m->cpus, 0), 0);
    cpu_wait_stopped(m->cpus);
    ck_assert_str_eq(events(),
                     "run-state {\"running\":true,\"reason\":\"resume\"}\n"
                     "run-state {\"running\":false,\"reason\":\"pause\"}\n"
                     "run-state {\"running\":true,\"reason\":\"step\"}\n"
                     "run-state {\"running\":false,\"reason\":\"step\"}\n");
    m->mon.cpu_cont(m->mon.opaque);
    cpu_run_observers_sync(m->cpus);
    ck_assert_uint_gt(web_events_read(sub, (char[256]){ 0 }, 256), 0);
    machine_stop_for_shutdown(m);
    {
        /* told by the time it returns (no sync here): HTTP stops next */
        char buf[256];
        size_t n = web_events_read(sub, buf, sizeof(buf) - 1);

        buf[n] = '\0';
        ck_assert_msg(strstr(buf, "\"reason\":\"shutdown\"") != NULL,
                      "no shutdown event yet: '%s'", buf);
    }
    m->mon.cpu_cont(m->mon.opaque);
    machine_stop_for_shutdown(m);
    ck_assert_str_eq(events(),
                     "run-state {\"running\":true,\"reason\":\"resume\"}\n"
                     "run-state {\"running\":false,\"reason\":\"shutdown\"}\n");
}
END_TEST

/* The gdb target stops the machine as a debugger: attach and Ctrl-C say
 * "debug", detach resumes. */
START_TEST(test_gdb_target_run_state)
{
    GdbCpuTarget *t;
    const GdbTarget *g;

    m->mon.cpu_cont(m->mon.opaque);
    t = gdb_cpu_target_new(m, as("memory"), false);
    ck_assert_ptr_nonnull(t);
    g = gdb_cpu_target(t);
    g->ops->attach(g->opaque, NULL);
    g->ops->detach(g->opaque);
    g->ops->stop(g->opaque);
    ck_assert_str_eq(events(),
                     "run-state {\"running\":true,\"reason\":\"resume\"}\n"
                     "run-state {\"running\":false,\"reason\":\"debug\"}\n"
                     "run-state {\"running\":true,\"reason\":\"resume\"}\n"
                     "run-state {\"running\":false,\"reason\":\"debug\"}\n");
    gdb_cpu_target_free(t);
}
END_TEST

/* A board without harts: topology and the rest, no run-state. */
START_TEST(test_no_cpus)
{
    char *json = unquote(
        "{'name': 'nocpu', 'address-spaces': [{'name': 'memory', "
        "'root': 'sys'}], 'regions': [{'name': 'sys', 'type': 'container', "
        "'size': '16E', 'subregions': [{'addr': '0', 'name': 'r', "
        "'type': 'ram', 'size': '4K'}]}]}");
    Diag d;
    Board *b;
    Machine *m2;
    WebEventSource *src2;

    /* the fixture's machine goes first: one machine at a time */
    web_event_source_free(src);
    src = NULL;
    machine_destroy(m);
    diag_init(&d);
    b = board_parse_string(json, NULL, NULL, &d);
    free(json);
    ck_assert_ptr_nonnull(b);
    m2 = machine_create(b, false, &d);
    ck_assert_ptr_nonnull(m2);
    diag_free(&d);
    ck_assert_ptr_null(m2->cpus);
    m = m2;
    src2 = web_event_source_new(m2, ev);
    ck_assert_ptr_nonnull(src2);
    memory_region_set_enabled(mr("r"), false);
    ck_assert_str_eq(events(), "topology {\"address_spaces\":[\"memory\"]}\n");
    web_event_source_free(src2);
}
END_TEST

/* What a user at the prompt does, seen on the stream. */
START_TEST(test_monitor_commands)
{
    Monitor *mon = monitor_new(&m->mon);
    FILE *sink = fopen("/dev/null", "w");
    MonitorOut out;

    ck_assert_ptr_nonnull(mon);
    ck_assert_ptr_nonnull(sink);
    out = monitor_out_file(sink);
    ck_assert_int_eq(monitor_run_line(mon, "region disable dev", &out), 0);
    ck_assert_int_eq(monitor_run_line(mon, "region move iodev 0x100", &out),
                     0);
    ck_assert_int_eq(monitor_run_line(mon, "region disable hidden", &out), 0);
    ck_assert_int_eq(monitor_run_line(mon, "dirty-log start", &out), 0);
    ck_assert_int_eq(monitor_run_line(mon, "dirty-log stop", &out), 0);
    ck_assert_int_eq(monitor_run_line(mon, "cont", &out), 0);
    ck_assert_int_eq(monitor_run_line(mon, "stop", &out), 0);
    ck_assert_str_eq(events(),
                     "topology {\"address_spaces\":[\"memory\"]}\n"
                     "topology {\"address_spaces\":[\"I/O\"]}\n"
                     "dirty-log {\"active\":true,\"scope\":\"global\","
                     "\"client\":\"migration\"}\n"
                     "dirty-log {\"active\":false,\"scope\":\"global\","
                     "\"client\":\"migration\"}\n"
                     "run-state {\"running\":true,\"reason\":\"resume\"}\n"
                     "run-state {\"running\":false,\"reason\":\"pause\"}\n");
    monitor_free(mon);
    fclose(sink);
}
END_TEST

static unsigned gdb_hits;
static void gdb_hit(void *opaque, GdbStopReason reason, uint64_t addr,
                    unsigned requester_id)
{
    (void)opaque; (void)reason; (void)addr; (void)requester_id;
    gdb_hits++;
}

START_TEST(test_watchpoint)
{
    GdbWatchSet *w = gdb_watch_new(gdb_hit, NULL);
    MemTxResult r = MEMTX_OK;

    ck_assert_ptr_nonnull(w);
    gdb_watch_set_observer(w, web_event_source_watch_observer(src));
    ck_assert_int_eq(gdb_watch_insert(w, as("memory"), GDB_WATCH_WRITE,
                                      0x80000100, 4), 0);
    ck_assert_int_eq(gdb_watch_insert(w, as("memory"), GDB_WATCH_ACCESS,
                                      0x40000010, 8), 0);
    /* inserting re-renders the views, but none changes */
    ck_assert_str_eq(events(), "");
    address_space_stl_le(as("memory"), 0x80000100, 7, MEMTXATTRS_UNSPECIFIED,
                         &r);
    ck_assert_uint_eq(r, MEMTX_OK);
    ck_assert_str_eq(events(), "watchpoint {\"addr\":\"0x80000100\",\"len\":"
                               "\"0x4\",\"as\":\"memory\",\"kind\":\"watch\","
                               "\"access\":\"write\",\"access_addr\":"
                               "\"0x80000100\",\"access_len\":\"0x4\","
                               "\"access_as\":\"memory\",\"requester\":0}\n");
    /* the same memory reached through another address space */
    (void)address_space_ldq_le(as("dma"), 0x10, MEMTXATTRS_UNSPECIFIED, &r);
    ck_assert_str_eq(events(), "watchpoint {\"addr\":\"0x40000010\",\"len\":"
                               "\"0x8\",\"as\":\"memory\",\"kind\":\"awatch\","
                               "\"access\":\"read\",\"access_addr\":\"0x10\","
                               "\"access_len\":\"0x8\",\"access_as\":\"dma\","
                               "\"requester\":0}\n");
    ck_assert_uint_eq(gdb_hits, 2);   /* gdb's hit function still runs */
    gdb_watch_set_observer(w, NULL);
    address_space_stl_le(as("memory"), 0x80000100, 8, MEMTXATTRS_UNSPECIFIED,
                         &r);
    ck_assert_str_eq(events(), "");
    ck_assert_uint_eq(gdb_hits, 3);
    gdb_watch_free(w);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("web_event_source");
    TCase *tc = tcase_create("source");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_registration_is_quiet);
    tcase_add_test(tc, test_topology_names_changed_views);
    tcase_add_test(tc, test_no_visible_change_no_event);
    tcase_add_test(tc, test_new_address_space);
    tcase_add_test(tc, test_dirty_log);
    tcase_add_test(tc, test_run_state);
    tcase_add_test(tc, test_monitor_commands);
    tcase_add_test(tc, test_gdb_target_run_state);
    tcase_add_test(tc, test_no_cpus);
    tcase_add_test(tc, test_watchpoint);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
