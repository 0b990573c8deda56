/*
 * sh.h - the shell's shared types: input sources, tokens, the syntax tree,
 * variables and jobs, and the functions each file offers the others.
 *
 * Data flows input.c -> lex.c -> parse.c (a tree per complete command) ->
 * exec.c, which calls expand.c for words, builtins.c and jobs.c. There is no
 * fork: external programs are started with posix_spawn, and everything the
 * shell runs itself (builtins, compound commands) runs in this process with
 * its descriptors temporarily redirected.
 */
#ifndef SH_H
#define SH_H

#include <stddef.h>
#include <sys/types.h>

/* ---- a growing string (main.c) ----------------------------------------------- */

struct sbuf {
    char *s;
    size_t n, cap;
};

void sb_putc(struct sbuf *b, int c);
void sb_putn(struct sbuf *b, const char *s, size_t n);
void sb_puts(struct sbuf *b, const char *s);
char *sb_take(struct sbuf *b);  /* the NUL-terminated string; b is empty again */

/* ---- input.c: where commands come from ---------------------------------------- */

struct input {
    int fd;                 /* -1 for a string */
    const char *str;        /* the -c string, when fd < 0 */
    size_t str_pos;
    char *line;             /* the current line, NUL-terminated */
    size_t len, pos, cap;
    int lineno;             /* number of the line being read */
    int eof;
    int interactive;        /* prompt before each line */
    struct input *prev;     /* the source that "." interrupted */
};

void input_push_fd(int fd, int interactive);
void input_push_string(const char *s);
void input_pop(void);
int input_getc(void);       /* next character; -1 at end of input */
void input_ungetc(int c);
void input_new_command(void);   /* the next line starts a command: PS1, not PS2 */
void input_discard_line(void);
int input_lineno(void);
/* Characters consumed since input_record_start; the caller frees. */
void input_record_start(void);
char *input_record_stop(void);
void input_record_reset(void);

struct redir;

/* ---- lex.c: tokens ------------------------------------------------------------ */

enum tok {
    T_EOF, T_NEWLINE, T_WORD, T_IO_NUMBER,
    T_SEMI, T_DSEMI, T_AMP, T_AND, T_OR, T_PIPE, T_LPAREN, T_RPAREN,
    T_LESS, T_GREAT, T_DGREAT, T_LESSAND, T_GREATAND, T_LESSGREAT, T_CLOBBER, T_DLESS, T_DLESSDASH,
};

struct token {
    enum tok type;
    char *text;             /* T_WORD: the raw word, quotes kept; T_IO_NUMBER: digits */
    int lineno;
};

void lex_next(struct token *t);
void lex_unget(const struct token *t);
void lex_reset(void);
void lex_heredoc(struct redir *r, const char *delim, int strip_tabs);
const char *tok_name(enum tok t);

/* ---- parse.c: the syntax tree -------------------------------------------------- */

enum redir_op { R_IN, R_OUT, R_APPEND, R_DUPIN, R_DUPOUT, R_RDWR, R_HEREDOC };

struct redir {
    int fd;                 /* the descriptor redirected */
    enum redir_op op;
    char *word;             /* raw: file name, fd number or "-"; R_HEREDOC: the body */
    int quoted_heredoc;     /* body is not expanded */
    struct redir *next;
};

enum node_type {
    N_SIMPLE, N_PIPE, N_AND, N_OR, N_SEQ, N_BG, N_NOT,
    N_IF, N_WHILE, N_UNTIL, N_FOR, N_CASE, N_GROUP, N_SUBSHELL, N_FUNC,
};

struct case_item {
    char **patterns;        /* raw words, NULL-terminated */
    struct node *body;      /* may be NULL */
    struct case_item *next;
};

struct node {
    enum node_type type;
    int lineno;
    struct redir *redirs;   /* on simple and compound commands */
    union {
        struct {            /* N_SIMPLE */
            char **assigns;     /* raw NAME=value words */
            char **words;       /* raw words */
        } simple;
        struct {            /* N_PIPE */
            struct node **cmds;
            int n;
        } pipe;
        struct {            /* N_AND, N_OR, N_SEQ, N_BG, N_NOT (left only) */
            struct node *left, *right;
        } bin;
        struct {            /* N_IF, N_WHILE, N_UNTIL */
            struct node *cond, *then, *els;
        } cond;
        struct {            /* N_FOR */
            char *var;
            char **words;       /* NULL: "$@" */
            struct node *body;
        } loop;
        struct {            /* N_CASE */
            char *word;
            struct case_item *items;
        } kase;
        struct {            /* N_GROUP, N_SUBSHELL (text: the source to hand to sh -c) */
            struct node *body;
            char *text;
        } group;
        struct {            /* N_FUNC */
            char *name;
            struct node *body;
        } func;
    } u;
};

/* Parses one complete command; NULL for an empty line or when *how says why. */
enum { PARSE_OK, PARSE_EOF, PARSE_ERROR, PARSE_INTR };
struct node *parse_command(int *how);
void parse_fail(void);
void parse_interrupted(void);       /* Ctrl-C at a prompt: abandon the command */
void *arena_alloc(size_t n);
char *arena_strdup(const char *s);
struct arena_mark {
    void *chunk;
    size_t used;
};
struct arena_mark arena_mark(void);
void arena_release(struct arena_mark m);
void arena_keep_current(void);

/* ---- expand.c ------------------------------------------------------------------ */

struct strv {
    char **v;
    int n, cap;
};

void strv_push(struct strv *sv, char *s);
void strv_free(struct strv *sv);
/* Full expansion of raw words into fields (split, globbed). */
void expand_words(char **words, struct strv *out);
/* Expansion of one word without splitting or globbing (assignments, redirections). */
char *expand_word(const char *raw);
/* Same, but the result is a pattern for fnmatch: quoted characters are escaped. */
char *expand_pattern(const char *raw);
char *expand_heredoc(const char *body);
/* Skips a $( ... ) body starting after "$("; returns the offset of the ")". */
size_t skip_cmdsubst(const char *s);
long arith_eval(const char *expr, int *err);

/* ---- var.c --------------------------------------------------------------------- */

void var_init(char **envp);
const char *var_get(const char *name);
int var_set(const char *name, const char *value, int export);
int var_unset(const char *name);
void var_export(const char *name);
int var_valid_name(const char *s, size_t len);
char **var_environ(char **extra);     /* exported variables plus NAME=value overrides */
void var_print(int exported_only);
char *var_script(void);               /* all variables as assignments, for sh -c */

struct params {
    char *arg0;
    char **argv;            /* $1...: malloced strings */
    int argc;
};

/* ---- exec.c, run.c, jobs.c, builtins.c, unparse.c -------------------------------- */

int exec_node(struct node *n);
int interrupted(void);
int run_input(void);                    /* parse and run the current input to its end */
int run_string(const char *s);          /* eval */
int exec_redirect(struct redir *r, int keep);   /* keep: no undo (the exec builtin) */
void exec_undo_redirects(int mark);
int exec_redirect_mark(void);
int fd_stash(int fd);
void func_define(const char *name, struct node *body);
struct node *func_lookup(const char *name);
int func_call(struct node *body, char **argv);

int run_pipeline(struct node *n, int bg);
/* Starts another copy of the shell with args, then $0 and the positional parameters. */
pid_t spawn_self(char **args, int out_fd);
int run_external(char **argv);

void job_add(pid_t *pids, int n, const char *text);
void job_wait_fg(pid_t *pids, int n, int *statuses);
int job_wait_builtin(char **argv);
void job_report(int verbose);
void job_list(void);

typedef int (*builtin_fn)(char **argv);
builtin_fn builtin_lookup(const char *name);
int set_options(char **argv, int *consumed);

char *unparse(struct node *n);

/* ---- main.c: the shell's state ------------------------------------------------- */

struct shell {
    int status;             /* $? */
    pid_t last_bg;          /* $! */
    int interactive;
    int job_control;        /* interactive with a terminal: groups and foreground */
    pid_t pgrp;             /* the shell's own process group, given the terminal back */
    struct params params;
    const char *self;       /* how to start another copy of this shell */
    int loop_depth;         /* enclosing for/while loops */
    int breaking;           /* break N levels pending */
    int continuing;         /* continue pending */
    int returning;          /* return from function or "." pending */
    int func_depth;
    int got_intr;           /* a foreground child died of SIGINT: abandon the command */
    int in_cond;            /* running a condition: set -e does not apply */
    int lineno;             /* line of the command running, for messages */
    int subst_status;       /* of the last command substitution, -1 if none ran */
    int errexit;            /* set -e */
    int xtrace;             /* set -x */
    int noglob;             /* set -f */
    int nounset;            /* set -u */
    const char *cmd_name;   /* for messages: "sh" */
};

extern struct shell sh;
extern volatile int sh_sigint;      /* set by the SIGINT handler of an interactive shell */

void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sh_syntax_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sh_exit(int status) __attribute__((noreturn));
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
