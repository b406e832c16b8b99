/*
 * monitor/cmd_region.c — `region enable|disable|move|resize`: topology
 * changes by name, each in one memory transaction so that no reader sees
 * a half-done change.  Refused under --read-only.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum { R_ENABLE, R_DISABLE, R_MOVE, R_RESIZE };

CmdResult cmd_region(Monitor *mon, const MonCmd *cmd, const char *args)
{
    static const char *const verbs[] = { "enable", "disable", "move",
                                         "resize" };
    const char *p = mon_skip_ws(args);
    size_t n = mon_cmd_word(p);
    char *name = NULL;
    int64_t val = 0;
    MemoryRegion *mr;
    Error *err = NULL;
    int verb = -1;

    for (int i = 0; i < 4; i++) {
        if (n == strlen(verbs[i]) && memcmp(p, verbs[i], n) == 0) {
            verb = i;
        }
    }
    if (verb < 0) {
        if (n) {
            mon_error(mon, "region: unknown subcommand '%.*s'", (int)n, p);
        } else {
            mon_error(mon, "region: enable, disable, move or resize expected");
        }
        return CMD_USAGE;
    }
    p += n;
    if (!mon_parse_str(mon, cmd, &p, &name)) {
        return CMD_USAGE;
    }
    if ((verb == R_MOVE || verb == R_RESIZE) &&
        !mon_parse_expr(mon, &p, &val)) {
        free(name);
        return CMD_USAGE;
    }
    if (!mon_parse_end(mon, cmd, p)) {
        free(name);
        return CMD_USAGE;
    }
    if (mon_refuse_write(mon)) {
        free(name);
        return CMD_FAILED;
    }
    mr = mon_lookup_region(mon, name);
    free(name);
    if (!mr) {
        return CMD_FAILED;
    }

    memory_region_transaction_begin();
    switch (verb) {
    case R_ENABLE:
    case R_DISABLE:
        memory_region_set_enabled(mr, verb == R_ENABLE);
        break;
    case R_MOVE:
        memory_region_set_address(mr, (hwaddr)val);
        break;
    default:
        /* A region with a RAM block changes through its block (only
         * resizeable RAM can); anything else just changes size. */
        if (memory_region_is_ram(mr) ||
            memory_region_get_ram_addr(mr) != RAM_ADDR_INVALID) {
            memory_region_ram_resize(mr, (ram_addr_t)val, &err);
        } else {
            memory_region_set_size(mr, (uint64_t)val);
        }
        break;
    }
    memory_region_transaction_commit();
    if (err) {
        mon_error(mon, "Error: %s", error_get_pretty(err));
        error_free(err);
        return CMD_FAILED;
    }
    return CMD_OK;
}
