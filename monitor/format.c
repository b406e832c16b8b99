/*
 * monitor/format.c — x and xp: the "/count format unit" argument and the
 * dump rows.  Row layout, widths per format, values per row and the
 * remembered defaults are QEMU 7.2's:
 *
 *   ADDR (16 hex digits) ':' then, per value, ' ' and the value;
 *   8 bytes per row for 1-byte units, else 16;
 *   x: 0x + 2 digits per byte; o: %#o padded to ceil(bits/3);
 *   u, d: padded to ceil(bits*10/33) (units narrower than 8 bytes are
 *   zero-extended, so d only goes negative for g); c: one quoted
 *   character per byte, escaped.
 *
 * memcore adds t (binary, one digit per bit) and a (hex, followed by
 * <region+offset> when the value is an address the dumped address space
 * maps).  A row that cannot be read prints "ADDR: Cannot access memory"
 * and ends the dump.
 *
 * One dump reads at most MONITOR_DUMP_MAX_BYTES (or MONITOR_DUMP_MAX_INSNS
 * instructions): QEMU has no cap, and `xp /99999999999xg 0` on a large
 * board, or any count on a 16 EiB `zero` device, kept a thread busy for
 * hours.  A longer dump is refused before anything is read; pmemsave
 * is the tool for more.  Each row also checks for cancellation (Ctrl-C,
 * the client gone, shutdown).
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

bool mon_parse_dumpfmt(Monitor *mon, const char **pp, DumpFmt *fmt)
{
    const char *p = mon_skip_ws(*pp);

    if (*p != '/') {
        fmt->count = 1;
        fmt->format = mon->last_format;
        fmt->size = fmt->format == 'i' ? -1 : mon->last_size;
        *pp = p;
        return true;
    }
    p++;
    fmt->count = 1;
    if (isdigit((unsigned char)*p)) {
        fmt->count = 0;
        while (isdigit((unsigned char)*p)) {
            unsigned d = (unsigned)(*p - '0');
            /* Saturate: a dump that long ends at unreadable memory. */
            fmt->count = fmt->count > (UINT64_MAX - d) / 10
                             ? UINT64_MAX
                             : fmt->count * 10 + d;
            p++;
        }
    }
    fmt->format = -1;
    fmt->size = -1;
    for (;; p++) {
        switch (*p) {
        case 'o': case 'd': case 'u': case 'x': case 'i': case 'c':
        case 't': case 'a':
            fmt->format = *p;
            continue;
        case 'b':
            fmt->size = 1;
            continue;
        case 'h':
            fmt->size = 2;
            continue;
        case 'w':
            fmt->size = 4;
            continue;
        case 'g':
        case 'L':
            fmt->size = 8;
            continue;
        default:
            break;
        }
        break;
    }
    if (*p && !isspace((unsigned char)*p)) {
        mon_error(mon, "invalid char in format: '%c'", *p);
        *pp = p;
        return false;
    }
    if (fmt->format < 0) {
        fmt->format = mon->last_format;
    }
    if (fmt->format != 'i') {
        /* 'i' without a unit keeps the remembered unit untouched. */
        if (fmt->size < 0) {
            fmt->size = mon->last_size;
        }
        mon->last_size = fmt->size;
    }
    mon->last_format = fmt->format;
    *pp = p;
    return true;
}

void mon_size_to_str(uint64_t val, char *buf, size_t len)
{
    static const char *const suffix[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi",
                                          "Ei" };
    int exp;
    int i;

    /* The unit switches up once the value reaches 1000 of it, so that at
     * most three digits stand before the point (QEMU's size_to_str). */
    frexp((double)val / (1000.0 / 1024.0), &exp);
    i = (exp - 1) / 10;
    if (i < 0) {
        i = 0;
    }
    if (i > 6) {
        i = 6;
    }
    snprintf(buf, len, "%0.3g %sB", (double)val / (double)(1ULL << (i * 10)),
             suffix[i]);
}

/* ---- reading ------------------------------------------------------------ */

/* Read @len bytes of guest memory at @addr, virtual (through the vCPU's
 * translation, page by page) or physical.  false if any byte fails. */
static bool dump_read(Monitor *mon, AddressSpace *as, uint64_t addr,
                      uint8_t *buf, size_t len, bool physical)
{
    const MonitorMachine *m = mon->machine;

    if (physical || !m->cpu_virt_to_phys) {
        return address_space_read(as, addr, MEMTXATTRS_UNSPECIFIED, buf,
                                  (int)len) == MEMTX_OK;
    }
    while (len) {
        uint64_t page_left = TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK);
        size_t n = len < page_left ? len : (size_t)page_left;
        hwaddr pa;
        if (!m->cpu_virt_to_phys(m->opaque, addr, &pa) ||
            address_space_read(as, pa, MEMTXATTRS_UNSPECIFIED, buf, (int)n) !=
                MEMTX_OK) {
            return false;
        }
        addr += n;
        buf += n;
        len -= n;
    }
    return true;
}

/* ---- formatting --------------------------------------------------------- */

static const char hexdig[] = "0123456789abcdef";

/* @digits lowercase hex digits of @v at @out; returns the end. */
static char *put_hex(char *out, uint64_t v, int digits)
{
    for (int i = digits - 1; i >= 0; i--) {
        out[i] = hexdig[v & 0xf];
        v >>= 4;
    }
    return out + digits;
}

static uint64_t load_value(const uint8_t *p, int size)
{
    bool be = memcore_target_big_endian();
    uint64_t v = 0;

    for (int i = 0; i < size; i++) {
        int k = be ? i : size - 1 - i;
        v = (v << 8) | p[k];
    }
    return v;
}

/* QEMU's character form: 'A', '\n', '\x00' ... */
static char *put_char(char *out, unsigned c)
{
    *out++ = '\'';
    switch (c) {
    case '\'':
        *out++ = '\\';
        *out++ = '\'';
        break;
    case '\\':
        *out++ = '\\';
        *out++ = '\\';
        break;
    case '\n':
        *out++ = '\\';
        *out++ = 'n';
        break;
    case '\r':
        *out++ = '\\';
        *out++ = 'r';
        break;
    default:
        if (c >= 32 && c <= 126) {
            *out++ = (char)c;
        } else {
            *out++ = '\\';
            *out++ = 'x';
            out = put_hex(out, c, 2);
        }
        break;
    }
    *out++ = '\'';
    return out;
}

/* " <region+0xoff>" when @v is an address @as maps. */
static char *put_symbol(char *out, size_t room, AddressSpace *as, uint64_t v)
{
    MemoryRegionSection s = memory_region_find(address_space_root(as), v, 1);
    if (s.mr) {
        const char *name = memory_region_name(s.mr);
        char *text;
        int n = mon_asprintf_escaped(&text, " <%.200s+0x%" PRIx64 ">",
                                     name ? name : "(noname)",
                                     s.offset_within_region);
        memory_region_unref(s.mr);
        if (n > 0 && (size_t)n < room) {
            memcpy(out, text, (size_t)n);
            out += n;
        }
        if (n >= 0) {
            free(text);
        }
    }
    return out;
}

static CmdResult dump_insns(Monitor *mon, AddressSpace *as,
                            const DumpFmt *fmt, uint64_t addr, bool physical)
{
    const MonitorMachine *m = mon->machine;

    if (fmt->count > MONITOR_DUMP_MAX_INSNS) {
        mon_error(mon, "Error: x/xp prints at most %u instructions at a "
                       "time",
                  MONITOR_DUMP_MAX_INSNS);
        return CMD_FAILED;
    }
    if (!m->cpu_disas) {
        mon_error(mon, "Error: format 'i' needs a vCPU disassembler, and "
                       "this machine has none");
        return CMD_FAILED;
    }
    for (uint64_t i = 0; i < fmt->count; i++) {
        char text[256];
        hwaddr pa = addr;
        unsigned n;
        if (!physical && m->cpu_virt_to_phys &&
            !m->cpu_virt_to_phys(m->opaque, addr, &pa)) {
            mon_error(mon, "%016" PRIx64 ": Cannot access memory", addr);
            return CMD_FAILED;
        }
        text[0] = '\0';
        n = m->cpu_disas(m->opaque, as, pa, text, sizeof(text));
        if (n == 0) {
            mon_error(mon, "%016" PRIx64 ": Cannot access memory", addr);
            return CMD_FAILED;
        }
        mon_printf(mon, "0x%016" PRIx64 ":  %s\n", addr, text);
        addr += n;
        if (mon_interrupted(mon)) {
            return CMD_FAILED;
        }
    }
    return CMD_OK;
}

CmdResult mon_memory_dump(Monitor *mon, const DumpFmt *fmt, uint64_t addr,
                          bool physical)
{
    AddressSpace *as = mon_default_as(mon);
    int format = fmt->format;
    int wsize = fmt->size;
    int line_size, digits;
    uint64_t len;
    char row[4096];

    if (!as) {
        mon_error(mon, "Error: the machine has no address space");
        return CMD_FAILED;
    }
    if (format == 'i') {
        return dump_insns(mon, as, fmt, addr, physical);
    }
    len = fmt->count > UINT64_MAX / (uint64_t)wsize
              ? UINT64_MAX
              : fmt->count * (uint64_t)wsize;
    if (len > MONITOR_DUMP_MAX_BYTES) {
        mon_error(mon, "Error: x/xp dumps at most %u bytes at a time (%u "
                       "units of %d byte%s); pmemsave writes more to a file",
                  MONITOR_DUMP_MAX_BYTES, MONITOR_DUMP_MAX_BYTES / wsize,
                  wsize, wsize == 1 ? "" : "s");
        return CMD_FAILED;
    }
    line_size = wsize == 1 ? 8 : 16;
    switch (format) {
    case 'o':
        digits = (wsize * 8 + 2) / 3;
        break;
    case 'u':
    case 'd':
        digits = (wsize * 8 * 10 + 32) / 33;
        break;
    case 't':
        digits = wsize * 8;
        break;
    case 'c':
        /* Characters come one byte at a time; the row length stays the
         * one of the unit asked for, as in QEMU. */
        digits = 0;
        wsize = 1;
        break;
    default:
        digits = wsize * 2;
        break;
    }

    while (len > 0) {
        uint8_t buf[16];
        int l = len > (uint64_t)line_size ? line_size : (int)len;
        char *o = row;

        o = put_hex(o, addr, 16);
        *o++ = ':';
        if (!dump_read(mon, as, addr, buf, (size_t)l, physical)) {
            mon_write(mon, row, (size_t)(o - row));
            mon_error(mon, " Cannot access memory");
            return CMD_FAILED;
        }
        for (int i = 0; i < l; i += wsize) {
            uint64_t v = load_value(buf + i, wsize);
            size_t room = sizeof(row) - (size_t)(o - row);
            int n = 0;
            *o++ = ' ';
            room--;
            switch (format) {
            case 'o':
                n = snprintf(o, room, "%#*" PRIo64, digits, v);
                break;
            case 'u':
                n = snprintf(o, room, "%*" PRIu64, digits, v);
                break;
            case 'd':
                n = snprintf(o, room, "%*" PRId64, digits, (int64_t)v);
                break;
            case 'c':
                o = put_char(o, (unsigned)v);
                break;
            case 't':
                for (int b = digits - 1; b >= 0; b--) {
                    *o++ = (char)('0' + ((v >> b) & 1));
                }
                break;
            case 'a':
                *o++ = '0';
                *o++ = 'x';
                o = put_hex(o, v, digits);
                o = put_symbol(o, sizeof(row) - (size_t)(o - row) - 2, as, v);
                break;
            default:
                *o++ = '0';
                *o++ = 'x';
                o = put_hex(o, v, digits);
                break;
            }
            if (n > 0 && (size_t)n < room) {
                o += n;
            }
        }
        *o++ = '\n';
        mon_write(mon, row, (size_t)(o - row));
        addr += (uint64_t)l;
        len -= (uint64_t)l;
        if (len && mon_interrupted(mon)) {
            return CMD_FAILED;
        }
    }
    return CMD_OK;
}
