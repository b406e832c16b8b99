/*
 * server/board_graph.c — the render graph of a board: a container leads
 * to its subregions, an alias to its target.  Rendering follows these
 * edges, so the loader checks here what would make a render fail or
 * explode:
 *
 *   - a cycle (an alias that reaches itself, or a region that contains
 *     an alias of itself) would never end;
 *   - more than BOARD_MAX_ALIAS_NESTING aliases on one path make memcore
 *     refuse the render (a misuse report: the process aborts);
 *   - more than BOARD_MAX_LEVELS regions on one path is that many frames
 *     of memcore's recursive renderer;
 *   - a region reached along many paths is rendered once per path: two
 *     aliases of the next level at each of 24 levels is 2^24 pieces from
 *     a 7 KB board.
 *
 * One depth-first search, with an explicit stack (a 100,000-region chain
 * must not need 100,000 C frames), finds the cycles and, as each region
 * is finished, computes its three measures from those of the regions it
 * leads to (board.h: aliases, levels, pieces).  That is O(regions +
 * edges); pieces are counted, never rendered, and stop growing past the
 * limit.
 */
#include <stdio.h>
#include <stdlib.h>

#include "board_check.h"

typedef struct Frame {
    BoardRegion *r;
    size_t next;              /* successors 0..nsubs-1, then the target */
} Frame;

static BoardRegion *successor(const BoardRegion *r, size_t i)
{
    return i < r->nsubs ? r->subs[i] : r->target;
}

static bool terminates(const BoardRegion *r)
{
    return r->type != BR_CONTAINER && r->type != BR_ALIAS;
}

/* "a -> b -> a": the cycle that the edge to @again closes, reported at
 * the target of its first alias. */
static void report_cycle(Parser *p, const Frame *stack, size_t depth,
                         const BoardRegion *again)
{
    size_t start = depth;
    const BoardRegion *alias = NULL;
    char *text = NULL, *where;
    size_t len = 0;
    FILE *m;

    while (start > 0 && stack[start - 1].r != again) {
        start--;
    }
    if (start > 0) {
        start--;
    }
    m = open_memstream(&text, &len);
    if (!m) {
        chk_oom(p);
        return;
    }
    for (size_t i = start; i < depth; i++) {
        fprintf(m, "%s -> ", stack[i].r->id ? stack[i].r->id : "?");
        if (!alias && stack[i].r->type == BR_ALIAS) {
            alias = stack[i].r;
        }
    }
    fprintf(m, "%s", again->id ? again->id : "?");
    fclose(m);
    if (!alias) {
        alias = again;
    }
    if (asprintf(&where, "%s.target", alias->path) < 0) {
        chk_oom(p);
    } else {
        diag_error(p->d, where, "alias cycle: %s", text);
        free(where);
    }
    free(text);
}

/* @r's measures from those of its successors that are done (one still on
 * the path closes a cycle, which is reported instead). */
static void measure(BoardRegion *r)
{
    size_t aliases = 0, levels = 0;
    uint64_t pieces = terminates(r) ? 1 : 0;

    for (size_t i = 0; i <= r->nsubs; i++) {
        const BoardRegion *s = successor(r, i);

        if (!s || s->mark != 2) {
            continue;
        }
        aliases = s->aliases > aliases ? s->aliases : aliases;
        levels = s->levels > levels ? s->levels : levels;
        pieces += s->pieces;
        if (pieces > BOARD_MAX_PIECES) {
            pieces = BOARD_MAX_PIECES + 1;
        }
    }
    r->aliases = aliases + (r->type == BR_ALIAS);
    r->levels = levels + 1;
    r->pieces = pieces;
}

static void search_from(Parser *p, BoardRegion *root, Frame *stack)
{
    size_t depth = 0;

    root->mark = 1;
    stack[depth++] = (Frame){ root, 0 };
    while (depth > 0) {
        Frame *f = &stack[depth - 1];
        BoardRegion *next;

        if (f->next > f->r->nsubs) {
            measure(f->r);
            f->r->mark = 2;
            depth--;
            continue;
        }
        next = successor(f->r, f->next++);
        if (!next) {
            continue;
        }
        if (next->mark == 1) {
            report_cycle(p, stack, depth, next);
        } else if (next->mark == 0) {
            next->mark = 1;
            stack[depth++] = (Frame){ next, 0 };
        }
    }
}

/* Each limit is reported where it is crossed: at the region whose
 * measure is past the limit while those it leads to are within it. */
static void check_limits(Parser *p, const BoardRegion *r)
{
    bool pieces_crossed = r->pieces > BOARD_MAX_PIECES;

    if (r->type == BR_ALIAS && r->aliases == BOARD_MAX_ALIAS_NESTING + 1) {
        diag_error(p->d, r->path, "aliases nest %d deep from this alias "
                   "(it and its target's): more than the limit of %d "
                   "aliases inside each other that memcore renders",
                   BOARD_MAX_ALIAS_NESTING + 1, BOARD_MAX_ALIAS_NESTING);
    }
    if (r->levels == BOARD_MAX_LEVELS + 1) {
        diag_error(p->d, r->path, "regions nest %d deep from here "
                   "(containers and alias targets): more than the limit "
                   "of %d", BOARD_MAX_LEVELS + 1, BOARD_MAX_LEVELS);
    }
    for (size_t i = 0; i <= r->nsubs && pieces_crossed; i++) {
        const BoardRegion *s = successor(r, i);

        pieces_crossed = !s || s->pieces <= BOARD_MAX_PIECES;
    }
    if (pieces_crossed) {
        diag_error(p->d, r->path, "renders to more than %d pieces (one "
                   "for each ram, rom, romd, io, iommu or reservation "
                   "region it reaches, counted again for each alias that "
                   "shows it): more than the limit", BOARD_MAX_PIECES);
    }
}

void board_check_render_graph(Parser *p)
{
    Board *b = p->b;
    Frame *stack = calloc(b->nregions + 1, sizeof(*stack));
    size_t known = p->d->count;

    if (!stack) {
        chk_oom(p);
        return;
    }
    for (size_t i = 0; i < b->nregions; i++) {
        if (b->regions[i]->mark == 0) {
            search_from(p, b->regions[i], stack);
        }
    }
    /* The measures of a graph with cycles mean nothing. */
    if (p->d->count == known && !p->d->oom) {
        for (size_t i = 0; i < b->nregions; i++) {
            check_limits(p, b->regions[i]);
        }
    }
    for (size_t i = 0; i < b->nregions; i++) {
        b->regions[i]->mark = 0;
    }
    free(stack);
}
