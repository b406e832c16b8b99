/*
 * monitor/cmd_cpu.c — the vCPU commands: stop, cont, system_reset, info
 * registers, info status, info cpus.  They only call MonitorMachine's
 * cpu_* hooks; a machine without vCPU leaves them NULL and the commands
 * say so.
 */
#include "internal.h"

static bool have(Monitor *mon, const void *hook)
{
    if (!hook) {
        mon_error(mon, "Error: this machine has no vCPU");
        return false;
    }
    return true;
}

CmdResult cmd_stop(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const MonitorMachine *m = mon->machine;

    if (!mon_parse_end(mon, cmd, args)) {
        return CMD_USAGE;
    }
    if (!have(mon, (const void *)m->cpu_stop)) {
        return CMD_FAILED;
    }
    m->cpu_stop(m->opaque);
    return CMD_OK;
}

CmdResult cmd_cont(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const MonitorMachine *m = mon->machine;

    if (!mon_parse_end(mon, cmd, args)) {
        return CMD_USAGE;
    }
    if (!have(mon, (const void *)m->cpu_cont)) {
        return CMD_FAILED;
    }
    m->cpu_cont(m->opaque);
    return CMD_OK;
}

CmdResult cmd_system_reset(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const MonitorMachine *m = mon->machine;

    if (!mon_parse_end(mon, cmd, args)) {
        return CMD_USAGE;
    }
    if (!have(mon, (const void *)m->system_reset)) {
        return CMD_FAILED;
    }
    /* A reset rewrites every register, which gdb's G and P may not do
     * under --read-only either; stop and cont only pause and resume. */
    if (mon_refuse_write(mon)) {
        return CMD_FAILED;
    }
    m->system_reset(m->opaque);
    return CMD_OK;
}

CmdResult cmd_info_registers(Monitor *mon, const MonCmd *cmd,
                             const char *args)
{
    const MonitorMachine *m = mon->machine;

    if (!mon_parse_end(mon, cmd, args)) {
        return CMD_USAGE;
    }
    if (!have(mon, (const void *)m->cpu_dump_registers)) {
        return CMD_FAILED;
    }
    m->cpu_dump_registers(m->opaque, mon->out);
    return CMD_OK;
}

CmdResult cmd_info_status(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const MonitorMachine *m = mon->machine;

    if (!mon_parse_end(mon, cmd, args)) {
        return CMD_USAGE;
    }
    if (!have(mon, (const void *)m->cpu_running)) {
        return CMD_FAILED;
    }
    mon_printf(mon, "VM status: %s\n",
               m->cpu_running(m->opaque) ? "running" : "paused");
    return CMD_OK;
}

CmdResult cmd_info_cpus(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const MonitorMachine *m = mon->machine;

    if (!mon_parse_end(mon, cmd, args)) {
        return CMD_USAGE;
    }
    if (!have(mon, (const void *)m->cpu_list)) {
        return CMD_FAILED;
    }
    m->cpu_list(m->opaque, mon->out);
    return CMD_OK;
}
