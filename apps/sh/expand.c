/*
 * expand.c - word expansion as POSIX orders it: tilde, parameters, command
 * substitution and arithmetic, then field splitting, pathname expansion
 * (glob.c) and quote removal.
 *
 * While a word is expanded every character carries a mark saying where it
 * came from: quoted (literal for ever), unquoted text of the word (a glob
 * character there is live), or the unquoted result of an expansion (live for
 * globbing and also split on IFS). Splitting and globbing then need no
 * re-parsing of quotes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fnmatch.h>

#include "sh.h"
#include "expand.h"

enum { M_LIT = 0, M_QUOTED = 1, M_EXP = 2 };

struct exp {
    struct sbuf s;          /* characters of the field being built */
    struct sbuf m;          /* one mark per character */
    int exists;             /* an empty field still counts ("" or "$@" with params) */
    struct field *fields;   /* finished fields, before splitting */
    int nfields, cap;
    int split;              /* 0: no field splitting (assignments, redirections) */
};

void strv_push(struct strv *sv, char *s)
{
    if (sv->n + 1 >= sv->cap) {
        sv->cap = sv->cap ? sv->cap * 2 : 16;
        sv->v = xrealloc(sv->v, sizeof(char *) * (size_t)sv->cap);
    }
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
}

void strv_free(struct strv *sv)
{
    int i;

    for (i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = sv->cap = 0;
}

static void put(struct exp *e, int c, int mark)
{
    sb_putc(&e->s, c);
    sb_putc(&e->m, mark);
}

static void put_str(struct exp *e, const char *s, int mark)
{
    for (; *s; s++)
        put(e, (unsigned char)*s, mark);
}

/* Ends the field being built (only "$@" does this inside one word). */
static void field_break(struct exp *e)
{
    struct field *f;

    if (e->nfields == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 8;
        e->fields = xrealloc(e->fields, sizeof(*e->fields) * (size_t)e->cap);
    }
    f = &e->fields[e->nfields++];
    f->len = e->s.n;
    f->exists = e->exists;
    f->s = sb_take(&e->s);
    f->m = sb_take(&e->m);
    e->exists = 0;
}

/*
 * Skips to the character that closes a construct in raw text: close is one
 * of ' " ` } ). Returns a pointer to it, or to the terminating NUL.
 */
const char *skip_to(const char *p, int close)
{
    int depth = 0;

    for (; *p; p++) {
        if (close == '\'') {
            if (*p == '\'')
                return p;
            continue;
        }
        if (*p == '\\') {
            if (p[1])
                p++;
            continue;
        }
        if (*p == close && depth == 0)
            return p;
        if (close == ')' && *p == '(')
            depth++;
        else if (close == ')' && *p == ')')
            depth--;
        else if (*p == '$' && (p[1] == '{' || p[1] == '(') && close != '`')
            p = skip_to(p + 2, p[1] == '{' ? '}' : ')');
        else if (*p == '`' && close != '`')
            p = skip_to(p + 1, '`');
        else if (*p == '"' && close != '"')
            p = skip_to(p + 1, '"');
        else if (*p == '\'' && close != '"' && close != '`')
            p = skip_to(p + 1, '\'');
        if (!*p)
            return p;
    }
    return p;
}

size_t skip_cmdsubst(const char *s)
{
    return (size_t)(skip_to(s, ')') - s);
}

/* ---- parameters ------------------------------------------------------------------- */

static char *num(long n)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%ld", n);
    return xstrdup(buf);
}

/* The value of a parameter other than @ and *, malloced; NULL when unset. */
static char *param(const char *name, size_t len)
{
    char buf[64];
    const char *v;

    if (len == 1) {
        switch (name[0]) {
        case '?': return num(sh.status);
        case '$': return num(getpid());
        case '#': return num(sh.params.argc);
        case '!': return sh.last_bg ? num(sh.last_bg) : NULL;
        case '-': return xstrdup(sh.interactive ? "i" : "");
        case '0': return xstrdup(sh.params.arg0);
        }
    }
    if (isdigit((unsigned char)name[0])) {
        long i = strtol(name, NULL, 10);

        return i >= 1 && i <= sh.params.argc ? xstrdup(sh.params.argv[i - 1]) : NULL;
    }
    if (len >= sizeof(buf))
        return NULL;
    memcpy(buf, name, len);
    buf[len] = '\0';
    v = var_get(buf);
    return v ? xstrdup(v) : NULL;
}

static const char *ifs(void)
{
    const char *s = var_get("IFS");

    return s ? s : " \t\n";
}

/* $@ and $*: fields of their own when quoted "$@"; otherwise joined or split later. */
static void put_all_params(struct exp *e, int star, int dq)
{
    int i;

    for (i = 0; i < sh.params.argc; i++) {
        if (i > 0) {
            if (!e->split || (dq && star)) {
                int sep = star ? (unsigned char)*ifs() : ' ';

                if (sep)
                    put(e, sep, M_QUOTED);
            } else {
                field_break(e);
            }
        }
        put_str(e, sh.params.argv[i], dq ? M_QUOTED : M_EXP);
        if (dq)
            e->exists = 1;
    }
}

static void expand_raw(struct exp *e, const char *p, const char *end, int dq);

/* The word of ${name-word} and friends, expanded to a plain string. */
static char *expand_sub(const char *p, const char *end, int dq)
{
    struct exp sub = {0};
    char *s;

    expand_raw(&sub, p, end, dq);
    s = sb_take(&sub.s);
    free(sb_take(&sub.m));
    return s;
}

static char *remove_affix(char *v, const char *op, char *pat)
{
    size_t len = strlen(v), i;
    int longest = op[1] == op[0];
    char save;

    if (op[0] == '%') {
        for (i = longest ? 0 : len + 1; longest ? i <= len : i-- > 0; longest ? i++ : 0) {
            if (fnmatch(pat, v + i, 0) == 0) {
                v[i] = '\0';
                break;
            }
        }
    } else {
        for (i = longest ? len + 1 : 0; longest ? i-- > 0 : i <= len; longest ? 0 : i++) {
            save = v[i];
            v[i] = '\0';
            if (fnmatch(pat, v, 0) == 0) {
                v[i] = save;
                memmove(v, v + i, len - i + 1);
                break;
            }
            v[i] = save;
        }
    }
    return v;
}

/* ${...}: p points after "${", end at the closing brace. */
static void expand_brace(struct exp *e, const char *p, const char *end, int dq)
{
    const char *name = p, *op;
    size_t len;
    int length = 0, colon = 0;
    char *v, *w;

    if (*p == '#' && p + 1 < end) {
        length = 1;
        name = ++p;
    }
    if (isdigit((unsigned char)*p)) {
        while (p < end && isdigit((unsigned char)*p))
            p++;
    } else if (strchr("@*#?$!-0", *p)) {
        p++;
    } else {
        while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
            p++;
    }
    len = (size_t)(p - name);
    if (len == 0) {
        sh_error("${%.*s}: bad substitution", (int)(end - name), name);
        sh.status = 2;
        return;
    }
    if (!length && (*name == '@' || *name == '*') && p == end) {
        put_all_params(e, *name == '*', dq);
        return;
    }
    if (*name == '@' || *name == '*') {
        struct sbuf b = {0};
        int i;

        for (i = 0; i < sh.params.argc; i++) {
            if (i)
                sb_putc(&b, ' ');
            sb_puts(&b, sh.params.argv[i]);
        }
        v = sh.params.argc ? sb_take(&b) : NULL;
    } else {
        v = param(name, len);
    }
    if (length) {
        w = num(v ? (long)strlen(v) : 0);
        put_str(e, w, dq ? M_QUOTED : M_EXP);
        free(w);
        free(v);
        return;
    }
    op = p;
    if (*op == ':') {
        colon = 1;
        op++;
    }
    if (op >= end) {
        if (colon)
            sh_error("bad substitution");
        if (v)
            put_str(e, v, dq ? M_QUOTED : M_EXP);
        free(v);
        return;
    }
    if (*op == '-' || *op == '=' || *op == '+' || *op == '?') {
        int set = v && (!colon || *v);

        if (*op == '+') {
            if (set)
                expand_raw(e, op + 1, end, dq);
        } else if (set) {
            put_str(e, v, dq ? M_QUOTED : M_EXP);
        } else if (*op == '-') {
            expand_raw(e, op + 1, end, dq);
        } else if (*op == '=') {
            char vname[64];

            w = expand_sub(op + 1, end, dq);
            if (len < sizeof(vname) && var_valid_name(name, len)) {
                memcpy(vname, name, len);
                vname[len] = '\0';
                var_set(vname, w, 0);
            }
            put_str(e, w, dq ? M_QUOTED : M_EXP);
            free(w);
        } else {
            w = expand_sub(op + 1, end, dq);
            sh_error("%.*s: %s", (int)len, name, *w ? w : "parameter not set");
            free(w);
            free(v);
            if (!sh.interactive)
                sh_exit(2);
            sh.status = 2;
            return;
        }
        free(v);
        return;
    }
    if (!colon && (*op == '%' || *op == '#')) {
        const char *pat_start = op + 1 + (op[1] == op[0]);
        struct exp pe = {0};
        char *pat;

        expand_raw(&pe, pat_start, end, dq);
        pat = pattern_of(pe.s.s ? pe.s.s : "", pe.m.s, pe.s.n);
        free(sb_take(&pe.s));
        free(sb_take(&pe.m));
        if (v)
            put_str(e, remove_affix(v, op, pat), dq ? M_QUOTED : M_EXP);
        free(pat);
        free(v);
        return;
    }
    sh_error("${%.*s}: bad substitution", (int)(end - name), name);
    free(v);
}

/* ---- command substitution -------------------------------------------------------------- */

static void cmdsubst(struct exp *e, const char *text, size_t len, int dq)
{
    struct sbuf out = {0};
    char *cmd, *script, *args[4];
    int fds[2], status;
    pid_t pid;
    char buf[512];
    long n;

    cmd = xmalloc(len + 1);
    memcpy(cmd, text, len);
    cmd[len] = '\0';
    script = var_script();
    {
        struct sbuf b = {0};

        sb_puts(&b, script);
        sb_puts(&b, cmd);
        free(script);
        script = sb_take(&b);
    }
    free(cmd);
    if (pipe(fds) < 0) {
        sh_error("pipe: %s", strerror(errno));
        free(script);
        return;
    }
    args[0] = "-c";
    args[1] = script;
    args[2] = NULL;
    pid = spawn_self(args, fds[1]);
    close(fds[1]);
    while (pid > 0 && ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0)
            sb_putn(&out, buf, (size_t)n);
    close(fds[0]);
    free(script);
    if (pid > 0) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        sh.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        sh.subst_status = sh.status;
    }
    while (out.n > 0 && out.s[out.n - 1] == '\n')
        out.n--;
    if (out.s) {
        out.s[out.n] = '\0';
        put_str(e, out.s, dq ? M_QUOTED : M_EXP);
    }
    free(sb_take(&out));
}

/* `...`: backslash quotes only $ ` and \ inside, so remove those first. */
static void backquote(struct exp *e, const char *p, const char *end, int dq)
{
    struct sbuf b = {0};
    char *s;

    for (; p < end; p++) {
        if (*p == '\\' && p + 1 < end && strchr("$`\\", p[1]))
            p++;
        sb_putc(&b, *p);
    }
    s = sb_take(&b);
    cmdsubst(e, s, strlen(s), dq);
    free(s);
}

static void arith(struct exp *e, const char *p, const char *end, int dq)
{
    char *expr = expand_sub(p, end, 1);
    int err = 0;
    long v = arith_eval(expr, &err);
    char *s;

    free(expr);
    if (err) {
        sh.status = 2;
        if (!sh.interactive)
            sh_exit(2);
        return;
    }
    s = num(v);
    put_str(e, s, dq ? M_QUOTED : M_EXP);
    free(s);
}

/* After '$' at p: expands what follows and returns where the text goes on. */
static const char *expand_dollar(struct exp *e, const char *p, const char *end, int dq)
{
    const char *q;
    char *v;

    if (p[0] == '(' && p[1] == '(') {
        q = skip_to(p + 2, ')');
        if (q < end && q[1] == ')') {
            arith(e, p + 2, q, dq);
            return q + 2;
        }
    }
    if (*p == '(') {
        q = skip_to(p + 1, ')');
        cmdsubst(e, p + 1, (size_t)(q - p - 1), dq);
        return *q ? q + 1 : q;
    }
    if (*p == '{') {
        q = skip_to(p + 1, '}');
        expand_brace(e, p + 1, q, dq);
        return *q ? q + 1 : q;
    }
    if (*p == '@' || *p == '*') {
        put_all_params(e, *p == '*', dq);
        return p + 1;
    }
    if (p < end && (strchr("?$#!-", *p) || isdigit((unsigned char)*p))) {
        v = param(p, 1);
        q = p + 1;
    } else if (p < end && (isalpha((unsigned char)*p) || *p == '_')) {
        for (q = p; q < end && (isalnum((unsigned char)*q) || *q == '_'); q++)
            ;
        v = param(p, (size_t)(q - p));
    } else {
        put(e, '$', dq ? M_QUOTED : M_LIT);
        return p;
    }
    if (!v && sh.nounset) {
        sh_error("%.*s: parameter not set", (int)(q - p), p);
        if (!sh.interactive)
            sh_exit(2);
    }
    if (v)
        put_str(e, v, dq ? M_QUOTED : M_EXP);
    free(v);
    return q;
}

/*
 * Expands raw text [p, end). dq: 1 inside double quotes, 2 in a here-document
 * body (double-quote rules, but a '"' is an ordinary character).
 */
static void expand_raw(struct exp *e, const char *p, const char *end, int dq)
{
    const char *start = p, *q;

    while (p < end) {
        int c = (unsigned char)*p;

        if (c == '\'' && !dq) {
            q = skip_to(p + 1, '\'');
            for (p++; p < q; p++)
                put(e, (unsigned char)*p, M_QUOTED);
            e->exists = 1;
            p = *q ? q + 1 : q;
        } else if (c == '"' && dq != 2) {
            int only_at;

            q = skip_to(p + 1, '"');
            only_at = (q - p == 3 && p[1] == '$' && p[2] == '@') ||
                      (q - p == 5 && strncmp(p + 1, "${@}", 4) == 0);
            expand_raw(e, p + 1, q, 1);
            if (!only_at)
                e->exists = 1;
            p = *q ? q + 1 : q;
        } else if (c == '\\') {
            if (p + 1 >= end) {
                put(e, '\\', M_QUOTED);
                p++;
            } else if (!dq || strchr("$`\\\"\n", p[1])) {
                if (dq == 2 && p[1] == '"')
                    put(e, '\\', M_QUOTED);
                if (p[1] != '\n')
                    put(e, (unsigned char)p[1], M_QUOTED);
                p += 2;
            } else {
                put(e, '\\', M_QUOTED);
                p++;
            }
        } else if (c == '$') {
            p = expand_dollar(e, p + 1, end, dq);
        } else if (c == '`') {
            q = skip_to(p + 1, '`');
            backquote(e, p + 1, q, dq);
            p = *q ? q + 1 : q;
        } else if (c == '~' && p == start && !dq && e->s.n == 0) {
            const char *home = var_get("HOME");

            q = p + 1;
            if ((q >= end || *q == '/') && home) {
                put_str(e, home, M_QUOTED);
            } else {
                put(e, '~', M_LIT);
            }
            p = q;
        } else {
            put(e, c, dq ? M_QUOTED : M_LIT);
            p++;
        }
    }
}

/* ---- field splitting ----------------------------------------------------------------------- */

static void emit(struct strv *out, struct field *f, const char *s, const char *m, size_t n)
{
    (void)f;
    glob_field(out, s, m, n);
}

/* Splits one field on IFS characters that came from unquoted expansions. */
static void split_field(struct field *f, struct strv *out)
{
    const char *sep = ifs();
    size_t i, start = 0;
    int started = f->exists, after_ws = 0;
    struct sbuf s = {0}, m = {0};

    for (i = 0; i < f->len; i++) {
        int c = (unsigned char)f->s[i];

        if (f->m[i] == M_EXP && c && strchr(sep, c)) {
            int ws = c == ' ' || c == '\t' || c == '\n';

            if (started || (!ws && !after_ws)) {
                emit(out, f, s.s ? s.s : "", m.s ? m.s : "", s.n);
                free(sb_take(&s));
                free(sb_take(&m));
            }
            started = 0;
            after_ws = ws;
            continue;
        }
        sb_putc(&s, c);
        sb_putc(&m, f->m[i]);
        started = 1;
        after_ws = 0;
    }
    (void)start;
    if (started)
        emit(out, f, s.s ? s.s : "", m.s ? m.s : "", s.n);
    free(sb_take(&s));
    free(sb_take(&m));
}

void expand_words(char **words, struct strv *out)
{
    int i, j;

    for (i = 0; words && words[i]; i++) {
        struct exp e = {0};

        e.split = 1;
        expand_raw(&e, words[i], words[i] + strlen(words[i]), 0);
        field_break(&e);
        for (j = 0; j < e.nfields; j++) {
            split_field(&e.fields[j], out);
            free(e.fields[j].s);
            free(e.fields[j].m);
        }
        free(e.fields);
    }
}

char *expand_word(const char *raw)
{
    struct exp e = {0};

    expand_raw(&e, raw, raw + strlen(raw), 0);
    free(sb_take(&e.m));
    return sb_take(&e.s);
}

char *expand_pattern(const char *raw)
{
    struct exp e = {0};
    char *p;

    expand_raw(&e, raw, raw + strlen(raw), 0);
    p = pattern_of(e.s.s ? e.s.s : "", e.m.s, e.s.n);
    free(sb_take(&e.s));
    free(sb_take(&e.m));
    return p;
}

char *expand_heredoc(const char *body)
{
    struct exp e = {0};

    expand_raw(&e, body, body + strlen(body), 2);
    free(sb_take(&e.m));
    return sb_take(&e.s);
}
