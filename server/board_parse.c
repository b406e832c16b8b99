/*
 * server/board_parse.c — checking a board description (memcored-board(5)).
 *
 * The checker walks the JSON document once, top to bottom, keeping the
 * JSON path of the value it looks at in a JPath, and turns it into a
 * Board: one BoardRegion per region object (in document order), the
 * address spaces and the CPUs.  It never stops at the first problem:
 * each one is recorded with its path and the walk goes on, so a user
 * fixes a board in one round.  References (alias targets, address-space
 * roots, iommu target-as) are resolved once the whole tree is known, and
 * alias cycles, then translation loops, are looked for last, on the
 * resolved graph (board_refs.c, board_iommu.c); "kernel-entry" is placed
 * in the rendered address spaces only on a board with no other problem.  An iommu region's table
 * is checked by its model (devices/iommu_static.c), as a device model
 * checks its parameters.
 *
 * Nothing here calls memcore: image files are read and device state is
 * created, but a board with any problem is simply freed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board.h"
#include "board_check.h"
#include "file_read.h"

static const char *const type_names[] = {
    [BR_CONTAINER] = "container",
    [BR_RAM] = "ram",
    [BR_ROM] = "rom",
    [BR_ROMD] = "romd",
    [BR_IO] = "io",
    [BR_ALIAS] = "alias",
    [BR_IOMMU] = "iommu",
    [BR_RESERVATION] = "reservation",
};

#define TYPE_LIST "container, ram, rom, romd, io, alias, iommu, reservation"

const char *board_type_name(BoardRegionType t)
{
    return t < BR_INVALID ? type_names[t] : "invalid";
}

/* Keys every region may have, and those of each type. */
static const char *const common_keys[] = {
    "name", "id", "type", "size", "subregions", "enabled", "owner",
    "may-overlap", "addr", "priority", NULL
};
static const char *const type_keys[BR_INVALID][8] = {
    [BR_CONTAINER] = { NULL },
    [BR_RAM] = { "readonly", "fill", "image", "file", "share", "max-size",
                 NULL },
    [BR_ROM] = { "fill", "image", NULL },
    [BR_ROMD] = { "device", "fill", "image", NULL },
    [BR_IO] = { "device", NULL },
    [BR_ALIAS] = { "target", "offset", "readonly", NULL },
    [BR_IOMMU] = { "target-as", "page-size", "mappings", NULL },
    [BR_RESERVATION] = { NULL },
};

/* ---- images -------------------------------------------------------------- */

static char *resolve_file(Parser *p, const char *file)
{
    char *full;

    if (file[0] == '/' || !p->basedir || !*p->basedir) {
        return chk_strdup(p, file);
    }
    if (asprintf(&full, "%s/%s", p->basedir, file) < 0) {
        chk_oom(p);
        return NULL;
    }
    return full;
}

/* "hex": bytes as pairs of hex digits; blanks between bytes are fine. */
static bool parse_hex_bytes(Parser *p, const char *s, BoardRegion *r)
{
    size_t cap = strlen(s) / 2 + 1, n = 0;
    uint8_t *buf = malloc(cap);

    if (!buf) {
        chk_oom(p);
        return false;
    }
    while (*s) {
        int hi, lo;

        if (*s == ' ' || *s == '\n' || *s == '\t') {
            s++;
            continue;
        }
        hi = num_hex_digit(s[0]);
        lo = hi >= 0 ? num_hex_digit(s[1]) : -1;
        if (hi < 0 || lo < 0) {
            free(buf);
            chk_error(p, "hex", "is not a list of hex byte pairs (e.g. "
                 "\"97 02 00 00\")");
            return false;
        }
        buf[n++] = (uint8_t)(hi << 4 | lo);
        s += 2;
    }
    r->image = buf;
    r->image_len = n;
    return true;
}

/* An image file is read whole before the board is built: a regular file
 * no larger than the region, nor than BOARD_IMAGE_MAX. */
static bool read_image_file(Parser *p, const char *file, BoardRegion *r)
{
    char *full = resolve_file(p, file);
    size_t max = r->size < BOARD_IMAGE_MAX ? (size_t)r->size
                                            : BOARD_IMAGE_MAX;
    uintmax_t size = 0;
    const char *what = NULL;
    int err = 0;
    bool ok = false;

    if (!full) {
        return false;
    }
    switch (read_regular_file(full, max, &r->image, &r->image_len, &err,
                               &what, &size)) {
    case READ_FILE_OK:
        ok = true;
        break;
    case READ_FILE_ERRNO:
        chk_error(p, "file", "cannot read \"%s\": %s", full, strerror(err));
        break;
    case READ_FILE_NOT_REGULAR:
        chk_error(p, "file", "cannot read \"%s\": it is %s, not a regular "
                  "file", full, what);
        break;
    case READ_FILE_TOO_BIG:
        if ((u128)size > r->size) {
            chk_error(p, "file", "\"%s\" has %ju bytes, more than the "
                      "region's size", full, size);
        } else {
            chk_error(p, "file", "\"%s\" has %ju bytes, more than the "
                      "limit of %zu (1 GiB) for an image file", full, size,
                      BOARD_IMAGE_MAX);
        }
        break;
    case READ_FILE_NO_MEMORY:
        chk_oom(p);
        break;
    }
    free(full);
    return ok;
}

static void parse_image(Parser *p, const json_t *img, BoardRegion *r,
                        bool size_ok)
{
    static const char *const keys[] = { "file", "hex", "offset", NULL };
    size_t mark = jpath_key(&p->path, "image");
    const char *file, *hex;
    u128 off = 0;
    bool present;

    if (!json_is_object(img)) {
        chk_bad_value(p, NULL, img, "an object ({\"file\": ..., \"offset\": ...})");
        goto out;
    }
    chk_keys(p, img, keys, NULL, "an image");
    file = chk_string(p, img, "file", false);
    hex = chk_string(p, img, "hex", false);
    if (json_object_get(img, "offset") &&
        !chk_number(p, img, "offset", NUM_U64, &off, &present)) {
        goto out;
    }
    if (!!json_object_get(img, "file") == !!json_object_get(img, "hex")) {
        chk_error(p, NULL, "needs exactly one of \"file\" and \"hex\"");
        goto out;
    }
    if (!size_ok || (!file && !hex)) {
        goto out;
    }
    r->image_offset = (uint64_t)off;
    if (file ? !read_image_file(p, file, r) : !parse_hex_bytes(p, hex, r)) {
        goto out;
    }
    if ((u128)r->image_offset + r->image_len > r->size) {
        chk_error(p, NULL, "%zu bytes at offset 0x%" PRIx64 " do not fit in "
             "the region", r->image_len, r->image_offset);
    }
out:
    jpath_restore(&p->path, mark);
}

/* ---- devices ------------------------------------------------------------- */

static void parse_device(Parser *p, const json_t *dev, BoardRegion *r,
                         bool size_ok)
{
    size_t mark = jpath_key(&p->path, "device");
    static const char *const model_key[] = { "model", NULL };
    const DeviceModel *model;
    const char *name;

    if (!json_is_object(dev)) {
        chk_bad_value(p, NULL, dev, "an object ({\"model\": ...})");
        goto out;
    }
    name = chk_string(p, dev, "model", true);
    if (!name) {
        goto out;
    }
    model = device_model_find(name);
    if (!model) {
        chk_error(p, "model", "\"%s\" is not a device model (%s)", name,
             device_model_names());
        goto out;
    }
    {
        char *kind;

        if (asprintf(&kind, "the %s device model", model->name) < 0) {
            chk_oom(p);
            goto out;
        }
        chk_keys(p, dev, model_key, model->params, kind);
        free(kind);
    }
    if (!size_ok) {
        goto out;
    }
    {
        /* Check the parameters even after an unknown key, so that every
         * problem is reported; the device is dropped with the board. */
        size_t keys_done = p->d->count;

        r->dev = model->create(model, dev, &p->path, p->d,
                               size_to_api(r->size));
        if (!r->dev && p->d->count == keys_done) {
            chk_oom(p);     /* create() reports every other failure itself */
        }
    }
out:
    jpath_restore(&p->path, mark);
}

/* ---- regions ------------------------------------------------------------- */

static BoardRegionType parse_type(Parser *p, const json_t *obj)
{
    const json_t *v = json_object_get(obj, "type");
    const char *s;

    if (!v) {
        chk_error(p, NULL, "missing key \"type\"");
        return BR_INVALID;
    }
    s = json_is_string(v) ? json_string_value(v) : NULL;
    for (int t = 0; s && t < BR_INVALID; t++) {
        if (strcmp(s, type_names[t]) == 0) {
            return (BoardRegionType)t;
        }
    }
    {
        char *text = json_describe(v);

        chk_error(p, "type", "%s is not a region type (" TYPE_LIST ")", text);
        if (strcmp(text, "value") != 0) {
            free(text);
        }
    }
    return BR_INVALID;
}

static BoardRegion *parse_region(Parser *p, const json_t *obj,
                                 BoardRegion *parent);

static void parse_subregions(Parser *p, const json_t *subs, BoardRegion *r)
{
    size_t mark = jpath_key(&p->path, "subregions");
    size_t i;
    const json_t *v;

    if (!json_is_array(subs)) {
        chk_bad_value(p, NULL, subs, "an array of regions");
        goto out;
    }
    if (r->type == BR_ALIAS) {
        chk_error(p, NULL, "an alias cannot have subregions (map them in its "
             "target)");
        goto out;
    }
    json_array_foreach(subs, i, v) {
        size_t m2 = jpath_index(&p->path, i);
        BoardRegion *sub = parse_region(p, v, r);

        if (sub) {
            chk_push(p, (void ***)&r->subs, &r->nsubs, sub);
        }
        jpath_restore(&p->path, m2);
    }
out:
    jpath_restore(&p->path, mark);
}

static void parse_placement(Parser *p, const json_t *obj, BoardRegion *r)
{
    const json_t *prio = json_object_get(obj, "priority");
    u128 v;
    bool present;

    if (!r->parent) {
        if (json_object_get(obj, "addr")) {
            chk_error(p, "addr", "only a subregion has an address (this region "
                 "is not inside another)");
        }
        if (prio) {
            chk_error(p, "priority", "only a subregion has a priority (this "
                 "region is not inside another)");
        }
        return;
    }
    if (!json_object_get(obj, "addr")) {
        chk_error(p, NULL, "missing key \"addr\" (a subregion needs its offset "
             "in the container)");
    } else if (chk_number(p, obj, "addr", NUM_U64, &v, &present)) {
        r->addr = (uint64_t)v;
    }
    if (prio) {
        json_int_t n = json_is_integer(prio) ? json_integer_value(prio) : 0;

        if (!json_is_integer(prio) || n < INT32_MIN || n > INT32_MAX) {
            chk_bad_value(p, "priority", prio, "a 32-bit integer");
        } else {
            r->priority = (int32_t)n;
        }
        r->overlap = true;
    }
    if (chk_bool(p, obj, "may-overlap", false)) {
        r->overlap = true;
    } else if (prio && json_is_false(json_object_get(obj, "may-overlap"))) {
        chk_error(p, "may-overlap", "false, but a \"priority\" key means the "
             "region may overlap");
    }
}

/* ---- sizes of RAM ---------------------------------------------------------- */

/*
 * memcore maps RAM, ROM and ROM-device memory in whole pages: the host's
 * page size, and at least TARGET_PAGE_SIZE.  A size whose round-up to a
 * page reaches 2^64 does not fit in the 64-bit lengths of the memory API
 * (it would wrap to a mapping of a page or none), and 2^64 itself cannot
 * be mapped; the loader refuses both here, with the value's JSON path,
 * before memcore sees them.  Sizes that round up below 2^64 but are more
 * than the host can reserve are refused by memcore's constructor when the
 * board is built (board_build.c reports its message).
 */
static u128 ram_page_size(void)
{
    long host = sysconf(_SC_PAGESIZE);
    u128 page = host > 0 ? (u128)host : TARGET_PAGE_SIZE;

    return page > TARGET_PAGE_SIZE ? page : TARGET_PAGE_SIZE;
}

/* Whether RAM of @size bytes (0 .. 2^64) rounds up to whole pages below
 * 2^64; 128-bit arithmetic, so nothing wraps. */
static bool ram_size_mappable(u128 size)
{
    u128 page = ram_page_size();

    return (size + page - 1) / page * page < U128_2_64;
}

/* Report @key of @obj (a size or max-size already read as a number) when
 * RAM of that many bytes cannot be mapped; false then. */
static bool check_ram_size(Parser *p, const json_t *obj, const char *key,
                           const BoardRegion *r, u128 size)
{
    char *text;

    if (ram_size_mappable(size)) {
        return true;
    }
    text = json_describe(json_object_get(obj, key));
    chk_error(p, key, "%s cannot be mapped: a %s region's %s, rounded up to "
              "whole pages, must be below 2^64", text,
              type_names[r->type], key);
    if (strcmp(text, "value") != 0) {
        free(text);
    }
    return false;
}

static void parse_ram_backing(Parser *p, const json_t *obj, BoardRegion *r,
                              bool size_ok)
{
    const char *file = chk_string(p, obj, "file", false);
    bool present;

    r->share = chk_bool(p, obj, "share", false);
    if (json_object_get(obj, "share") && !json_object_get(obj, "file")) {
        chk_error(p, "share", "only makes sense with \"file\"");
    }
    if (file) {
        r->file = resolve_file(p, file);
    }
    if (json_object_get(obj, "max-size")) {
        if (chk_number(p, obj, "max-size", NUM_SIZE, &r->max_size,
                       &present) &&
            check_ram_size(p, obj, "max-size", r, r->max_size)) {
            r->has_max_size = true;
            /* against a size that is itself refused, say nothing more */
            if (size_ok && r->max_size < r->size) {
                chk_error(p, "max-size", "is smaller than \"size\"");
            }
        }
        if (json_object_get(obj, "file")) {
            chk_error(p, "max-size", "cannot be combined with \"file\"");
        }
    }
}

static BoardRegion *parse_region(Parser *p, const json_t *obj,
                                 BoardRegion *parent)
{
    BoardRegion *r;
    const char *s;
    const json_t *v;
    bool size_ok = false, present;

    if (!json_is_object(obj)) {
        chk_bad_value(p, NULL, obj, "a region object");
        return NULL;
    }
    r = calloc(1, sizeof(*r));
    if (!r) {
        chk_oom(p);
        return NULL;
    }
    r->parent = parent;
    r->enabled = true;
    r->path = chk_strdup(p, jpath_str(&p->path));
    if (!chk_push(p, (void ***)&p->b->regions, &p->b->nregions, r)) {
        free(r->path);
        free(r);
        return NULL;
    }

    r->type = parse_type(p, obj);
    if (r->type < BR_INVALID) {
        char kind[40];

        snprintf(kind, sizeof(kind), "%s %s region",
                 strchr("aeiou", type_names[r->type][0]) ? "an" : "a",
                 type_names[r->type]);
        chk_keys(p, obj, common_keys, type_keys[r->type], kind);
    } else {
        /* type unknown: only keys no type knows are worth a message */
        const json_t *kv;
        const char *key;

        json_object_foreach((json_t *)obj, key, kv) {
            bool known = chk_in_list(common_keys, key);

            (void)kv;
            for (int t = 0; t < BR_INVALID && !known; t++) {
                known = chk_in_list(type_keys[t], key);
            }
            if (!known) {
                chk_error(p, NULL, "unknown key \"%s\" in a region", key);
            }
        }
    }

    s = chk_string(p, obj, "name", true);
    r->name = s ? chk_strdup(p, s) : NULL;
    s = json_object_get(obj, "id") ? chk_string(p, obj, "id", false) : NULL;
    r->id = s ? chk_strdup(p, s) : (r->name ? chk_strdup(p, r->name) : NULL);

    if (!json_object_get(obj, "size")) {
        chk_error(p, NULL, "missing key \"size\"");
    } else if (chk_number(p, obj, "size", NUM_SIZE, &r->size, &present)) {
        size_ok = true;
        if (r->size == 0 && (r->type == BR_RAM || r->type == BR_ROM ||
                             r->type == BR_ROMD)) {
            chk_error(p, "size", "a %s region cannot be empty",
                 type_names[r->type]);
            size_ok = false;
        } else if ((r->type == BR_RAM || r->type == BR_ROM ||
                    r->type == BR_ROMD) &&
                   !check_ram_size(p, obj, "size", r, r->size)) {
            size_ok = false;
        }
    }

    parse_placement(p, obj, r);
    r->enabled = chk_bool(p, obj, "enabled", true);
    s = json_object_get(obj, "owner") ? chk_string(p, obj, "owner", false)
                                      : NULL;
    if (s) {
        r->owner = chk_owner(p, s);
    }

    switch (r->type) {
    case BR_RAM:
        r->readonly = chk_bool(p, obj, "readonly", false);
        parse_ram_backing(p, obj, r, size_ok);
        /* fill and image as for ROM */
        __attribute__((fallthrough));
    case BR_ROM:
    case BR_ROMD:
        if (json_object_get(obj, "fill")) {
            u128 f;

            if (chk_number(p, obj, "fill", NUM_BYTE, &f, &present)) {
                r->has_fill = true;
                r->fill = (uint8_t)f;
            }
        }
        if ((v = json_object_get(obj, "image"))) {
            parse_image(p, v, r, size_ok);
        }
        if (r->type != BR_ROMD) {
            break;
        }
        /* a ROM device's writes go to its device model */
        __attribute__((fallthrough));
    case BR_IO:
        if (!(v = json_object_get(obj, "device"))) {
            chk_error(p, NULL, "missing key \"device\" (an %s region needs a "
                 "device model)", type_names[r->type]);
        } else {
            parse_device(p, v, r, size_ok);
        }
        break;
    case BR_ALIAS:
        s = chk_string(p, obj, "target", true);
        r->target_ref = s ? chk_strdup(p, s) : NULL;
        if (json_object_get(obj, "offset")) {
            u128 off;

            if (chk_number(p, obj, "offset", NUM_U64, &off, &present)) {
                r->alias_offset = (uint64_t)off;
            }
        }
        r->readonly = chk_bool(p, obj, "readonly", false);
        break;
    case BR_IOMMU:
        /* the name is resolved with the address spaces (board_iommu.c) */
        s = chk_string(p, obj, "target-as", true);
        r->target_as_ref = s ? chk_strdup(p, s) : NULL;
        if (size_ok) {
            size_t keys_done = p->d->count;

            r->iommu = iommu_static_create(obj, &p->path, p->d, r->size);
            if (!r->iommu && p->d->count == keys_done) {
                chk_oom(p);
            }
        }
        break;
    default:
        break;
    }

    if ((v = json_object_get(obj, "subregions"))) {
        parse_subregions(p, v, r);
    }
    return r;
}

/* ---- the document -------------------------------------------------------- */

static void parser_free(Parser *p)
{
    jpath_free(&p->path);
    name_index_free(&p->owners);
    name_index_free(&p->as_names);
    name_index_free(&p->ids);
}

Board *board_parse(const json_t *doc, const char *basedir, Diag *d)
{
    static const char *const keys[] = { "name", "address-spaces", "regions",
                                        "cpus", "kernel-entry", NULL };
    Parser p = { .d = d, .basedir = basedir };
    const json_t *v;
    const char *s;
    size_t before = d->count;

    jpath_init(&p.path);
    name_index_init(&p.owners);
    name_index_init(&p.as_names);
    name_index_init(&p.ids);
    p.b = calloc(1, sizeof(*p.b));
    if (!p.b) {
        d->oom = true;
        return NULL;
    }
    if (!json_is_object(doc)) {
        diag_error(d, "", "a board is a JSON object with \"regions\" and "
                   "\"address-spaces\"");
        goto fail;
    }
    chk_keys(&p, doc, keys, NULL, "a board");
    s = json_object_get(doc, "name") ? chk_string(&p, doc, "name", false)
                                      : NULL;
    p.b->name = s ? chk_strdup(&p, s) : NULL;

    v = json_object_get(doc, "regions");
    if (!v) {
        diag_error(d, "", "missing key \"regions\"");
    } else if (!json_is_array(v) || json_array_size(v) == 0) {
        chk_bad_value(&p, "regions", v, "a non-empty array of regions");
    } else {
        size_t i;
        const json_t *r;
        size_t mark = jpath_key(&p.path, "regions");

        json_array_foreach(v, i, r) {
            size_t m2 = jpath_index(&p.path, i);
            BoardRegion *reg = parse_region(&p, r, NULL);

            if (reg) {
                chk_push(&p, (void ***)&p.b->roots, &p.b->nroots, reg);
            }
            jpath_restore(&p.path, m2);
        }
        jpath_restore(&p.path, mark);
    }

    v = json_object_get(doc, "address-spaces");
    if (!v) {
        diag_error(d, "", "missing key \"address-spaces\"");
    } else {
        board_parse_address_spaces(&p, v);
    }
    if ((v = json_object_get(doc, "cpus"))) {
        board_parse_cpus(&p, v);
    }
    if (json_object_get(doc, "kernel-entry")) {
        u128 slot;
        bool present;

        if (chk_number(&p, doc, "kernel-entry", NUM_ADDR, &slot, &present)) {
            p.b->has_kernel_entry = true;
            p.b->kernel_entry = (uint64_t)slot;
        }
    }

    /* Without a list of regions every reference would fail: say it once. */
    if (p.b->nroots) {
        board_resolve_aliases(&p);
        board_resolve_roots(&p);
    }
    if (p.b->nroots) {
        board_resolve_iommus(&p);
    }
    if (!d->oom) {
        size_t known = d->count;

        board_check_render_graph(&p);
        /* The loop search walks aliases: only on a graph without cycles,
         * whose size the limits bound. */
        if (d->count == known && !d->oom) {
            board_check_iommu_loops(&p);
        }
        /* Where kernel-entry lands needs the whole, resolved tree: only a
         * board with no other problem is looked at. */
        if (d->count == before && !d->oom) {
            board_check_kernel_entry(&p);
        }
    }
    if (d->count != before || d->oom || p.path.oom) {
        if (p.path.oom) {
            d->oom = true;
        }
        goto fail;
    }
    parser_free(&p);
    return p.b;

fail:
    parser_free(&p);
    board_free_unbuilt(p.b);
    return NULL;
}
