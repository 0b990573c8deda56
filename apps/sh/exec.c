/*
 * exec.c - runs a syntax tree: lists, and-or lists, compound commands,
 * functions and redirections. Simple commands and pipelines are in run.c.
 *
 * Everything here runs inside the shell's own process (there is no fork), so
 * a redirection on a compound command or builtin is done on the shell's own
 * descriptors and undone afterwards: the old descriptor is kept as a
 * close-on-exec copy at 10 or above, where scripts rarely look.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

/* ---- redirections ------------------------------------------------------------------ */

struct saved_fd {
    int fd;                 /* the descriptor that was redirected */
    int copy;               /* where its old open file waits, or -1 if it was closed */
};

static struct saved_fd saved[64];
static int nsaved;

int exec_redirect_mark(void)
{
    return nsaved;
}

void exec_undo_redirects(int mark)
{
    while (nsaved > mark) {
        struct saved_fd *s = &saved[--nsaved];

        if (s->copy >= 0) {
            dup2(s->copy, s->fd);
            close(s->copy);
        } else {
            close(s->fd);
        }
    }
}

/* A close-on-exec copy of fd at 10 or above, or -1 if fd is not open. */
int fd_stash(int fd)
{
    int c = fcntl(fd, F_DUPFD, 10);

    if (c >= 0)
        fcntl(c, F_SETFD, FD_CLOEXEC);
    return c;
}

static void save_fd(int fd, int keep)
{
    if (keep)
        return;
    if (nsaved == 64) {
        sh_error("too many redirections");
        return;
    }
    saved[nsaved].fd = fd;
    saved[nsaved].copy = fd_stash(fd);
    nsaved++;
}

/* A here-document's body as a readable descriptor. */
static int heredoc_fd(struct redir *r)
{
    char *body = r->quoted_heredoc ? xstrdup(r->word) : expand_heredoc(r->word);
    size_t len = strlen(body);
    int fds[2], fd = -1;

    /* A pipe holds a small body without touching the disk; a big one goes to a file. */
    if (len <= 4096 && pipe(fds) == 0) {
        if (write(fds[1], body, len) < 0)
            sh_error("here-document: %s", strerror(errno));
        close(fds[1]);
        fd = fds[0];
    } else {
        char path[64];

        snprintf(path, sizeof(path), "/tmp/sh-heredoc-%d", (int)getpid());
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            if (write(fd, body, len) < 0)
                sh_error("here-document: %s", strerror(errno));
            unlink(path);
            lseek(fd, 0, SEEK_SET);
        } else {
            sh_error("cannot create here-document: %s", strerror(errno));
        }
    }
    free(body);
    return fd;
}

/* Applies a chain of redirections; keep: permanently (exec). -1 on failure. */
int exec_redirect(struct redir *r, int keep)
{
    for (; r; r = r->next) {
        int fd = -1, flags = 0;
        char *word;

        if (r->op == R_HEREDOC) {
            fd = heredoc_fd(r);
            if (fd < 0)
                return -1;
            goto install;
        }
        word = expand_word(r->word);
        if (r->op == R_DUPIN || r->op == R_DUPOUT) {
            char *end;
            long src;

            if (strcmp(word, "-") == 0) {
                free(word);
                save_fd(r->fd, keep);
                close(r->fd);
                continue;
            }
            src = strtol(word, &end, 10);
            if (!*word || *end || src < 0 || fcntl((int)src, F_GETFD) < 0) {
                sh_error("%s: %s", word, *end || !*word ? "bad file descriptor"
                                                        : strerror(EBADF));
                free(word);
                return -1;
            }
            free(word);
            if (src == r->fd)
                continue;
            save_fd(r->fd, keep);
            dup2((int)src, r->fd);
            continue;
        }
        switch (r->op) {
        case R_IN: flags = O_RDONLY; break;
        case R_OUT: flags = O_WRONLY | O_CREAT | O_TRUNC; break;
        case R_APPEND: flags = O_WRONLY | O_CREAT | O_APPEND; break;
        case R_RDWR: flags = O_RDWR | O_CREAT; break;
        default: break;
        }
        fd = open(word, flags, 0666);
        if (fd < 0) {
            sh_error("cannot %s %s: %s", r->op == R_IN ? "open" : "create", word,
                     strerror(errno));
            free(word);
            return -1;
        }
        free(word);
install:
        if (fd == r->fd) {
            /* it landed on the very descriptor: it was closed before */
            if (!keep && nsaved < 64) {
                saved[nsaved].fd = fd;
                saved[nsaved].copy = -1;
                nsaved++;
            }
            continue;
        }
        save_fd(r->fd, keep);
        dup2(fd, r->fd);
        close(fd);
    }
    return 0;
}

/* ---- functions ------------------------------------------------------------------------- */

struct func {
    char *name;
    struct node *body;
    struct func *next;
};

static struct func *funcs;

void func_define(const char *name, struct node *body)
{
    struct func *f;

    arena_keep_current();
    for (f = funcs; f; f = f->next)
        if (strcmp(f->name, name) == 0)
            break;
    if (!f) {
        f = xmalloc(sizeof(*f));
        f->name = xstrdup(name);
        f->next = funcs;
        funcs = f;
    }
    f->body = body;
}

struct node *func_lookup(const char *name)
{
    struct func *f;

    for (f = funcs; f; f = f->next)
        if (strcmp(f->name, name) == 0)
            return f->body;
    return NULL;
}

int func_call(struct node *body, char **argv)
{
    struct params old = sh.params;
    int i, status;

    for (i = 1; argv[i]; i++)
        ;
    sh.params.argc = i - 1;
    sh.params.argv = xmalloc(sizeof(char *) * (size_t)i);
    for (i = 1; argv[i]; i++)
        sh.params.argv[i - 1] = xstrdup(argv[i]);
    sh.func_depth++;
    status = exec_node(body);
    sh.func_depth--;
    if (sh.returning) {
        sh.returning = 0;
        status = sh.status;
    }
    for (i = 0; i < sh.params.argc; i++)
        free(sh.params.argv[i]);
    free(sh.params.argv);
    sh.params = old;
    return status;
}

/* ---- the tree ---------------------------------------------------------------------------- */

/* Something says: stop running this list (break, continue, return, or Ctrl-C killed a child). */
int interrupted(void)
{
    /* Ctrl-C while the shell itself loops (no child has the terminal) */
    if (sh_sigint && sh.interactive) {
        sh_sigint = 0;
        sh.got_intr = 1;
        fputc('\n', stderr);
    }
    return sh.breaking || sh.continuing || sh.returning || sh.got_intr;
}

static int cond(struct node *n)
{
    int status;

    sh.in_cond++;
    status = exec_node(n);
    sh.in_cond--;
    return status;
}

static int exec_loop(struct node *n)
{
    int status = 0;

    sh.loop_depth++;
    for (;;) {
        int c = cond(n->u.cond.cond);

        if (interrupted() && !sh.continuing)
            break;
        sh.continuing = 0;
        if ((n->type == N_WHILE) != (c == 0))
            break;
        status = exec_node(n->u.cond.then);
        if (sh.breaking) {
            sh.breaking--;
            break;
        }
        if (sh.continuing > 1) {
            sh.continuing--;
            break;
        }
        sh.continuing = 0;
        if (sh.returning || interrupted())
            break;
    }
    sh.loop_depth--;
    return status;
}

static int exec_for(struct node *n)
{
    struct strv words = {0};
    int i, status = 0;

    if (n->u.loop.words) {
        expand_words(n->u.loop.words, &words);
    } else {
        for (i = 0; i < sh.params.argc; i++)
            strv_push(&words, xstrdup(sh.params.argv[i]));
    }
    sh.loop_depth++;
    for (i = 0; i < words.n; i++) {
        var_set(n->u.loop.var, words.v[i], 0);
        status = exec_node(n->u.loop.body);
        if (sh.breaking) {
            sh.breaking--;
            break;
        }
        if (sh.continuing > 1) {
            sh.continuing--;
            break;
        }
        sh.continuing = 0;
        if (sh.returning || interrupted())
            break;
    }
    sh.loop_depth--;
    strv_free(&words);
    return status;
}

static int exec_case(struct node *n)
{
    char *word = expand_word(n->u.kase.word);
    struct case_item *ci;
    int i, status = 0;

    for (ci = n->u.kase.items; ci; ci = ci->next) {
        for (i = 0; ci->patterns[i]; i++) {
            char *pat = expand_pattern(ci->patterns[i]);
            int match = fnmatch(pat, word, 0) == 0;

            free(pat);
            if (match) {
                status = ci->body ? exec_node(ci->body) : 0;
                free(word);
                return status;
            }
        }
    }
    free(word);
    return status;
}

static int exec_compound(struct node *n)
{
    int mark = exec_redirect_mark(), status;

    if (exec_redirect(n->redirs, 0) < 0) {
        exec_undo_redirects(mark);
        return 2;
    }
    switch (n->type) {
    case N_IF:
        if (cond(n->u.cond.cond) == 0)
            status = exec_node(n->u.cond.then);
        else if (n->u.cond.els)
            status = exec_node(n->u.cond.els);
        else
            status = 0;
        break;
    case N_WHILE:
    case N_UNTIL:
        status = exec_loop(n);
        break;
    case N_FOR:
        status = exec_for(n);
        break;
    case N_CASE:
        status = exec_case(n);
        break;
    case N_GROUP:
        status = n->u.group.body ? exec_node(n->u.group.body) : 0;
        break;
    default:
        status = 0;
        break;
    }
    exec_undo_redirects(mark);
    return status;
}

int exec_node(struct node *n)
{
    int status;

    if (!n)
        return sh.status;
    switch (n->type) {
    case N_SIMPLE:
    case N_PIPE:
    case N_SUBSHELL:
        status = run_pipeline(n, 0);
        break;
    case N_BG:
        status = run_pipeline(n->u.bin.left, 1);
        break;
    case N_AND:
    case N_OR:
        status = cond(n->u.bin.left);
        if (!interrupted() && (status == 0) == (n->type == N_AND))
            status = exec_node(n->u.bin.right);
        break;
    case N_SEQ:
        exec_node(n->u.bin.left);
        if (interrupted())
            return sh.status;
        status = exec_node(n->u.bin.right);
        break;
    case N_NOT:
        status = !cond(n->u.bin.left);
        break;
    case N_FUNC:
        func_define(n->u.func.name, n->u.func.body);
        status = 0;
        break;
    default:
        status = exec_compound(n);
        break;
    }
    sh.status = status;
    if (sh.errexit && status && !sh.in_cond && (n->type == N_SIMPLE || n->type == N_PIPE ||
                                                n->type == N_SUBSHELL))
        sh_exit(status);
    return status;
}

/* Runs commands from a string or a pushed input ("eval", "."): parse and run until its end. */
int run_input(void)
{
    struct arena_mark m = arena_mark();
    int how, status = 0;

    for (;;) {
        struct node *n = parse_command(&how);

        if (how == PARSE_EOF)
            break;
        if (how == PARSE_ERROR) {
            if (!sh.interactive)
                sh_exit(2);
            status = 2;
            break;
        }
        if (n) {
            status = exec_node(n);
            if (interrupted())
                break;
        }
    }
    arena_release(m);
    return status;
}

int run_string(const char *s)
{
    int status;

    input_push_string(s);
    status = run_input();
    input_pop();
    return status;
}
