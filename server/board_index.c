/*
 * server/board_index.c — an open-addressing hash table of names with
 * linear probing (see board_index.h).  The table is kept at most half
 * full, so probe runs stay short.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "board_index.h"

/* FNV-1a: names are short and the table only needs a fair spread. */
static size_t hash_name(const char *s)
{
    uint64_t h = 14695981039346656037u;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return (size_t)(h ^ (h >> 32));
}

void name_index_init(NameIndex *ix)
{
    ix->slots = NULL;
    ix->cap = 0;
    ix->used = 0;
}

void name_index_free(NameIndex *ix)
{
    free(ix->slots);
    name_index_init(ix);
}

static NameEntry *find_slot(NameEntry *slots, size_t cap, const char *key)
{
    size_t i = hash_name(key) & (cap - 1);

    while (slots[i].key && strcmp(slots[i].key, key) != 0) {
        i = (i + 1) & (cap - 1);
    }
    return &slots[i];
}

static bool grow(NameIndex *ix)
{
    size_t cap = ix->cap ? ix->cap * 2 : 64;
    NameEntry *slots;

    if (cap < ix->cap || cap > SIZE_MAX / sizeof(*slots)) {
        return false;
    }
    slots = calloc(cap, sizeof(*slots));
    if (!slots) {
        return false;
    }
    for (size_t i = 0; i < ix->cap; i++) {
        if (ix->slots[i].key) {
            *find_slot(slots, cap, ix->slots[i].key) = ix->slots[i];
        }
    }
    free(ix->slots);
    ix->slots = slots;
    ix->cap = cap;
    return true;
}

bool name_index_add(NameIndex *ix, const char *key, void *value)
{
    NameEntry *e;

    if ((ix->used + 1) * 2 > ix->cap && !grow(ix)) {
        return false;
    }
    e = find_slot(ix->slots, ix->cap, key);
    if (!e->key) {
        e->key = key;
        e->first = value;
        ix->used++;
    } else if (e->count == 1) {
        e->second = value;
    }
    e->count++;
    return true;
}

const NameEntry *name_index_get(const NameIndex *ix, const char *key)
{
    const NameEntry *e;

    if (!ix->cap) {
        return NULL;
    }
    e = find_slot(ix->slots, ix->cap, key);
    return e->key ? e : NULL;
}
