/*
 * server/diag.h — problem reports for the board loader.
 *
 * The loader checks a whole board before building anything and reports
 * every problem it finds, one line each, prefixed with the JSON path of
 * the value at fault ("regions[0].subregions[3].size: ...").  A Diag
 * collects those lines; a JPath is the path of the value being checked,
 * grown and shrunk as the checker walks the document.
 */
#ifndef SERVER_DIAG_H
#define SERVER_DIAG_H

#include <stdbool.h>
#include <stddef.h>

/* JPath: a JSON path under construction, e.g. "regions[2].subregions[0]". */
typedef struct JPath {
    char *buf;
    size_t len;
    size_t cap;
    bool oom;
} JPath;

void jpath_init(JPath *p);
void jpath_free(JPath *p);
/* jpath_key: append ".KEY" (just "KEY" at the top); returns the old length
 * to hand back to jpath_restore(). */
size_t jpath_key(JPath *p, const char *key);
/* jpath_index: append "[I]"; returns the old length. */
size_t jpath_index(JPath *p, size_t i);
/* jpath_restore: cut the path back to @len. */
void jpath_restore(JPath *p, size_t len);
/* jpath_str: the path so far ("" at the top); never NULL. */
const char *jpath_str(const JPath *p);

/* Diag: the list of problems found so far. */
typedef struct Diag {
    char **msgs;
    size_t count;
    size_t cap;
    bool oom;
} Diag;

void diag_init(Diag *d);
void diag_free(Diag *d);
/* diag_error: record "PATH: MESSAGE" (just MESSAGE when @path is empty). */
void diag_error(Diag *d, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* diag_failed: whether anything was recorded (or memory ran out). */
bool diag_failed(const Diag *d);
/* diag_print: write every message, one per line, to @f with @prefix. */
void diag_print(const Diag *d, void *f /* FILE * */, const char *prefix);

#endif /* SERVER_DIAG_H */
