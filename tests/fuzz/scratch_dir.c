/*
 * tests/fuzz/scratch_dir.c — the board target's scratch directory (see
 * scratch_dir.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* nftw */
#endif
#include "scratch_dir.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[4096];

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    /* Depth 0 is the directory itself: clearing keeps it. */
    if (ftw->level > 0) {
        remove(path);
    }
    return 0;
}

void scratch_dir_clear(void)
{
    if (dir[0]) {
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
}

static void remove_at_exit(void)
{
    scratch_dir_clear();
    rmdir(dir);
}

const char *scratch_dir(void)
{
    if (!dir[0]) {
        const char *base = getenv("TMPDIR");
        int n = snprintf(dir, sizeof(dir), "%s/memcore-fuzz.XXXXXX",
                         base && *base ? base : "/tmp");

        if (n < 0 || (size_t)n >= sizeof(dir) || !mkdtemp(dir)) {
            perror("fuzz: cannot create a scratch directory");
            abort();
        }
        atexit(remove_at_exit);
    }
    return dir;
}
