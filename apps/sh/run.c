/*
 * run.c - simple commands and pipelines: expansion, command lookup through
 * $PATH, and starting programs with posix_spawn.
 *
 * A pipeline is run in two passes. First every stage that is an external
 * program (or a ( subshell )) is spawned, with its pipe ends put on 0 and 1.
 * Then the stages the shell must run itself (builtins, functions, compound
 * commands) run one after the other, left to right, with the shell's own 0
 * and 1 pointing at their pipes. Because the programs around them are
 * already running, a loop feeding "sort" or a "{ head; tail; }" fed by "cat"
 * never waits for a reader or writer that does not exist yet. (Two adjacent
 * stages run by the shell still share one pipe buffer: a limit of not forking.)
 *
 * With job control, all programs of a pipeline share one process group,
 * which gets the terminal while it runs in the foreground.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"

extern char **environ;

/* The process group being filled by the pipeline that runs now (job control only). */
static struct {
    int active;
    pid_t pgid;             /* 0 until the first program starts */
    int fg;
} pg;

enum kind { K_NONE, K_EXTERNAL, K_BUILTIN, K_FUNC, K_SHELL, K_SUBSHELL, K_ERROR };

struct stage {
    struct node *n;
    enum kind kind;
    struct strv argv;
    struct strv assigns;    /* expanded NAME=value */
    char *path;
    pid_t pid;
    int status;
    int done;               /* started or run in pass 1 */
};

/* ---- spawning --------------------------------------------------------------------- */

static pid_t do_spawn(const char *path, char **argv, char **envp, int out_fd, int use_pg)
{
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t fa;
    sigset_t def;
    short flags = POSIX_SPAWN_SETSIGDEF;
    pid_t pid;
    int r;

    fflush(stdout);
    fflush(stderr);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&fa);
    /* the shell ignores or catches these; its children must not */
    sigemptyset(&def);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    sigaddset(&def, SIGQUIT);
    sigaddset(&def, SIGTSTP);
    sigaddset(&def, SIGTTIN);
    sigaddset(&def, SIGTTOU);
    posix_spawnattr_setsigdefault(&attr, &def);
    if (use_pg && sh.job_control && pg.active) {
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(&attr, pg.pgid);
#ifdef POSIX_SPAWN_ANYK_FOREGROUND
        if (pg.fg && pg.pgid == 0)
            flags |= POSIX_SPAWN_ANYK_FOREGROUND;
#endif
    }
    posix_spawnattr_setflags(&attr, flags);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    r = posix_spawn(&pid, path, &fa, &attr, argv, envp);
    if (r == ENOEXEC) {
        /* not a binary: a script without "#!", which this shell runs */
        struct strv v = {0};
        int i;

        strv_push(&v, (char *)sh.self);
        strv_push(&v, (char *)path);
        for (i = 1; argv[i]; i++)
            strv_push(&v, argv[i]);
        r = posix_spawn(&pid, sh.self, &fa, &attr, v.v, envp);
        free(v.v);
    }
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (r != 0) {
        errno = r;
        return -1;
    }
    if (use_pg && sh.job_control && pg.active && pg.pgid == 0) {
        pg.pgid = pid;
        if (pg.fg)
            tcsetpgrp(0, pid);
    }
    return pid;
}

static pid_t spawn_self_pg(char **args, int out_fd, int use_pg)
{
    struct strv v = {0};
    char **env;
    pid_t pid;
    int i;

    strv_push(&v, (char *)sh.self);
    for (i = 0; args[i]; i++)
        strv_push(&v, args[i]);
    strv_push(&v, sh.params.arg0);
    for (i = 0; i < sh.params.argc; i++)
        strv_push(&v, sh.params.argv[i]);
    env = var_environ(NULL);
    pid = do_spawn(sh.self, v.v, env, out_fd, use_pg);
    if (pid < 0)
        sh_error("%s: %s", sh.self, strerror(errno));
    for (i = 0; env[i]; i++)
        free(env[i]);
    free(env);
    free(v.v);
    return pid;
}

pid_t spawn_self(char **args, int out_fd)
{
    return spawn_self_pg(args, out_fd, 0);
}

/* A ( subshell ), or anything sent to the background that is not a plain program. */
static pid_t spawn_text(const char *text)
{
    struct sbuf b = {0};
    char *args[3];
    char *vars = var_script();
    pid_t pid;

    sb_puts(&b, vars);
    sb_puts(&b, text);
    free(vars);
    args[0] = "-c";
    args[1] = sb_take(&b);
    args[2] = NULL;
    pid = spawn_self_pg(args, -1, 1);
    free(args[1]);
    return pid;
}

/* ---- command lookup -------------------------------------------------------------------- */

/* Finds name along $PATH; *status is 127 (not found) or 126 (not executable) on failure. */
static char *find_command(const char *name, int *status)
{
    const char *path = var_get("PATH"), *p;
    struct stat st;

    *status = 127;
    if (strchr(name, '/')) {
        if (stat(name, &st) != 0)
            return NULL;
        if (S_ISDIR(st.st_mode) || access(name, X_OK) != 0) {
            *status = 126;
            return NULL;
        }
        return xstrdup(name);
    }
    if (!path)
        path = "/bin";
    for (p = path;; p++) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        struct sbuf b = {0};
        char *cand;

        sb_putn(&b, len ? p : ".", len ? len : 1);
        sb_putc(&b, '/');
        sb_puts(&b, name);
        cand = sb_take(&b);
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
            if (access(cand, X_OK) == 0)
                return cand;
            *status = 126;
        }
        free(cand);
        if (!colon)
            break;
        p = colon;
    }
    return NULL;
}

static void prepare(struct stage *s)
{
    struct node *n = s->n;
    int i;

    if (n->type == N_SUBSHELL) {
        s->kind = K_SUBSHELL;
        return;
    }
    if (n->type != N_SIMPLE) {
        s->kind = K_SHELL;
        return;
    }
    sh.lineno = n->lineno;
    sh.subst_status = -1;
    for (i = 0; n->u.simple.assigns && n->u.simple.assigns[i]; i++) {
        const char *raw = n->u.simple.assigns[i];
        const char *eq = strchr(raw, '=');
        struct sbuf b = {0};
        char *val = expand_word(eq + 1);

        sb_putn(&b, raw, (size_t)(eq - raw) + 1);
        sb_puts(&b, val);
        free(val);
        strv_push(&s->assigns, sb_take(&b));
    }
    expand_words(n->u.simple.words, &s->argv);
    if (s->argv.n == 0) {
        /* "x=$(cmd)" has cmd's status; a plain assignment has 0 */
        s->kind = K_NONE;
        s->status = sh.subst_status >= 0 ? sh.subst_status : 0;
    } else if (func_lookup(s->argv.v[0])) {
        s->kind = K_FUNC;
    } else if (builtin_lookup(s->argv.v[0])) {
        s->kind = K_BUILTIN;
    } else {
        s->path = find_command(s->argv.v[0], &s->status);
        s->kind = s->path ? K_EXTERNAL : K_ERROR;
    }
    if (sh.xtrace && s->argv.n) {
        fputc('+', stderr);
        for (i = 0; i < s->argv.n; i++)
            fprintf(stderr, " %s", s->argv.v[i]);
        fputc('\n', stderr);
    }
}

/* Sets NAME=value pairs in the shell; with old, remembers what was there. */
static void assign(struct strv *assigns, struct strv *old)
{
    int i;

    for (i = 0; i < assigns->n; i++) {
        char *eq = strchr(assigns->v[i], '=');
        const char *prev;

        *eq = '\0';
        if (old) {
            prev = var_get(assigns->v[i]);
            strv_push(old, prev ? xstrdup(prev) : NULL);
        }
        var_set(assigns->v[i], eq + 1, 0);
        *eq = '=';
    }
}

static void unassign(struct strv *assigns, struct strv *old)
{
    int i;

    for (i = 0; i < assigns->n; i++) {
        char *eq = strchr(assigns->v[i], '=');

        *eq = '\0';
        if (old->v[i])
            var_set(assigns->v[i], old->v[i], 0);
        else
            var_unset(assigns->v[i]);
        *eq = '=';
        free(old->v[i]);
    }
    free(old->v);
}

/* Runs or starts one stage, its descriptors already in place. */
static void run_stage(struct stage *s)
{
    int mark = exec_redirect_mark();
    struct strv old = {0};

    s->pid = 0;
    if (s->kind == K_BUILTIN && strcmp(s->argv.v[0], "exec") == 0 && s->argv.n == 1) {
        /* exec with only redirections: they stay */
        s->status = exec_redirect(s->n->redirs, 1) < 0 ? 2 : 0;
        return;
    }
    if (exec_redirect(s->n->redirs, 0) < 0) {
        exec_undo_redirects(mark);
        s->status = 2;
        return;
    }
    switch (s->kind) {
    case K_NONE:
        assign(&s->assigns, NULL);
        break;
    case K_ERROR:
        sh.lineno = s->n->lineno;
        sh_error("%s: %s", s->argv.v[0], s->status == 127 ? "not found" : "Permission denied");
        break;
    case K_EXTERNAL: {
        char **env = var_environ(s->assigns.v);
        int i;

        s->pid = do_spawn(s->path, s->argv.v, env, -1, 1);
        if (s->pid < 0) {
            sh_error("%s: %s", s->argv.v[0], strerror(errno));
            s->status = errno == ENOENT ? 127 : 126;
            s->pid = 0;
        }
        for (i = 0; env[i]; i++)
            free(env[i]);
        free(env);
        break;
    }
    case K_BUILTIN:
    case K_FUNC:
        assign(&s->assigns, &old);
        if (s->kind == K_FUNC)
            s->status = func_call(func_lookup(s->argv.v[0]), s->argv.v);
        else
            s->status = builtin_lookup(s->argv.v[0])(s->argv.v);
        fflush(stdout);
        fflush(stderr);
        unassign(&s->assigns, &old);
        break;
    case K_SUBSHELL:
        s->pid = spawn_text(s->n->u.group.text);
        s->status = s->pid > 0 ? 0 : 126;
        if (s->pid < 0)
            s->pid = 0;
        break;
    case K_SHELL:
        exec_undo_redirects(mark);      /* compound commands do their own */
        s->status = exec_node(s->n);
        return;
    }
    exec_undo_redirects(mark);
}

/* Puts a pipeline stage's pipe ends on 0 and 1 (saved for undo). */
static void stage_fds(int (*pipes)[2], int i, int n)
{
    struct redir in = {0}, out = {0};
    char inword[16], outword[16];

    /* expressed as <&N and >&N redirections so that undo is the usual path */
    if (i > 0) {
        snprintf(inword, sizeof(inword), "%d", pipes[i - 1][0]);
        in.fd = 0;
        in.op = R_DUPIN;
        in.word = inword;
        exec_redirect(&in, 0);
    }
    if (i < n - 1) {
        snprintf(outword, sizeof(outword), "%d", pipes[i][1]);
        out.fd = 1;
        out.op = R_DUPOUT;
        out.word = outword;
        exec_redirect(&out, 0);
    }
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

int run_pipeline(struct node *n, int bg)
{
    struct stage st[64];
    int pipes[64][2];
    pid_t pids[64];
    int statuses[64];
    int nst, i, npids = 0, status, own_pg = 0, mark;

    if (bg && n->type != N_SIMPLE && n->type != N_PIPE && n->type != N_SUBSHELL) {
        /* a compound command in the background needs a process of its own */
        char *text = unparse(n);
        struct node sub = {0};

        sub.type = N_SUBSHELL;
        sub.lineno = n->lineno;
        sub.u.group.text = text;
        status = run_pipeline(&sub, 1);
        free(text);
        return status;
    }
    nst = n->type == N_PIPE ? n->u.pipe.n : 1;
    memset(st, 0, sizeof(st));
    for (i = 0; i < nst; i++) {
        st[i].n = n->type == N_PIPE ? n->u.pipe.cmds[i] : n;
        pipes[i][0] = pipes[i][1] = -1;
    }
    for (i = 0; i < nst - 1; i++) {
        if (pipe(pipes[i]) < 0) {
            sh_error("pipe: %s", strerror(errno));
            nst = i + 1;
            break;
        }
        fcntl(pipes[i][0], F_SETFD, FD_CLOEXEC);
        fcntl(pipes[i][1], F_SETFD, FD_CLOEXEC);
    }
    if (sh.job_control && !pg.active) {
        own_pg = 1;
        pg.active = 1;
        pg.pgid = 0;
        pg.fg = !bg;
    }

    /* pass 1: start every program */
    for (i = 0; i < nst; i++) {
        prepare(&st[i]);
        if (st[i].kind == K_EXTERNAL || st[i].kind == K_SUBSHELL ||
            (st[i].kind == K_ERROR && nst > 1)) {
            mark = exec_redirect_mark();
            stage_fds(pipes, i, nst);
            run_stage(&st[i]);
            exec_undo_redirects(mark);
            if (st[i].pid > 0)
                pids[npids++] = st[i].pid;
            st[i].done = 1;
        }
    }
    /* close the pipe ends that only spawned programs needed */
    for (i = 0; i < nst - 1; i++) {
        if (st[i].done)
            close_fd(&pipes[i][1]);
        if (st[i + 1].done)
            close_fd(&pipes[i][0]);
    }
    /* pass 2: what the shell runs itself */
    for (i = 0; i < nst; i++) {
        if (st[i].done)
            continue;
        mark = exec_redirect_mark();
        stage_fds(pipes, i, nst);
        run_stage(&st[i]);
        exec_undo_redirects(mark);
        if (i > 0)
            close_fd(&pipes[i - 1][0]);
        if (i < nst - 1)
            close_fd(&pipes[i][1]);
    }
    for (i = 0; i < nst - 1; i++) {
        close_fd(&pipes[i][0]);
        close_fd(&pipes[i][1]);
    }

    status = st[nst - 1].status;
    if (bg) {
        if (npids > 0) {
            char *text = unparse(n);

            job_add(pids, npids, text);
            free(text);
            sh.last_bg = pids[npids - 1];
        }
        status = 0;
    } else if (npids > 0) {
        int k = 0;

        job_wait_fg(pids, npids, statuses);
        for (i = 0; i < nst; i++)
            if (st[i].pid > 0)
                st[i].status = statuses[k++];
        status = st[nst - 1].status;
    }
    if (own_pg) {
        if (pg.fg && pg.pgid)
            tcsetpgrp(0, sh.pgrp);
        pg.active = 0;
    }
    for (i = 0; i < nst; i++) {
        strv_free(&st[i].argv);
        strv_free(&st[i].assigns);
        free(st[i].path);
    }
    return status;
}

/* The exec builtin with a command: there is no exec, so run it and leave with its status. */
int run_external(char **argv)
{
    char **env;
    char *path;
    int status, i;
    pid_t pid;

    path = find_command(argv[0], &status);
    if (!path) {
        sh_error("%s: %s", argv[0], status == 127 ? "not found" : "Permission denied");
        return status;
    }
    env = var_environ(NULL);
    pg.active = sh.job_control;
    pg.pgid = 0;
    pg.fg = 1;
    pid = do_spawn(path, argv, env, -1, 1);
    if (pid < 0) {
        sh_error("%s: %s", argv[0], strerror(errno));
        status = 126;
    } else {
        job_wait_fg(&pid, 1, &status);
    }
    pg.active = 0;
    for (i = 0; env[i]; i++)
        free(env[i]);
    free(env);
    free(path);
    return status;
}
