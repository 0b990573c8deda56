/*
 * unparse.c - turns a syntax tree back into shell text. A compound command
 * sent to the background must run in a process of its own, and without fork
 * that process is a new shell given the text with -c; jobs also show it.
 * Words are kept raw by the lexer, so they come back exactly as typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

static void node(struct sbuf *b, struct node *n);

static void words(struct sbuf *b, char **w, int space_first)
{
    int i;

    for (i = 0; w && w[i]; i++) {
        if (i > 0 || space_first)
            sb_putc(b, ' ');
        sb_puts(b, w[i]);
    }
}

static void redirs(struct sbuf *b, struct redir *r)
{
    static const char *const ops[] = {"<", ">", ">>", "<&", ">&", "<>", "<<"};
    char num[16];

    for (; r; r = r->next) {
        if (r->op == R_HEREDOC)
            continue;       /* bodies cannot follow on the same line; dropped */
        snprintf(num, sizeof(num), " %d", r->fd);
        sb_puts(b, num);
        sb_puts(b, ops[r->op]);
        sb_puts(b, r->word);
    }
}

static void body(struct sbuf *b, const char *open, struct node *n, const char *close)
{
    sb_puts(b, open);
    node(b, n);
    sb_puts(b, close);
}

static void node(struct sbuf *b, struct node *n)
{
    struct case_item *ci;
    int i;

    if (!n)
        return;
    switch (n->type) {
    case N_SIMPLE:
        words(b, n->u.simple.assigns, 0);
        words(b, n->u.simple.words, n->u.simple.assigns != NULL);
        break;
    case N_PIPE:
        for (i = 0; i < n->u.pipe.n; i++) {
            if (i)
                sb_puts(b, " | ");
            node(b, n->u.pipe.cmds[i]);
        }
        break;
    case N_AND:
    case N_OR:
    case N_SEQ:
        node(b, n->u.bin.left);
        /* "a &; b" would not parse: a & already ends its command */
        sb_puts(b, n->type == N_AND ? " && " : n->type == N_OR ? " || "
                   : n->u.bin.left->type == N_BG ? " " : "; ");
        node(b, n->u.bin.right);
        break;
    case N_BG:
        node(b, n->u.bin.left);
        sb_puts(b, " &");
        break;
    case N_NOT:
        sb_puts(b, "! ");
        node(b, n->u.bin.left);
        break;
    case N_IF:
        body(b, "if ", n->u.cond.cond, "; then ");
        node(b, n->u.cond.then);
        if (n->u.cond.els)
            body(b, "; else ", n->u.cond.els, "");
        sb_puts(b, "; fi");
        break;
    case N_WHILE:
    case N_UNTIL:
        body(b, n->type == N_WHILE ? "while " : "until ", n->u.cond.cond, "; do ");
        body(b, "", n->u.cond.then, "; done");
        break;
    case N_FOR:
        sb_puts(b, "for ");
        sb_puts(b, n->u.loop.var);
        if (n->u.loop.words) {
            sb_puts(b, " in");
            words(b, n->u.loop.words, 1);
        }
        body(b, "; do ", n->u.loop.body, "; done");
        break;
    case N_CASE:
        sb_puts(b, "case ");
        sb_puts(b, n->u.kase.word);
        sb_puts(b, " in ");
        for (ci = n->u.kase.items; ci; ci = ci->next) {
            for (i = 0; ci->patterns[i]; i++) {
                if (i)
                    sb_putc(b, '|');
                sb_puts(b, ci->patterns[i]);
            }
            body(b, ") ", ci->body, ";; ");
        }
        sb_puts(b, "esac");
        break;
    case N_GROUP:
        body(b, "{ ", n->u.group.body, "; }");
        break;
    case N_SUBSHELL:
        sb_puts(b, "(");
        sb_puts(b, n->u.group.text);
        sb_puts(b, ")");
        break;
    case N_FUNC:
        sb_puts(b, n->u.func.name);
        sb_puts(b, "() ");
        node(b, n->u.func.body);
        break;
    }
    redirs(b, n->redirs);
}

char *unparse(struct node *n)
{
    struct sbuf b = {0};

    node(&b, n);
    sb_puts(&b, "");
    return sb_take(&b);
}
