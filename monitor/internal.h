/*
 * monitor/internal.h — what the files of monitor/ share: the session
 * state, the command table type, output helpers and the argument parsers.
 * Not installed, not included outside monitor/ (and tests).
 */
#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <memcore/memory.h>
#include <monitor/monitor.h>

/* What a command handler tells the dispatcher. */
typedef enum CmdResult {
    CMD_OK = 0,
    CMD_FAILED, /* the command printed its error */
    CMD_USAGE,  /* bad arguments: the dispatcher adds QEMU's "Try" line */
    CMD_QUIT,
} CmdResult;

typedef struct MonCmd MonCmd;

/* @args points just after the command name. */
typedef CmdResult (*MonCmdFn)(Monitor *mon, const MonCmd *cmd,
                              const char *args);

struct MonCmd {
    const char *name;   /* "quit|q": the first name is the main one */
    const char *params; /* syntax as `help` shows it */
    const char *help;   /* description, our own words */
    MonCmdFn run;
    const MonCmd *sub;  /* `info`: the table of topics */
    int arg;            /* per-command constant (ld/st width and order) */
};

/* Monitor.run_state: monitor_cancel() only turns RUNNING into CANCELLED,
 * so a cancel that comes too late can never stop the next command. */
enum { MON_IDLE, MON_RUNNING, MON_CANCELLED };

struct Monitor {
    const MonitorMachine *machine;
    atomic_int run_state;  /* MON_*: set by monitor_run_line, any thread
                            * may cancel */
    bool interrupted;      /* "Error: interrupted" printed for this line */
    const MonitorOut *out; /* valid during monitor_run_line */
    int last_format;       /* x/xp: QEMU starts with 'x' */
    int last_size;         /* x/xp: QEMU starts with 4 */
    bool failed;           /* an error was printed by this line */
};

/* Set up a session in storage the caller owns (monitor_new allocates). */
void mon_init(Monitor *mon, const MonitorMachine *machine);

/* Whether the running command must stop now (monitor_cancel, or
 * MonitorMachine.cancelled); the first time, "Error: interrupted" is
 * printed.  Long loops call it once per row, chunk or block. */
bool mon_interrupted(Monitor *mon);

/* mon_now_ms: a monotonic clock in milliseconds, for the monitor's
 * bounds (a file's stall, a slow command's prompt answer). */
static inline uint64_t mon_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- table.c ------------------------------------------------------------ */
extern const MonCmd monitor_commands[];
extern const MonCmd monitor_info_commands[];
/* The entry of @table called @name (any of its |-separated names), of
 * @len bytes. */
const MonCmd *monitor_find_cmd(const MonCmd *table, const char *name,
                               size_t len);
/* The main name of @cmd (up to the first '|') and its length. */
size_t monitor_cmd_main_name(const MonCmd *cmd, const char **name);

/* ---- session.c: output -------------------------------------------------- */
void mon_write(Monitor *mon, const char *buf, size_t len);
void mon_puts(Monitor *mon, const char *s);
void mon_printf(Monitor *mon, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mon_vprintf(Monitor *mon, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/*
 * Every %s and %c argument of mon_printf/mon_error/mon_vprintf is printed
 * with control characters (and DEL) as \xNN: names and user input must
 * not drive the user's terminal or forge output lines.  The format's own
 * text is printed as it is.
 */
/* mon_error: print a line and mark the command failed. */
void mon_error(Monitor *mon, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- escape.c ----------------------------------------------------------- */
/* vsnprintf, but %s and %c arguments with control characters escaped
 * (\xNN); malloc'ed text in *@out, its length returned, -1 when out of
 * memory.  Handles the conversions C99 printf has, without %n. */
int mon_vasprintf_escaped(char **out, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
int mon_asprintf_escaped(char **out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- parser.c ----------------------------------------------------------- */
const char *mon_skip_ws(const char *p);
/* Command word: everything up to a space, '/' or the end. */
size_t mon_cmd_word(const char *p);
/* A string argument: "quoted" with \n \r \\ \' \" escapes, or a bare word.
 * On success *@out is malloc'ed.  Errors print and return false. */
bool mon_parse_str(Monitor *mon, const MonCmd *cmd, const char **pp,
                   char **out);
/* Nothing but spaces left, else "NAME: extraneous characters ...". */
bool mon_parse_end(Monitor *mon, const MonCmd *cmd, const char *p);
/*
 * Flags of single letters from @allowed ("fdoD"), in any order, each a
 * separate "-X" or grouped "-fd".  Bit i of *@bits is allowed[i].  Stops
 * at the first word not starting with '-' followed by a letter.
 */
bool mon_parse_flags(Monitor *mon, const MonCmd *cmd, const char **pp,
                     const char *allowed, unsigned *bits);
/* `-a AS`: optional address-space option; *@as gets the default AS when
 * absent.  A name that does not exist prints an error (CMD_FAILED). */
CmdResult mon_parse_as(Monitor *mon, const MonCmd *cmd, const char **pp,
                       AddressSpace **as);
/* An expression (QEMU's 'l' argument). */
bool mon_parse_expr(Monitor *mon, const char **pp, int64_t *val);
/* QEMU's 'i' argument: an expression that fits in 32 bits. */
bool mon_parse_expr32(Monitor *mon, const MonCmd *cmd, const char **pp,
                      int64_t *val);
/* Whether the rest of the line is empty. */
bool mon_at_end(const char *p);

/* ---- expr.c ------------------------------------------------------------- */
/* Parse an expression at *@pp (leading spaces skipped); on success *@pp is
 * after it and its trailing spaces.  Errors print QEMU's message. */
bool monitor_expr(Monitor *mon, const char **pp, int64_t *val);

/* ---- machine access (session.c) ----------------------------------------- */
AddressSpace *mon_default_as(Monitor *mon);
AddressSpace *mon_find_as(Monitor *mon, const char *name);
/* "Error: memcored is read-only" and true when writes are refused. */
bool mon_refuse_write(Monitor *mon);
/* The region type word `info mtree` uses: ram, rom, romd, i/o. */
const char *mon_region_type(MemoryRegion *mr);
/* The region @name names, or NULL after printing why not. */
MemoryRegion *mon_lookup_region(Monitor *mon, const char *name);

/* ---- outfile.c ---------------------------------------------------------- */
/* Open @file for @cmd to write into (MonitorMachine.confine_files decides
 * where and how); the descriptor, or -1 after printing why. */
int mon_open_output(Monitor *mon, const MonCmd *cmd, const char *file);
/* After a failed or interrupted write to @fd (opened by mon_open_output
 * for @file): remove the file if @file still names that regular file.
 * Returns the end of the error line: "; the partial file was removed",
 * "; the partial file is left", or "" (not a regular file). */
const char *mon_discard_output(Monitor *mon, int fd, const char *file);

/* ---- format.c: x / xp --------------------------------------------------- */
typedef struct DumpFmt {
    uint64_t count;
    int format; /* o d u x c t a i */
    int size;   /* 1 2 4 8, or -1 for 'i' without a size */
} DumpFmt;
/* Parse QEMU's "/fmt" argument (or none: the session defaults). */
bool mon_parse_dumpfmt(Monitor *mon, const char **pp, DumpFmt *fmt);
/* The dump itself; @physical picks xp (else x: through the vCPU). */
CmdResult mon_memory_dump(Monitor *mon, const DumpFmt *fmt, uint64_t addr,
                          bool physical);
/* QEMU's size_to_str: "4 KiB", "0.977 KiB", "128 MiB". */
void mon_size_to_str(uint64_t val, char *buf, size_t len);

/* ---- command handlers ---------------------------------------------------- */
CmdResult cmd_help(Monitor *, const MonCmd *, const char *);
CmdResult cmd_info(Monitor *, const MonCmd *, const char *);
CmdResult cmd_info_mtree(Monitor *, const MonCmd *, const char *);
CmdResult cmd_info_ramblock(Monitor *, const MonCmd *, const char *);
CmdResult cmd_info_address_spaces(Monitor *, const MonCmd *, const char *);
CmdResult cmd_info_uart(Monitor *, const MonCmd *, const char *);
CmdResult cmd_x(Monitor *, const MonCmd *, const char *);
CmdResult cmd_xp(Monitor *, const MonCmd *, const char *);
CmdResult cmd_memsave(Monitor *, const MonCmd *, const char *);
CmdResult cmd_pmemsave(Monitor *, const MonCmd *, const char *);
CmdResult cmd_gpa2hva(Monitor *, const MonCmd *, const char *);
CmdResult cmd_find(Monitor *, const MonCmd *, const char *);
CmdResult cmd_load(Monitor *, const MonCmd *, const char *);
CmdResult cmd_store(Monitor *, const MonCmd *, const char *);
CmdResult cmd_region(Monitor *, const MonCmd *, const char *);
CmdResult cmd_info_dirty(Monitor *, const MonCmd *, const char *);
CmdResult cmd_dirty_log(Monitor *, const MonCmd *, const char *);
CmdResult cmd_quit(Monitor *, const MonCmd *, const char *);
/* cmd_cpu.c */
CmdResult cmd_stop(Monitor *, const MonCmd *, const char *);
CmdResult cmd_cont(Monitor *, const MonCmd *, const char *);
CmdResult cmd_system_reset(Monitor *, const MonCmd *, const char *);
CmdResult cmd_info_registers(Monitor *, const MonCmd *, const char *);
CmdResult cmd_info_status(Monitor *, const MonCmd *, const char *);
CmdResult cmd_info_cpus(Monitor *, const MonCmd *, const char *);

/* ld/st: MonCmd.arg = width in bytes | LDST_BE. */
#define LDST_BE 0x100

#endif /* MONITOR_INTERNAL_H */
