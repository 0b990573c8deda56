/*
 * parse.c - turns tokens into a syntax tree, one complete command at a time,
 * by recursive descent over POSIX's shell grammar: lists, and-or lists,
 * pipelines, simple commands with redirections, and the compound commands
 * (if, while, until, for, case, { }, ( )) and function definitions.
 *
 * Trees live in an arena freed after each complete command has run; function
 * bodies are copied out of it (node_keep). A syntax error longjmps back to
 * parse_command, which reports it to the caller with status 2.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

/* ---- the arena ---------------------------------------------------------------- */

struct chunk {
    struct chunk *next;
    size_t used, size;
    char data[];
};

static struct chunk *chunks;
static int arena_keep;

/* A function's tree must outlive its command: leave the arena to it. */
void arena_keep_current(void)
{
    arena_keep = 1;
}

void *arena_alloc(size_t n)
{
    struct chunk *c = chunks;

    n = (n + 15) & ~(size_t)15;
    if (!c || c->used + n > c->size) {
        size_t size = n > 8192 ? n : 8192;

        c = xmalloc(sizeof(*c) + size);
        c->next = chunks;
        c->used = 0;
        c->size = size;
        chunks = c;
    }
    c->used += n;
    return memset(c->data + c->used - n, 0, n);
}

char *arena_strdup(const char *s)
{
    size_t n = strlen(s) + 1;

    return memcpy(arena_alloc(n), s, n);
}

/* Where the arena stands now, so that a nested "eval" or "." can free only its own trees. */
struct arena_mark arena_mark(void)
{
    struct arena_mark m = {chunks, chunks ? chunks->used : 0};

    return m;
}

/*
 * Frees what was allocated since the mark. If a function was defined since,
 * its tree must stay: then the chunks are abandoned instead (a small leak per
 * function definition, the price of not copying trees).
 */
void arena_release(struct arena_mark m)
{
    if (arena_keep) {
        chunks = NULL;
        arena_keep = 0;
        return;
    }
    while (chunks && chunks != m.chunk) {
        struct chunk *c = chunks;

        chunks = c->next;
        free(c);
    }
    if (chunks)
        chunks->used = m.used;
}

/* ---- tokens --------------------------------------------------------------------- */

static jmp_buf parse_jmp;
static int parsing;


void parse_interrupted(void)
{
    if (parsing)
        longjmp(parse_jmp, 2);
}

static struct token next(void)
{
    struct token t;

    lex_next(&t);
    return t;
}

static void unexpected(struct token t)
{
    if (t.type == T_WORD)
        sh_syntax_error("\"%s\" unexpected", t.text);
    sh_syntax_error("\"%s\" unexpected", tok_name(t.type));
}

static int is_word(struct token t, const char *w)
{
    return t.type == T_WORD && strcmp(t.text, w) == 0;
}

static void expect_word(const char *w)
{
    struct token t = next();

    if (!is_word(t, w)) {
        if (t.type == T_WORD || t.type != T_EOF)
            sh_syntax_error("\"%s\" unexpected (expecting \"%s\")",
                            t.type == T_WORD ? t.text : tok_name(t.type), w);
        sh_syntax_error("end of file unexpected (expecting \"%s\")", w);
    }
}

static void skip_newlines(void)
{
    struct token t;

    while ((t = next()).type == T_NEWLINE)
        ;
    lex_unget(&t);
}

/* Words that end a compound list when they appear in command position. */
static int ends_list(struct token t)
{
    static const char *const ends[] = {
        "then", "else", "elif", "fi", "do", "done", "esac", "}", NULL,
    };
    int i;

    if (t.type == T_EOF || t.type == T_RPAREN || t.type == T_DSEMI)
        return 1;
    for (i = 0; t.type == T_WORD && ends[i]; i++)
        if (strcmp(t.text, ends[i]) == 0)
            return 1;
    return 0;
}

static struct node *mknode(enum node_type type, int lineno)
{
    struct node *n = arena_alloc(sizeof(*n));

    n->type = type;
    n->lineno = lineno;
    return n;
}

static struct node *mkbin(enum node_type type, struct node *l, struct node *r)
{
    struct node *n = mknode(type, l->lineno);

    n->u.bin.left = l;
    n->u.bin.right = r;
    return n;
}

/* A NULL-terminated array grown in the arena. */
static char **push_word(char **v, int *n, char *w)
{
    char **nv = arena_alloc(sizeof(char *) * (size_t)(*n + 2));

    if (v)
        memcpy(nv, v, sizeof(char *) * (size_t)*n);
    nv[(*n)++] = w;
    nv[*n] = NULL;
    return nv;
}

/* ---- the grammar --------------------------------------------------------------------- */

static struct node *list(int multiline);
static struct node *command(void);

/* A redirection operator was read as t (fd: from an IO number, or -1). */
static struct redir *redirection(struct token t, int fd)
{
    struct redir *r = arena_alloc(sizeof(*r));
    struct token w;

    switch (t.type) {
    case T_LESS: r->op = R_IN; break;
    case T_GREAT: case T_CLOBBER: r->op = R_OUT; break;
    case T_DGREAT: r->op = R_APPEND; break;
    case T_LESSAND: r->op = R_DUPIN; break;
    case T_GREATAND: r->op = R_DUPOUT; break;
    case T_LESSGREAT: r->op = R_RDWR; break;
    case T_DLESS: case T_DLESSDASH: r->op = R_HEREDOC; break;
    default: return NULL;
    }
    r->fd = fd >= 0 ? fd : (r->op == R_IN || r->op == R_DUPIN || r->op == R_RDWR ||
                            r->op == R_HEREDOC) ? 0 : 1;
    w = next();
    if (w.type != T_WORD)
        unexpected(w);
    r->word = w.text;
    if (r->op == R_HEREDOC) {
        /* quotes anywhere in the delimiter mean a literal body */
        char *d = arena_strdup(w.text), *p, *q;

        for (p = q = d; *p; p++) {
            if (*p == '\'' || *p == '"' || *p == '\\')
                r->quoted_heredoc = 1;
            else
                *q++ = *p;
        }
        *q = '\0';
        lex_heredoc(r, d, t.type == T_DLESSDASH);
    }
    return r;
}

/* Redirections after a compound command; appended to *tail. */
static void redirections(struct redir **tail)
{
    for (;;) {
        struct token t = next();
        int fd = -1;

        while (*tail)
            tail = &(*tail)->next;
        if (t.type == T_IO_NUMBER) {
            fd = atoi(t.text);
            t = next();
        }
        if (t.type < T_LESS) {
            lex_unget(&t);
            return;
        }
        *tail = redirection(t, fd);
    }
}

static int is_assignment(const char *w)
{
    const char *eq = strchr(w, '=');

    return eq && eq != w && var_valid_name(w, (size_t)(eq - w));
}

static struct node *simple_command(struct token t)
{
    struct node *n = mknode(N_SIMPLE, t.lineno);
    struct redir **tail = &n->redirs;
    int nassigns = 0, nwords = 0;

    for (;; t = next()) {
        int fd = -1;

        if (t.type == T_IO_NUMBER) {
            fd = atoi(t.text);
            t = next();
        }
        if (t.type >= T_LESS) {
            *tail = redirection(t, fd);
            tail = &(*tail)->next;
        } else if (t.type == T_WORD && nwords == 0 && is_assignment(t.text)) {
            n->u.simple.assigns = push_word(n->u.simple.assigns, &nassigns, t.text);
        } else if (t.type == T_WORD) {
            n->u.simple.words = push_word(n->u.simple.words, &nwords, t.text);
        } else if (t.type == T_LPAREN && nwords == 1 && nassigns == 0 && !n->redirs) {
            /* NAME ( ) compound-command */
            struct node *f = mknode(N_FUNC, n->lineno);

            if (!var_valid_name(n->u.simple.words[0], strlen(n->u.simple.words[0])))
                sh_syntax_error("bad function name");
            t = next();
            if (t.type != T_RPAREN)
                unexpected(t);
            skip_newlines();
            f->u.func.name = n->u.simple.words[0];
            f->u.func.body = command();
            return f;
        } else {
            lex_unget(&t);
            break;
        }
    }
    if (nassigns == 0 && nwords == 0 && !n->redirs)
        unexpected(t);
    return n;
}

static struct node *if_clause(int lineno)
{
    struct node *n = mknode(N_IF, lineno);
    struct token t;

    n->u.cond.cond = list(1);
    expect_word("then");
    n->u.cond.then = list(1);
    t = next();
    if (is_word(t, "elif")) {
        n->u.cond.els = if_clause(t.lineno);
        return n;
    }
    if (is_word(t, "else")) {
        n->u.cond.els = list(1);
        t = next();
    }
    if (!is_word(t, "fi"))
        lex_unget(&t), expect_word("fi");
    return n;
}

static struct node *loop_clause(enum node_type type, int lineno)
{
    struct node *n = mknode(type, lineno);

    n->u.cond.cond = list(1);
    expect_word("do");
    n->u.cond.then = list(1);
    expect_word("done");
    return n;
}

static struct node *for_clause(int lineno)
{
    struct node *n = mknode(N_FOR, lineno);
    struct token t = next();
    int nwords = 0;

    if (t.type != T_WORD || !var_valid_name(t.text, strlen(t.text)))
        sh_syntax_error("bad for loop variable");
    n->u.loop.var = t.text;
    skip_newlines();
    t = next();
    if (is_word(t, "in")) {
        n->u.loop.words = push_word(NULL, &nwords, NULL);   /* "in" with no words: none */
        nwords = 0;
        while ((t = next()).type == T_WORD)
            n->u.loop.words = push_word(n->u.loop.words, &nwords, t.text);
        if (t.type != T_NEWLINE && t.type != T_SEMI)
            unexpected(t);
    } else if (t.type != T_SEMI) {
        lex_unget(&t);
    }
    skip_newlines();
    expect_word("do");
    n->u.loop.body = list(1);
    expect_word("done");
    return n;
}

static struct node *case_clause(int lineno)
{
    struct node *n = mknode(N_CASE, lineno);
    struct case_item **tail = &n->u.kase.items;
    struct token t = next();

    if (t.type != T_WORD)
        unexpected(t);
    n->u.kase.word = t.text;
    skip_newlines();
    expect_word("in");
    for (;;) {
        struct case_item *ci;
        int npat = 0;

        skip_newlines();
        t = next();
        if (is_word(t, "esac"))
            break;
        ci = arena_alloc(sizeof(*ci));
        if (t.type == T_LPAREN)
            t = next();
        for (;;) {
            if (t.type != T_WORD)
                unexpected(t);
            ci->patterns = push_word(ci->patterns, &npat, t.text);
            t = next();
            if (t.type == T_RPAREN)
                break;
            if (t.type != T_PIPE)
                unexpected(t);
            t = next();
        }
        ci->body = list(1);
        *tail = ci;
        tail = &ci->next;
        t = next();
        if (is_word(t, "esac"))
            break;
        if (t.type != T_DSEMI)
            unexpected(t);
    }
    return n;
}

static struct node *command(void)
{
    struct token t = next();
    struct node *n;

    if (t.type == T_LPAREN) {
        n = mknode(N_SUBSHELL, t.lineno);
        input_record_start();
        n->u.group.body = list(1);
        t = next();
        if (t.type != T_RPAREN)
            unexpected(t);
        n->u.group.text = input_record_stop();
        /* the recorded text ends with the closing parenthesis */
        n->u.group.text[strlen(n->u.group.text) - 1] = '\0';
        {
            char *kept = arena_strdup(n->u.group.text);

            free(n->u.group.text);
            n->u.group.text = kept;
        }
    } else if (is_word(t, "if")) {
        n = if_clause(t.lineno);
    } else if (is_word(t, "while")) {
        n = loop_clause(N_WHILE, t.lineno);
    } else if (is_word(t, "until")) {
        n = loop_clause(N_UNTIL, t.lineno);
    } else if (is_word(t, "for")) {
        n = for_clause(t.lineno);
    } else if (is_word(t, "case")) {
        n = case_clause(t.lineno);
    } else if (is_word(t, "{")) {
        n = mknode(N_GROUP, t.lineno);
        n->u.group.body = list(1);
        expect_word("}");
    } else if (t.type == T_WORD || t.type == T_IO_NUMBER || t.type >= T_LESS) {
        return simple_command(t);
    } else {
        unexpected(t);
        return NULL;
    }
    if ((n->type == N_IF || n->type == N_WHILE || n->type == N_UNTIL) &&
        (!n->u.cond.cond || !n->u.cond.then))
        sh_syntax_error("empty command list");
    redirections(&n->redirs);
    return n;
}

static struct node *pipeline(void)
{
    struct token t = next();
    struct node *n, *p;
    int bang = 0;

    if (is_word(t, "!"))
        bang = 1;
    else
        lex_unget(&t);
    n = command();
    t = next();
    if (t.type == T_PIPE) {
        p = mknode(N_PIPE, n->lineno);
        p->u.pipe.cmds = arena_alloc(sizeof(struct node *) * 64);
        p->u.pipe.cmds[p->u.pipe.n++] = n;
        while (t.type == T_PIPE) {
            if (p->u.pipe.n == 64)
                sh_syntax_error("pipeline too long");
            skip_newlines();
            p->u.pipe.cmds[p->u.pipe.n++] = command();
            t = next();
        }
        n = p;
    }
    lex_unget(&t);
    if (bang)
        n = mkbin(N_NOT, n, NULL);
    return n;
}

static struct node *and_or(void)
{
    struct node *n = pipeline();

    for (;;) {
        struct token t = next();

        if (t.type != T_AND && t.type != T_OR) {
            lex_unget(&t);
            return n;
        }
        skip_newlines();
        n = mkbin(t.type == T_AND ? N_AND : N_OR, n, pipeline());
    }
}

/* A list of and-or lists; multiline: inside a compound command, newlines separate. */
static struct node *list(int multiline)
{
    struct node *left = NULL, *n;
    struct token t;

    for (;;) {
        if (multiline)
            skip_newlines();
        t = next();
        lex_unget(&t);
        if (ends_list(t) || t.type == T_NEWLINE)
            break;
        n = and_or();
        t = next();
        if (t.type == T_AMP)
            n = mkbin(N_BG, n, NULL);
        left = left ? mkbin(N_SEQ, left, n) : n;
        if (t.type == T_SEMI || t.type == T_AMP || (t.type == T_NEWLINE && multiline))
            continue;
        lex_unget(&t);
        break;
    }
    return left;
}

struct node *parse_command(int *eof)
{
    struct node *n;
    struct token t;
    int r;

    *eof = 0;
    lex_reset();
    input_new_command();
    r = setjmp(parse_jmp);
    if (r) {
        parsing = 0;
        input_record_reset();
        lex_reset();
        sh.status = r == 2 ? 130 : 2;
        if (r == 1)
            input_discard_line();
        *eof = r == 2 ? PARSE_INTR : PARSE_ERROR;
        return NULL;
    }
    parsing = 1;
    t = next();
    if (t.type == T_EOF) {
        parsing = 0;
        *eof = PARSE_EOF;
        return NULL;
    }
    if (t.type == T_NEWLINE) {
        parsing = 0;
        return NULL;
    }
    lex_unget(&t);
    n = list(0);
    t = next();
    if (t.type != T_NEWLINE && t.type != T_EOF)
        unexpected(t);
    if (t.type == T_EOF)
        lex_unget(&t);
    parsing = 0;
    return n;
}

/* Called by sh_syntax_error after printing: abandon the command being parsed. */
void parse_fail(void)
{
    if (parsing)
        longjmp(parse_jmp, 1);
}
