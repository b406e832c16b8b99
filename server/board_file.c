/*
 * server/board_file.c — where board text comes from (a string, a file:
 * regular and at most BOARD_FILE_MAX bytes, read the same way as the
 * image files a board names) and the lookups front-ends use on a parsed
 * board.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board.h"
#include "board_internal.h"

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

static const char *file_kind(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFDIR: return "a directory";
    case S_IFIFO: return "a FIFO";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFSOCK: return "a socket";
    default: return "not a regular file";
    }
}

BoardReadStatus board_read_regular(const char *file, size_t max,
                                   uint8_t **buf, size_t *len, int *err,
                                   const char **what, uintmax_t *size)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it changes
     * nothing for the regular file that is read afterwards */
    int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    size_t n = 0, cap;
    uint8_t *b;

    *buf = NULL;
    *len = 0;
    if (fd < 0 || fstat(fd, &st) != 0) {
        *err = errno;
        if (fd >= 0) {
            close(fd);
        }
        return BOARD_READ_ERRNO;
    }
    if (!S_ISREG(st.st_mode)) {
        *what = file_kind(st.st_mode);
        close(fd);
        return BOARD_READ_NOT_REGULAR;
    }
    if ((uintmax_t)st.st_size > max) {
        *size = (uintmax_t)st.st_size;
        close(fd);
        return BOARD_READ_TOO_BIG;
    }
    /* one byte more than the size, to see a file that grew meanwhile */
    cap = (size_t)st.st_size + 1;
    b = malloc(cap);
    if (!b) {
        close(fd);
        return BOARD_READ_NO_MEMORY;
    }
    for (;;) {
        ssize_t got;

        if (n == cap) {
            size_t ncap = cap > max / 2 ? max + 1 : cap * 2;
            uint8_t *nb;

            if (n > max) {
                *size = n;
                free(b);
                close(fd);
                return BOARD_READ_TOO_BIG;
            }
            nb = realloc(b, ncap);
            if (!nb) {
                free(b);
                close(fd);
                return BOARD_READ_NO_MEMORY;
            }
            b = nb;
            cap = ncap;
        }
        got = read(fd, b + n, cap - n);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            *err = errno;
            free(b);
            close(fd);
            return BOARD_READ_ERRNO;
        }
        if (got == 0) {
            break;
        }
        n += (size_t)got;
    }
    close(fd);
    *buf = b;
    *len = n;
    return BOARD_READ_OK;
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

    switch (board_read_regular(file, BOARD_FILE_MAX, &text, &len, &e, &what,
                               &size)) {
    case BOARD_READ_OK:
        break;
    case BOARD_READ_ERRNO:
        diag_error(d, "", "cannot read the board file: %s", strerror(e));
        return NULL;
    case BOARD_READ_NOT_REGULAR:
        diag_error(d, "", "cannot read the board file: it is %s, not a "
                   "regular file", what);
        return NULL;
    case BOARD_READ_TOO_BIG:
        diag_error(d, "", "the board file has %ju bytes, more than the "
                   "limit of %zu (16 MiB)", size, BOARD_FILE_MAX);
        return NULL;
    case BOARD_READ_NO_MEMORY:
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
