/*
 * arith.c - $(( )) arithmetic: signed long integers with C's operators and
 * precedence (no ++/--), variables by name, and = and op= assignment. The
 * expression has already had its $ expansions done by expand.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct arith {
    const char *p;
    int err;
    int skip;               /* inside the untaken side of && || ?: : no assignments */
};

static long ternary(struct arith *a);

static void blanks(struct arith *a)
{
    while (isspace((unsigned char)*a->p))
        a->p++;
}

static void fail(struct arith *a, const char *msg)
{
    if (!a->err)
        sh_error("arithmetic expression: %s: \"%s\"", msg, a->p);
    a->err = 1;
}

static int accept(struct arith *a, const char *op)
{
    size_t n = strlen(op);

    blanks(a);
    if (strncmp(a->p, op, n) != 0)
        return 0;
    /* "<" must not take the first half of "<<" or "<=", and so on */
    if (n == 1 && strchr("<>&|=!", op[0]) && (a->p[1] == op[0] || a->p[1] == '=') &&
        !(op[0] == '!' && a->p[1] == '!'))
        return 0;
    if (n == 2 && op[0] == op[1] && strchr("<>", op[0]) && a->p[2] == '=')
        return 0;
    a->p += n;
    return 1;
}

static long var_value(const char *name)
{
    const char *v = var_get(name);

    return v ? strtol(v, NULL, 0) : 0;
}

static long apply(struct arith *a, const char *op, long l, long r)
{
    switch (op[0]) {
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': case '%':
        if (r == 0) {
            fail(a, "division by zero");
            return 0;
        }
        return op[0] == '/' ? l / r : l % r;
    case '<': return l << r;
    case '>': return l >> r;
    case '&': return l & r;
    case '^': return l ^ r;
    case '|': return l | r;
    }
    return r;
}

static long primary(struct arith *a)
{
    long v;

    blanks(a);
    if (accept(a, "(")) {
        v = ternary(a);
        if (!accept(a, ")"))
            fail(a, "missing )");
        return v;
    }
    if (accept(a, "-"))
        return -primary(a);
    if (accept(a, "+"))
        return primary(a);
    if (accept(a, "!"))
        return !primary(a);
    if (accept(a, "~"))
        return ~primary(a);
    if (isdigit((unsigned char)*a->p)) {
        char *end;

        v = strtol(a->p, &end, 0);
        a->p = end;
        return v;
    }
    if (isalpha((unsigned char)*a->p) || *a->p == '_') {
        static const char *const ops[] = {
            "<<=", ">>=", "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "=", NULL,
        };
        char name[64];
        size_t n = 0;
        int i;

        while ((isalnum((unsigned char)*a->p) || *a->p == '_') && n < sizeof(name) - 1)
            name[n++] = *a->p++;
        name[n] = '\0';
        blanks(a);
        for (i = 0; ops[i]; i++) {
            size_t len = strlen(ops[i]);

            if (strncmp(a->p, ops[i], len) == 0 && !(len == 1 && a->p[1] == '=')) {
                char buf[32];
                long r;

                a->p += len;
                r = ternary(a);
                v = len == 1 ? r : apply(a, ops[i], var_value(name), r);
                if (!a->skip && !a->err) {
                    snprintf(buf, sizeof(buf), "%ld", v);
                    var_set(name, buf, 0);
                }
                return v;
            }
        }
        return var_value(name);
    }
    fail(a, "syntax error");
    return 0;
}

/* Binary operators by precedence level, lowest first. */
static const char *const levels[][5] = {
    {"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<=", ">=", "<", ">"},
    {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"},
};
#define NLEVELS ((int)(sizeof(levels) / sizeof(levels[0])))

static long binary(struct arith *a, int level)
{
    long l, r;
    int i, matched;

    if (level == NLEVELS)
        return primary(a);
    l = binary(a, level + 1);
    do {
        matched = 0;
        for (i = 0; i < 5 && levels[level][i]; i++) {
            const char *op = levels[level][i];

            if (!accept(a, op))
                continue;
            matched = 1;
            if (level <= 1) {
                /* && and || do not evaluate (assign in) their right side needlessly */
                int skip = level == 0 ? l != 0 : l == 0;

                a->skip += skip;
                r = binary(a, level + 1);
                a->skip -= skip;
                l = level == 0 ? (l || r) : (l && r);
            } else {
                r = binary(a, level + 1);
                if (strcmp(op, "==") == 0) l = l == r;
                else if (strcmp(op, "!=") == 0) l = l != r;
                else if (strcmp(op, "<=") == 0) l = l <= r;
                else if (strcmp(op, ">=") == 0) l = l >= r;
                else if (strcmp(op, "<") == 0) l = l < r;
                else if (strcmp(op, ">") == 0) l = l > r;
                else if (strcmp(op, "<<") == 0) l = l << r;
                else if (strcmp(op, ">>") == 0) l = l >> r;
                else l = a->skip ? 0 : apply(a, op, l, r);
            }
            break;
        }
    } while (matched);
    return l;
}

static long ternary(struct arith *a)
{
    long c = binary(a, 0), x, y;

    if (!accept(a, "?"))
        return c;
    a->skip += !c;
    x = ternary(a);
    a->skip -= !c;
    if (!accept(a, ":"))
        fail(a, "expecting :");
    a->skip += !!c;
    y = ternary(a);
    a->skip -= !!c;
    return c ? x : y;
}

long arith_eval(const char *expr, int *err)
{
    struct arith a = {expr, 0, 0};
    long v;

    blanks(&a);
    if (!*a.p)
        return 0;
    v = ternary(&a);
    blanks(&a);
    if (*a.p)
        fail(&a, "syntax error");
    *err = a.err;
    return v;
}
