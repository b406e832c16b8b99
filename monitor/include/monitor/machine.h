/*
 * monitor/machine.h — what the monitor needs from the machine.
 *
 * server/ fills one MonitorMachine at start-up and hands it to every
 * front-end (terminal, sockets, --exec, later gdb's `monitor` and REST).
 * The monitor never includes server/ headers: everything it knows about
 * the board, the UARTs and the vCPU comes through this struct.  Memory
 * itself is reached through the public memcore API (AddressSpace,
 * MemoryRegion), so the hooks only cover what memcore does not know:
 * board ids, the UART log, shutdown and the vCPU.
 *
 * Hooks marked "optional" may be NULL; the monitor then falls back as
 * described, or its command answers that the feature is not available.
 * Every hook may be called from any front-end thread, several at once.
 */
#ifndef MONITOR_MACHINE_H
#define MONITOR_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <memcore/memory.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * MonitorOut: where a command's text goes.  @write gets @len bytes (not
 * NUL-terminated, possibly several lines or part of one) and must take
 * them all.  The terminal writes them to stdout, a socket session buffers
 * them for the client, gdb and REST capture them in a string.
 */
typedef struct MonitorOut {
    void (*write)(void *opaque, const char *buf, size_t len);
    void *opaque;
} MonitorOut;

/* Called once per region name by MonitorMachine.foreach_region. */
typedef void (*MonitorRegionFn)(void *arg, const char *name, MemoryRegion *mr);

/* Called once per address space by MonitorMachine.foreach_as. */
typedef void (*MonitorAsFn)(void *arg, AddressSpace *as);

/* Called once per UART by MonitorMachine.uart_log: everything the guest
 * transmitted on it so far (@data is not NUL-terminated). */
typedef void (*MonitorUartFn)(void *arg, const char *uart_name,
                              const char *data, size_t len);

typedef struct MonitorMachine {
    /* Passed as first argument to every hook. */
    void *opaque;

    /* --read-only: every command that changes memory, topology or vCPU
     * state (system_reset), or writes a host file, answers
     * "Error: memcored is read-only" instead. */
    bool read_only;

    /*
     * confine_files: the copy of the machine a network front-end gets
     * (gdb's `monitor`, HTTP's POST /api/v1/monitor).  Commands that write
     * a host file (memsave, pmemsave) then create a new regular file
     * called by a plain name (monitor_dump_name_problem()) inside
     * @dump_dir, never following a symlink or replacing a file, and are
     * refused when @dump_dir is NULL.  false (the terminal, --exec and
     * monitor sockets): any path, an existing file is truncated, as in
     * QEMU.
     * dump_dir: --dump-dir DIR, a directory that existed at start (NULL:
     * none); only read when @confine_files.
     */
    bool confine_files;
    const char *dump_dir;

    /* file_stall_ms: how long memsave/pmemsave wait for a file that takes
     * no byte at all (a FIFO whose reader stopped reading) before they
     * fail and free their session; 0: MONITOR_FILE_STALL_MS (monitor.h).
     * Other values are for tests. */
    unsigned file_stall_ms;

    /* optional: the line each prompt opens with, without its newline
     * (the terminal prompt and every socket session).  NULL:
     * MONITOR_BANNER. */
    const char *banner;

    /* optional: the default AddressSpace (the first vCPU's, else the
     * first one of the board).  NULL hook: memcore's first address space
     * (address_space_first()). */
    AddressSpace *(*default_as)(void *opaque);

    /* optional: the address space called @name (for `-a AS`).  NULL hook:
     * the monitor searches memcore's address spaces by name. */
    AddressSpace *(*find_as)(void *opaque, const char *name);

    /*
     * find_region: the region a user means by @name (`region` commands):
     * its board id, else its name.  Returns how many regions match (0, 1
     * or more) and sets *@mr to the match when exactly one does.  NULL
     * hook: the `region` commands answer that regions have no names.
     */
    int (*find_region)(void *opaque, const char *name, MemoryRegion **mr);

    /* foreach_region: call @fn for every region the user can name (ids,
     * in board order), for completion.  NULL hook: no region completion. */
    void (*foreach_region)(void *opaque, MonitorRegionFn fn, void *arg);

    /* optional: call @fn for every address space the machine has (board
     * order); they live as long as the machine, so callers need no lock.
     * NULL hook: front-ends list memcore's own (address_space_first(),
     * under memcore_lock()). */
    void (*foreach_as)(void *opaque, MonitorAsFn fn, void *arg);

    /* optional: call @fn once per UART with its transmit log (`info
     * uart`).  NULL hook or no call: "No UART". */
    void (*uart_log)(void *opaque, MonitorUartFn fn, void *arg);

    /* optional: ask the server to shut down (`quit`).  Must not block on
     * the calling front-end: the command returns MONITOR_QUIT and the
     * front-end ends its own session. */
    void (*quit)(void *opaque);

    /*
     * optional: true once every running command must stop (the server
     * shuts down).  Commands call it between rows, chunks and blocks of
     * work, so it must be cheap and lock-free; they then fail with
     * "Error: interrupted".  NULL hook: only monitor_cancel() stops them.
     */
    bool (*cancelled)(void *opaque);

    /* ---- vCPU (all optional; NULL while there is no vCPU) ------------- */

    /*
     * cpu_register: the value of register @name of the first vCPU ("pc",
     * "sp", "a0", "x5", ...), for `$name` in expressions.  false if there
     * is no such register.  NULL hook: every $name is "unknown register".
     */
    bool (*cpu_register)(void *opaque, const char *name, uint64_t *value);

    /*
     * cpu_virt_to_phys: translate a guest virtual address of the first
     * vCPU (`x`, `memsave`) into the full physical address of that byte
     * (the monitor calls it once per page it reads).  false on a
     * translation fault.  NULL hook: virtual = physical (a vCPU without
     * MMU, or none), read through default_as.
     */
    bool (*cpu_virt_to_phys)(void *opaque, uint64_t vaddr, hwaddr *paddr);

    /*
     * cpu_disas: disassemble one instruction at guest address @pc (read
     * through @as), writing its text into @buf (NUL-terminated).  Returns
     * the instruction length in bytes, 0 if it cannot be read.  Used by
     * the `i` format of x/xp.  NULL hook: `i` is "not available".
     */
    unsigned (*cpu_disas)(void *opaque, AddressSpace *as, uint64_t pc,
                          char *buf, size_t bufsize);

    /* `info registers`: QEMU's register dump of the first vCPU. */
    void (*cpu_dump_registers)(void *opaque, const MonitorOut *out);
    /* `info status`: whether the vCPUs run. */
    bool (*cpu_running)(void *opaque);
    /* `stop` (returns once every vCPU is parked), `cont`,
     * `system_reset` (vCPUs back to their reset state; the run state is
     * kept). */
    void (*cpu_stop)(void *opaque);
    void (*cpu_cont)(void *opaque);
    void (*system_reset)(void *opaque);
    /* `info cpus`: one line per vCPU, QEMU's format. */
    void (*cpu_list)(void *opaque, const MonitorOut *out);
} MonitorMachine;

#ifdef __cplusplus
}
#endif

#endif /* MONITOR_MACHINE_H */
