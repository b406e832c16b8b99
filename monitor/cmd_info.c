/*
 * monitor/cmd_info.c — the `info` topics: mtree (libmemcore prints it),
 * ramblock (QEMU 7.2's columns and order), address-spaces and uart
 * (memcore's own).  `info` without a topic lists the topics.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

CmdResult cmd_info(Monitor *mon, const MonCmd *cmd, const char *args)
{
    (void)args;
    /* No topic: like QEMU, the same list as `help info`. */
    return cmd_help(mon, cmd, " info");
}

/*
 * mtree_info prints while it walks memcore's state: collect its text and
 * send it afterwards, so a slow client never stalls memcore.  Names in it
 * come from the board: every %s is escaped like all monitor output (see
 * escape.c).  At most MONITOR_TEXT_MAX_BYTES are kept.
 */
typedef struct TextBuf {
    char *p;
    size_t len, cap;
    bool oom, too_big;
} TextBuf;

static int textbuf_printf(FILE *f, const char *fmt, ...)
{
    TextBuf *t = (TextBuf *)(void *)f;
    va_list ap;
    char *text;
    int n;

    if (t->oom || t->too_big) {
        return 0;
    }
    va_start(ap, fmt);
    n = mon_vasprintf_escaped(&text, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->oom = true;
        return 0;
    }
    if ((size_t)n > MONITOR_TEXT_MAX_BYTES - t->len) {
        t->too_big = true;
        free(text);
        return 0;
    }
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16384;
        char *p;

        while (cap < t->len + (size_t)n + 1) {
            cap *= 2;
        }
        p = realloc(t->p, cap);
        if (!p) {
            t->oom = true;
            free(text);
            return 0;
        }
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, text, (size_t)n + 1);
    t->len += (size_t)n;
    free(text);
    return n;
}

CmdResult cmd_info_mtree(Monitor *mon, const MonCmd *cmd, const char *args)
{
    TextBuf text = { NULL, 0, 0, false, false };
    static const unsigned bit_flag[] = { MTREE_FLATVIEW, MTREE_DISPATCH,
                                         MTREE_OWNER, MTREE_DISABLED };
    const char *p = args;
    unsigned bits, flags = 0;

    if (!mon_parse_flags(mon, cmd, &p, "fdoD", &bits) ||
        !mon_parse_end(mon, cmd, p)) {
        return CMD_USAGE;
    }
    for (unsigned i = 0; i < 4; i++) {
        if (bits & (1u << i)) {
            flags |= bit_flag[i];
        }
    }
    mtree_info_flags(textbuf_printf, (FILE *)(void *)&text, flags);
    if (text.oom) {
        free(text.p);
        mon_error(mon, "Error: out of memory");
        return CMD_FAILED;
    }
    if (text.too_big) {
        free(text.p);
        mon_error(mon, "Error: info mtree prints at most %u bytes, and this "
                       "tree is longer",
                  MONITOR_TEXT_MAX_BYTES);
        return CMD_FAILED;
    }
    mon_write(mon, text.p, text.len);
    free(text.p);
    return CMD_OK;
}

/* ---- info ramblock ------------------------------------------------------ */

typedef struct BlockRow {
    char *name;
    uint64_t page_size, offset, used, max;
} BlockRow;

typedef struct BlockList {
    BlockRow *rows;
    size_t n, cap;
    bool oom;
} BlockList;

static int collect_block(const RAMBlockInfo *info, void *opaque)
{
    BlockList *l = opaque;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        BlockRow *rows = realloc(l->rows, cap * sizeof(*rows));
        if (!rows) {
            l->oom = true;
            return 1;
        }
        l->rows = rows;
        l->cap = cap;
    }
    l->rows[l->n].name = strdup(info->idstr ? info->idstr : "");
    if (!l->rows[l->n].name) {
        l->oom = true;
        return 1;
    }
    l->rows[l->n].page_size = info->page_size;
    l->rows[l->n].offset = info->offset;
    l->rows[l->n].used = info->used_length;
    l->rows[l->n].max = info->max_length;
    l->n++;
    return 0;
}

/* QEMU keeps its block list sorted largest first (equal sizes in creation
 * order); `info ramblock` shows that order, not ram_addr order. */
static int block_cmp(const void *a, const void *b)
{
    const BlockRow *x = a, *y = b;
    if (x->max != y->max) {
        return x->max > y->max ? -1 : 1;
    }
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

CmdResult cmd_info_ramblock(Monitor *mon, const MonCmd *cmd, const char *args)
{
    BlockList l = { NULL, 0, 0, false };
    CmdResult r = CMD_OK;

    if (!mon_parse_end(mon, cmd, args)) {
        return CMD_USAGE;
    }
    qemu_ram_foreach_block_info(collect_block, &l);
    if (l.oom) {
        mon_error(mon, "Error: out of memory");
        r = CMD_FAILED;
    } else {
        /* qsort's array must not be NULL, even when empty (no RAM). */
        if (l.n) {
            qsort(l.rows, l.n, sizeof(*l.rows), block_cmp);
        }
        mon_printf(mon, "%24s %8s  %18s %18s %18s\n", "Block Name", "PSize",
                   "Offset", "Used", "Total");
        for (size_t i = 0; i < l.n; i++) {
            char psize[32];
            mon_size_to_str(l.rows[i].page_size, psize, sizeof(psize));
            mon_printf(mon,
                       "%24s %8s  0x%016" PRIx64 " 0x%016" PRIx64
                       " 0x%016" PRIx64 "\n",
                       l.rows[i].name, psize, l.rows[i].offset,
                       l.rows[i].used, l.rows[i].max);
        }
    }
    for (size_t i = 0; i < l.n; i++) {
        free(l.rows[i].name);
    }
    free(l.rows);
    return r;
}

/* ---- info address-spaces ------------------------------------------------ */

CmdResult cmd_info_address_spaces(Monitor *mon, const MonCmd *cmd,
                                  const char *args)
{
    FlatView **views = NULL;
    char **lines = NULL;
    size_t n = 0, cap = 0, nviews = 0;
    bool oom = false;

    if (!mon_parse_end(mon, cmd, args)) {
        return CMD_USAGE;
    }
    /*
     * FlatViews are numbered from 0 in the order the address spaces
     * (creation order) first show them, as `info mtree -f` numbers them.
     * The lines are built under the lock and printed after it: a slow
     * client must not hold up memcore's global lock.
     */
    memcore_lock();
    for (AddressSpace *as = address_space_first(); as && !oom;
         as = address_space_next(as)) {
        MemoryRegion *root = address_space_root(as);
        const char *rname = root ? memory_region_name(root) : NULL;
        FlatView *fv = address_space_get_flatview(as);
        size_t id;

        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            char **nl = realloc(lines, ncap * sizeof(*nl));
            FlatView **nv = nl ? realloc(views, ncap * sizeof(*nv)) : NULL;
            if (nl) {
                lines = nl;
            }
            if (!nv) {
                oom = true;
                flatview_unref(fv);
                break;
            }
            views = nv;
            cap = ncap;
        }
        for (id = 0; id < nviews && views[id] != fv; id++) {
        }
        if (id == nviews) {
            views[nviews++] = fv;
        }
        /* Only compared below; the lock keeps every current view alive. */
        flatview_unref(fv);
        if (mon_asprintf_escaped(&lines[n],
                                 "AS \"%s\", root: %s, FlatView #%zu\n",
                                 address_space_name(as),
                                 rname ? rname : "(none)", id) < 0) {
            oom = true;
            break;
        }
        n++;
    }
    memcore_unlock();
    for (size_t i = 0; i < n; i++) {
        if (!oom) {
            mon_puts(mon, lines[i]);
        }
        free(lines[i]);
    }
    free(lines);
    free(views);
    if (oom) {
        mon_error(mon, "Error: out of memory");
        return CMD_FAILED;
    }
    return CMD_OK;
}

/* ---- info uart ----------------------------------------------------------- */

typedef struct UartPrint {
    Monitor *mon;
    unsigned count;
} UartPrint;

static void print_uart(void *arg, const char *name, const char *data,
                       size_t len)
{
    UartPrint *up = arg;
    Monitor *mon = up->mon;
    size_t start = 0;

    up->count++;
    mon_printf(mon, "%s: %zu byte%s\n", name, len, len == 1 ? "" : "s");
    /* The guest's text as it is, except control characters, which would
     * drive the user's terminal: those print as \xNN. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if ((c < 32 && c != '\n' && c != '\t') || c == 127) {
            mon_write(mon, data + start, i - start);
            mon_printf(mon, "\\x%02x", c);
            start = i + 1;
        }
    }
    mon_write(mon, data + start, len - start);
    if (len && data[len - 1] != '\n') {
        mon_write(mon, "\n", 1);
    }
}

CmdResult cmd_info_uart(Monitor *mon, const MonCmd *cmd, const char *args)
{
    const MonitorMachine *m = mon->machine;
    UartPrint up = { mon, 0 };

    if (!mon_parse_end(mon, cmd, args)) {
        return CMD_USAGE;
    }
    if (m->uart_log) {
        m->uart_log(m->opaque, print_uart, &up);
    }
    if (up.count == 0) {
        mon_puts(mon, "No UART\n");
    }
    return CMD_OK;
}
