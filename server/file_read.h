/*
 * server/file_read.h — the files memcored reads whole (a board, the
 * images it names, --kernel): regular files of bounded size only.
 * Reading /dev/zero would never end and grow memory at hundreds of MB/s;
 * a FIFO with no writer would block open(2) — even past SIGTERM, which
 * memcored catches — so a FIFO is opened without waiting and refused.
 */
#ifndef SERVER_FILE_READ_H
#define SERVER_FILE_READ_H

#include <stddef.h>
#include <stdint.h>

typedef enum ReadFileStatus {
    READ_FILE_OK,
    READ_FILE_ERRNO,          /* open or read failed: *@err is errno */
    READ_FILE_NOT_REGULAR,    /* a FIFO, device, directory...: *@what */
    READ_FILE_TOO_BIG,        /* more than @max bytes: *@size of them */
    READ_FILE_NO_MEMORY,
} ReadFileStatus;

/*
 * read_regular_file: the whole of @file, which must be a regular file of
 * at most @max bytes, in a malloc'ed *@buf of *@len bytes.  On
 * READ_FILE_ERRNO *@err is the errno; on READ_FILE_NOT_REGULAR *@what
 * names the kind of file ("a directory", "a FIFO"); on READ_FILE_TOO_BIG
 * *@size is its size (more than @max, also when it grew while read).
 */
ReadFileStatus read_regular_file(const char *file, size_t max,
                                 uint8_t **buf, size_t *len, int *err,
                                 const char **what, uintmax_t *size);

#endif /* SERVER_FILE_READ_H */
