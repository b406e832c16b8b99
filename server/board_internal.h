/*
 * server/board_internal.h — shared between the board checker and the
 * builder, not for other users of board.h.
 */
#ifndef SERVER_BOARD_INTERNAL_H
#define SERVER_BOARD_INTERNAL_H

#include "board.h"

/* board_free_unbuilt: free a board memcore never saw (or no longer sees). */
void board_free_unbuilt(Board *b);

#endif /* SERVER_BOARD_INTERNAL_H */
