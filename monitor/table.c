/*
 * monitor/table.c — the command table: every command and `info` topic,
 * its syntax as `help` prints it, and its handler.  The order here is the
 * order `help` lists them in; `info` topics are alphabetical as in QEMU.
 * The syntax part of each line follows QEMU 7.2 where QEMU has the
 * command; the descriptions are our own.
 */
#include <string.h>

#include "internal.h"

const MonCmd monitor_info_commands[] = {
    { "address-spaces", "",
      "list the address spaces: name, root region and FlatView number",
      cmd_info_address_spaces, NULL, 0 },
    { "cpus", "",
      "list the vCPUs: the current one starred, with its host thread id",
      cmd_info_cpus, NULL, 0 },
    { "dirty", "[-c vga|code|migration] region [offset size]",
      "show which target pages (4 KiB) of a RAM region are dirty for a "
      "client (default migration), in the whole region or in the pages "
      "overlapping [offset, offset+size): first 'NAME: N of M pages dirty "
      "for CLIENT (logging on|off)', then one START-END line per run of "
      "dirty pages, as offsets in the region (the first 8192 runs, then "
      "how many more); nothing is cleared",
      cmd_info_dirty, NULL, 0 },
    { "mtree", "[-f][-d][-o][-D]",
      "print the region tree of every address space (-f: the flat views "
      "instead; -d: with -f, also the dispatch sections; -o: region owners; "
      "-D: disabled regions too; without -D a disabled region is hidden "
      "together with everything inside it)",
      cmd_info_mtree, NULL, 0 },
    { "ramblock", "",
      "list the RAM blocks: name, page size, ram_addr offset, used and "
      "maximum length",
      cmd_info_ramblock, NULL, 0 },
    { "registers", "",
      "print the registers of the first vCPU (pc, machine-mode CSRs, "
      "x0..x31)",
      cmd_info_registers, NULL, 0 },
    { "status", "",
      "say whether the vCPUs run: 'VM status: running' or 'VM status: "
      "paused'",
      cmd_info_status, NULL, 0 },
    { "uart", "",
      "print everything the guest has sent to its UARTs",
      cmd_info_uart, NULL, 0 },
    { NULL, NULL, NULL, NULL, NULL, 0 },
};

const MonCmd monitor_commands[] = {
    { "help|?", "[cmd]",
      "list every command, or only the ones matching cmd (help info: the "
      "info topics)",
      cmd_help, NULL, 0 },
    { "info", "[subcommand]",
      "print machine state; help info lists the topics",
      cmd_info, monitor_info_commands, 0 },
    { "x", "/fmt addr",
      "print guest virtual memory from addr (fmt: /count format unit; "
      "formats x d u o t c a i, units b h w g); at most 1 MiB (count "
      "times unit) or 65536 instructions at a time; Ctrl-C interrupts",
      cmd_x, NULL, 0 },
    { "xp", "/fmt addr",
      "print guest physical memory from addr (fmt as for x; at most 1 MiB "
      "or 65536 instructions at a time)",
      cmd_xp, NULL, 0 },
    { "memsave", "addr size file",
      "write size bytes (at most 4 GiB - 1) of guest virtual memory from "
      "addr into file; a failed write says why and removes the partial "
      "file, and so does a file that takes no data for 10 s (a FIFO "
      "nobody reads); from gdb or HTTP only a new file named with letters, digits, "
      "'.', '_' and '-' in the --dump-dir directory",
      cmd_memsave, NULL, 0 },
    { "pmemsave", "addr size file",
      "write size bytes (at most 4 GiB - 1) of guest physical memory from "
      "addr into file; a failed write says why and removes the partial "
      "file, and so does a file that takes no data for 10 s (a FIFO "
      "nobody reads); from gdb or HTTP only a new file named with letters, digits, "
      "'.', '_' and '-' in the --dump-dir directory",
      cmd_pmemsave, NULL, 0 },
    { "gpa2hva", "addr",
      "show which host address holds guest physical address addr",
      cmd_gpa2hva, NULL, 0 },
    { "find", "[-a AS] addr [size]",
      "show what memory_region_find returns for [addr, addr+size) "
      "(size 1 by default)",
      cmd_find, NULL, 0 },
    { "ldub", "[-a AS] addr", "load a byte (address_space_ldub)",
      cmd_load, NULL, 1 },
    { "lduw_le", "[-a AS] addr",
      "load a little-endian 16-bit value (address_space_lduw_le)",
      cmd_load, NULL, 2 },
    { "lduw_be", "[-a AS] addr",
      "load a big-endian 16-bit value (address_space_lduw_be)",
      cmd_load, NULL, 2 | LDST_BE },
    { "ldl_le", "[-a AS] addr",
      "load a little-endian 32-bit value (address_space_ldl_le)",
      cmd_load, NULL, 4 },
    { "ldl_be", "[-a AS] addr",
      "load a big-endian 32-bit value (address_space_ldl_be)",
      cmd_load, NULL, 4 | LDST_BE },
    { "ldq_le", "[-a AS] addr",
      "load a little-endian 64-bit value (address_space_ldq_le)",
      cmd_load, NULL, 8 },
    { "ldq_be", "[-a AS] addr",
      "load a big-endian 64-bit value (address_space_ldq_be)",
      cmd_load, NULL, 8 | LDST_BE },
    { "stb", "[-a AS] addr value", "store a byte (address_space_stb)",
      cmd_store, NULL, 1 },
    { "stw_le", "[-a AS] addr value",
      "store a little-endian 16-bit value (address_space_stw_le)",
      cmd_store, NULL, 2 },
    { "stw_be", "[-a AS] addr value",
      "store a big-endian 16-bit value (address_space_stw_be)",
      cmd_store, NULL, 2 | LDST_BE },
    { "stl_le", "[-a AS] addr value",
      "store a little-endian 32-bit value (address_space_stl_le)",
      cmd_store, NULL, 4 },
    { "stl_be", "[-a AS] addr value",
      "store a big-endian 32-bit value (address_space_stl_be)",
      cmd_store, NULL, 4 | LDST_BE },
    { "stq_le", "[-a AS] addr value",
      "store a little-endian 64-bit value (address_space_stq_le)",
      cmd_store, NULL, 8 },
    { "stq_be", "[-a AS] addr value",
      "store a big-endian 64-bit value (address_space_stq_be)",
      cmd_store, NULL, 8 | LDST_BE },
    { "region", "enable|disable name | move name addr | resize name size",
      "change a region in one transaction: show or hide it, move it in "
      "its container, or change its size",
      cmd_region, NULL, 0 },
    { "dirty-log", "start|stop",
      "start or stop dirty logging for migration on every RAM region "
      "(memory_global_dirty_log_start/stop); start first clears the "
      "migration bitmap, so info dirty then shows the pages written since "
      "(start again to clear again); allowed under --read-only, as it "
      "changes neither guest memory nor the memory map",
      cmd_dirty_log, NULL, 0 },
    { "stop", "", "stop every vCPU (returns once they are parked)",
      cmd_stop, NULL, 0 },
    { "cont|c", "", "resume every vCPU", cmd_cont, NULL, 0 },
    { "system_reset", "",
      "reset every vCPU to its reset state (memory and devices keep "
      "theirs); a running machine keeps running; refused under --read-only",
      cmd_system_reset, NULL, 0 },
    { "quit|q", "", "shut memcored down", cmd_quit, NULL, 0 },
    { NULL, NULL, NULL, NULL, NULL, 0 },
};

const MonCmd *monitor_find_cmd(const MonCmd *table, const char *name,
                               size_t len)
{
    if (len == 0) {
        return NULL;
    }
    for (const MonCmd *cmd = table; cmd->name; cmd++) {
        const char *p = cmd->name;
        for (;;) {
            const char *bar = strchr(p, '|');
            size_t n = bar ? (size_t)(bar - p) : strlen(p);
            if (n == len && memcmp(p, name, len) == 0) {
                return cmd;
            }
            if (!bar) {
                break;
            }
            p = bar + 1;
        }
    }
    return NULL;
}

size_t monitor_cmd_main_name(const MonCmd *cmd, const char **name)
{
    const char *bar = strchr(cmd->name, '|');
    *name = cmd->name;
    return bar ? (size_t)(bar - cmd->name) : strlen(cmd->name);
}
