/*
 * monitor/readline_front.c — the interactive prompt on a terminal, with
 * GNU readline in callback mode so that the loop can also watch the
 * server's stop descriptor.
 *
 * - History lives in ~/.memcored_history: read at start, written (at most
 *   1000 lines) when the prompt ends.  Only what a person types is kept:
 *   nothing when standard input is not a terminal (a script piped into
 *   --monitor stdio), no line longer than 1024 bytes (a paste gone wrong),
 *   and under --read-only the file is neither written nor created.
 * - TAB completes through monitor_complete(): one candidate is inserted
 *   with a space after it, several are narrowed to their common prefix or
 *   listed.  Our own binding, because readline's word splitting knows
 *   nothing of our quoted region names.
 * - Ctrl-C drops the line: while the prompt waits, the terminal's
 *   interrupt character is switched off so that Ctrl-C arrives as a key
 *   instead of SIGINT.  While a command runs the terminal is back in the
 *   user's mode, Ctrl-C raises SIGINT, and the server's handler asks
 *   monitor_terminal_interrupt() first: a running command is cancelled
 *   (it prints "Error: interrupted") and the prompt comes back; memcored
 *   goes on.  (QEMU's `-monitor stdio` quits on Ctrl-C instead.)
 *   readline's own signal handlers stay off: the server owns SIGINT.
 *
 * readline is process-global state: one terminal prompt at a time.
 */
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "internal.h"

#define HISTORY_FILE ".memcored_history"
#define HISTORY_MAX 1000
#define HISTORY_LINE_MAX 1024

/* Static storage, never freed: a signal handler may cancel it at any
 * time (monitor_terminal_interrupt). */
static Monitor term_session;
static Monitor *term_mon;
static bool term_done;
static bool term_history;    /* lines typed are remembered */
static int term_result;

static void stdout_write(void *opaque, const char *buf, size_t len)
{
    (void)opaque;
    fwrite(buf, 1, len, stdout);
}

static const MonitorOut term_out = { stdout_write, NULL };

/* ~/.memcored_history, malloc'ed; NULL without a home directory. */
static char *history_path(void)
{
    const char *home = getenv("HOME");
    char *path;

    if (!home || !*home) {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : NULL;
    }
    if (!home || asprintf(&path, "%s/%s", home, HISTORY_FILE) < 0) {
        return NULL;
    }
    return path;
}

static void prep_terminal(int meta_flag)
{
    struct termios t;
    int fd = fileno(rl_instream ? rl_instream : stdin);

    rl_prep_terminal(meta_flag);
    /* readline saved the user's settings above and restores them in
     * rl_deprep_terminal, so this change lasts only while we wait. */
    if (tcgetattr(fd, &t) == 0) {
        t.c_cc[VINTR] = _POSIX_VDISABLE;
        tcsetattr(fd, TCSANOW, &t);
    }
}

static int on_ctrl_c(int count, int key)
{
    (void)count;
    (void)key;
    rl_point = rl_end;
    rl_redisplay();
    fputs("^C", rl_outstream);
    rl_crlf();
    rl_free_line_state();
    using_history(); /* history browsing starts again from the newest */
    rl_replace_line("", 1);
    rl_point = rl_end = 0;
    rl_on_new_line();
    return 0;
}

static void replace_word(size_t start, const char *text, bool space)
{
    rl_delete_text((int)start, rl_point);
    rl_point = (int)start;
    rl_insert_text(text);
    if (space) {
        rl_insert_text(" ");
    }
}

static int on_tab(int count, int key)
{
    size_t start, n, lcp, max = 0;
    char **c;

    (void)count;
    (void)key;
    c = monitor_complete(term_mon, rl_line_buffer, (size_t)rl_point, &start);
    if (!c) {
        rl_ding();
        return 0;
    }
    for (n = 0; c[n]; n++) {
        size_t l = strlen(c[n]);
        max = l > max ? l : max;
    }
    if (n == 1) {
        replace_word(start, c[0], true);
        monitor_free_completions(c);
        return 0;
    }
    lcp = strlen(c[0]);
    for (size_t i = 1; i < n; i++) {
        size_t j = 0;
        while (j < lcp && c[i][j] == c[0][j]) {
            j++;
        }
        lcp = j;
    }
    if (lcp > (size_t)rl_point - start) {
        char *prefix = strndup(c[0], lcp);
        if (prefix) {
            replace_word(start, prefix, false);
            free(prefix);
        }
    } else {
        /* rl_display_match_list wants the common prefix first. */
        char **list = malloc((n + 2) * sizeof(*list));
        if (list) {
            list[0] = strndup(c[0], lcp);
            memcpy(list + 1, c, n * sizeof(*list));
            list[n + 1] = NULL;
            if (list[0]) {
                rl_display_match_list(list, (int)n, (int)max);
                rl_forced_update_display();
            }
            free(list[0]);
            free(list);
        }
    }
    monitor_free_completions(c);
    return 0;
}

static void on_line(char *line)
{
    int r;

    if (!line) {
        /* Ctrl-D on an empty line: leave the prompt on its own line. */
        fputc('\n', stdout);
        fflush(stdout);
        term_done = true;
        rl_callback_handler_remove();
        return;
    }
    if (*line && term_history && strlen(line) <= HISTORY_LINE_MAX) {
        HIST_ENTRY *last = history_length > 0
                               ? history_get(history_base + history_length - 1)
                               : NULL;
        if (!last || strcmp(last->line, line) != 0) {
            add_history(line);
        }
    }
    r = monitor_run_line(term_mon, line, &term_out);
    fflush(stdout);
    free(line);
    if (r & MONITOR_QUIT) {
        term_result = MONITOR_QUIT;
        term_done = true;
        rl_callback_handler_remove();
    }
}

/* Entries a file written before the length cap (or by hand) holds. */
static void drop_long_entries(void)
{
    for (int i = history_length - 1; i >= 0; i--) {
        HIST_ENTRY *e = history_get(history_base + i);
        if (e && strlen(e->line) > HISTORY_LINE_MAX) {
            free_history_entry(remove_history(i));
        }
    }
}

bool monitor_terminal_interrupt(void)
{
    return monitor_cancel(&term_session);
}

int monitor_terminal_run(const MonitorMachine *machine, int stop_fd)
{
    bool interactive = isatty(STDIN_FILENO) == 1;
    char *hist = interactive ? history_path() : NULL;

    mon_init(&term_session, machine);
    term_mon = &term_session;
    term_done = false;
    term_result = 0;
    term_history = interactive;

    rl_readline_name = "memcored";
    rl_instream = stdin;
    rl_outstream = stdout;
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_initialize(); /* before our bindings, so inputrc cannot undo them */
    rl_prep_term_function = prep_terminal;
    rl_bind_key('\t', on_tab);
    rl_bind_key(3, on_ctrl_c);

    using_history();
    stifle_history(HISTORY_MAX);
    if (hist) {
        read_history(hist);
        drop_long_entries();
    }

    fprintf(rl_outstream, "%s\n",
            machine->banner ? machine->banner : MONITOR_BANNER);
    fflush(rl_outstream);
    rl_callback_handler_install(MONITOR_PROMPT, on_line);
    while (!term_done) {
        struct pollfd p[2] = { { fileno(rl_instream), POLLIN, 0 },
                               { stop_fd, POLLIN, 0 } };
        int n = poll(p, stop_fd >= 0 ? 2 : 1, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (stop_fd >= 0 && p[1].revents) {
            break;
        }
        if (p[0].revents & POLLNVAL) {
            break; /* stdin was closed under us */
        }
        if (p[0].revents) {
            rl_callback_read_char();
        }
    }
    if (!term_done) {
        /* Stopped by the server: restore the terminal, end the line. */
        rl_callback_handler_remove();
        fputc('\n', stdout);
        fflush(stdout);
    }

    if (hist && !machine->read_only) {
        write_history(hist);
        history_truncate_file(hist, HISTORY_MAX);
    }
    free(hist);
    clear_history(); /* the next prompt reads the file again */
    term_mon = NULL;
    return term_result;
}
