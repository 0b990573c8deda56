/*
 * builtins.c - the commands the shell runs itself, because they change the
 * shell (cd, exit, export, set, shift, ., eval, break, ...) or are cheap
 * (true, false, :). echo, test and the rest are programs in /bin.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

static int bi_colon(char **argv)
{
    (void)argv;
    return 0;
}

static int bi_false(char **argv)
{
    (void)argv;
    return 1;
}

static int bi_cd(char **argv)
{
    const char *dir = argv[1];
    char cwd[1024];
    int print = 0;

    if (!dir) {
        dir = var_get("HOME");
        if (!dir || !*dir)
            dir = "/";
    } else if (strcmp(dir, "-") == 0) {
        dir = var_get("OLDPWD");
        if (!dir) {
            sh_error("cd: OLDPWD not set");
            return 1;
        }
        print = 1;
    }
    if (chdir(dir) < 0) {
        sh_error("cd: can't cd to %s", dir);
        return 2;
    }
    var_set("OLDPWD", var_get("PWD") ? var_get("PWD") : "", 0);
    if (getcwd(cwd, sizeof(cwd))) {
        var_set("PWD", cwd, 0);
        if (print)
            printf("%s\n", cwd);
    }
    return 0;
}

static int bi_pwd(char **argv)
{
    char cwd[1024];

    (void)argv;
    if (!getcwd(cwd, sizeof(cwd))) {
        sh_error("pwd: %s", strerror(errno));
        return 1;
    }
    printf("%s\n", cwd);
    return 0;
}

static int number(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (!*s || *end || v < 0) {
        sh_error("Illegal number: %s", s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int bi_exit(char **argv)
{
    int st = sh.status;

    if (argv[1] && number(argv[1], &st) < 0)
        st = 2;
    sh_exit(st & 0xff);
}

static int bi_export(char **argv)
{
    int i;

    if (!argv[1] || strcmp(argv[1], "-p") == 0) {
        var_print(1);
        return 0;
    }
    for (i = 1; argv[i]; i++) {
        char *eq = strchr(argv[i], '=');

        if (!var_valid_name(argv[i], eq ? (size_t)(eq - argv[i]) : strlen(argv[i]))) {
            sh_error("export: %s: bad variable name", argv[i]);
            return 2;
        }
        if (eq) {
            *eq = '\0';
            var_set(argv[i], eq + 1, 1);
            *eq = '=';
        } else {
            var_export(argv[i]);
        }
    }
    return 0;
}

static int bi_unset(char **argv)
{
    int i = 1;

    if (argv[1] && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "-f") == 0))
        i++;
    for (; argv[i]; i++)
        var_unset(argv[i]);
    return 0;
}

static void set_params(char **args)
{
    int i, n;

    for (i = 0; i < sh.params.argc; i++)
        free(sh.params.argv[i]);
    free(sh.params.argv);
    for (n = 0; args[n]; n++)
        ;
    sh.params.argc = n;
    sh.params.argv = xmalloc(sizeof(char *) * (size_t)(n + 1));
    for (i = 0; i < n; i++)
        sh.params.argv[i] = xstrdup(args[i]);
}

/* set -e -f -u -x (and +), set -- args, set args; returns 0 or -1 on a bad option. */
int set_options(char **argv, int *consumed)
{
    int i;

    for (i = 0; argv[i] && (argv[i][0] == '-' || argv[i][0] == '+') && argv[i][1]; i++) {
        const char *o;
        int on = argv[i][0] == '-';

        if (strcmp(argv[i], "--") == 0) {
            i++;
            *consumed = i;
            return 1;
        }
        for (o = argv[i] + 1; *o; o++) {
            switch (*o) {
            case 'e': sh.errexit = on; break;
            case 'f': sh.noglob = on; break;
            case 'u': sh.nounset = on; break;
            case 'x': sh.xtrace = on; break;
            case 'i': case 's': case 'm': break;
            default:
                sh_error("set: illegal option %c%c", argv[i][0], *o);
                return -1;
            }
        }
    }
    *consumed = i;
    return 0;
}

static int bi_set(char **argv)
{
    int used, dashdash;

    if (!argv[1]) {
        var_print(0);
        return 0;
    }
    dashdash = set_options(argv + 1, &used);
    if (dashdash < 0)
        return 2;
    if (dashdash || argv[1 + used])
        set_params(argv + 1 + used);
    return 0;
}

static int bi_shift(char **argv)
{
    int n = 1, i;

    if (argv[1] && number(argv[1], &n) < 0)
        return 2;
    if (n > sh.params.argc) {
        sh_error("shift: can't shift that many");
        return 2;
    }
    for (i = 0; i < n; i++)
        free(sh.params.argv[i]);
    memmove(sh.params.argv, sh.params.argv + n,
            sizeof(char *) * (size_t)(sh.params.argc - n));
    sh.params.argc -= n;
    return 0;
}

static int bi_eval(char **argv)
{
    struct sbuf b = {0};
    char *s;
    int i, status;

    for (i = 1; argv[i]; i++) {
        if (i > 1)
            sb_putc(&b, ' ');
        sb_puts(&b, argv[i]);
    }
    sb_putc(&b, '\n');
    s = sb_take(&b);
    status = run_string(s);
    free(s);
    return status;
}

static int bi_dot(char **argv)
{
    const char *path = var_get("PATH");
    char *file = NULL;
    int fd = -1, status;

    if (!argv[1]) {
        sh_error(".: filename argument required");
        return 2;
    }
    if (!strchr(argv[1], '/') && path) {
        const char *p = path;

        /* "." looks along $PATH first, as POSIX says, then at the name itself */
        while (fd < 0) {
            const char *colon = strchr(p, ':');
            size_t len = colon ? (size_t)(colon - p) : strlen(p);
            struct sbuf b = {0};

            sb_putn(&b, len ? p : ".", len ? len : 1);
            sb_putc(&b, '/');
            sb_puts(&b, argv[1]);
            file = sb_take(&b);
            fd = open(file, O_RDONLY);
            free(file);
            if (!colon)
                break;
            p = colon + 1;
        }
    }
    if (fd < 0)
        fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        sh_error(".: cannot open %s: %s", argv[1], strerror(errno));
        return 2;
    }
    {
        int high = fd_stash(fd);

        close(fd);
        fd = high;
    }
    input_push_fd(fd, 0);
    status = run_input();
    input_pop();
    close(fd);
    if (sh.returning) {
        sh.returning = 0;
        status = sh.status;
    }
    return status;
}

static int loop_control(char **argv, int *flag)
{
    int n = 1;

    if (argv[1] && (number(argv[1], &n) < 0 || n < 1))
        return 2;
    if (sh.loop_depth == 0)
        return 0;
    *flag = n > sh.loop_depth ? sh.loop_depth : n;
    return 0;
}

static int bi_break(char **argv)
{
    return loop_control(argv, &sh.breaking);
}

static int bi_continue(char **argv)
{
    return loop_control(argv, &sh.continuing);
}

static int bi_return(char **argv)
{
    int n = sh.status;

    if (argv[1] && number(argv[1], &n) < 0)
        n = 2;
    sh.status = n & 0xff;
    sh.returning = 1;
    return sh.status;
}

static int bi_wait(char **argv)
{
    return job_wait_builtin(argv);
}

static int bi_jobs(char **argv)
{
    (void)argv;
    job_list();
    return 0;
}

static int bi_exec(char **argv)
{
    /* "exec" alone (redirections only) is handled by run.c */
    sh_exit(run_external(argv + 1));
}

/* read [-r] NAME...: one line from standard input, split on IFS. */
static int bi_read(char **argv)
{
    struct sbuf line = {0}, field = {0};
    const char *ifs = var_get("IFS");
    int raw = 0, i = 1, got = 0;
    char ch, *s, *p;
    long n;

    if (!ifs)
        ifs = " \t\n";
    if (argv[i] && strcmp(argv[i], "-r") == 0) {
        raw = 1;
        i++;
    }
    /* byte by byte: what follows the line must stay for the next reader */
    while ((n = read(0, &ch, 1)) == 1 || (n < 0 && errno == EINTR)) {
        if (n < 0)
            continue;
        got = 1;
        if (ch == '\n')
            break;
        if (ch == '\\' && !raw) {
            if (read(0, &ch, 1) != 1)
                break;
            if (ch == '\n')
                continue;
            sb_putc(&line, '\x01');     /* marks the next character as quoted */
        }
        sb_putc(&line, ch);
    }
    s = sb_take(&line);
    p = s;
    for (; argv[i]; i++) {
        /* leading IFS white space is skipped; the last name takes the rest */
        while (*p && *p != '\x01' && strchr(ifs, *p) && strchr(" \t\n", *p))
            p++;
        while (*p) {
            if (*p == '\x01' && p[1]) {
                sb_putc(&field, p[1]);
                p += 2;
                continue;
            }
            if (argv[i + 1] && strchr(ifs, *p)) {
                p++;
                while (*p && strchr(ifs, *p) && strchr(" \t\n", *p))
                    p++;
                break;
            }
            sb_putc(&field, *p++);
        }
        if (!argv[i + 1]) {
            while (field.n > 0 && strchr(ifs, field.s[field.n - 1]) &&
                   strchr(" \t\n", field.s[field.n - 1]))
                field.n--;
            if (field.s)
                field.s[field.n] = '\0';
        }
        {
            char *v = sb_take(&field);

            var_set(argv[i], v, 0);
            free(v);
        }
    }
    free(s);
    return got && n == 1 ? 0 : 1;
}

static int bi_unknown(char **argv)
{
    sh_error("%s: not supported", argv[0]);
    return 2;
}

static const struct {
    const char *name;
    builtin_fn fn;
} builtins[] = {
    {":", bi_colon}, {"true", bi_colon}, {"false", bi_false}, {"cd", bi_cd},
    {"pwd", bi_pwd}, {"exit", bi_exit}, {"export", bi_export}, {"unset", bi_unset},
    {"set", bi_set}, {"shift", bi_shift}, {"eval", bi_eval}, {".", bi_dot},
    {"source", bi_dot}, {"break", bi_break}, {"continue", bi_continue},
    {"return", bi_return}, {"wait", bi_wait}, {"jobs", bi_jobs}, {"exec", bi_exec},
    {"read", bi_read}, {"trap", bi_unknown},
};

builtin_fn builtin_lookup(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
        if (strcmp(builtins[i].name, name) == 0)
            return builtins[i].fn;
    return NULL;
}
