/*
 * monitor/cmd_dump.c — x and xp: parse "/fmt addr" and hand the dump to
 * format.c.  As in QEMU the remembered format changes as soon as "/fmt"
 * parses, even if the address that follows is bad.
 */
#include "internal.h"

static CmdResult dump_cmd(Monitor *mon, const MonCmd *cmd, const char *args,
                          bool physical)
{
    const char *p = args;
    DumpFmt fmt;
    int64_t addr;

    if (!mon_parse_dumpfmt(mon, &p, &fmt) || !mon_parse_expr(mon, &p, &addr) ||
        !mon_parse_end(mon, cmd, p)) {
        return CMD_USAGE;
    }
    return mon_memory_dump(mon, &fmt, (uint64_t)addr, physical);
}

CmdResult cmd_x(Monitor *mon, const MonCmd *cmd, const char *args)
{
    return dump_cmd(mon, cmd, args, false);
}

CmdResult cmd_xp(Monitor *mon, const MonCmd *cmd, const char *args)
{
    return dump_cmd(mon, cmd, args, true);
}
