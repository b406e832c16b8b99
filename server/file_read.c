/*
 * server/file_read.c — reading a whole regular file of bounded size (see
 * file_read.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_read.h"

static const char *file_kind(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFDIR: return "a directory";
    case S_IFIFO: return "a FIFO";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFSOCK: return "a socket";
    default: return "a special file";
    }
}

ReadFileStatus read_regular_file(const char *file, size_t max,
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
        return READ_FILE_ERRNO;
    }
    if (!S_ISREG(st.st_mode)) {
        *what = file_kind(st.st_mode);
        close(fd);
        return READ_FILE_NOT_REGULAR;
    }
    if ((uintmax_t)st.st_size > max) {
        *size = (uintmax_t)st.st_size;
        close(fd);
        return READ_FILE_TOO_BIG;
    }
    /* one byte more than the size, to see a file that grew meanwhile */
    cap = (size_t)st.st_size + 1;
    b = malloc(cap);
    if (!b) {
        close(fd);
        return READ_FILE_NO_MEMORY;
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
                return READ_FILE_TOO_BIG;
            }
            nb = realloc(b, ncap);
            if (!nb) {
                free(b);
                close(fd);
                return READ_FILE_NO_MEMORY;
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
            return READ_FILE_ERRNO;
        }
        if (got == 0) {
            break;
        }
        n += (size_t)got;
    }
    close(fd);
    *buf = b;
    *len = n;
    return READ_FILE_OK;
}
