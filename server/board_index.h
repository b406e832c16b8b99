/*
 * server/board_index.h — names of a board to the things they name, for
 * the checker: region ids, address-space names, owner strings.
 *
 * A board may have hundreds of thousands of regions; looking each
 * reference up by walking the whole list made loading quadratic (a
 * 100,000-alias chain took 55 s).  A balanced tree makes every add and
 * lookup O(log n) whatever the names are, so references resolve in
 * O(n log n).
 *
 * An entry remembers how many values were added under its name and the
 * first two of them, which is what an "ambiguous id" message needs.
 * Keys are not copied: they must outlive the index.
 */
#ifndef SERVER_BOARD_INDEX_H
#define SERVER_BOARD_INDEX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct NameEntry {
    const char *key;
    void *first;
    void *second;
    size_t count;
} NameEntry;

#define NAME_INDEX_BLOCK 1024

typedef struct NameIndex {
    void *root;               /* tsearch(3) tree of NameEntry */
    size_t used;              /* distinct names */
    NameEntry **blocks;       /* the entries, NAME_INDEX_BLOCK per block */
    size_t nblocks;
} NameIndex;

/* name_index_init: an empty index; no allocation until the first add. */
void name_index_init(NameIndex *ix);
void name_index_free(NameIndex *ix);

/* name_index_add: one more value under @key; false when memory ran out
 * (the index is unchanged then). */
bool name_index_add(NameIndex *ix, const char *key, void *value);

/* name_index_get: the entry of @key, NULL when nothing was added under it. */
const NameEntry *name_index_get(const NameIndex *ix, const char *key);

#endif /* SERVER_BOARD_INDEX_H */
