/*
 * blockcmp.c — compare two `info mtree` outputs block by block.
 *
 * QEMU prints address-space groups and FlatViews in hash-table order and
 * numbers FlatViews in that order; memcored uses creation order.  So the
 * comparison treats each output as a multiset of blank-line separated
 * blocks, with "FlatView #N" numbers blanked.  The `AS "..."` lines that
 * open a FlatView block are compared as a set too: they follow the
 * address spaces' creation order, and a board file (the riscv64-virt
 * board.json of tests/data lists them alphabetically) does not record
 * QEMU's creation order.  Everything else must match byte for byte.
 *
 * Usage: blockcmp EXPECTED ACTUAL; exit 0 when they match, else 1 with
 * the blocks that differ on stderr.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Blocks {
    char **b;
    size_t n;
} Blocks;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    size_t r;
    while (s && (r = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += r;
        if (cap - len < 2) {
            cap *= 2;
            s = realloc(s, cap);
        }
    }
    fclose(f);
    if (!s) {
        fprintf(stderr, "blockcmp: out of memory\n");
        exit(2);
    }
    s[len] = '\0';
    return s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Normalise one block in place-ish: returns a new string. */
static char *normalise(char *block)
{
    char *lines[4096];
    size_t n = 0;
    for (char *save = NULL, *l = strtok_r(block, "\n", &save);
         l && n < 4096; l = strtok_r(NULL, "\n", &save)) {
        lines[n++] = l;
    }
    size_t as_first = n, as_n = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(lines[i], " AS \"", 5) == 0) {
            if (as_first == n) {
                as_first = i;
            }
            as_n++;
        }
    }
    if (as_n > 1) {
        qsort(&lines[as_first], as_n, sizeof(char *), cmp_str);
    }
    size_t total = 1;
    for (size_t i = 0; i < n; i++) {
        total += strlen(lines[i]) + 1;
    }
    char *out = malloc(total);
    if (!out) {
        exit(2);
    }
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char *l = lines[i];
        if (strncmp(l, "FlatView #", 10) == 0) {
            strcat(out, "FlatView #N");
        } else {
            strcat(out, l);
        }
        strcat(out, "\n");
    }
    return out;
}

static Blocks split(char *s)
{
    Blocks bl = { NULL, 0 };
    size_t cap = 0;
    char *p = s;
    while (*p) {
        while (*p == '\n') {
            p++;
        }
        if (!*p) {
            break;
        }
        char *end = strstr(p, "\n\n");
        size_t len = end ? (size_t)(end - p) + 1 : strlen(p);
        char *block = strndup(p, len);
        if (bl.n == cap) {
            cap = cap ? cap * 2 : 16;
            bl.b = realloc(bl.b, cap * sizeof(char *));
        }
        if (!block || !bl.b) {
            exit(2);
        }
        bl.b[bl.n++] = normalise(block);
        free(block);
        p += len;
    }
    qsort(bl.b, bl.n, sizeof(char *), cmp_str);
    return bl;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: blockcmp EXPECTED ACTUAL\n");
        return 2;
    }
    char *es = slurp(argv[1]), *as = slurp(argv[2]);
    Blocks e = split(es), a = split(as);
    size_t i = 0, j = 0;
    int bad = 0;
    while (i < e.n || j < a.n) {
        int c = i == e.n ? 1 : j == a.n ? -1 : strcmp(e.b[i], a.b[j]);
        if (c == 0) {
            i++, j++;
        } else if (c < 0) {
            fprintf(stderr, "--- block only in %s:\n%s", argv[1], e.b[i++]);
            bad = 1;
        } else {
            fprintf(stderr, "+++ block only in %s:\n%s", argv[2], a.b[j++]);
            bad = 1;
        }
    }
    for (size_t k = 0; k < e.n; k++) {
        free(e.b[k]);
    }
    for (size_t k = 0; k < a.n; k++) {
        free(a.b[k]);
    }
    free(e.b);
    free(a.b);
    free(es);
    free(as);
    return bad;
}
