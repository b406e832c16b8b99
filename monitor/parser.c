/*
 * monitor/parser.c — argument parsing shared by the commands: strings
 * (quoted or bare), option flags, `-a AS`, expressions as QEMU's 'l' and
 * 'i' argument types, and the end-of-line check.  Error texts are QEMU
 * 7.2's, so scripts written against QEMU's monitor see the same lines.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *mon_skip_ws(const char *p)
{
    while (isspace((unsigned char)*p)) {
        p++;
    }
    return p;
}

bool mon_at_end(const char *p)
{
    return *mon_skip_ws(p) == '\0';
}

size_t mon_cmd_word(const char *p)
{
    size_t n = 0;
    /* QEMU ends a command name at '/', so "xp/4xw 0" works. */
    while (p[n] && p[n] != '/' && !isspace((unsigned char)p[n])) {
        n++;
    }
    return n;
}

static void cmd_name(const MonCmd *cmd, const char **name, int *len)
{
    *len = (int)monitor_cmd_main_name(cmd, name);
}

bool mon_parse_end(Monitor *mon, const MonCmd *cmd, const char *p)
{
    const char *name;
    int len;

    if (mon_at_end(p)) {
        return true;
    }
    cmd_name(cmd, &name, &len);
    mon_error(mon, "%.*s: extraneous characters at the end of line", len,
              name);
    return false;
}

bool mon_parse_str(Monitor *mon, const MonCmd *cmd, const char **pp,
                   char **out)
{
    const char *p = mon_skip_ws(*pp);
    const char *name;
    int nlen;
    size_t len = 0;
    char *buf;

    cmd_name(cmd, &name, &nlen);
    if (*p == '\0') {
        mon_error(mon, "%.*s: string expected", nlen, name);
        *pp = p;
        return false;
    }
    /* The result is never longer than what is left of the line. */
    buf = malloc(strlen(p) + 1);
    if (!buf) {
        mon_error(mon, "Error: out of memory");
        return false;
    }
    if (*p == '"') {
        p++;
        while (*p && *p != '"') {
            char c = *p++;
            if (c == '\\') {
                c = *p;
                switch (c) {
                case 'n':
                    c = '\n';
                    break;
                case 'r':
                    c = '\r';
                    break;
                case '\\':
                case '\'':
                case '"':
                    break;
                default:
                    if (c) {
                        mon_error(mon, "unsupported escape code: '\\%c'", c);
                    } else {
                        mon_error(mon, "unterminated string");
                    }
                    mon_error(mon, "%.*s: string expected", nlen, name);
                    free(buf);
                    return false;
                }
                p++;
            }
            buf[len++] = c;
        }
        if (*p != '"') {
            mon_error(mon, "unterminated string");
            mon_error(mon, "%.*s: string expected", nlen, name);
            free(buf);
            return false;
        }
        p++;
    } else {
        while (*p && !isspace((unsigned char)*p)) {
            buf[len++] = *p++;
        }
    }
    buf[len] = '\0';
    *out = buf;
    *pp = p;
    return true;
}

bool mon_parse_flags(Monitor *mon, const MonCmd *cmd, const char **pp,
                     const char *allowed, unsigned *bits)
{
    const char *p = *pp;
    const char *name;
    int nlen;

    cmd_name(cmd, &name, &nlen);
    *bits = 0;
    for (;;) {
        const char *q = mon_skip_ws(p);
        if (q[0] != '-' || !isalpha((unsigned char)q[1])) {
            if (q[0] == '-' && (q[1] == '\0' || isspace((unsigned char)q[1]))) {
                mon_error(mon, "%.*s: unsupported option -", nlen, name);
                return false;
            }
            break;
        }
        q++;
        while (*q && !isspace((unsigned char)*q)) {
            const char *f = strchr(allowed, *q);
            if (!f || !*q) {
                mon_error(mon, "%.*s: unsupported option -%c", nlen, name, *q);
                return false;
            }
            *bits |= 1u << (f - allowed);
            q++;
        }
        p = q;
    }
    *pp = p;
    return true;
}

CmdResult mon_parse_as(Monitor *mon, const MonCmd *cmd, const char **pp,
                       AddressSpace **as)
{
    const char *p = mon_skip_ws(*pp);
    char *name = NULL;

    if (p[0] == '-' && isalpha((unsigned char)p[1])) {
        const char *cname;
        int nlen;
        cmd_name(cmd, &cname, &nlen);
        if (p[1] != 'a' || (p[2] && !isspace((unsigned char)p[2]))) {
            mon_error(mon, "%.*s: unsupported option -%c", nlen, cname, p[1]);
            return CMD_USAGE;
        }
        p += 2;
        if (!mon_parse_str(mon, cmd, &p, &name)) {
            return CMD_USAGE;
        }
        *as = mon_find_as(mon, name);
        if (!*as) {
            mon_error(mon, "Error: no address space named '%s'", name);
            free(name);
            return CMD_FAILED;
        }
        free(name);
    } else {
        *as = mon_default_as(mon);
        if (!*as) {
            mon_error(mon, "Error: the machine has no address space");
            return CMD_FAILED;
        }
    }
    *pp = p;
    return CMD_OK;
}

bool mon_parse_expr(Monitor *mon, const char **pp, int64_t *val)
{
    return monitor_expr(mon, pp, val);
}

bool mon_parse_expr32(Monitor *mon, const MonCmd *cmd, const char **pp,
                      int64_t *val)
{
    if (!monitor_expr(mon, pp, val)) {
        return false;
    }
    /* QEMU's 'i' type refuses anything with bits set above bit 31. */
    if (((uint64_t)*val >> 32) != 0) {
        const char *name;
        int nlen;
        cmd_name(cmd, &name, &nlen);
        mon_error(mon, "'%.*s' has failed: integer is for 32-bit values",
                  nlen, name);
        return false;
    }
    return true;
}
