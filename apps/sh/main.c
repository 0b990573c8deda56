/*
 * main.c - the shell's entry: options (sh -c CMD [ARG0 ARGS], sh FILE ARGS,
 * or commands from standard input), the terminal and signal set-up for an
 * interactive shell, the read-parse-run loop, and the small helpers every
 * file uses (messages, allocation, growing strings).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh.h"

extern char **environ;

struct shell sh;
volatile int sh_sigint;


/* ---- helpers ------------------------------------------------------------------- */

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p) {
        write(2, "sh: out of memory\n", 18);
        _exit(2);
    }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        write(2, "sh: out of memory\n", 18);
        _exit(2);
    }
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;

    return memcpy(xmalloc(n), s, n);
}

void sb_putn(struct sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

void sb_putc(struct sbuf *b, int c)
{
    char ch = (char)c;

    sb_putn(b, &ch, 1);
}

void sb_puts(struct sbuf *b, const char *s)
{
    sb_putn(b, s, strlen(s));
}

char *sb_take(struct sbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");

    b->s = NULL;
    b->n = b->cap = 0;
    return s;
}

/* "sh: LINE: message" from scripts, "sh: message" at the terminal. */
void sh_error(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    if (sh.interactive)
        fprintf(stderr, "sh: ");
    else
        fprintf(stderr, "sh: %d: ", sh.lineno);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void sh_syntax_error(const char *fmt, ...)
{
    va_list ap;

    sh.lineno = input_lineno();
    if (sh.interactive)
        fprintf(stderr, "sh: Syntax error: ");
    else
        fprintf(stderr, "sh: %d: Syntax error: ", sh.lineno);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    parse_fail();
    sh_exit(2);     /* not parsing: cannot happen, but never return */
}

void sh_exit(int status)
{
    fflush(stdout);
    fflush(stderr);
    exit(status);
}

/* ---- start-up ------------------------------------------------------------------- */

/* How to start another copy of this shell: argv[0] made absolute, or found on $PATH. */
static const char *find_self(const char *argv0)
{
    char cwd[1024];
    const char *path = var_get("PATH");
    struct sbuf b = {0};

    if (argv0[0] == '/')
        return argv0;
    if (strchr(argv0, '/')) {
        if (!getcwd(cwd, sizeof(cwd)))
            return argv0;
        sb_puts(&b, cwd);
        sb_putc(&b, '/');
        sb_puts(&b, argv0);
        return sb_take(&b);
    }
    while (path && *path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        char *cand;

        sb_putn(&b, path, len);
        sb_putc(&b, '/');
        sb_puts(&b, argv0);
        cand = sb_take(&b);
        if (cand[0] == '/' && access(cand, X_OK) == 0)
            return cand;
        free(cand);
        if (!colon)
            break;
        path = colon + 1;
    }
    return "/bin/sh";
}

static void on_sigint(int sig)
{
    (void)sig;
    sh_sigint = 1;
}

static void setup_interactive(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;      /* no SA_RESTART: a read at the prompt gives EINTR */
    sigaction(SIGINT, &sa, NULL);
    signal(SIGTERM, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    if (!isatty(0))
        return;
    /* job control: the shell leads its own group and hands the terminal around */
    signal(SIGTSTP, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
    if (getpgrp() != getpid())
        setpgid(0, 0);
    sh.pgrp = getpgrp();
    tcsetpgrp(0, sh.pgrp);
    sh.job_control = 1;
}

static void set_args(char **args, int n)
{
    int i;

    sh.params.argc = n > 0 ? n : 0;
    sh.params.argv = xmalloc(sizeof(char *) * (size_t)(sh.params.argc + 1));
    for (i = 0; i < sh.params.argc; i++)
        sh.params.argv[i] = xstrdup(args[i]);
}

static void usage(void)
{
    fprintf(stderr, "usage: sh [-efux] [-c COMMAND [ARG0 [ARG...]] | FILE [ARG...]]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *command = NULL;
    int i = 1, force_interactive = 0, stdin_mode = 0, how;
    char cwd[1024];

    sh.params.arg0 = argv[0] ? argv[0] : "sh";
    var_init(environ);
    sh.self = find_self(sh.params.arg0);
    if (getcwd(cwd, sizeof(cwd)))
        var_set("PWD", cwd, 1);

    /* options: -c, -i, -s and the set options, bundled or not */
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *o;

        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (o = argv[i] + 1; *o; o++) {
            if (*o == 'c') {
                command = "";
            } else if (*o == 'i') {
                force_interactive = 1;
            } else if (*o == 's') {
                stdin_mode = 1;
            } else {
                char opt[3] = {'-', *o, '\0'};
                char *v[2] = {opt, NULL};
                int used;

                if (set_options(v, &used) < 0)
                    usage();
            }
        }
    }
    if (command) {
        if (i >= argc)
            usage();
        command = argv[i++];
        if (i < argc)
            sh.params.arg0 = argv[i++];
        set_args(argv + i, argc - i);
        input_push_string(command);
    } else if (i < argc && !stdin_mode) {
        int fd = open(argv[i], O_RDONLY), high;

        sh.params.arg0 = argv[i];
        if (fd < 0) {
            fprintf(stderr, "sh: 0: cannot open %s: %s\n", argv[i], strerror(errno));
            exit(errno == ENOENT ? 127 : 126);
        }
        high = fd_stash(fd);
        close(fd);
        set_args(argv + i + 1, argc - i - 1);
        input_push_fd(high, 0);
    } else {
        set_args(argv + i, argc - i);
        sh.interactive = force_interactive || (isatty(0) && isatty(2));
        if (sh.interactive)
            setup_interactive();
        input_push_fd(0, sh.interactive);
    }

    for (;;) {
        struct arena_mark m = arena_mark();
        struct node *n = parse_command(&how);

        if (how == PARSE_EOF)
            break;
        if (how == PARSE_ERROR && !sh.interactive)
            sh_exit(2);
        sh.got_intr = 0;
        sh_sigint = 0;
        sh.breaking = sh.continuing = sh.returning = 0;
        if (n)
            exec_node(n);
        arena_release(m);
    }
    if (sh.interactive)
        fputc('\n', stderr);
    sh_exit(sh.status);
}
