/*
 * server/devices/iommu_static.c — "iommu" regions: an IOMMU whose
 * translations are a fixed table from the board (see iommu_static.h).
 *
 * The table is checked as a whole before anything is built: each problem
 * of "page-size" and "mappings" is reported once, at the JSON path of the
 * value at fault, and the checks that depend on a bad value (alignment on
 * a page size that is not a power of two, overlaps of a mapping that is
 * itself wrong) are skipped rather than repeated.
 *
 * translate() runs on whatever thread makes the access, without locks:
 * the table never changes once built.
 */
#include "iommu_static.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- translation --------------------------------------------------------- */

const IommuMapping *iommu_static_lookup(const IommuStatic *t, uint64_t iova)
{
    size_t lo = 0, hi = t->nmaps;

    /* The last mapping starting at or below @iova is the only candidate. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (t->maps[mid].iova <= iova) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) {
        return NULL;
    }
    const IommuMapping *m = &t->maps[lo - 1];
    return (u128)iova < (u128)m->iova + m->size ? m : NULL;
}

static IOMMUTLBEntry iommu_static_translate(MemoryRegion *iommu, hwaddr addr,
                                            bool is_write)
{
    const IommuStatic *t = iommu_static_of(iommu);
    hwaddr mask = (hwaddr)(t->page_size - 1);
    const IommuMapping *m = iommu_static_lookup(t, addr);
    IOMMUTLBEntry e = {
        .target_as = t->target_as,
        .iova = addr & ~mask,
        .translated_addr = 0,
        .addr_mask = mask,
        .perm = IOMMU_NONE,
    };

    /* The permission is the mapping's whatever the direction: memcore
     * compares it with the access, as QEMU's translate loop does. */
    (void)is_write;
    if (m) {
        e.translated_addr = m->translated + (e.iova - m->iova);
        e.perm = m->perm;
    }
    return e;
}

const MemoryRegionIOMMUOps iommu_static_ops = {
    .translate = iommu_static_translate,
};

/* ---- checking the board's table ------------------------------------------ */

typedef struct Check {
    JPath *path;
    Diag *d;
    bool bad;        /* a problem was recorded */
} Check;

/* "0x..." for values below 2^64; sizes may be 2^64 itself. */
static const char *hex128(char buf[24], u128 v)
{
    if (v >> 64) {
        snprintf(buf, 24, "2^64");
    } else {
        snprintf(buf, 24, "0x%" PRIx64, (uint64_t)v);
    }
    return buf;
}

__attribute__((format(printf, 3, 4)))
static void problem(Check *c, const char *key, const char *fmt, ...)
{
    size_t mark = key ? jpath_key(c->path, key) : c->path->len;
    va_list ap;
    char *msg;

    c->bad = true;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0) {
        c->d->oom = true;
    } else {
        diag_error(c->d, jpath_str(c->path), "%s", msg);
        free(msg);
    }
    va_end(ap);
    jpath_restore(c->path, mark);
}

/* A number member of @obj; false (after a message) when absent or bad. */
static bool member_number(Check *c, const json_t *obj, const char *key,
                          enum num_kind kind, u128 *out)
{
    const json_t *v = json_object_get(obj, key);
    size_t mark;
    bool ok;

    if (!v) {
        problem(c, NULL, "missing key \"%s\"", key);
        return false;
    }
    mark = jpath_key(c->path, key);
    ok = board_number(v, kind, out, c->d, jpath_str(c->path));
    jpath_restore(c->path, mark);
    if (!ok) {
        c->bad = true;
    }
    return ok;
}

static void describe_problem(Check *c, const char *key, const json_t *v,
                             const char *what)
{
    char *text = json_describe(v);

    problem(c, key, "%s is not %s", text, what);
    if (strcmp(text, "value") != 0) {
        free(text);
    }
}

static bool parse_perm(Check *c, const json_t *obj, IOMMUAccessFlags *perm)
{
    static const struct { const char *name; IOMMUAccessFlags perm; } perms[] = {
        { "ro", IOMMU_RO }, { "wo", IOMMU_WO }, { "rw", IOMMU_RW },
    };
    const json_t *v = json_object_get(obj, "perm");
    const char *s;

    if (!v) {
        problem(c, NULL, "missing key \"perm\"");
        return false;
    }
    s = json_is_string(v) ? json_string_value(v) : NULL;
    for (size_t i = 0; s && i < sizeof(perms) / sizeof(perms[0]); i++) {
        if (strcmp(s, perms[i].name) == 0) {
            *perm = perms[i].perm;
            return true;
        }
    }
    describe_problem(c, "perm", v, "a permission (ro, wo or rw)");
    return false;
}

/* Whether @v is a multiple of the page size; says so at KEY if not. */
static bool aligned(Check *c, const char *key, u128 v, u128 page)
{
    char a[24], b[24];

    if (v % page == 0) {
        return true;
    }
    problem(c, key, "%s is not a multiple of the page size (%s)",
            hex128(a, v), hex128(b, page));
    return false;
}

/* One "mappings" entry at the current path; true when it is usable. */
static bool parse_mapping(Check *c, const json_t *obj, u128 page, bool page_ok,
                          u128 region_size, IommuMapping *m)
{
    static const char *const keys[] = { "iova", "translated", "size", "perm",
                                        NULL };
    const char *key;
    const json_t *v;
    u128 iova = 0, xlat = 0, size = 0;
    bool ok = true;
    char a[24], b[24], s[24];

    if (!json_is_object(obj)) {
        describe_problem(c, NULL, obj, "a mapping ({\"iova\": ..., "
                         "\"translated\": ..., \"size\": ..., \"perm\": ...})");
        return false;
    }
    json_object_foreach((json_t *)obj, key, v) {
        bool known = false;

        for (size_t i = 0; keys[i]; i++) {
            known = known || strcmp(keys[i], key) == 0;
        }
        if (!known) {
            problem(c, NULL, "unknown key \"%s\" for a mapping", key);
            ok = false;
        }
    }
    bool iova_ok = member_number(c, obj, "iova", NUM_U64, &iova);
    bool xlat_ok = member_number(c, obj, "translated", NUM_U64, &xlat);
    bool size_ok = member_number(c, obj, "size", NUM_SIZE, &size);
    ok = parse_perm(c, obj, &m->perm) && ok;
    ok = ok && iova_ok && xlat_ok && size_ok;

    if (size_ok && size == 0) {
        problem(c, "size", "a mapping cannot be empty");
        size_ok = ok = false;
    }
    if (page_ok) {
        ok = (!iova_ok || aligned(c, "iova", iova, page)) && ok;
        ok = (!xlat_ok || aligned(c, "translated", xlat, page)) && ok;
        ok = (!size_ok || aligned(c, "size", size, page)) && ok;
    }
    if (iova_ok && size_ok) {
        if (iova + size > U128_2_64) {
            problem(c, NULL, "iova %s + size %s overflows 2^64",
                    hex128(a, iova), hex128(s, size));
            ok = false;
        } else if (iova + size > region_size) {
            problem(c, NULL, "iova %s + size %s goes beyond the region's "
                    "size %s", hex128(a, iova), hex128(s, size),
                    hex128(b, region_size));
            ok = false;
        }
    }
    if (xlat_ok && size_ok && xlat + size > U128_2_64) {
        problem(c, NULL, "translated %s + size %s overflows 2^64",
                hex128(a, xlat), hex128(s, size));
        ok = false;
    }
    m->iova = (uint64_t)iova;
    m->translated = (uint64_t)xlat;
    m->size = size;
    return ok;
}

static int map_cmp(const void *a, const void *b)
{
    const IommuMapping *x = a, *y = b;

    if (x->iova != y->iova) {
        return x->iova < y->iova ? -1 : 1;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Overlaps: in iova order, each mapping is compared with the one reaching
 * furthest so far, so every mapping that overlaps an earlier one gets
 * one message, at whichever of the two the board lists later.
 */
static void check_overlaps(Check *c, IommuMapping *maps, size_t n,
                           const char *mappings_path)
{
    const IommuMapping *far = NULL;

    qsort(maps, n, sizeof(*maps), map_cmp);
    for (size_t i = 0; i < n; i++) {
        const IommuMapping *m = &maps[i];

        if (far && (u128)far->iova + far->size > m->iova) {
            const IommuMapping *later = far->index > m->index ? far : m;
            const IommuMapping *other = later == m ? far : m;
            size_t mark = jpath_index(c->path, later->index);
            char a[24], b[24], x[24], y[24];

            problem(c, NULL, "iova %s-%s overlaps %s[%zu] (%s-%s)",
                    hex128(a, later->iova),
                    hex128(b, later->iova + later->size - 1), mappings_path,
                    other->index, hex128(x, other->iova),
                    hex128(y, other->iova + other->size - 1));
            jpath_restore(c->path, mark);
        }
        if (!far || (u128)m->iova + m->size > (u128)far->iova + far->size) {
            far = m;
        }
    }
}

IommuStatic *iommu_static_create(const json_t *obj, JPath *path, Diag *d,
                                 u128 size)
{
    Check c = { path, d, false };
    const json_t *v = json_object_get(obj, "page-size");
    const json_t *maps = json_object_get(obj, "mappings");
    IommuStatic *t = calloc(1, sizeof(*t));
    bool page_ok = true;

    if (!t) {
        d->oom = true;
        return NULL;
    }
    t->page_size = TARGET_PAGE_SIZE;
    if (v) {
        size_t mark = jpath_key(path, "page-size");

        if (!board_number(v, NUM_SIZE, &t->page_size, d, jpath_str(path))) {
            c.bad = true;
            page_ok = false;
        } else if (t->page_size == 0 ||
                   (t->page_size & (t->page_size - 1)) != 0) {
            char a[24];

            problem(&c, NULL, "%s is not a power of two (1, 2, 4, ... 16E)",
                    hex128(a, t->page_size));
            page_ok = false;
        }
        jpath_restore(path, mark);
    }

    if (!maps) {
        problem(&c, NULL, "missing key \"mappings\" (an iommu region needs "
                "its translation table; [] refuses every access)");
    } else if (!json_is_array(maps)) {
        describe_problem(&c, "mappings", maps, "an array of mappings");
    } else {
        size_t n = json_array_size(maps), mark = jpath_key(path, "mappings");
        char *mappings_path = strdup(jpath_str(path));
        size_t i;
        const json_t *m;

        t->maps = calloc(n ? n : 1, sizeof(*t->maps));
        if (!t->maps || !mappings_path) {
            d->oom = true;
        } else {
            json_array_foreach(maps, i, m) {
                size_t m2 = jpath_index(path, i);
                IommuMapping *slot = &t->maps[t->nmaps];

                slot->index = i;
                if (parse_mapping(&c, m, t->page_size, page_ok, size, slot)) {
                    t->nmaps++;
                }
                jpath_restore(path, m2);
            }
            check_overlaps(&c, t->maps, t->nmaps, mappings_path);
        }
        free(mappings_path);
        jpath_restore(path, mark);
    }

    if (c.bad || d->oom || path->oom) {
        if (path->oom) {
            d->oom = true;
        }
        iommu_static_free(t);
        return NULL;
    }
    return t;
}

void iommu_static_free(IommuStatic *t)
{
    if (t) {
        free(t->maps);
        free(t);
    }
}
