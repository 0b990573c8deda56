/*
 * lex.c - splits the input into tokens as POSIX's Token Recognition rules say:
 * operators, newlines, IO numbers and words. Words are returned raw, quotes
 * and all, because what a quote means is decided later by expand.c; the lexer
 * only has to know where a word ends, which means following quotes and
 * nested $( ), ${ } and ` ` to their ends. Reserved words are recognised by
 * the parser, which knows when a word is in command position.
 *
 * Here-document bodies are read when the newline that ends their command is
 * reached, in the order their operators appeared.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

static struct token pushed;
static int have_pushed;

struct pending_heredoc {
    struct redir *r;
    char *delim;
    int strip_tabs;
};

static struct pending_heredoc heredocs[16];
static int nheredocs;

const char *tok_name(enum tok t)
{
    static const char *const names[] = {
        "end of file", "newline", "word", "number", ";", ";;", "&", "&&", "||", "|",
        "(", ")", "<", ">", ">>", "<&", ">&", "<>", ">|", "<<", "<<-",
    };
    return names[t];
}

void lex_reset(void)
{
    have_pushed = 0;
    nheredocs = 0;
}

void lex_unget(const struct token *t)
{
    pushed = *t;
    have_pushed = 1;
}

void lex_heredoc(struct redir *r, const char *delim, int strip_tabs)
{
    if (nheredocs == 16) {
        sh_syntax_error("too many here-documents");
        return;
    }
    heredocs[nheredocs].r = r;
    heredocs[nheredocs].delim = arena_strdup(delim);
    heredocs[nheredocs].strip_tabs = strip_tabs;
    nheredocs++;
}

/* Reads the bodies of the here-documents of the line just ended. */
static void read_heredocs(void)
{
    struct sbuf body = {0}, line = {0};
    int i, c;

    for (i = 0; i < nheredocs; i++) {
        for (;;) {
            char *l;

            while ((c = input_getc()) >= 0 && c != '\n')
                sb_putc(&line, c);
            l = sb_take(&line);
            if (heredocs[i].strip_tabs)
                while (*l == '\t')
                    memmove(l, l + 1, strlen(l));
            if (strcmp(l, heredocs[i].delim) == 0 || (c < 0 && !*l)) {
                free(l);
                break;
            }
            sb_puts(&body, l);
            sb_putc(&body, '\n');
            free(l);
            if (c < 0)
                break;
        }
        heredocs[i].r->word = arena_strdup(body.s ? body.s : "");
        free(sb_take(&body));
    }
    nheredocs = 0;
}

static void unterminated(int what)
{
    sh_syntax_error("unterminated %s", what == '\'' ? "quoted string"
                    : what == '"' ? "quoted string" : what == '`' ? "` substitution"
                    : what == '}' ? "${ expansion" : "$( substitution");
}

static void scan_until(struct sbuf *b, int close);

/* Copies a backslash and what follows it; a backslash-newline disappears. */
static void scan_backslash(struct sbuf *b)
{
    int c = input_getc();

    if (c == '\n')
        return;
    sb_putc(b, '\\');
    if (c >= 0)
        sb_putc(b, c);
}

/* After '$': copies ${...}, $(...), $((...)) or nothing special. */
static void scan_dollar(struct sbuf *b)
{
    int c = input_getc();

    if (c == '{') {
        sb_putc(b, c);
        scan_until(b, '}');
    } else if (c == '(') {
        sb_putc(b, c);
        scan_until(b, ')');
    } else {
        input_ungetc(c);
    }
}

/*
 * Copies characters up to and including the one that closes the construct:
 * ' " ` } or ). Parentheses nest inside $( ), and quotes are followed inside
 * everything but single quotes.
 */
static void scan_until(struct sbuf *b, int close)
{
    int depth = 0, c;

    for (;;) {
        c = input_getc();
        if (c < 0) {
            unterminated(close);
            return;
        }
        if (close == '\'') {
            sb_putc(b, c);
            if (c == '\'')
                return;
            continue;
        }
        if (c == '\\') {
            scan_backslash(b);
            continue;
        }
        sb_putc(b, c);
        if (c == close && depth == 0)
            return;
        if (close == ')' && c == '(')
            depth++;
        else if (close == ')' && c == ')')
            depth--;
        else if (c == '$' && close != '`')
            scan_dollar(b);
        else if (c == '`' && close != '`')
            scan_until(b, '`');
        else if (c == '"' && close != '"')
            scan_until(b, '"');
        else if (c == '\'' && close != '"' && close != '`')
            scan_until(b, '\'');
        else if (c == '#' && close == ')' && b->n >= 2 && isspace((unsigned char)b->s[b->n - 2]))
            while ((c = input_getc()) >= 0 && c != '\n')
                ;   /* a comment inside $( ); the newline still ends a command in it */
    }
}

static int is_meta(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' ||
           c == '(' || c == ')' || c == '<' || c == '>';
}

/* An operator starting with c; returns 0 if c does not start one. */
static int lex_operator(int c, struct token *t)
{
    int d;

    switch (c) {
    case ';':
        d = input_getc();
        t->type = d == ';' ? T_DSEMI : T_SEMI;
        break;
    case '&':
        d = input_getc();
        t->type = d == '&' ? T_AND : T_AMP;
        break;
    case '|':
        d = input_getc();
        t->type = d == '|' ? T_OR : T_PIPE;
        break;
    case '(':
        t->type = T_LPAREN;
        return 1;
    case ')':
        t->type = T_RPAREN;
        return 1;
    case '<':
        d = input_getc();
        t->type = d == '<' ? T_DLESS : d == '&' ? T_LESSAND : d == '>' ? T_LESSGREAT : T_LESS;
        if (t->type == T_LESS)
            break;
        if (t->type == T_DLESS) {
            d = input_getc();
            if (d == '-')
                t->type = T_DLESSDASH;
            else
                input_ungetc(d);
        }
        return 1;
    case '>':
        d = input_getc();
        t->type = d == '>' ? T_DGREAT : d == '&' ? T_GREATAND : d == '|' ? T_CLOBBER : T_GREAT;
        if (t->type == T_GREAT)
            break;
        return 1;
    default:
        return 0;
    }
    /* the two-character forms consumed d; the one-character ones give it back */
    if (t->type == T_SEMI || t->type == T_AMP || t->type == T_PIPE || t->type == T_LESS ||
        t->type == T_GREAT)
        input_ungetc(d);
    return 1;
}

void lex_next(struct token *t)
{
    struct sbuf b = {0};
    int c, all_digits = 1;

    if (have_pushed) {
        *t = pushed;
        have_pushed = 0;
        return;
    }
    t->text = NULL;
    for (;;) {
        c = input_getc();
        if (c == ' ' || c == '\t')
            continue;
        if (c == '\\') {
            int d = input_getc();

            if (d == '\n')
                continue;
            input_ungetc(d);
        }
        break;
    }
    t->lineno = input_lineno();
    if (c == '#') {
        while ((c = input_getc()) >= 0 && c != '\n')
            ;
    }
    if (c < 0) {
        t->type = T_EOF;
        if (nheredocs)
            read_heredocs();    /* empty bodies, rather than no bodies */
        return;
    }
    if (c == '\n') {
        t->type = T_NEWLINE;
        t->lineno--;
        if (nheredocs)
            read_heredocs();
        return;
    }
    if (lex_operator(c, t))
        return;

    for (; c >= 0 && !is_meta(c); c = input_getc()) {
        if (!isdigit(c))
            all_digits = 0;
        if (c == '\\') {
            scan_backslash(&b);
            continue;
        }
        sb_putc(&b, c);
        if (c == '\'' || c == '"' || c == '`')
            scan_until(&b, c);
        else if (c == '$')
            scan_dollar(&b);
    }
    if (all_digits && b.n > 0 && (c == '<' || c == '>'))
        t->type = T_IO_NUMBER;
    else
        t->type = T_WORD;
    input_ungetc(c);
    if (!b.s) {
        /* a lone backslash-newline: nothing */
        lex_next(t);
        return;
    }
    t->text = arena_strdup(b.s);
    free(sb_take(&b));
}
