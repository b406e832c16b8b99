/*
 * monitor/cmd_mem.c — single accesses and lookups: gpa2hva (QEMU's
 * messages), find (memory_region_find), and the ld and st commands, each
 * one address_space_ld or _st call on the chosen address space.
 */
#include <inttypes.h>
#include <string.h>

#include "internal.h"

CmdResult cmd_gpa2hva(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const char *p = args;
    AddressSpace *as;
    MemoryRegionSection s;
    int64_t addr;
    uint8_t *host;

    if (!mon_parse_expr(mon, &p, &addr) || !mon_parse_end(mon, cmd, p)) {
        return CMD_USAGE;
    }
    as = mon_default_as(mon);
    if (!as) {
        mon_error(mon, "Error: the machine has no address space");
        return CMD_FAILED;
    }
    s = memory_region_find(address_space_root(as), (hwaddr)addr, 1);
    if (!s.mr) {
        mon_error(mon, "No memory is mapped at address 0x%" PRIx64,
                  (uint64_t)addr);
        return CMD_FAILED;
    }
    if (!memory_region_is_ram(s.mr) && !memory_region_is_romd(s.mr)) {
        mon_error(mon, "Memory at address 0x%" PRIx64 " is not RAM",
                  (uint64_t)addr);
        memory_region_unref(s.mr);
        return CMD_FAILED;
    }
    host = memory_region_get_ram_ptr(s.mr);
    mon_printf(mon, "Host virtual address for 0x%" PRIx64 " (%s) is %p\n",
               (uint64_t)addr, memory_region_name(s.mr),
               host ? (void *)(host + s.offset_within_region) : NULL);
    memory_region_unref(s.mr);
    return CMD_OK;
}

/* A 65-bit size: 2^64 has no uint64_t form. */
static void print_size(Monitor *mon, Int128 size)
{
    if (int128_gethi(size)) {
        mon_puts(mon, "0x10000000000000000");
    } else {
        mon_printf(mon, "0x%" PRIx64, int128_get64(size));
    }
}

CmdResult cmd_find(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const char *p = args;
    AddressSpace *as;
    MemoryRegionSection s;
    int64_t addr, size = 1;
    CmdResult r = mon_parse_as(mon, cmd, &p, &as);
    const char *name;

    if (r != CMD_OK) {
        return r;
    }
    if (!mon_parse_expr(mon, &p, &addr) ||
        (!mon_at_end(p) && !mon_parse_expr(mon, &p, &size)) ||
        !mon_parse_end(mon, cmd, p)) {
        return CMD_USAGE;
    }
    s = memory_region_find(address_space_root(as), (hwaddr)addr,
                           (uint64_t)size);
    if (!s.mr) {
        mon_error(mon, "No memory is mapped at 0x%" PRIx64 " (size 0x%" PRIx64
                       ") in \"%s\"",
                  (uint64_t)addr, (uint64_t)size, address_space_name(as));
        return CMD_FAILED;
    }
    name = memory_region_name(s.mr);
    mon_printf(mon, "region: %s (%s)\n", name ? name : "(noname)",
               mon_region_type(s.mr));
    mon_printf(mon, "offset_within_region: 0x%" PRIx64 "\n",
               s.offset_within_region);
    mon_printf(mon, "offset_within_address_space: 0x%" PRIx64 "\n",
               s.offset_within_address_space);
    mon_puts(mon, "size: ");
    print_size(mon, s.size);
    mon_printf(mon, "\nreadonly: %s\n", s.readonly ? "yes" : "no");
    memory_region_unref(s.mr);
    return CMD_OK;
}

/* "MEMTX_DECODE_ERROR", or several joined by '|'. */
static void print_memtx_error(Monitor *mon, const MonCmd *cmd, uint64_t addr,
                              MemTxResult res)
{
    static const char *const names[] = { "MEMTX_ERROR", "MEMTX_DECODE_ERROR",
                                         "MEMTX_ACCESS_ERROR" };
    char text[128] = "";
    const char *cname;
    int clen = (int)monitor_cmd_main_name(cmd, &cname);

    for (unsigned i = 0; i < 3; i++) {
        if (res & (1u << i)) {
            if (text[0]) {
                strcat(text, "|");
            }
            strcat(text, names[i]);
        }
    }
    if (!text[0]) {
        snprintf(text, sizeof(text), "MemTxResult 0x%x", res);
    }
    mon_error(mon, "Error: %.*s at 0x%" PRIx64 ": %s", clen, cname, addr,
              text);
}

CmdResult cmd_load(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;
    const char *p = args;
    AddressSpace *as;
    int64_t addr;
    uint64_t v = 0;
    MemTxResult res = MEMTX_OK;
    int width = cmd->arg & 0xff;
    bool be = cmd->arg & LDST_BE;
    CmdResult r = mon_parse_as(mon, cmd, &p, &as);

    if (r != CMD_OK) {
        return r;
    }
    if (!mon_parse_expr(mon, &p, &addr) || !mon_parse_end(mon, cmd, p)) {
        return CMD_USAGE;
    }
    switch (width) {
    case 1:
        v = address_space_ldub(as, (hwaddr)addr, attrs, &res);
        break;
    case 2:
        v = be ? address_space_lduw_be(as, (hwaddr)addr, attrs, &res)
               : address_space_lduw_le(as, (hwaddr)addr, attrs, &res);
        break;
    case 4:
        v = be ? address_space_ldl_be(as, (hwaddr)addr, attrs, &res)
               : address_space_ldl_le(as, (hwaddr)addr, attrs, &res);
        break;
    default:
        v = be ? address_space_ldq_be(as, (hwaddr)addr, attrs, &res)
               : address_space_ldq_le(as, (hwaddr)addr, attrs, &res);
        break;
    }
    if (res != MEMTX_OK) {
        print_memtx_error(mon, cmd, (uint64_t)addr, res);
        return CMD_FAILED;
    }
    mon_printf(mon, "0x%0*" PRIx64 "\n", width * 2, v);
    return CMD_OK;
}

CmdResult cmd_store(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;
    const char *p = args;
    AddressSpace *as;
    int64_t addr, val;
    MemTxResult res = MEMTX_OK;
    int width = cmd->arg & 0xff;
    bool be = cmd->arg & LDST_BE;
    CmdResult r = mon_parse_as(mon, cmd, &p, &as);

    if (r != CMD_OK) {
        return r;
    }
    if (!mon_parse_expr(mon, &p, &addr) || !mon_parse_expr(mon, &p, &val) ||
        !mon_parse_end(mon, cmd, p)) {
        return CMD_USAGE;
    }
    if (width < 8) {
        /* Accept the value if it fits as unsigned or as signed (-1). */
        int bits = width * 8;
        if (((uint64_t)val >> bits) != 0 && (val >> (bits - 1)) != -1) {
            mon_error(mon, "Error: value 0x%" PRIx64 " does not fit in %d bits",
                      (uint64_t)val, bits);
            return CMD_FAILED;
        }
    }
    if (mon_refuse_write(mon)) {
        return CMD_FAILED;
    }
    switch (width) {
    case 1:
        address_space_stb(as, (hwaddr)addr, (uint32_t)val, attrs, &res);
        break;
    case 2:
        if (be) {
            address_space_stw_be(as, (hwaddr)addr, (uint32_t)val, attrs, &res);
        } else {
            address_space_stw_le(as, (hwaddr)addr, (uint32_t)val, attrs, &res);
        }
        break;
    case 4:
        if (be) {
            address_space_stl_be(as, (hwaddr)addr, (uint32_t)val, attrs, &res);
        } else {
            address_space_stl_le(as, (hwaddr)addr, (uint32_t)val, attrs, &res);
        }
        break;
    default:
        if (be) {
            address_space_stq_be(as, (hwaddr)addr, (uint64_t)val, attrs, &res);
        } else {
            address_space_stq_le(as, (hwaddr)addr, (uint64_t)val, attrs, &res);
        }
        break;
    }
    if (res != MEMTX_OK) {
        print_memtx_error(mon, cmd, (uint64_t)addr, res);
        return CMD_FAILED;
    }
    return CMD_OK;
}
