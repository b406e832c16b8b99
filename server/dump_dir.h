/*
 * server/dump_dir.h — checking --dump-dir at start.
 */
#ifndef SERVER_DUMP_DIR_H
#define SERVER_DUMP_DIR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * dump_dir_check: true when @dir exists, is a directory (or a symlink to
 * one) and memcored may create files in it; else false with the reason
 * in @msg ("not a directory", "No such file or directory", ...).
 */
bool dump_dir_check(const char *dir, char *msg, size_t msglen);

#endif /* SERVER_DUMP_DIR_H */
