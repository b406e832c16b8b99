/*
 * web/h_topology.c — the machine's shape as JSON: address spaces, the
 * region tree of one, its flat view, memory_region_find, the regions the
 * board names.
 *
 * Address spaces and regions come from the MonitorMachine (they live as
 * long as the machine).  The tree is read through memcore's mtree_walk,
 * which holds memcore's lock for the walk as `info mtree` does; the JSON
 * is built under it and sent after.  Flat views are snapshots and need
 * no lock.  Numbers that are addresses or sizes are hex strings; "end"
 * is inclusive, as `info mtree` prints ranges.
 */
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>

#include "internal.h"

/* ---- address spaces -------------------------------------------------------- */

typedef struct AsList {
    AddressSpace **v;
    size_t n, cap;
    bool oom;
} AsList;

static void collect_as(void *arg, AddressSpace *as)
{
    AsList *l = arg;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        AddressSpace **v = realloc(l->v, cap * sizeof(*v));
        if (!v) {
            l->oom = true;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = as;
}

/* Every address space of the machine, in its order; false on OOM. */
static bool list_as(const MonitorMachine *m, AsList *l)
{
    memset(l, 0, sizeof(*l));
    if (m->foreach_as) {
        m->foreach_as(m->opaque, collect_as, l);
    } else {
        /* A machine that does not list its own: memcore's list, which is
         * only stable under the lock. */
        memcore_lock();
        for (AddressSpace *as = address_space_first(); as;
             as = address_space_next(as)) {
            collect_as(l, as);
        }
        memcore_unlock();
    }
    if (l->oom) {
        free(l->v);
        l->v = NULL;
        return false;
    }
    return true;
}

AddressSpace *web_ctx_as(WebCtx *c, WebResponse *r)
{
    const MonitorMachine *m = c->api->machine;
    const char *name = c->caps[0];
    AddressSpace *found = NULL;

    if (m->find_as) {
        found = m->find_as(m->opaque, name);
    } else {
        AsList l;
        if (!list_as(m, &l)) {
            web_error_oom(r);
            return NULL;
        }
        for (size_t i = 0; i < l.n && !found; i++) {
            if (strcmp(address_space_name(l.v[i]), name) == 0) {
                found = l.v[i];
            }
        }
        free(l.v);
    }
    if (!found) {
        web_error(r, WEB_NOT_FOUND, WEB_E_NOT_FOUND,
                  "no address space called '%.200s'", name);
    }
    return found;
}

void web_h_address_spaces(WebCtx *c, WebResponse *r)
{
    json_t *arr;
    AsList l;
    bool ok = true;

    if (!web_params_check(c, r)) {
        return;
    }
    if (!list_as(c->api->machine, &l) || !(arr = json_array())) {
        free(l.v);
        web_error_oom(r);
        return;
    }
    for (size_t i = 0; i < l.n && ok; i++) {
        MemoryRegion *root = address_space_root(l.v[i]);
        json_t *o = json_object();

        if (!o || json_array_append_new(arr, o) != 0) {
            ok = false;
            break;
        }
        web_set(o, "name", web_str(address_space_name(l.v[i])), &ok);
        web_set(o, "root", root ? web_str(memory_region_name(root))
                                : json_null(), &ok);
    }
    free(l.v);
    if (!ok) {
        json_decref(arr);
        arr = NULL;
    }
    web_reply_json(r, WEB_OK, arr);
}

/* ---- one region as JSON ------------------------------------------------------- */

/* The members a tree node and a region share. */
static bool region_members(json_t *o, const MemoryRegionInfo *i)
{
    bool ok = true;

    web_set(o, "name", web_str(i->name), &ok);
    web_set(o, "type", json_string(i->type), &ok);
    web_set(o, "kind", json_string(i->kind), &ok);
    web_set(o, "addr", web_hex(i->addr), &ok);
    web_set(o, "size", web_hex_size(i->size), &ok);
    web_set(o, "priority", json_integer(i->priority), &ok);
    web_set(o, "enabled", json_boolean(i->enabled), &ok);
    web_set(o, "readonly", json_boolean(i->readonly), &ok);
    if (i->alias) {
        /* A region's name never changes after init. */
        const char *t = memory_region_name(i->alias);
        web_set(o, "alias", json_pack("{s:o, s:o}", "target", web_str(t),
                                      "offset", web_hex(i->alias_offset)),
                &ok);
    }
    if (i->has_owner) {
        web_set(o, "owner", i->owner_path ? web_str(i->owner_path)
                                          : json_string(""), &ok);
    }
    return ok;
}

/* Inclusive last address of @size bytes from @start, as mtree prints. */
static uint64_t last_of(uint64_t start, uint64_t size)
{
    if (size == UINT64_MAX) {
        return start + UINT64_MAX;  /* 2^64 bytes */
    }
    return size ? start + size - 1 : start;
}

/* ---- the tree ------------------------------------------------------------------- */

#define TREE_MAX_DEPTH 256

typedef struct TreeBuild {
    json_t *root;
    json_t *kids[TREE_MAX_DEPTH]; /* the "subregions" array at each depth */
    bool ok;
    bool too_deep;
} TreeBuild;

static int tree_node(const MemoryRegionInfo *info, unsigned depth,
                     hwaddr start, void *opaque)
{
    TreeBuild *t = opaque;
    json_t *o = json_object();
    json_t *kids = json_array();

    t->too_deep = depth >= TREE_MAX_DEPTH - 1;
    if (t->too_deep || !o || !kids || !region_members(o, info)) {
        json_decref(o);
        json_decref(kids);
        t->ok = false;
        return 1;
    }
    web_set(o, "start", web_hex(start), &t->ok);
    web_set(o, "end", web_hex(last_of(start, info->size)), &t->ok);
    if (json_object_set_new(o, "subregions", kids) != 0) {
        json_decref(o);
        t->ok = false;
        return 1;
    }
    if (depth == 0) {
        t->root = o;
    } else if (json_array_append_new(t->kids[depth - 1], o) != 0) {
        t->ok = false;
        return 1;
    }
    t->kids[depth] = kids;
    return t->ok ? 0 : 1;
}

void web_h_tree(WebCtx *c, WebResponse *r)
{
    AddressSpace *as = web_ctx_as(c, r);
    TreeBuild t = { .ok = true };
    MemoryRegion *root;

    if (!as || !web_params_check(c, r)) {
        return;
    }
    root = address_space_root(as);
    if (!root) {
        web_error(r, WEB_NOT_FOUND, WEB_E_NOT_FOUND,
                  "address space '%.200s' has no root", c->caps[0]);
        return;
    }
    if (mtree_walk(root, tree_node, &t) != 0 || !t.ok) {
        json_decref(t.root);
        t.root = NULL;
    }
    if (t.too_deep) {
        web_error(r, WEB_INTERNAL, WEB_E_INTERNAL, "the region tree is "
                  "deeper than %d levels; read it with GET /api/v1/mtree",
                  TREE_MAX_DEPTH - 1);
        return;
    }
    web_reply_json(r, WEB_OK, t.root);
}

/* ---- the flat view -------------------------------------------------------------- */

void web_h_flatview(WebCtx *c, WebResponse *r)
{
    AddressSpace *as = web_ctx_as(c, r);
    json_t *arr;
    FlatView *v;
    FlatRangeInfo fr;
    bool ok = true;

    if (!as || !web_params_check(c, r)) {
        return;
    }
    arr = json_array();
    v = address_space_get_flatview(as);
    for (unsigned i = 0; arr && ok && flatview_get_range_info(v, i, &fr);
         i++) {
        json_t *o = json_object();

        if (!o || json_array_append_new(arr, o) != 0) {
            ok = false;
            break;
        }
        web_set(o, "start", web_hex(fr.start), &ok);
        web_set(o, "end", web_hex(fr.last), &ok);
        web_set(o, "region", web_str(memory_region_name(fr.mr)), &ok);
        web_set(o, "offset_in_region", web_hex(fr.offset_in_region), &ok);
        web_set(o, "type", json_string(fr.type), &ok);
        web_set(o, "readonly", json_boolean(fr.readonly), &ok);
        web_set(o, "romd", json_boolean(fr.romd), &ok);
    }
    flatview_unref(v);
    if (!ok) {
        json_decref(arr);
        arr = NULL;
    }
    web_reply_json(r, WEB_OK, arr);
}

/* ---- find ------------------------------------------------------------------------- */

void web_h_find(WebCtx *c, WebResponse *r)
{
    AddressSpace *as = web_ctx_as(c, r);
    uint64_t addr, size;
    MemoryRegionSection s;
    MemoryRegionInfo info;
    bool ok = true;
    json_t *o;

    if (!as || !web_param_u64(c, r, "addr", true, 0, &addr) ||
        !web_param_u64(c, r, "size", false, 1, &size) ||
        !web_params_check(c, r)) {
        return;
    }
    if (size == 0) {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "parameter 'size' must not be 0");
        return;
    }
    s = memory_region_find(address_space_root(as), addr, size);
    if (!s.mr) {
        web_error(r, WEB_NOT_FOUND, WEB_E_NOT_FOUND,
                  "nothing is mapped in [0x%llx, +0x%llx) of '%.200s'",
                  (unsigned long long)addr, (unsigned long long)size,
                  c->caps[0]);
        return;
    }
    memory_region_get_info(s.mr, &info);
    o = json_object();
    if (o) {
        web_set(o, "region", web_str(info.name), &ok);
        web_set(o, "type", json_string(info.type), &ok);
        web_set(o, "offset_within_region", web_hex(s.offset_within_region),
                &ok);
        web_set(o, "offset_within_address_space",
                web_hex(s.offset_within_address_space), &ok);
        web_set(o, "size", web_hex_size(s.size > (Int128)UINT64_MAX
                                            ? UINT64_MAX
                                            : (uint64_t)s.size), &ok);
        web_set(o, "readonly", json_boolean(s.readonly), &ok);
    }
    memory_region_unref(s.mr);
    if (!ok) {
        json_decref(o);
        o = NULL;
    }
    web_reply_json(r, WEB_OK, o);
}

/* ---- regions -------------------------------------------------------------------- */

/*
 * The JSON of a region the board names: its own members, its container,
 * where it lies (start and end in its root's coordinates, the address
 * spaces showing that root).
 */
static json_t *region_json(const MonitorMachine *m, const char *id,
                           MemoryRegion *mr)
{
    MemoryRegionInfo info, up;
    json_t *o = json_object();
    bool ok = o != NULL;
    uint64_t start;
    MemoryRegion *top = mr;

    if (!o) {
        return NULL;
    }
    memory_region_get_info(mr, &info);
    ok = ok && region_members(o, &info);
    web_set(o, "id", web_str(id), &ok);
    /* Climb to the root: each step reads one region under the lock. */
    start = info.addr;
    up = info;
    while (up.container) {
        top = up.container;
        memory_region_get_info(top, &up);
        start += up.addr;
    }
    web_set(o, "container", info.container
                ? web_str(memory_region_name(info.container))
                : json_null(), &ok);
    web_set(o, "root", web_str(memory_region_name(top)), &ok);
    web_set(o, "start", web_hex(start), &ok);
    web_set(o, "end", web_hex(last_of(start, info.size)), &ok);

    json_t *spaces = json_array();
    AsList l;
    if (!spaces || !list_as(m, &l)) {
        json_decref(spaces);
        json_decref(o);
        return NULL;
    }
    for (size_t i = 0; i < l.n; i++) {
        if (address_space_root(l.v[i]) == top &&
            json_array_append_new(spaces,
                                  web_str(address_space_name(l.v[i])))) {
            ok = false;
        }
    }
    free(l.v);
    web_set(o, "address_spaces", spaces, &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

typedef struct RegionList {
    const MonitorMachine *m;
    json_t *arr;
    bool ok;
} RegionList;

static void add_region(void *arg, const char *name, MemoryRegion *mr)
{
    RegionList *l = arg;
    json_t *o;

    if (!l->ok) {
        return;
    }
    o = region_json(l->m, name, mr);
    if (!o || json_array_append_new(l->arr, o) != 0) {
        l->ok = false;
    }
}

void web_h_regions(WebCtx *c, WebResponse *r)
{
    const MonitorMachine *m = c->api->machine;
    RegionList l = { m, json_array(), true };

    if (!web_params_check(c, r)) {
        json_decref(l.arr);
        return;
    }
    if (l.arr && m->foreach_region) {
        m->foreach_region(m->opaque, add_region, &l);
    }
    if (!l.ok) {
        json_decref(l.arr);
        l.arr = NULL;
    }
    web_reply_json(r, WEB_OK, l.arr);
}

typedef struct KidNames {
    json_t *arr;
    bool ok;
} KidNames;

static int kid_name(const MemoryRegionInfo *info, unsigned depth,
                    hwaddr start, void *opaque)
{
    KidNames *k = opaque;

    (void)start;
    if (depth == 1 &&
        json_array_append_new(k->arr, web_str(info->name))) {
        k->ok = false;
        return 1;
    }
    return 0;
}

/* The id the board gives @mr (the first one, in board order). */
typedef struct IdOf {
    MemoryRegion *mr;
    char *id;
} IdOf;

static void find_id(void *arg, const char *name, MemoryRegion *mr)
{
    IdOf *f = arg;

    if (mr == f->mr && !f->id) {
        f->id = strdup(name);
    }
}

void web_h_region(WebCtx *c, WebResponse *r)
{
    const MonitorMachine *m = c->api->machine;
    MemoryRegion *mr = NULL;
    IdOf id = { NULL, NULL };
    KidNames k;
    json_t *o;
    int n;

    if (!web_params_check(c, r)) {
        return;
    }
    n = m->find_region ? m->find_region(m->opaque, c->caps[0], &mr) : 0;
    if (n == 0) {
        web_error(r, WEB_NOT_FOUND, WEB_E_NOT_FOUND,
                  "no region called '%.200s'", c->caps[0]);
        return;
    }
    if (n > 1) {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "%d regions are called '%.200s': name one by its id (GET "
                  "/api/v1/regions lists them)", n, c->caps[0]);
        return;
    }
    id.mr = mr;
    if (m->foreach_region) {
        m->foreach_region(m->opaque, find_id, &id);
    }
    o = region_json(m, id.id ? id.id : c->caps[0], mr);
    free(id.id);
    k.arr = json_array();
    k.ok = k.arr != NULL;
    if (o && k.ok && mtree_walk(mr, kid_name, &k) == 0 && k.ok) {
        if (json_object_set_new(o, "subregions", k.arr) != 0) {
            json_decref(o);
            o = NULL;
        }
    } else {
        json_decref(k.arr);
        json_decref(o);
        o = NULL;
    }
    web_reply_json(r, WEB_OK, o);
}
