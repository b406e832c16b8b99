/*
 * server/board_file.c — where board text comes from (a string, a file:
 * regular and at most BOARD_FILE_MAX bytes, see file_read.h) and the
 * lookups front-ends use on a parsed board.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "file_read.h"

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

/* Messages name no file: the caller prefixes them with the file name. */
Board *board_parse_file(const char *file, Diag *d)
{
    json_error_t err;
    json_t *doc;
    char *dir, *slash;
    uint8_t *text;
    size_t len = 0;
    uintmax_t size = 0;
    const char *what = NULL;
    int e = 0;
    Board *b;

    switch (read_regular_file(file, BOARD_FILE_MAX, &text, &len, &e, &what,
                               &size)) {
    case READ_FILE_OK:
        break;
    case READ_FILE_ERRNO:
        diag_error(d, "", "cannot read the board file: %s", strerror(e));
        return NULL;
    case READ_FILE_NOT_REGULAR:
        diag_error(d, "", "cannot read the board file: it is %s, not a "
                   "regular file", what);
        return NULL;
    case READ_FILE_TOO_BIG:
        diag_error(d, "", "the board file has %ju bytes, more than the "
                   "limit of %zu (16 MiB)", size, BOARD_FILE_MAX);
        return NULL;
    case READ_FILE_NO_MEMORY:
        d->oom = true;
        return NULL;
    }
    doc = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &err);
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
