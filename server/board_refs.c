/*
 * server/board_refs.c — the parts of a board that refer to regions:
 * address spaces (root), CPUs (address space), aliases (target).  They
 * are resolved once the whole region tree is known (board_graph.c then
 * checks the render graph they make).  Last, "kernel-entry" is looked up
 * in the rendered CPU address spaces.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_check.h"

/* ---- references ------------------------------------------------------------ */

/* Every region by its id, so that each reference is one lookup. */
static void index_ids(Parser *p)
{
    if (p->ids_indexed) {
        return;
    }
    p->ids_indexed = true;
    for (size_t i = 0; i < p->b->nregions; i++) {
        BoardRegion *r = p->b->regions[i];

        if (r->id && !name_index_add(&p->ids, r->id, r)) {
            chk_oom(p);
            return;
        }
    }
}

/* Find the region with id @ref for the reference at @refpath (a JSON path
 * plus key); NULL, with a message, if there is none or several. */
static BoardRegion *resolve(Parser *p, const char *ref,
                            const char *refpath)
{
    const NameEntry *e;

    index_ids(p);
    e = name_index_get(&p->ids, ref);
    if (e && e->count == 1) {
        return e->first;
    }
    if (!e) {
        diag_error(p->d, refpath, "no region has the id \"%s\"", ref);
    } else {
        diag_error(p->d, refpath, "the id \"%s\" is ambiguous: it is used "
                   "by %s and %s%s (give one of them a distinct \"id\")",
                   ref, ((BoardRegion *)e->first)->path,
                   ((BoardRegion *)e->second)->path,
                   e->count > 2 ? " and others" : "");
    }
    return NULL;
}

void board_resolve_aliases(Parser *p)
{
    for (size_t i = 0; i < p->b->nregions; i++) {
        BoardRegion *r = p->b->regions[i];
        char *refpath;

        if (r->type != BR_ALIAS || !r->target_ref || !r->path) {
            continue;
        }
        if (asprintf(&refpath, "%s.target", r->path) < 0) {
            chk_oom(p);
            continue;
        }
        r->target = resolve(p, r->target_ref, refpath);
        free(refpath);
    }
}

/* ---- address spaces and CPUs --------------------------------------------- */

void board_parse_address_spaces(Parser *p, const json_t *arr)
{
    static const char *const keys[] = { "name", "root", NULL };
    size_t mark = jpath_key(&p->path, "address-spaces");
    size_t i;
    const json_t *v;

    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        chk_bad_value(p, NULL, arr, "a non-empty array of address spaces");
        goto out;
    }
    json_array_foreach(arr, i, v) {
        size_t m2 = jpath_index(&p->path, i);
        const char *name, *root;
        BoardAS *as;

        if (!json_is_object(v)) {
            chk_bad_value(p, NULL, v, "an object ({\"name\": ..., \"root\": ...})");
            jpath_restore(&p->path, m2);
            continue;
        }
        chk_keys(p, v, keys, NULL, "an address space");
        name = chk_string(p, v, "name", true);
        root = chk_string(p, v, "root", true);
        if (name && chk_find_as(p, name)) {
            chk_error(p, "name", "\"%s\" names another address space too", name);
        }
        as = calloc(1, sizeof(*as));
        if (!as || !chk_push(p, (void ***)&p->b->as, &p->b->nas, as)) {
            free(as);
            chk_oom(p);
            jpath_restore(&p->path, m2);
            continue;
        }
        as->path = chk_strdup(p, jpath_str(&p->path));
        as->name = name ? chk_strdup(p, name) : NULL;
        as->root_ref = root ? chk_strdup(p, root) : NULL;
        if (as->name && !name_index_add(&p->as_names, as->name, as)) {
            chk_oom(p);
        }
        jpath_restore(&p->path, m2);
    }
out:
    jpath_restore(&p->path, mark);
}

void board_resolve_roots(Parser *p)
{
    for (size_t i = 0; i < p->b->nas; i++) {
        BoardAS *as = p->b->as[i];
        char *refpath;

        if (!as->root_ref || !as->path) {
            continue;
        }
        if (asprintf(&refpath, "%s.root", as->path) < 0) {
            chk_oom(p);
            continue;
        }
        as->root = resolve(p, as->root_ref, refpath);
        free(refpath);
    }
}

void board_parse_cpus(Parser *p, const json_t *arr)
{
    static const char *const keys[] = { "model", "address-space",
                                        "reset-pc", NULL };
    size_t mark = jpath_key(&p->path, "cpus");
    size_t i;
    const json_t *v;

    if (!json_is_array(arr)) {
        chk_bad_value(p, NULL, arr, "an array of CPUs");
        goto out;
    }
    p->b->cpus = calloc(json_array_size(arr) + 1, sizeof(*p->b->cpus));
    if (!p->b->cpus) {
        chk_oom(p);
        goto out;
    }
    json_array_foreach(arr, i, v) {
        size_t m2 = jpath_index(&p->path, i);
        BoardCpu *cpu = &p->b->cpus[p->b->ncpus++];
        const char *model, *asname;
        u128 pc;
        bool present;

        if (!json_is_object(v)) {
            chk_bad_value(p, NULL, v, "a CPU object ({\"model\": \"rv64\", ...})");
            jpath_restore(&p->path, m2);
            continue;
        }
        chk_keys(p, v, keys, NULL, "a CPU");
        model = chk_string(p, v, "model", true);
        if (model && strcmp(model, "rv64") != 0) {
            chk_error(p, "model", "\"%s\" is not a CPU model (rv64)", model);
        }
        cpu->model = model ? chk_strdup(p, model) : NULL;
        asname = chk_string(p, v, "address-space", false);
        if (asname) {
            cpu->as = chk_find_as(p, asname);
            if (!cpu->as) {
                chk_error(p, "address-space", "no address space is called "
                     "\"%s\"", asname);
            }
        } else if (p->b->nas) {
            cpu->as = p->b->as[0];
        }
        if (chk_number(p, v, "reset-pc", NUM_U64, &pc, &present)) {
            cpu->reset_pc = (uint64_t)pc;
        }
        jpath_restore(&p->path, m2);
    }
out:
    jpath_restore(&p->path, mark);
}

/* ---- kernel-entry ---------------------------------------------------------- */

/*
 * region_at: what the rendered view of @r shows at @off (an offset in @r):
 * the region that answers there, with the offset in it in *@in, or NULL
 * where @r shows nothing (disabled, past its size, or a container — or an
 * alias of one — with no subregion there).  This is QEMU's rendering
 * (render_memory_region) for one address: subregions first, the higher
 * priority winning and, among equal priorities, the one listed later;
 * where none answers, a region that is not a container answers itself.
 * The caller runs it only on a board without alias cycles.  An iommu
 * region answers itself: the board checker does not translate.
 */
static const BoardRegion *region_at(const BoardRegion *r, u128 off, u128 *in)
{
    const BoardRegion *best = NULL;
    int32_t best_prio = 0;

    if (!r->enabled || off >= r->size) {
        return NULL;
    }
    if (r->type == BR_ALIAS) {
        return r->target ? region_at(r->target, off + r->alias_offset, in)
                         : NULL;
    }
    for (size_t i = 0; i < r->nsubs; i++) {
        const BoardRegion *s = r->subs[i];
        const BoardRegion *hit;
        u128 sub_in;

        if (off < s->addr || off - s->addr >= s->size ||
            (best && s->priority < best_prio)) {
            continue;
        }
        hit = region_at(s, off - s->addr, &sub_in);
        if (hit) {
            best = hit;
            best_prio = s->priority;
            *in = sub_in;
        }
    }
    if (best || r->type == BR_CONTAINER) {
        return best;
    }
    *in = off;
    return r;
}

static const char *a_or_an(const char *word)
{
    return strchr("aeiou", word[0]) ? "an" : "a";
}

/*
 * "kernel-entry": the 8 bytes at that address, in the address space of
 * every CPU (the default one without cpus), must be the consecutive bytes
 * of one ram or rom region, so that --kernel can store the entry point
 * there and the harts' boot code can load it.
 */
void board_check_kernel_entry(Parser *p)
{
    Board *b = p->b;
    uint64_t a = b->kernel_entry;
    BoardAS *as;

    if (!b->has_kernel_entry) {
        return;
    }
    if (a > UINT64_MAX - 7) {
        chk_error(p, "kernel-entry", "the 8-byte slot at 0x%" PRIx64 " wraps "
                  "past 2^64", a);
        return;
    }
    for (size_t n = 0; (as = board_cpu_as(b, n)) != NULL; n++) {
        const BoardRegion *r, *r2;
        u128 in, in2;

        r = as->root ? region_at(as->root, a, &in) : NULL;
        if (!r) {
            chk_error(p, "kernel-entry", "0x%" PRIx64 " is not in RAM or ROM: "
                      "nothing is mapped there in address space \"%s\"", a,
                      as->name);
            continue;
        }
        if (r->type != BR_RAM && r->type != BR_ROM) {
            const char *t = board_type_name(r->type);

            chk_error(p, "kernel-entry", "0x%" PRIx64 " is not in RAM or ROM: "
                      "address space \"%s\" has %s %s region there (\"%s\")",
                      a, as->name, a_or_an(t), t, r->name);
            continue;
        }
        for (unsigned i = 1; i < 8; i++) {
            r2 = region_at(as->root, a + i, &in2);
            if (r2 != r || in2 != in + i) {
                chk_error(p, "kernel-entry", "the 8-byte slot 0x%" PRIx64
                          "-0x%" PRIx64 " crosses the end of \"%s\" (%s %s "
                          "region, seen up to 0x%" PRIx64 " in address space "
                          "\"%s\")", a, a + 7, r->name,
                          a_or_an(board_type_name(r->type)),
                          board_type_name(r->type), a + i - 1, as->name);
                break;
            }
        }
    }
}
