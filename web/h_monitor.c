/*
 * web/h_monitor.c — the two paths that go through the monitor's command
 * table: GET /api/v1/mtree (the very text `info mtree` prints) and POST
 * /api/v1/monitor (any command, like QMP's human-monitor-command).
 *
 * Each request gets its own monitor session whose output is captured in
 * memory, at most WEB_MAX_MONITOR_OUTPUT bytes (more is a 413: the
 * command still ran).  Under --read-only the monitor refuses its writing
 * commands with "Error: memcored is read-only"; that refusal is answered
 * 403, as every other write over HTTP.
 */
#include <stdlib.h>
#include <string.h>

#include <monitor/monitor.h>

#include "internal.h"

typedef struct Capture {
    char *p;
    size_t len, cap;
    bool oom, too_big;
} Capture;

static void capture_write(void *opaque, const char *buf, size_t len)
{
    Capture *c = opaque;

    if (c->oom || c->too_big) {
        return;
    }
    if (len > WEB_MAX_MONITOR_OUTPUT - c->len) {
        c->too_big = true;
        return;
    }
    if (c->len + len + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 4096;
        while (cap < c->len + len + 1) {
            cap *= 2;
        }
        char *p = realloc(c->p, cap);
        if (!p) {
            c->oom = true;
            return;
        }
        c->p = p;
        c->cap = cap;
    }
    memcpy(c->p + c->len, buf, len);
    c->len += len;
    c->p[c->len] = '\0';
}

/* Run @line in a fresh session; the result bits, or -1 when no session
 * could be made. */
static int run(const MonitorMachine *m, const char *line, Capture *cap)
{
    MonitorOut out = { capture_write, cap };
    Monitor *mon = monitor_new(m);
    int rc;

    memset(cap, 0, sizeof(*cap));
    if (!mon) {
        return -1;
    }
    rc = monitor_run_line(mon, line, &out);
    monitor_free(mon);
    return rc;
}

/* The output as a string (maybe empty), or an answer in @r. */
static bool captured(Capture *cap, int rc, WebResponse *r)
{
    if (rc < 0 || cap->oom || (!cap->p && !(cap->p = strdup("")))) {
        free(cap->p);
        web_error_oom(r);
        return false;
    }
    if (cap->too_big) {
        free(cap->p);
        web_error(r, WEB_TOO_LARGE, WEB_E_TOO_LARGE,
                  "the command printed more than %zu bytes",
                  WEB_MAX_MONITOR_OUTPUT);
        return false;
    }
    return true;
}

/* A flag of GET /api/v1/mtree: absent or "0" off, "1" on. */
static bool flag(WebCtx *c, WebResponse *r, const char *name, bool *on)
{
    const char *v = web_param(c, name);

    *on = v && strcmp(v, "1") == 0;
    if (v && strcmp(v, "0") != 0 && strcmp(v, "1") != 0) {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "parameter '%s' must be 0 or 1", name);
        return false;
    }
    return true;
}

void web_h_mtree(WebCtx *c, WebResponse *r)
{
    static const struct {
        const char *param;
        const char *option;
    } flags[] = { { "flat", " -f" }, { "dispatch", " -d" },
                  { "owner", " -o" }, { "disabled", " -D" } };
    char line[64] = "info mtree";
    Capture cap;
    int rc;

    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        bool on;
        if (!flag(c, r, flags[i].param, &on)) {
            return;
        }
        if (on) {
            strcat(line, flags[i].option);
        }
    }
    if (!web_params_check(c, r)) {
        return;
    }
    rc = run(c->api->machine, line, &cap);
    if (!captured(&cap, rc, r)) {
        return;
    }
    if (rc & MONITOR_FAILED) {
        web_error(r, WEB_INTERNAL, WEB_E_INTERNAL, "%s failed: %.500s", line,
                  cap.p);
        free(cap.p);
        return;
    }
    web_reply_body(r, WEB_OK, "text/plain; charset=utf-8", cap.p, cap.len);
}

void web_h_monitor(WebCtx *c, json_t *body, WebResponse *r)
{
    static const char refused[] = "Error: memcored is read-only";
    json_t *cmd = json_object_get(body, "command");
    const char *line;
    const char *key;
    json_t *v;
    Capture cap;
    int rc;

    json_object_foreach(body, key, v) {
        if (strcmp(key, "command") != 0) {
            web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                      "unknown member '%.100s' (the body is "
                      "{\"command\": \"...\"})", key);
            return;
        }
    }
    if (!web_params_check(c, r)) {
        return;
    }
    if (!json_is_string(cmd)) {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "member 'command' must be a string");
        return;
    }
    line = json_string_value(cmd);
    if (strlen(line) != json_string_length(cmd) || strpbrk(line, "\r\n")) {
        web_error(r, WEB_BAD_REQUEST, WEB_E_INVALID,
                  "'command' is one line: no newline or NUL in it");
        return;
    }
    rc = run(c->api->machine, line, &cap);
    if (!captured(&cap, rc, r)) {
        return;
    }
    if ((rc & MONITOR_FAILED) && c->api->machine->read_only &&
        strstr(cap.p, refused)) {
        web_error(r, WEB_FORBIDDEN, WEB_E_READ_ONLY,
                  "memcored is read-only (--read-only): '%.200s' is refused",
                  line);
        free(cap.p);
        return;
    }
    json_t *o = json_pack("{s:o, s:b}", "output", web_strn(cap.p, cap.len),
                          "failed", (rc & MONITOR_FAILED) != 0);
    free(cap.p);
    web_reply_json(r, WEB_OK, o);
}
