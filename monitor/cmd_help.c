/*
 * monitor/cmd_help.c — `help [cmd [subcmd]]` and `?`: one line per
 * command, "NAME PARAMS -- DESCRIPTION", as QEMU lays it out (a command
 * without parameters gets two spaces before "--").  `help info` lists the
 * info topics, each prefixed by "info ".
 */
#include <ctype.h>
#include <string.h>

#include "internal.h"

static void dump_one(Monitor *mon, const char *prefix, const MonCmd *cmd)
{
    mon_printf(mon, "%s%s %s -- %s\n", prefix, cmd->name, cmd->params,
               cmd->help);
}

CmdResult cmd_help(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const MonCmd *table = monitor_commands;
    const char *p = args;
    char prefix[64] = "";

    (void)cmd;
    for (;;) {
        const MonCmd *c;
        size_t n = 0;

        p = mon_skip_ws(p);
        if (*p == '\0') {
            for (c = table; c->name; c++) {
                dump_one(mon, prefix, c);
            }
            return CMD_OK;
        }
        while (p[n] && !isspace((unsigned char)p[n])) {
            n++;
        }
        c = monitor_find_cmd(table, p, n);
        if (!c) {
            mon_error(mon, "unknown command: '%s%.*s'", prefix, (int)n, p);
            return CMD_FAILED;
        }
        if (!c->sub) {
            dump_one(mon, prefix, c);
            return CMD_OK;
        }
        /* Only table names go into the prefix: it stays short. */
        strncat(prefix, p, n < 32 ? n : 32);
        strcat(prefix, " ");
        table = c->sub;
        p += n;
    }
}
