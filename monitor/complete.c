/*
 * monitor/complete.c — tab completion for every front-end: commands,
 * `info` topics, `info mtree` flags, `region` verbs and region names,
 * `info dirty` clients and regions, `dirty-log` verbs, address-space
 * names after `-a`.  The caller (readline, later the web
 * page) gets whole replacement words; names with spaces come quoted, as
 * the parser reads them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_WORDS 8

typedef struct Cands {
    char **v;
    size_t n, cap;
    bool oom;
    const char *partial; /* the word being completed */
} Cands;

/* Add @name if it completes the partial word; quote it when needed. */
static void cand_add(Cands *c, const char *name, size_t len)
{
    const char *part = c->partial;
    bool quoted = part[0] == '"';
    size_t plen;
    char *s;

    if (quoted) {
        part++;
    }
    plen = strlen(part);
    if (c->oom || len < plen || memcmp(name, part, plen) != 0) {
        return;
    }
    quoted = quoted || memchr(name, ' ', len) != NULL;
    if (c->n + 2 > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        char **v = realloc(c->v, cap * sizeof(*v));
        if (!v) {
            c->oom = true;
            return;
        }
        c->v = v;
        c->cap = cap;
    }
    s = malloc(len + 3);
    if (!s) {
        c->oom = true;
        return;
    }
    if (quoted) {
        s[0] = '"';
        memcpy(s + 1, name, len);
        s[len + 1] = '"';
        s[len + 2] = '\0';
    } else {
        memcpy(s, name, len);
        s[len] = '\0';
    }
    c->v[c->n++] = s;
}

static void cand_str(Cands *c, const char *name)
{
    cand_add(c, name, strlen(name));
}

/* Every |-separated name of every entry of @table. */
static void cand_table(Cands *c, const MonCmd *table)
{
    for (const MonCmd *cmd = table; cmd->name; cmd++) {
        const char *p = cmd->name;
        for (;;) {
            const char *bar = strchr(p, '|');
            cand_add(c, p, bar ? (size_t)(bar - p) : strlen(p));
            if (!bar) {
                break;
            }
            p = bar + 1;
        }
    }
}

static void region_cb(void *arg, const char *name, MemoryRegion *mr)
{
    (void)mr;
    if (name) {
        cand_str(arg, name);
    }
}

static void cand_regions(Cands *c, Monitor *mon)
{
    const MonitorMachine *m = mon->machine;
    if (m->foreach_region) {
        m->foreach_region(m->opaque, region_cb, c);
    }
}

static void cand_address_spaces(Cands *c)
{
    memcore_lock();
    for (AddressSpace *as = address_space_first(); as;
         as = address_space_next(as)) {
        const char *name = address_space_name(as);
        if (name) {
            cand_str(c, name);
        }
    }
    memcore_unlock();
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Split @line[0, @cursor) into the words before the cursor (copied into
 * @words, at most MAX_WORDS) and the start of the word under the cursor.
 * Quoted words may hold spaces.
 */
static size_t split(const char *line, size_t cursor, char words[][128],
                    size_t *nwords)
{
    size_t i = 0, start;

    *nwords = 0;
    for (;;) {
        while (i < cursor && isspace((unsigned char)line[i])) {
            i++;
        }
        start = i;
        if (i < cursor && line[i] == '"') {
            i++;
            while (i < cursor && line[i] != '"') {
                i++;
            }
            if (i < cursor) {
                i++;
            }
        } else {
            while (i < cursor && !isspace((unsigned char)line[i])) {
                i++;
            }
        }
        if (i >= cursor) {
            return start;
        }
        if (*nwords < MAX_WORDS) {
            size_t len = i - start;
            if (len > 127) {
                len = 127;
            }
            memcpy(words[*nwords], line + start, len);
            words[*nwords][len] = '\0';
            (*nwords)++;
        }
    }
}

static bool is_word(const char *w, const MonCmd *table, const char *name)
{
    const MonCmd *c = monitor_find_cmd(table, w, strlen(w));
    return c && c == monitor_find_cmd(table, name, strlen(name));
}

/* info dirty [-c CLIENT] REGION: the client after -c, else a region
 * (or -c) where the region goes. */
static void complete_info_dirty(Cands *c, Monitor *mon, char words[][128],
                                size_t nw)
{
    size_t first = 2;

    if (strcmp(words[nw - 1], "-c") == 0) {
        cand_str(c, "vga");
        cand_str(c, "code");
        cand_str(c, "migration");
        return;
    }
    if (nw > 2 && strcmp(words[2], "-c") == 0) {
        first = 4;
    }
    if (nw == first) {
        if (first == 2 && c->partial[0] == '-') {
            cand_str(c, "-c");
        } else {
            cand_regions(c, mon);
        }
    }
}

char **monitor_complete(Monitor *mon, const char *line, size_t cursor,
                        size_t *word_start)
{
    char words[MAX_WORDS][128];
    char partial[256];
    size_t nw, start, plen;
    Cands c = { NULL, 0, 0, false, partial };
    const MonCmd *cmd = NULL;

    if (cursor > strlen(line)) {
        cursor = strlen(line);
    }
    start = split(line, cursor, words, &nw);
    plen = cursor - start < sizeof(partial) - 1 ? cursor - start
                                                : sizeof(partial) - 1;
    memcpy(partial, line + start, plen);
    partial[plen] = '\0';
    *word_start = start;

    if (nw > 0) {
        cmd = monitor_find_cmd(monitor_commands, words[0], strlen(words[0]));
    }
    if (nw == 0) {
        cand_table(&c, monitor_commands);
    } else if (!cmd) {
        /* unknown command: nothing to offer */
    } else if (cmd->run == cmd_help) {
        if (nw == 1) {
            cand_table(&c, monitor_commands);
        } else if (nw == 2 && is_word(words[1], monitor_commands, "info")) {
            cand_table(&c, monitor_info_commands);
        }
    } else if (cmd->sub) {
        if (nw == 1) {
            cand_table(&c, cmd->sub);
        } else if (strcmp(words[1], "dirty") == 0) {
            complete_info_dirty(&c, mon, words, nw);
        } else if (strcmp(words[1], "mtree") == 0) {
            static const char *const flags[] = { "-f", "-d", "-o", "-D" };
            for (int i = 0; i < 4; i++) {
                bool used = false;
                for (size_t w = 2; w < nw; w++) {
                    used = used || strcmp(words[w], flags[i]) == 0;
                }
                if (!used) {
                    cand_str(&c, flags[i]);
                }
            }
        }
    } else if (cmd->run == cmd_region) {
        if (nw == 1) {
            cand_str(&c, "enable");
            cand_str(&c, "disable");
            cand_str(&c, "move");
            cand_str(&c, "resize");
        } else if (nw == 2) {
            cand_regions(&c, mon);
        }
    } else if (cmd->run == cmd_dirty_log) {
        if (nw == 1) {
            cand_str(&c, "start");
            cand_str(&c, "stop");
        }
    } else if (cmd->run == cmd_find || cmd->run == cmd_load ||
               cmd->run == cmd_store) {
        if (strcmp(words[nw - 1], "-a") == 0) {
            cand_address_spaces(&c);
        } else if (nw == 1 && partial[0] == '-') {
            cand_str(&c, "-a");
        }
    }

    if (c.oom || c.n == 0) {
        for (size_t i = 0; i < c.n; i++) {
            free(c.v[i]);
        }
        free(c.v);
        return NULL;
    }
    qsort(c.v, c.n, sizeof(*c.v), cmp_str);
    /* Drop duplicates (names may repeat in a board). */
    size_t out = 1;
    for (size_t i = 1; i < c.n; i++) {
        if (strcmp(c.v[i], c.v[out - 1]) == 0) {
            free(c.v[i]);
        } else {
            c.v[out++] = c.v[i];
        }
    }
    c.v[out] = NULL;
    return c.v;
}

void monitor_free_completions(char **list)
{
    if (list) {
        for (char **p = list; *p; p++) {
            free(*p);
        }
        free(list);
    }
}
