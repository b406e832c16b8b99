/*
 * server/board_iommu.c — what ties iommu regions to the rest of a board:
 * their "target-as" (an address space's name), and the search for
 * translations that would loop.
 *
 * memcore follows an IOMMU's answer into the target address space and
 * translates again if it lands on another IOMMU (nested IOMMUs compose),
 * with no limit, as QEMU does.  A board whose translated range leads back
 * to the mapping it came from would hang the first access there, so the
 * loader refuses it.  The search is on the board, not on a rendered view:
 * it follows containers and aliases whatever their priority or "enabled",
 * because the monitor can enable, disable and move regions later.
 *
 * The search follows at most LOOP_SEARCH_DEPTH translations in a row, as
 * many as memcore does before it gives up on an access (memcore/rw.c):
 * a longer loop cannot hang an access, and an unbounded search recursed
 * once per mapping of a 100,000-mapping chain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_check.h"

#define LOOP_SEARCH_DEPTH 17

void board_resolve_iommus(Parser *p)
{
    for (size_t i = 0; i < p->b->nregions; i++) {
        BoardRegion *r = p->b->regions[i];
        char *refpath;

        if (r->type != BR_IOMMU || !r->target_as_ref || !r->path) {
            continue;
        }
        r->target_as = chk_find_as(p, r->target_as_ref);
        if (r->target_as) {
            if (r->iommu) {
                r->iommu->target_as = &r->target_as->as;
            }
            continue;
        }
        if (asprintf(&refpath, "%s.target-as", r->path) < 0) {
            chk_oom(p);
            continue;
        }
        diag_error(p->d, refpath, "no address space is called \"%s\"",
                   r->target_as_ref);
        free(refpath);
    }
}

/* ---- translation loops --------------------------------------------------- */

/*
 * A node is one mapping of one iommu region.  Mapping M leads to mapping
 * M' when M's translated range, looked up in M's target address space,
 * reaches an IOMMU region at offsets M' covers.
 */
typedef struct LoopNode {
    BoardRegion *r;
    const IommuMapping *m;
    int state;              /* 0 unseen, 1 on the current path, 2 done */
} LoopNode;

typedef struct LoopSearch {
    Parser *p;
    LoopNode *nodes;
    size_t nnodes;
    LoopNode **stack;
    size_t depth;
} LoopSearch;

static void loop_visit(LoopSearch *s, LoopNode *n);

/* A region's nodes are consecutive, in the order of its sorted maps. */
static LoopNode *node_of(LoopSearch *s, BoardRegion *r, const IommuMapping *m)
{
    return r->target_as ? &s->nodes[r->loop_nodes + (size_t)(m - r->iommu->maps)]
                        : NULL;
}

static char *node_path(const LoopNode *n)
{
    char *path;

    if (asprintf(&path, "%s.mappings[%zu]", n->r->path, n->m->index) < 0) {
        return NULL;
    }
    return path;
}

/* "io mappings[0] -> "dma" -> io mappings[0]": the loop that ends in @again. */
static void report_loop(LoopSearch *s, LoopNode *again)
{
    size_t start = s->depth;
    char *text = NULL, *where;
    size_t len = 0;
    FILE *f;

    while (start > 0 && s->stack[start - 1] != again) {
        start--;
    }
    if (start > 0) {
        start--;
    }
    f = open_memstream(&text, &len);
    if (!f) {
        chk_oom(s->p);
        return;
    }
    for (size_t i = start; i < s->depth; i++) {
        const LoopNode *n = s->stack[i];

        fprintf(f, "%s mappings[%zu] -> \"%s\" -> ",
                n->r->id ? n->r->id : "?", n->m->index,
                n->r->target_as->name ? n->r->target_as->name : "?");
    }
    fprintf(f, "%s mappings[%zu]", again->r->id ? again->r->id : "?",
            again->m->index);
    fclose(f);
    where = node_path(s->stack[start]);
    if (!where) {
        chk_oom(s->p);
    } else {
        diag_error(s->p->d, where, "translations loop forever: %s", text);
        free(where);
    }
    free(text);
}

static void loop_edge(LoopSearch *s, BoardRegion *r, const IommuMapping *m)
{
    LoopNode *n = node_of(s, r, m);

    if (!n) {
        return;
    }
    if (n->state == 1) {
        report_loop(s, n);
    } else if (n->state == 0 && s->depth < LOOP_SEARCH_DEPTH) {
        loop_visit(s, n);
    }
}

/* Everything [lo, hi) of @r (offsets in @r) reaches. */
static void loop_walk(LoopSearch *s, BoardRegion *r, u128 lo, u128 hi)
{
    if (hi > r->size) {
        hi = r->size;
    }
    if (lo >= hi) {
        return;
    }
    if (r->iommu) {
        /* maps are sorted by iova and never overlap: start at the first
         * that ends after @lo */
        size_t a = 0, b = r->iommu->nmaps;

        while (a < b) {
            size_t mid = a + (b - a) / 2;
            const IommuMapping *m = &r->iommu->maps[mid];

            if ((u128)m->iova + m->size <= lo) {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        for (size_t i = a; i < r->iommu->nmaps; i++) {
            const IommuMapping *m = &r->iommu->maps[i];

            if ((u128)m->iova >= hi) {
                break;
            }
            loop_edge(s, r, m);
        }
    }
    for (size_t i = 0; i < r->nsubs; i++) {
        BoardRegion *sub = r->subs[i];
        u128 slo = sub->addr, shi = slo + sub->size;
        u128 a = lo > slo ? lo : slo, b = hi < shi ? hi : shi;

        if (a < b) {
            loop_walk(s, sub, a - slo, b - slo);
        }
    }
    if (r->type == BR_ALIAS && r->target) {
        loop_walk(s, r->target, lo + r->alias_offset, hi + r->alias_offset);
    }
}

static void loop_visit(LoopSearch *s, LoopNode *n)
{
    BoardAS *as = n->r->target_as;

    n->state = 1;
    s->stack[s->depth++] = n;
    if (as && as->root) {
        loop_walk(s, as->root, n->m->translated,
                  (u128)n->m->translated + n->m->size);
    }
    s->depth--;
    n->state = 2;
}

void board_check_iommu_loops(Parser *p)
{
    LoopSearch s = { .p = p };
    size_t n = 0;

    for (size_t i = 0; i < p->b->nregions; i++) {
        BoardRegion *r = p->b->regions[i];

        if (r->iommu && r->target_as) {
            n += r->iommu->nmaps;
        }
    }
    if (n == 0) {
        return;
    }
    s.nodes = calloc(n, sizeof(*s.nodes));
    s.stack = calloc(n, sizeof(*s.stack));
    if (!s.nodes || !s.stack) {
        chk_oom(p);
        goto out;
    }
    for (size_t i = 0; i < p->b->nregions; i++) {
        BoardRegion *r = p->b->regions[i];

        if (!r->iommu || !r->target_as) {
            continue;
        }
        r->loop_nodes = s.nnodes;
        for (size_t k = 0; k < r->iommu->nmaps; k++) {
            s.nodes[s.nnodes++] = (LoopNode){ r, &r->iommu->maps[k], 0 };
        }
    }
    for (size_t i = 0; i < s.nnodes; i++) {
        if (s.nodes[i].state == 0) {
            loop_visit(&s, &s.nodes[i]);
        }
    }
out:
    free(s.nodes);
    free(s.stack);
}
