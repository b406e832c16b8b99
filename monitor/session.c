/*
 * monitor/session.c — a monitor session: creation, running one line
 * (finding the command, calling it, QEMU's "Try help" line after bad
 * arguments), the output helpers every command prints through, and the
 * small accessors for what the machine provides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void mon_init(Monitor *mon, const MonitorMachine *machine)
{
    memset(mon, 0, sizeof(*mon));
    mon->machine = machine;
    atomic_init(&mon->run_state, MON_IDLE);
    /* QEMU's initial x/xp defaults: hex, 4-byte units. */
    mon->last_format = 'x';
    mon->last_size = 4;
}

Monitor *monitor_new(const MonitorMachine *machine)
{
    Monitor *mon = malloc(sizeof(*mon));
    if (!mon) {
        return NULL;
    }
    mon_init(mon, machine);
    return mon;
}

void monitor_free(Monitor *mon)
{
    free(mon);
}

bool monitor_cancel(Monitor *mon)
{
    int running = MON_RUNNING;

    if (atomic_compare_exchange_strong(&mon->run_state, &running,
                                       MON_CANCELLED)) {
        return true;
    }
    return running == MON_CANCELLED;
}

bool mon_interrupted(Monitor *mon)
{
    const MonitorMachine *m = mon->machine;

    if (mon->interrupted) {
        return true;
    }
    if (atomic_load_explicit(&mon->run_state, memory_order_relaxed) !=
            MON_CANCELLED &&
        !(m->cancelled && m->cancelled(m->opaque))) {
        return false;
    }
    mon->interrupted = true;
    mon_error(mon, "Error: interrupted");
    return true;
}

static int run_line(Monitor *mon, const char *line);

int monitor_run_line(Monitor *mon, const char *line, const MonitorOut *out)
{
    int ret;

    mon->out = out;
    mon->failed = false;
    mon->interrupted = false;
    atomic_store(&mon->run_state, MON_RUNNING);
    ret = run_line(mon, line);
    atomic_store(&mon->run_state, MON_IDLE);
    mon->out = NULL;
    return ret;
}

static int run_line(Monitor *mon, const char *line)
{
    const char *start = mon_skip_ws(line);
    const char *p;
    const MonCmd *cmd;
    size_t n;
    CmdResult r;
    int ret = 0;

    if (*start == '\0') {
        return 0;
    }
    n = mon_cmd_word(start);
    cmd = monitor_find_cmd(monitor_commands, start, n);
    /* Messages quote the line from its very start, leading spaces
     * included, as QEMU does. */
    if (!cmd) {
        mon_error(mon, "unknown command: '%.*s'", (int)(start + n - line),
                  line);
        return MONITOR_FAILED;
    }
    p = start + n;
    if (cmd->sub) {
        const char *q = mon_skip_ws(p);
        if (*q != '\0') {
            size_t m = mon_cmd_word(q);
            const MonCmd *sub = monitor_find_cmd(cmd->sub, q, m);
            if (!sub) {
                mon_error(mon, "unknown command: '%.*s'",
                          (int)(q + m - line), line);
                return MONITOR_FAILED;
            }
            cmd = sub;
            p = q + m;
        }
    }
    r = cmd->run(mon, cmd, p);
    if (r == CMD_USAGE) {
        /* QEMU names the command words as typed, e.g. "help info mtree". */
        mon_error(mon, "Try \"help %.*s\" for more information",
                  (int)(p - line), line);
    }
    if (r == CMD_FAILED || r == CMD_USAGE || mon->failed) {
        ret |= MONITOR_FAILED;
    }
    if (r == CMD_QUIT) {
        ret |= MONITOR_QUIT;
    }
    return ret;
}

/* ---- output ------------------------------------------------------------- */

void mon_write(Monitor *mon, const char *buf, size_t len)
{
    if (mon->out && mon->out->write && len) {
        mon->out->write(mon->out->opaque, buf, len);
    }
}

void mon_puts(Monitor *mon, const char *s)
{
    mon_write(mon, s, strlen(s));
}

void mon_vprintf(Monitor *mon, const char *fmt, va_list ap)
{
    char *text;
    int n = mon_vasprintf_escaped(&text, fmt, ap);

    if (n < 0) {
        /* Out of memory: say so rather than nothing. */
        mon_puts(mon, "(out of memory)");
        return;
    }
    mon_write(mon, text, (size_t)n);
    free(text);
}

void mon_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mon_vprintf(mon, fmt, ap);
    va_end(ap);
}

void mon_error(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mon_vprintf(mon, fmt, ap);
    va_end(ap);
    mon_write(mon, "\n", 1);
    mon->failed = true;
}

static void file_write(void *opaque, const char *buf, size_t len)
{
    fwrite(buf, 1, len, (FILE *)opaque);
}

MonitorOut monitor_out_file(FILE *f)
{
    MonitorOut out = { file_write, f };
    return out;
}

/* ---- the machine -------------------------------------------------------- */

AddressSpace *mon_default_as(Monitor *mon)
{
    const MonitorMachine *m = mon->machine;
    AddressSpace *as;

    if (m->default_as) {
        return m->default_as(m->opaque);
    }
    memcore_lock();
    as = address_space_first();
    memcore_unlock();
    return as;
}

AddressSpace *mon_find_as(Monitor *mon, const char *name)
{
    const MonitorMachine *m = mon->machine;
    AddressSpace *as;

    if (m->find_as) {
        return m->find_as(m->opaque, name);
    }
    memcore_lock();
    for (as = address_space_first(); as; as = address_space_next(as)) {
        const char *n = address_space_name(as);
        if (n && strcmp(n, name) == 0) {
            break;
        }
    }
    memcore_unlock();
    return as;
}

bool mon_refuse_write(Monitor *mon)
{
    if (mon->machine->read_only) {
        mon_error(mon, "Error: memcored is read-only");
        return true;
    }
    return false;
}

const char *mon_region_type(MemoryRegion *mr)
{
    if (memory_region_is_romd(mr)) {
        return "romd";
    }
    if (memory_region_is_rom(mr)) {
        return "rom";
    }
    if (memory_region_is_ram(mr)) {
        return "ram";
    }
    if (memory_region_is_iommu(mr)) {
        return "iommu";
    }
    return "i/o";
}

MemoryRegion *mon_lookup_region(Monitor *mon, const char *name)
{
    const MonitorMachine *m = mon->machine;
    MemoryRegion *mr = NULL;
    int n;

    if (!m->find_region) {
        mon_error(mon, "Error: this machine does not name its regions");
        return NULL;
    }
    n = m->find_region(m->opaque, name, &mr);
    if (n == 0) {
        mon_error(mon, "Error: no region named '%s'", name);
        return NULL;
    }
    if (n > 1 || !mr) {
        mon_error(mon, "Error: %d regions are named '%s'; use a unique id",
                  n, name);
        return NULL;
    }
    return mr;
}

CmdResult cmd_quit(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const MonitorMachine *m = mon->machine;

    if (!mon_parse_end(mon, cmd, args)) {
        return CMD_USAGE;
    }
    if (m->quit) {
        m->quit(m->opaque);
    }
    return CMD_QUIT;
}
