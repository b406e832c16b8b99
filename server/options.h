/*
 * server/options.h — memcored's command line.
 */
#ifndef SERVER_OPTIONS_H
#define SERVER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct Options {
    const char *board;        /* --board FILE|NAME (NULL: virt) */
    const char *print_board;  /* --print-board NAME */
    const char *monitor;      /* --monitor SPEC (NULL: stdio on a tty) */
    bool allow_remote_monitor; /* --allow-remote-monitor */
    const char *gdb;          /* --gdb SPEC / -s (NULL: no gdb stub) */
    bool allow_remote_gdb;    /* --allow-remote-gdb */
    const char *http;         /* --http HOST:PORT|none (NULL: the default,
                               * 127.0.0.1:8080, given up if busy) */
    const char *http_token;   /* --http-token TOKEN */
    uint64_t http_max_read;   /* --http-max-read SIZE (0: web's default) */
    uint64_t http_max_write;  /* --http-max-write SIZE (0: web's default) */
    unsigned http_max_conns;  /* --http-max-conns N (0: web's default) */
    const char *kernel;       /* --kernel FILE */
    bool read_only;           /* --read-only */
    const char *dump_dir;     /* --dump-dir DIR (NULL: none) */
    bool start_stopped;       /* -S */
    bool serial_stdio;        /* --serial stdio */
    const char **exec;        /* --exec CMD, in order */
    size_t nexec;
    bool help;
    bool version;
} Options;

/* options_parse: fill @o from the command line.  Returns 0, or 2 after
 * printing a message to @err (a usage error).  Free with options_free. */
int options_parse(int argc, char **argv, Options *o, FILE *err);
void options_free(Options *o);

/* options_usage: the --help text. */
void options_usage(FILE *f);

/* options_list: every option the parser accepts, one a line ("-s",
 * "--board"), short ones first; the tests compare it with --help and
 * memcored(1). */
void options_list(FILE *f);

#endif /* SERVER_OPTIONS_H */
