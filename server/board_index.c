/*
 * server/board_index.c — the name index as a balanced search tree
 * (glibc's tsearch, a red-black tree; see board_index.h).
 *
 * A tree, not a hash table: a hash table with a fixed hash degrades to a
 * list when a board's names are made to collide (a board is a file
 * anyone may hand over), and then loading is quadratic again.  A tree's
 * O(log n) per operation holds whatever the names are.
 */
#include <search.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "board_index.h"

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const NameEntry *)a)->key, ((const NameEntry *)b)->key);
}

void name_index_init(NameIndex *ix)
{
    ix->root = NULL;
    ix->used = 0;
    ix->blocks = NULL;
    ix->nblocks = 0;
}

static void no_free(void *node)
{
    (void)node;
}

void name_index_free(NameIndex *ix)
{
    tdestroy(ix->root, no_free);
    for (size_t i = 0; i < ix->nblocks; i++) {
        free(ix->blocks[i]);
    }
    free(ix->blocks);
    name_index_init(ix);
}

/* A new entry from the index's blocks (entries are allocated
 * NAME_INDEX_BLOCK at a time: one malloc per name doubled the loader's
 * allocations); NULL when memory ran out. */
static NameEntry *new_entry(NameIndex *ix)
{
    size_t at = ix->used % NAME_INDEX_BLOCK;

    if (at == 0 && ix->used / NAME_INDEX_BLOCK == ix->nblocks) {
        NameEntry **blocks = realloc(ix->blocks,
                                     (ix->nblocks + 1) * sizeof(*blocks));
        if (!blocks) {
            return NULL;
        }
        ix->blocks = blocks;
        blocks[ix->nblocks] = malloc(NAME_INDEX_BLOCK * sizeof(NameEntry));
        if (!blocks[ix->nblocks]) {
            return NULL;
        }
        ix->nblocks++;
    }
    return &ix->blocks[ix->used / NAME_INDEX_BLOCK][at];
}

bool name_index_add(NameIndex *ix, const char *key, void *value)
{
    NameEntry probe = { .key = key };
    NameEntry **node = tfind(&probe, &ix->root, compare_entries);
    NameEntry *e;

    if (node) {
        e = *node;
        if (e->count == 1) {
            e->second = value;
        }
        e->count++;
        return true;
    }
    e = new_entry(ix);
    if (!e) {
        return false;
    }
    *e = (NameEntry) { .key = key, .first = value, .count = 1 };
    if (!tsearch(e, &ix->root, compare_entries)) {
        return false; /* the entry stays unused: used is not counted up */
    }
    ix->used++;
    return true;
}

const NameEntry *name_index_get(const NameIndex *ix, const char *key)
{
    NameEntry probe = { .key = key };
    NameEntry *const *node = tfind(&probe, &ix->root, compare_entries);

    return node ? *node : NULL;
}
