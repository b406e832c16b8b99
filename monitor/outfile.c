/*
 * monitor/outfile.c — the one place where a command opens a host file to
 * write (memsave, pmemsave, and any later dump command).
 *
 * A network front-end (gdb's `monitor`, HTTP) must not become a way to
 * write anywhere memcored's user may: its copy of the machine has
 * confine_files set, and then a file is only ever created new, by a plain
 * name, in --dump-dir.  The name rule keeps '/' and ".." out, O_EXCL
 * keeps existing files (and every symlink, dangling or not) from being
 * written through, and opening relative to a descriptor of the directory
 * means the check and the open look at the same place.
 *
 * Every open is non-blocking, so a FIFO that nothing reads fails at once
 * (ENXIO) instead of hanging the session thread in open(), and the
 * descriptor stays non-blocking: a FIFO whose reader stops reading, or a
 * full pipe or terminal, makes write() say EAGAIN, and the writer waits in
 * poll() in short slices, checking for cancellation, so the file can
 * never hold a session or the server's shutdown hostage (cmd_save.c).
 *
 * After a failed write (a full disk, an interrupted command) the partial
 * file is removed by mon_discard_output(), but only if the name still
 * names the very regular file that was written: never a device, FIFO or
 * a file that replaced it meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define DUMP_NAME_MAX 255 /* NAME_MAX on Linux file systems */

const char *monitor_dump_name_problem(const char *name)
{
    size_t len = strlen(name);

    if (len == 0) {
        return "an empty file name";
    }
    if (strchr(name, '/')) {
        return "a path, not a file name";
    }
    if (name[0] == '.') {
        return "a file name starting with '.'";
    }
    if (name[0] == '-') {
        return "a file name starting with '-'";
    }
    if (len > DUMP_NAME_MAX) {
        return "a file name longer than 255 bytes";
    }
    for (const char *p = name; *p; p++) {
        char c = *p;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
            return "a character that is not allowed";
        }
    }
    return NULL;
}

/* The confined open: a new regular file @file in m->dump_dir. */
static int open_confined(Monitor *mon, const MonCmd *cmd, const char *file)
{
    const MonitorMachine *m = mon->machine;
    const char *why, *name;
    size_t nlen = monitor_cmd_main_name(cmd, &name);
    int dirfd, fd, err;

    if (!m->dump_dir) {
        mon_error(mon, "Error: %.*s is refused for network clients: start "
                       "memcored with --dump-dir DIR to let them write "
                       "files into DIR",
                  (int)nlen, name);
        return -1;
    }
    why = monitor_dump_name_problem(file);
    if (why) {
        mon_error(mon, "Error: Could not open '%s': %s (network clients "
                       "name a new file in the dump directory with letters, "
                       "digits, '.', '_' and '-', not starting with '.' or "
                       "'-')",
                  file, why);
        return -1;
    }
    dirfd = open(m->dump_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        mon_error(mon, "Error: Could not open the dump directory '%s': %s",
                  m->dump_dir, strerror(errno));
        return -1;
    }
    fd = openat(dirfd, file,
                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK |
                    O_CLOEXEC,
                0666);
    err = errno;
    close(dirfd);
    if (fd < 0) {
        if (err == EEXIST) {
            mon_error(mon, "Error: Could not open '%s': File exists "
                           "(network clients never replace a file in the "
                           "dump directory)",
                      file);
        } else {
            mon_error(mon, "Error: Could not open '%s': %s", file,
                      strerror(err));
        }
        return -1;
    }
    return fd;
}

int mon_open_output(Monitor *mon, const MonCmd *cmd, const char *file)
{
    struct stat st;
    int fd;

    if (mon->machine->confine_files) {
        fd = open_confined(mon, cmd, file);
        if (fd < 0) {
            return -1;
        }
    } else {
        fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC,
                  0666);
        if (fd < 0) {
            int err = errno;

            mon_error(mon, "Error: Could not open '%s': %s%s", file,
                      strerror(err),
                      err == ENXIO ? " (a FIFO that no process reads)" : "");
            return -1;
        }
    }
    /* O_EXCL made a new file, so this only fails if the file system did
     * something odd; the prompt may name devices and FIFOs on purpose. */
    if (mon->machine->confine_files &&
        (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        mon_error(mon, "Error: Could not open '%s': not a regular file", file);
        close(fd);
        return -1;
    }
    return fd;
}

const char *mon_discard_output(Monitor *mon, int fd, const char *file)
{
    const MonitorMachine *m = mon->machine;
    struct stat open_st, named_st;
    int dirfd = AT_FDCWD, rc;

    if (fstat(fd, &open_st) != 0 || !S_ISREG(open_st.st_mode)) {
        return "";
    }
    if (m->confine_files) {
        dirfd = m->dump_dir ? open(m->dump_dir,
                                   O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                            : -1;
        if (dirfd < 0) {
            return "; the partial file is left";
        }
    }
    rc = fstatat(dirfd, file, &named_st, AT_SYMLINK_NOFOLLOW);
    if (rc == 0 && named_st.st_dev == open_st.st_dev &&
        named_st.st_ino == open_st.st_ino) {
        rc = unlinkat(dirfd, file, 0);
    } else {
        rc = -1;
    }
    if (dirfd != AT_FDCWD) {
        close(dirfd);
    }
    return rc == 0 ? "; the partial file was removed"
                   : "; the partial file is left";
}
