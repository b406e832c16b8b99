/*
 * server/board.h — a machine described by a board (memcored-board(5)).
 *
 * Loading is two steps so that a bad board never leaves a half-built
 * machine behind:
 *
 *   board_parse()  checks the whole JSON document and reports every
 *                  problem with its JSON path; it reads image files and
 *                  creates device state, but makes no memcore call;
 *   board_build()  creates the regions inside one memory transaction,
 *                  maps them, then the address spaces; if memcore refuses
 *                  something (RAM that cannot be reserved, a backing file
 *                  that cannot be used) it tears down what it made.
 *
 * board_destroy() tears a built board down again (address spaces first,
 * then regions, waiting for RCU readers) and frees it.
 */
#ifndef SERVER_BOARD_H
#define SERVER_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <memcore/memory.h>

#include "devices/device.h"
#include "devices/iommu_static.h"
#include "diag.h"
#include "numparse.h"

/*
 * Limits of memcored-board(5), so that any board the loader accepts can
 * be rendered, and loading one takes bounded time and memory.  Every
 * limit is checked on every region, whether an address space shows it
 * or not, and reported at the JSON path of the region that crosses it.
 */
/* Aliases on one render path (an alias whose target holds an alias...):
 * memcore's renderer refuses to go deeper (memcore/render.c). */
#define BOARD_MAX_ALIAS_NESTING 64
/* Regions on one render path, containers and aliases alike: each is a
 * frame of memcore's recursive renderer. */
#define BOARD_MAX_LEVELS 256
/* Pieces one region renders to: every ram, rom, romd, io, iommu or
 * reservation region it reaches, once per path that reaches it (two
 * aliases of a region show it twice).  A render costs time and memory
 * in proportion: a commit that renders 16384 pieces takes about 10 ms. */
#define BOARD_MAX_PIECES 16384
/* Bytes of a board file, and of each image file a board names. */
#define BOARD_FILE_MAX ((size_t)16 << 20)
#define BOARD_IMAGE_MAX ((size_t)1 << 30)

typedef enum BoardRegionType {
    BR_CONTAINER,
    BR_RAM,
    BR_ROM,
    BR_ROMD,
    BR_IO,
    BR_ALIAS,
    BR_IOMMU,
    BR_RESERVATION,
    BR_INVALID,
} BoardRegionType;

typedef struct BoardOwner {
    char *path;      /* the board's owner string, shown by info mtree -o */
    Object obj;
    bool live;
} BoardOwner;

typedef struct BoardRegion BoardRegion;
struct BoardRegion {
    char *path;               /* JSON path, e.g. "regions[0].subregions[3]" */
    char *name;
    char *id;                 /* "id", else the name */
    BoardRegionType type;
    u128 size;                /* 0 .. 2^64 */
    BoardRegion *parent;      /* container; NULL for a region in "regions" */
    uint64_t addr;            /* offset in the container */
    int32_t priority;
    bool overlap;             /* added with add_subregion_overlap */
    bool enabled;
    bool readonly;
    BoardOwner *owner;

    bool has_fill;
    uint8_t fill;
    uint8_t *image;           /* bytes to load at image_offset */
    size_t image_len;
    uint64_t image_offset;

    char *file;               /* ram: init_ram_from_file */
    bool share;
    bool has_max_size;
    u128 max_size;            /* ram: init_resizeable_ram */

    Device *dev;              /* io, romd */

    char *target_ref;         /* alias: id of the target */
    BoardRegion *target;
    uint64_t alias_offset;

    char *target_as_ref;      /* iommu: name of the target address space */
    struct BoardAS *target_as;
    IommuStatic *iommu;       /* iommu: the translation table */
    size_t loop_nodes;        /* iommu: its first node in the loop search */

    BoardRegion **subs;       /* in the order listed */
    size_t nsubs;

    /* check state (board_graph.c), over the render paths from here */
    int mark;                 /* 0 unseen, 1 on the search's path, 2 done */
    size_t aliases;           /* most aliases on one path */
    size_t levels;            /* most regions on one path */
    uint64_t pieces;          /* terminating regions reached, counted once
                                 per path; stops at BOARD_MAX_PIECES + 1 */

    /* build state */
    MemoryRegion mr;
    bool inited;
    bool mapped;
};

typedef struct BoardAS {
    char *path;
    char *name;
    char *root_ref;
    BoardRegion *root;
    AddressSpace as;
    bool inited;
} BoardAS;

typedef struct BoardCpu {
    char *model;
    BoardAS *as;
    uint64_t reset_pc;
} BoardCpu;

typedef struct Board {
    char *name;
    BoardRegion **regions;    /* every region in document order (pre-order) */
    size_t nregions;
    BoardRegion **roots;      /* the "regions" array */
    size_t nroots;
    BoardAS **as;
    size_t nas;
    BoardCpu *cpus;
    size_t ncpus;
    bool has_kernel_entry;    /* "kernel-entry": --kernel stores its entry */
    uint64_t kernel_entry;    /* address of that 8-byte little-endian slot */
    BoardOwner **owners;
    size_t nowners;
    BoardRegion **init_order; /* regions in the order memcore saw them */
    size_t ninit;
    bool built;
} Board;

/* board_parse: check @doc (a board description) and return the board, or
 * NULL after recording every problem in @d.  Relative image and backing
 * file names are taken from @basedir (NULL: the current directory). */
Board *board_parse(const json_t *doc, const char *basedir, Diag *d);

/* board_parse_string: board_parse of JSON text; syntax errors are
 * recorded as "LINE:COLUMN: message" (prefixed with @what when given). */
Board *board_parse_string(const char *text, const char *what,
                          const char *basedir, Diag *d);

/* board_parse_file: read and parse @file; relative names inside it are
 * taken from the file's directory. */
Board *board_parse_file(const char *file, Diag *d);

/* board_build: create the machine in memcore; @host is given to every
 * device.  false (problems in @d, nothing left in memcore) on failure. */
bool board_build(Board *b, const DeviceHost *host, Diag *d);

/* board_destroy: tear down what board_build made and free @b.  Call it
 * when nothing accesses the machine any more; NULL is fine. */
void board_destroy(Board *b);

/* Lookups, for front-ends and tests. */
BoardAS *board_find_as(Board *b, const char *name);
/* board_find_region: regions whose id, else name, is @name; returns how
 * many there are and the first in *@out. */
int board_find_region(Board *b, const char *name, BoardRegion **out);
/* board_default_as: the first CPU's address space, else the first one. */
BoardAS *board_default_as(Board *b);
/* board_cpu_as: the @n-th distinct address space of the board's CPUs, in
 * the order of "cpus" (without cpus: board_default_as() for @n 0); NULL
 * past the last.  Where "kernel-entry" must be memory and is written. */
BoardAS *board_cpu_as(Board *b, size_t n);

/* board_type_name: "ram", "alias", ... */
const char *board_type_name(BoardRegionType t);

/* Built-in boards (board_builtin.c). */
const char *board_builtin_json(const char *name);
const char *const *board_builtin_names(void);

#endif /* SERVER_BOARD_H */
