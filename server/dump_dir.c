/*
 * server/dump_dir.c — --dump-dir is checked when memcored starts, so that
 * a typo is a start error and not a surprise at the first dump a gdb
 * user asks for.  The monitor opens the directory again at every dump
 * (monitor/outfile.c): this check is for the user, not a guarantee.
 */
#include "dump_dir.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool dump_dir_check(const char *dir, char *msg, size_t msglen)
{
    struct stat st;

    if (dir[0] == '\0') {
        snprintf(msg, msglen, "an empty directory name");
        return false;
    }
    if (stat(dir, &st) != 0) {
        snprintf(msg, msglen, "%s", strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(msg, msglen, "not a directory");
        return false;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(msg, msglen, "cannot create files in it: %s",
                 strerror(errno));
        return false;
    }
    return true;
}
