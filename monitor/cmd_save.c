/*
 * monitor/cmd_save.c — memsave and pmemsave: guest memory into a file.
 *
 * Speed matters (a 64 MiB pmemsave should beat QEMU's 1.5 GiB/s): RAM is
 * written to the file straight from its host mapping in chunks of up to
 * 1 MiB, so there is no copy; only MMIO and unmapped ranges go through a
 * bounce buffer.  As in QEMU, pmemsave writes what reads return even where
 * nothing is mapped, while memsave (virtual addresses, through the vCPU)
 * fails on the first byte it cannot read, keeping what it wrote.
 *
 * The size is a 32-bit argument (MONITOR_SAVE_MAX_BYTES), so one command
 * writes at most 4 GiB.  The file is non-blocking (outfile.c): when it
 * takes no more (a FIFO nobody reads) the command waits in poll() in
 * slices of WAIT_SLICE_MS and checks for cancellation between them and
 * between chunks, so Ctrl-C, `quit`, SIGTERM and SIGINT never wait for
 * the file; it waits outside memcore's read section, which a grace period
 * (gdb's watchpoints, shutdown) would wait for.  A file that takes no
 * byte at all for MONITOR_FILE_STALL_MS, while (a FIFO) its reader reads
 * none either, fails the command: a socket session learns that its client has gone
 * only when it sends, and a save prints nothing while it runs, so without
 * the bound a FIFO nobody reads would keep the session thread (and one of
 * the server's client slots) until shutdown.  A write error (ENOSPC on a
 * full disk), a stall or an interruption ends the command with the
 * reason, and the partial file is removed.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define SAVE_CHUNK (1u << 20)
#define BOUNCE_SIZE (64u << 10)
#define WAIT_SLICE_MS 100

typedef enum {
    SAVE_OK,
    SAVE_READ_ERROR,
    SAVE_IO_ERROR,
    SAVE_STALLED,
    SAVE_INTERRUPTED,
} SaveStatus;

static unsigned stall_ms(const Monitor *mon)
{
    unsigned ms = mon->machine->file_stall_ms;

    return ms ? ms : MONITOR_FILE_STALL_MS;
}

/* The file being written and when it last made progress. */
typedef struct SaveFile {
    int fd;
    /* A FIFO: its reader reading is progress too.  A pipe takes a write
     * only when a whole page of it is free, so a reader that reads a few
     * bytes at a time leaves the writer without a byte taken for long. */
    bool fifo;
    int queued;        /* the FIFO's unread bytes when last seen; -1: unknown */
    uint64_t progress; /* mon_now_ms() when the file last took or gave up data */
} SaveFile;

/* The file took @n bytes. */
static void took(SaveFile *f, size_t n)
{
    if (n) {
        f->progress = mon_now_ms();
        f->queued = -1;
    }
}

/* Wait (one slice at most) for @f to take data; never inside memcore's
 * read section.  SAVE_OK: try writing again. */
static SaveStatus wait_room(Monitor *mon, SaveFile *f)
{
    struct pollfd pfd = { f->fd, POLLOUT, 0 };
    unsigned bound = stall_ms(mon);
    uint64_t waited;
    int queued;

    if (mon_interrupted(mon)) {
        return SAVE_INTERRUPTED;
    }
    if (f->fifo && ioctl(f->fd, FIONREAD, &queued) == 0) {
        if (f->queued >= 0 && queued < f->queued) {
            f->progress = mon_now_ms();
        }
        f->queued = queued;
    }
    waited = mon_now_ms() - f->progress;
    if (waited >= bound) {
        return SAVE_STALLED;
    }
    poll(&pfd, 1, bound - waited < WAIT_SLICE_MS ? (int)(bound - waited)
                                                 : WAIT_SLICE_MS);
    return SAVE_OK;
}

/* write() as much of @buf as the non-blocking file takes now, without
 * waiting; *@written gets the bytes written, *@err errno on
 * SAVE_IO_ERROR. */
static SaveStatus write_now(SaveFile *f, const void *buf, size_t len,
                            size_t *written, int *err)
{
    const char *p = buf;

    *written = 0;
    while (len) {
        ssize_t n = write(f->fd, p, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
            }
            *err = errno;
            return SAVE_IO_ERROR;
        }
        p += n;
        len -= (size_t)n;
        *written += (size_t)n;
    }
    took(f, *written);
    return SAVE_OK;
}

/* write() all of @buf into the file, waiting for room while the command
 * is not cancelled and the file made progress within the stall bound. */
static SaveStatus write_all(Monitor *mon, SaveFile *f, const void *buf,
                            size_t len, int *err)
{
    const char *p = buf;

    while (len) {
        size_t n;
        SaveStatus st = write_now(f, p, len, &n, err);

        if (st != SAVE_OK) {
            return st;
        }
        p += n;
        len -= n;
        if (len && !n && (st = wait_room(mon, f)) != SAVE_OK) {
            return st;
        }
    }
    return SAVE_OK;
}

/*
 * Copy up to @len bytes of physical memory at @addr into @f, stopping at
 * the end of a RAM piece or chunk.  *@done gets the bytes written, which
 * may be fewer (even none) when the file takes no more for now.
 * @strict: a failed read is an error (else the zeros it gave are written).
 */
static SaveStatus save_piece(Monitor *mon, AddressSpace *as, hwaddr addr,
                             uint64_t len, SaveFile *f, uint8_t *bounce,
                             bool strict, uint64_t *done, int *err)
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
            size_t n;

            /* Only what the file takes now, inside the read section: a
             * wait there would hold up every grace period (gdb's
             * watchpoints, shutdown) for as long as the file's reader
             * likes.  The wait is outside, and the next piece is
             * translated again. */
            st = write_now(f, host + xlat, l, &n, err);
            memcore_rcu_read_unlock();
            *done = n;
            if (st == SAVE_OK && !n) {
                st = wait_room(mon, f);
            }
            return st;
        }
    }
    memcore_rcu_read_unlock();

    /* A read of MMIO may have side effects: read once, write it all. */
    l = len < BOUNCE_SIZE ? len : BOUNCE_SIZE;
    r = address_space_read(as, addr, MEMTXATTRS_UNSPECIFIED, bounce, (int)l);
    if (r != MEMTX_OK && strict) {
        return SAVE_READ_ERROR;
    }
    st = write_all(mon, f, bounce, l, err);
    *done = l;
    return st;
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
    const char *discarded = "";
    struct stat sb;
    SaveFile f;
    int fd, err = 0;

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

    f.fd = fd;
    f.fifo = fstat(fd, &sb) == 0 && S_ISFIFO(sb.st_mode);
    f.queued = -1;
    f.progress = mon_now_ms();
    left = (uint64_t)size;
    vaddr = (uint64_t)addr;
    while (left && st == SAVE_OK) {
        uint64_t piece = left, done = 0;
        if (mon_interrupted(mon)) {
            st = SAVE_INTERRUPTED;
            break;
        }
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
            st = save_piece(mon, as, pa, piece, &f, bounce, !physical,
                            &done, &err);
            pa += done;
            vaddr += done;
            piece -= done;
            left -= done;
        }
    }
    if (st == SAVE_IO_ERROR || st == SAVE_STALLED || st == SAVE_INTERRUPTED) {
        discarded = mon_discard_output(mon, fd, file);
    }
    if (close(fd) != 0 && st == SAVE_OK) {
        st = SAVE_IO_ERROR;
        err = errno;
        discarded = "";
    }
    switch (st) {
    case SAVE_READ_ERROR:
        mon_error(mon, "Error: Invalid addr 0x%016" PRIx64 "/size %" PRId64
                       " specified",
                  (uint64_t)addr, size);
        break;
    case SAVE_IO_ERROR:
        /* QEMU's words first, then what went wrong. */
        mon_error(mon, "Error: An IO error has occurred: writing '%s': %s%s",
                  file, strerror(err), discarded);
        break;
    case SAVE_STALLED:
        mon_error(mon, "Error: An IO error has occurred: writing '%s': it "
                       "took no data for %u %s (is anything reading it?)%s",
                  file,
                  stall_ms(mon) % 1000 ? stall_ms(mon) : stall_ms(mon) / 1000,
                  stall_ms(mon) % 1000 ? "ms" : "s", discarded);
        break;
    case SAVE_INTERRUPTED:
        if (*discarded) {
            mon_printf(mon, "(writing '%s' stopped%s)\n", file, discarded);
        }
        break;
    default:
        break;
    }
    free(bounce);
    free(file);
    return st == SAVE_OK ? CMD_OK : CMD_FAILED;
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
