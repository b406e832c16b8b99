/*
 * monitor/cmd_save.c — memsave and pmemsave: guest memory into a file.
 *
 * Speed matters (a 64 MiB pmemsave should beat QEMU's 1.5 GiB/s): RAM is
 * written to the file straight from its host mapping in chunks of up to
 * 1 MiB, so there is no copy; only MMIO and unmapped ranges go through a
 * bounce buffer.  As in QEMU, pmemsave writes what reads return even where
 * nothing is mapped, while memsave (virtual addresses, through the vCPU)
 * fails on the first byte it cannot read, keeping what it wrote.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

#define SAVE_CHUNK (1u << 20)
#define BOUNCE_SIZE (64u << 10)

/* write() all of @buf; false on error. */
static bool write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

typedef enum { SAVE_OK, SAVE_READ_ERROR, SAVE_IO_ERROR } SaveStatus;

/*
 * Copy up to @len bytes of physical memory at @addr into @fd, stopping at
 * the end of a RAM piece or chunk.  *@done gets the bytes written.
 * @strict: a failed read is an error (else the zeros it gave are written).
 */
static SaveStatus save_piece(AddressSpace *as, hwaddr addr, uint64_t len,
                             int fd, uint8_t *bounce, bool strict,
                             uint64_t *done)
{
    hwaddr xlat, l = len < SAVE_CHUNK ? len : SAVE_CHUNK;
    MemoryRegion *mr;
    SaveStatus st = SAVE_OK;
    MemTxResult r;

    memcore_rcu_read_lock();
    mr = address_space_translate(as, addr, &xlat, &l, false);
    if (l > 0 && memory_access_is_direct(mr, false)) {
        uint8_t *host = memory_region_get_ram_ptr(mr);
        if (host) {
            if (!write_all(fd, host + xlat, l)) {
                st = SAVE_IO_ERROR;
            }
            memcore_rcu_read_unlock();
            *done = l;
            return st;
        }
    }
    memcore_rcu_read_unlock();

    l = len < BOUNCE_SIZE ? len : BOUNCE_SIZE;
    r = address_space_read(as, addr, MEMTXATTRS_UNSPECIFIED, bounce, (int)l);
    if (r != MEMTX_OK && strict) {
        return SAVE_READ_ERROR;
    }
    if (!write_all(fd, bounce, l)) {
        return SAVE_IO_ERROR;
    }
    *done = l;
    return SAVE_OK;
}

static CmdResult save_cmd(Monitor *mon, const MonCmd *cmd, const char *args,
                          bool physical)
{
    const MonitorMachine *m = mon->machine;
    const char *p = args;
    int64_t addr, size;
    char *file = NULL;
    AddressSpace *as;
    uint8_t *bounce;
    uint64_t left, vaddr;
    SaveStatus st = SAVE_OK;
    int fd;

    if (!mon_parse_expr(mon, &p, &addr) ||
        !mon_parse_expr32(mon, cmd, &p, &size) ||
        !mon_parse_str(mon, cmd, &p, &file)) {
        return CMD_USAGE;
    }
    if (!mon_parse_end(mon, cmd, p)) {
        free(file);
        return CMD_USAGE;
    }
    as = mon_default_as(mon);
    bounce = malloc(BOUNCE_SIZE);
    if (!as || !bounce) {
        mon_error(mon, as ? "Error: out of memory"
                          : "Error: the machine has no address space");
        free(bounce);
        free(file);
        return CMD_FAILED;
    }
    fd = mon_open_output(mon, cmd, file);
    if (fd < 0) {
        free(bounce);
        free(file);
        return CMD_FAILED;
    }

    left = (uint64_t)size;
    vaddr = (uint64_t)addr;
    while (left && st == SAVE_OK) {
        uint64_t piece = left, done = 0;
        hwaddr pa = vaddr;
        if (!physical && m->cpu_virt_to_phys) {
            /* Virtual memory: one page at a time through the vCPU. */
            uint64_t page_left =
                TARGET_PAGE_SIZE - (vaddr & ~TARGET_PAGE_MASK);
            if (piece > page_left) {
                piece = page_left;
            }
            if (!m->cpu_virt_to_phys(m->opaque, vaddr, &pa)) {
                st = SAVE_READ_ERROR;
                break;
            }
        }
        while (piece && st == SAVE_OK) {
            st = save_piece(as, pa, piece, fd, bounce, !physical, &done);
            pa += done;
            vaddr += done;
            piece -= done;
            left -= done;
        }
    }
    if (close(fd) != 0 && st == SAVE_OK) {
        st = SAVE_IO_ERROR;
    }
    free(bounce);
    free(file);
    switch (st) {
    case SAVE_READ_ERROR:
        mon_error(mon, "Error: Invalid addr 0x%016" PRIx64 "/size %" PRId64
                       " specified",
                  (uint64_t)addr, size);
        return CMD_FAILED;
    case SAVE_IO_ERROR:
        mon_error(mon, "Error: An IO error has occurred");
        return CMD_FAILED;
    default:
        return CMD_OK;
    }
}

/* --read-only promises that no front-end makes memcored write anything:
 * that includes host files a client names.  Where the file may go is
 * mon_open_output's business (outfile.c). */
CmdResult cmd_memsave(Monitor *mon, const MonCmd *cmd, const char *args)
{
    if (mon_refuse_write(mon)) {
        return CMD_FAILED;
    }
    return save_cmd(mon, cmd, args, false);
}

CmdResult cmd_pmemsave(Monitor *mon, const MonCmd *cmd, const char *args)
{
    if (mon_refuse_write(mon)) {
        return CMD_FAILED;
    }
    return save_cmd(mon, cmd, args, true);
}
