/*
 * monitor/expr.c — address and value expressions, with QEMU's grammar and
 * error messages:
 *
 *   sum   := prod  { ('+' | '-') prod }
 *   prod  := logic { ('*' | '/' | '%') logic }
 *   logic := unary { ('&' | '|' | '^') unary }
 *   unary := '+' unary | '-' unary | '~' unary | '(' sum ')'
 *          | '\'' CHAR '\'' | '$' REGISTER | NUMBER
 *
 * Numbers are C literals (0x hex, leading 0 octal, else decimal) as in
 * QEMU; arithmetic is 64-bit and wraps.  Registers come from the vCPU hook.
 * Nesting is bounded so that no input can exhaust the stack.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define EXPR_MAX_DEPTH 200

typedef struct Expr {
    Monitor *mon;
    const char *p;
    bool failed;
    int depth;
} Expr;

static void expr_fail(Expr *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void expr_fail(Expr *e, const char *fmt, ...)
{
    va_list ap;

    if (e->failed) {
        return; /* only the first error, as QEMU's longjmp gives */
    }
    e->failed = true;
    va_start(ap, fmt);
    mon_vprintf(e->mon, fmt, ap);
    va_end(ap);
    mon_write(e->mon, "\n", 1);
    e->mon->failed = true;
}

/* Step over the current character and the spaces after it. */
static void next(Expr *e)
{
    if (*e->p) {
        e->p++;
    }
    e->p = mon_skip_ws(e->p);
}

static uint64_t sum(Expr *e);

static uint64_t unary(Expr *e)
{
    uint64_t n = 0;

    if (e->failed) {
        return 0;
    }
    if (++e->depth > EXPR_MAX_DEPTH) {
        expr_fail(e, "expression too deeply nested");
        return 0;
    }
    switch (*e->p) {
    case '+':
        next(e);
        n = unary(e);
        break;
    case '-':
        next(e);
        n = -unary(e);
        break;
    case '~':
        next(e);
        n = ~unary(e);
        break;
    case '(':
        next(e);
        n = sum(e);
        if (!e->failed && *e->p != ')') {
            expr_fail(e, "')' expected");
        }
        next(e);
        break;
    case '\'':
        e->p++;
        if (*e->p == '\0') {
            expr_fail(e, "character constant expected");
            break;
        }
        n = (unsigned char)*e->p++;
        if (*e->p != '\'') {
            expr_fail(e, "missing terminating ' character");
            break;
        }
        next(e);
        break;
    case '$': {
        char reg[128];
        size_t len = 0;
        const MonitorMachine *m = e->mon->machine;

        e->p++;
        while (isalnum((unsigned char)*e->p) || *e->p == '_' || *e->p == '.') {
            if (len < sizeof(reg) - 1) {
                reg[len++] = *e->p;
            }
            e->p++;
        }
        reg[len] = '\0';
        e->p = mon_skip_ws(e->p);
        if (!m->cpu_register || !m->cpu_register(m->opaque, reg, &n)) {
            expr_fail(e, "unknown register");
        }
        break;
    }
    case '\0':
        expr_fail(e, "unexpected end of expression");
        break;
    default: {
        char *end;
        errno = 0;
        /* Only digits start a number here: strtoull would also take
         * spaces and signs, which the grammar above handles itself. */
        if (!isdigit((unsigned char)*e->p)) {
            expr_fail(e, "invalid char '%c' in expression", *e->p);
            break;
        }
        n = strtoull(e->p, &end, 0);
        if (errno == ERANGE) {
            expr_fail(e, "number too large");
            break;
        }
        e->p = mon_skip_ws(end);
        break;
    }
    }
    e->depth--;
    return n;
}

static uint64_t logic(Expr *e)
{
    uint64_t n = unary(e);

    while (!e->failed && (*e->p == '&' || *e->p == '|' || *e->p == '^')) {
        char op = *e->p;
        uint64_t m;
        next(e);
        m = unary(e);
        n = op == '&' ? (n & m) : op == '|' ? (n | m) : (n ^ m);
    }
    return n;
}

static uint64_t prod(Expr *e)
{
    uint64_t n = logic(e);

    while (!e->failed && (*e->p == '*' || *e->p == '/' || *e->p == '%')) {
        char op = *e->p;
        int64_t a, b;
        uint64_t m;
        next(e);
        m = logic(e);
        if (e->failed) {
            break;
        }
        if (op == '*') {
            n *= m;
            continue;
        }
        if (m == 0) {
            expr_fail(e, "division by zero");
            break;
        }
        /* Signed, as QEMU's int64_t arithmetic; INT64_MIN / -1 wraps. */
        a = (int64_t)n;
        b = (int64_t)m;
        if (b == -1) {
            n = op == '/' ? -n : 0;
        } else {
            n = (uint64_t)(op == '/' ? a / b : a % b);
        }
    }
    return n;
}

static uint64_t sum(Expr *e)
{
    uint64_t n = prod(e);

    while (!e->failed && (*e->p == '+' || *e->p == '-')) {
        char op = *e->p;
        uint64_t m;
        next(e);
        m = prod(e);
        n = op == '+' ? n + m : n - m;
    }
    return n;
}

bool monitor_expr(Monitor *mon, const char **pp, int64_t *val)
{
    Expr e = { mon, mon_skip_ws(*pp), false, 0 };
    uint64_t n = sum(&e);

    *pp = e.p;
    if (e.failed) {
        return false;
    }
    *val = (int64_t)n;
    return true;
}
