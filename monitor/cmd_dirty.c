/*
 * monitor/cmd_dirty.c — dirty logging at the prompt: `info dirty` shows
 * which target pages of a RAM region a dirty client (vga, code,
 * migration) sees as written, and `dirty-log start|stop` switches global
 * (migration) logging with memory_global_dirty_log_start/stop.
 *
 * `info dirty` only reads the bitmaps (after a sync, so listeners that
 * keep their own dirty state have folded it in); it clears nothing, so
 * looking twice gives the same answer.  Its output is one header line,
 *
 *   NAME: N of M pages dirty for CLIENT (logging on|off)
 *
 * then one line per run of dirty pages, START-END as offsets in the
 * region (inclusive, as `info mtree` writes ranges).  At most
 * MONITOR_DIRTY_MAX_RUNS runs are listed, then one line says how many
 * more there are (the page count stays exact); the scan checks for
 * cancellation every block of pages.  A region resized to 0 bytes has
 * no pages (its last offset must not wrap to 2^64 - 1).
 *
 * `dirty-log start` first clears the migration bitmap of every RAM block,
 * as QEMU's migration does when it starts (it takes the bitmap over):
 * RAM is born dirty for every client, and without the clear `info dirty`
 * would show every page forever.  Afterwards it shows exactly the pages
 * written since the start; a second `start` clears again.  `stop` leaves
 * the bitmap alone, so what was written while logging stays visible.
 *
 * `dirty-log` is allowed under --read-only: it changes neither guest
 * memory nor the memory map, it only makes memcore record writes, which
 * is what someone watching a read-only machine wants.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const client_names[DIRTY_MEMORY_NUM] = {
    [DIRTY_MEMORY_VGA] = "vga",
    [DIRTY_MEMORY_CODE] = "code",
    [DIRTY_MEMORY_MIGRATION] = "migration",
};

/* Runs of dirty pages, as region offsets [start, end]. */
typedef struct DirtyRun {
    uint64_t start, end;
} DirtyRun;

typedef struct DirtyRuns {
    DirtyRun *v;
    size_t n, cap;
    uint64_t pages;
    uint64_t more;   /* runs beyond MONITOR_DIRTY_MAX_RUNS, not kept */
    uint64_t last;   /* end of the last dirty page seen */
    bool any;
    bool oom;
} DirtyRuns;

static void runs_add_page(DirtyRuns *r, uint64_t start, uint64_t end)
{
    bool joins = r->any && r->last + 1 == start;

    r->pages++;
    r->any = true;
    r->last = end;
    if (joins) {
        if (!r->more) {
            r->v[r->n - 1].end = end;
        }
        return;
    }
    if (r->n == MONITOR_DIRTY_MAX_RUNS) {
        r->more++;
        return;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        DirtyRun *v = realloc(r->v, cap * sizeof(*v));
        if (!v) {
            r->oom = true;
            return;
        }
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n++] = (DirtyRun){ start, end };
}

/*
 * The target pages overlapping [first, last] of @mr (region offsets;
 * pages are aligned in ram_addr space, and RAM blocks start on a page, so
 * region offsets are too).  Blocks of 512 pages are asked first, so that
 * a large clean RAM costs few lookups.
 */
#define SCAN_BLOCK (512 * TARGET_PAGE_SIZE)

static bool scan_dirty(Monitor *mon, MemoryRegion *mr, uint64_t first,
                       uint64_t last, unsigned client, DirtyRuns *r)
{
    uint64_t page = first & TARGET_PAGE_MASK;

    for (;;) {
        if (mon_interrupted(mon)) {
            return false;
        }
        uint64_t block_end = (page | (SCAN_BLOCK - 1)) < last
                                 ? (page | (SCAN_BLOCK - 1)) : last;

        if (memory_region_get_dirty(mr, page, block_end - page + 1, client)) {
            for (;;) {
                uint64_t page_end = page | (TARGET_PAGE_SIZE - 1);

                if (memory_region_get_dirty(mr, page, 1, client)) {
                    runs_add_page(r, page, page_end);
                }
                if (page_end >= block_end || r->oom) {
                    break;
                }
                page = page_end + 1;
            }
        }
        if (block_end >= last || r->oom) {
            return true;
        }
        page = (block_end | (TARGET_PAGE_SIZE - 1)) + 1;
    }
}

/* `-c CLIENT`, if given; *@client keeps the default otherwise. */
static CmdResult parse_client(Monitor *mon, const MonCmd *cmd, const char **pp,
                              unsigned *client)
{
    const char *p = mon_skip_ws(*pp);
    char *name = NULL;

    if (p[0] != '-' || !isalpha((unsigned char)p[1])) {
        return CMD_OK;
    }
    if (p[1] != 'c' || (p[2] && !isspace((unsigned char)p[2]))) {
        const char *cname;
        int nlen = (int)monitor_cmd_main_name(cmd, &cname);

        mon_error(mon, "%.*s: unsupported option -%c", nlen, cname, p[1]);
        return CMD_USAGE;
    }
    p += 2;
    if (!mon_parse_str(mon, cmd, &p, &name)) {
        return CMD_USAGE;
    }
    for (unsigned i = 0; i < DIRTY_MEMORY_NUM; i++) {
        if (strcmp(name, client_names[i]) == 0) {
            *client = i;
            free(name);
            *pp = p;
            return CMD_OK;
        }
    }
    mon_error(mon, "Error: '%s' is not a dirty client (vga, code or "
              "migration)", name);
    free(name);
    return CMD_USAGE;
}

CmdResult cmd_info_dirty(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const char *p = args;
    unsigned client = DIRTY_MEMORY_MIGRATION;
    char *name = NULL;
    int64_t offset = 0, len = 0;
    bool ranged = false;
    MemoryRegion *mr;
    uint64_t size, first, last;
    DirtyRuns runs = { NULL, 0, 0, 0, 0, 0, false, false };
    CmdResult r = parse_client(mon, cmd, &p, &client);

    if (r != CMD_OK) {
        return r;
    }
    if (!mon_parse_str(mon, cmd, &p, &name)) {
        return CMD_USAGE;
    }
    if (!mon_at_end(p)) {
        ranged = true;
        if (!mon_parse_expr(mon, &p, &offset) ||
            !mon_parse_expr(mon, &p, &len)) {
            free(name);
            return CMD_USAGE;
        }
    }
    if (!mon_parse_end(mon, cmd, p)) {
        free(name);
        return CMD_USAGE;
    }
    mr = mon_lookup_region(mon, name);
    if (!mr) {
        free(name);
        return CMD_FAILED;
    }
    if (memory_region_get_ram_addr(mr) == RAM_ADDR_INVALID) {
        mon_error(mon, "Error: '%s' has no RAM (dirty bitmaps cover RAM, ROM "
                  "and ROM devices)", name);
        free(name);
        return CMD_FAILED;
    }
    size = memory_region_size(mr);
    if (ranged) {
        if (len == 0 || (uint64_t)offset >= size ||
            (uint64_t)len > size - (uint64_t)offset) {
            mon_error(mon, "Error: offset 0x%" PRIx64 " size 0x%" PRIx64
                      " is not inside '%s' (0x%" PRIx64 " bytes)",
                      (uint64_t)offset, (uint64_t)len, name, size);
            free(name);
            return CMD_FAILED;
        }
        first = (uint64_t)offset;
        last = (uint64_t)offset + (uint64_t)len - 1;
    } else if (size == 0) {
        mon_printf(mon, "%s: 0 of 0 pages dirty for %s (logging %s)\n", name,
                   client_names[client],
                   memory_region_is_logging(mr, (uint8_t)client) ? "on"
                                                                 : "off");
        free(name);
        return CMD_OK;
    } else {
        first = 0;
        last = size - 1;
    }

    memory_region_sync_dirty_bitmap(mr);
    if (!scan_dirty(mon, mr, first, last, client, &runs)) {
        r = CMD_FAILED;
    } else if (runs.oom) {
        mon_error(mon, "Error: out of memory");
        r = CMD_FAILED;
    } else {
        uint64_t total = ((last >> TARGET_PAGE_BITS) -
                          (first >> TARGET_PAGE_BITS)) + 1;

        mon_printf(mon, "%s: %" PRIu64 " of %" PRIu64 " page%s dirty for %s "
                   "(logging %s)\n", name, runs.pages, total,
                   total == 1 ? "" : "s", client_names[client],
                   memory_region_is_logging(mr, (uint8_t)client) ? "on"
                                                                 : "off");
        for (size_t i = 0; i < runs.n; i++) {
            mon_printf(mon, "%016" PRIx64 "-%016" PRIx64 "\n",
                       runs.v[i].start, runs.v[i].end);
        }
        if (runs.more) {
            mon_printf(mon, "... and %" PRIu64 " more run%s (at most %u are "
                       "listed; give an offset and size to see the rest)\n",
                       runs.more, runs.more == 1 ? "" : "s",
                       MONITOR_DIRTY_MAX_RUNS);
        }
    }
    free(runs.v);
    free(name);
    return r;
}

static int clear_migration(const RAMBlockInfo *info, void *opaque)
{
    (void)opaque;
    if (info->mr && info->used_length) {
        memory_region_reset_dirty(info->mr, 0, info->used_length,
                                  DIRTY_MEMORY_MIGRATION);
    }
    return 0;
}

CmdResult cmd_dirty_log(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const char *p = mon_skip_ws(args);
    size_t n = mon_cmd_word(p);
    bool start;

    if (n == 5 && memcmp(p, "start", 5) == 0) {
        start = true;
    } else if (n == 4 && memcmp(p, "stop", 4) == 0) {
        start = false;
    } else {
        if (n) {
            mon_error(mon, "dirty-log: unknown subcommand '%.*s'", (int)n, p);
        } else {
            mon_error(mon, "dirty-log: start or stop expected");
        }
        return CMD_USAGE;
    }
    if (!mon_parse_end(mon, cmd, p + n)) {
        return CMD_USAGE;
    }
    if (start) {
        /* Clear before starting: a write in between is not logged either
         * way, while clearing after would lose writes already logged. */
        qemu_ram_foreach_block_info(clear_migration, NULL);
        memory_global_dirty_log_start();
    } else {
        memory_global_dirty_log_stop();
    }
    return CMD_OK;
}
