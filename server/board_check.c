/*
 * server/board_check.c — the small tools of the board checker: reporting
 * a problem at a JSON path, reading typed members, growing arrays, and
 * owners (one Object per distinct owner string).  See board_check.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_check.h"

bool chk_in_list(const char *const *list, const char *key)
{
    for (; *list; list++) {
        if (strcmp(*list, key) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- small helpers ------------------------------------------------------ */

void chk_oom(Parser *p)
{
    p->d->oom = true;
}

char *chk_strdup(Parser *p, const char *s)
{
    char *c = strdup(s);

    if (!c) {
        chk_oom(p);
    }
    return c;
}

/* push: append @item to a growing array of pointers. */
bool chk_push(Parser *p, void ***arr, size_t *n, void *item)
{
    if ((*n & (*n - 1)) == 0) {   /* 0, 1, 2, 4, ...: full, double it */
        size_t cap = *n ? *n * 2 : 4;
        void **na = realloc(*arr, cap * sizeof(*na));

        if (!na) {
            chk_oom(p);
            return false;
        }
        *arr = na;
    }
    (*arr)[(*n)++] = item;
    return true;
}

/* Report a problem at PATH.KEY (or PATH when @key is NULL). */
void chk_error(Parser *p, const char *key, const char *fmt, ...)
{
    va_list ap;
    char *msg;
    size_t mark = p->path.len;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (n < 0) {
        chk_oom(p);
        return;
    }
    if (key) {
        jpath_key(&p->path, key);
    }
    diag_error(p->d, jpath_str(&p->path), "%s", msg);
    jpath_restore(&p->path, mark);
    free(msg);
}

void chk_bad_value(Parser *p, const char *key, const json_t *v,
                      const char *what)
{
    char *text = json_describe(v);

    chk_error(p, key, "%s is not %s", text, what);
    if (strcmp(text, "value") != 0) {
        free(text);
    }
}

/* Check every key of @obj against @allowed (and @also, may be NULL);
 * @kind names the object in messages. */
void chk_keys(Parser *p, const json_t *obj,
                       const char *const *allowed, const char *const *also,
                       const char *kind)
{
    const char *key;
    const json_t *v;

    json_object_foreach((json_t *)obj, key, v) {
        (void)v;
        if (chk_in_list(allowed, key) || (also && chk_in_list(also, key))) {
            continue;
        }
        chk_error(p, NULL, "unknown key \"%s\" for %s", key, kind);
    }
}

/* A string member; NULL (with a message) when absent and @required or of
 * the wrong type. */
const char *chk_string(Parser *p, const json_t *obj, const char *key,
                              bool required)
{
    const json_t *v = json_object_get(obj, key);

    if (!v) {
        if (required) {
            chk_error(p, NULL, "missing key \"%s\"", key);
        }
        return NULL;
    }
    if (!json_is_string(v)) {
        chk_bad_value(p, key, v, "a string");
        return NULL;
    }
    if (json_string_length(v) == 0) {
        chk_error(p, key, "must not be empty");
        return NULL;
    }
    return json_string_value(v);
}

bool chk_bool(Parser *p, const json_t *obj, const char *key, bool def)
{
    const json_t *v = json_object_get(obj, key);

    if (!v) {
        return def;
    }
    if (!json_is_boolean(v)) {
        chk_bad_value(p, key, v, "true or false");
        return def;
    }
    return json_is_true(v);
}

/* A number member of @kind; false when absent (*@present false) or bad. */
bool chk_number(Parser *p, const json_t *obj, const char *key,
                       enum num_kind kind, u128 *out, bool *present)
{
    const json_t *v = json_object_get(obj, key);
    size_t mark;
    bool ok;

    *present = v != NULL;
    if (!v) {
        return false;
    }
    mark = jpath_key(&p->path, key);
    ok = board_number(v, kind, out, p->d, jpath_str(&p->path));
    jpath_restore(&p->path, mark);
    return ok;
}

/* ---- owners -------------------------------------------------------------- */

BoardOwner *chk_owner(Parser *p, const char *path)
{
    Board *b = p->b;
    const NameEntry *e = name_index_get(&p->owners, path);
    BoardOwner *o;

    if (e) {
        return e->first;
    }
    o = calloc(1, sizeof(*o));
    if (!o) {
        chk_oom(p);
        return NULL;
    }
    o->path = chk_strdup(p, path);
    if (!o->path || !chk_push(p, (void ***)&b->owners, &b->nowners, o)) {
        free(o->path);
        free(o);
        return NULL;
    }
    /* the board owns it now; without the index entry the next region of
     * this owner makes another one, which only costs memory */
    if (!name_index_add(&p->owners, o->path, o)) {
        chk_oom(p);
    }
    return o;
}

BoardAS *chk_find_as(Parser *p, const char *name)
{
    const NameEntry *e = name_index_get(&p->as_names, name);

    return e ? e->first : NULL;
}
