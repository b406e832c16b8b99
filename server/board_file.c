/*
 * server/board_file.c — where board text comes from (a string, a file)
 * and the lookups front-ends use on a parsed board.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

Board *board_parse_string(const char *text, const char *what,
                          const char *basedir, Diag *d)
{
    json_error_t err;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    Board *b;

    if (!doc) {
        diag_error(d, "", "%s%s%d:%d: %s", what ? what : "", what ? ":" : "",
                   err.line, err.column, err.text);
        return NULL;
    }
    b = board_parse(doc, basedir, d);
    json_decref(doc);
    return b;
}

/* The whole of @f in a malloc'ed buffer; NULL with errno set. */
static char *slurp(FILE *f, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);

    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);

        n += got;
        if (got == 0) {
            if (ferror(f)) {
                free(buf);
                return NULL;
            }
            *len = n;
            return buf;
        }
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);

            if (!nb) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
        }
    }
    errno = ENOMEM;
    return NULL;
}

/* Messages name no file: the caller prefixes them with the file name. */
Board *board_parse_file(const char *file, Diag *d)
{
    json_error_t err;
    json_t *doc;
    FILE *f = fopen(file, "rb");
    char *text, *dir, *slash;
    size_t len = 0;
    Board *b;

    if (!f) {
        diag_error(d, "", "cannot read the board file: %s", strerror(errno));
        return NULL;
    }
    text = slurp(f, &len);
    if (!text) {
        diag_error(d, "", "cannot read the board file: %s", strerror(errno));
        fclose(f);
        return NULL;
    }
    fclose(f);
    doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    free(text);
    if (!doc) {
        diag_error(d, "", "%d:%d: %s", err.line, err.column, err.text);
        return NULL;
    }
    dir = strdup(file);
    if (!dir) {
        json_decref(doc);
        d->oom = true;
        return NULL;
    }
    slash = strrchr(dir, '/');
    if (slash) {
        *(slash == dir ? slash + 1 : slash) = '\0';
    } else {
        dir[0] = '\0';
    }
    b = board_parse(doc, dir, d);
    free(dir);
    json_decref(doc);
    return b;
}

/* ---- lookups ------------------------------------------------------------- */

BoardAS *board_find_as(Board *b, const char *name)
{
    for (size_t i = 0; i < b->nas; i++) {
        if (b->as[i]->name && strcmp(b->as[i]->name, name) == 0) {
            return b->as[i];
        }
    }
    return NULL;
}

int board_find_region(Board *b, const char *name, BoardRegion **out)
{
    int n = 0;

    for (int pass = 0; pass < 2 && n == 0; pass++) {
        for (size_t i = 0; i < b->nregions; i++) {
            const char *key = pass == 0 ? b->regions[i]->id
                                        : b->regions[i]->name;

            if (key && strcmp(key, name) == 0) {
                if (n++ == 0 && out) {
                    *out = b->regions[i];
                }
            }
        }
    }
    return n;
}

BoardAS *board_default_as(Board *b)
{
    if (b->ncpus && b->cpus[0].as) {
        return b->cpus[0].as;
    }
    return b->nas ? b->as[0] : NULL;
}

BoardAS *board_cpu_as(Board *b, size_t n)
{
    if (!b->ncpus) {
        return n == 0 ? board_default_as(b) : NULL;
    }
    for (size_t i = 0; i < b->ncpus; i++) {
        bool seen = !b->cpus[i].as;

        for (size_t j = 0; j < i && !seen; j++) {
            seen = b->cpus[j].as == b->cpus[i].as;
        }
        if (!seen && n-- == 0) {
            return b->cpus[i].as;
        }
    }
    return NULL;
}
