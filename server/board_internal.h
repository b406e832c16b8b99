/*
 * server/board_internal.h — shared between the board checker and the
 * builder, not for other users of board.h.
 */
#ifndef SERVER_BOARD_INTERNAL_H
#define SERVER_BOARD_INTERNAL_H

#include "board.h"

/* board_free_unbuilt: free a board memcore never saw (or no longer sees). */
void board_free_unbuilt(Board *b);

/* What board_read_regular() found. */
typedef enum BoardReadStatus {
    BOARD_READ_OK,
    BOARD_READ_ERRNO,         /* open or read failed: *@err is errno */
    BOARD_READ_NOT_REGULAR,   /* a FIFO, device, directory...: *@what */
    BOARD_READ_TOO_BIG,       /* more than @max bytes: *@size of them */
    BOARD_READ_NO_MEMORY,
} BoardReadStatus;

/*
 * board_read_regular: the whole of @file, which must be a regular file
 * of at most @max bytes, in a malloc'ed *@buf of *@len bytes.  Anything
 * else is refused before it is read: reading /dev/zero or a FIFO would
 * never end (a FIFO is opened without waiting for a writer).  On
 * BOARD_READ_ERRNO *@err is the errno; on BOARD_READ_NOT_REGULAR *@what
 * names the kind of file ("a directory"); on BOARD_READ_TOO_BIG *@size is
 * its size (at least @max + 1 if it grew while being read).
 */
BoardReadStatus board_read_regular(const char *file, size_t max,
                                   uint8_t **buf, size_t *len, int *err,
                                   const char **what, uintmax_t *size);

#endif /* SERVER_BOARD_INTERNAL_H */
