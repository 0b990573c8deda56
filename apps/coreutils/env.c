/*
 * env - run a program in a modified environment, or print the environment.
 * Usage: env [-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...]
 * Options: -i start from an empty environment, -u NAME remove NAME.
 * COMMAND is started with posix_spawnp (anyk has no fork/exec) and env exits with its
 * status: 127 if it cannot be found, 126 if it cannot be run, 128+N if killed by signal N.
 */
#include <getopt.h>
#include <spawn.h>
#include <sys/wait.h>

#include "common.h"

extern char **environ;

static char **vars;
static size_t nvars;

static void unset_var(const char *name)
{
    size_t i, l = strlen(name);

    for (i = 0; i < nvars; i++) {
        if (strncmp(vars[i], name, l) == 0 && vars[i][l] == '=') {
            memmove(vars + i, vars + i + 1, (nvars - i) * sizeof(char *));
            nvars--;
            i--;
        }
    }
}

static void set_var(char *assignment)
{
    size_t l = (size_t)(strchr(assignment, '=') - assignment);
    char *name = xmalloc(l + 1);

    memcpy(name, assignment, l);
    name[l] = '\0';
    unset_var(name);
    free(name);
    vars = xrealloc(vars, (nvars + 2) * sizeof(char *));
    vars[nvars++] = assignment;
    vars[nvars] = NULL;
}

int main(int argc, char **argv)
{
    int c, empty = 0, i, st, err;
    size_t k;
    pid_t pid;

    progname = "env";
    opterr = 0;
    /* a lone "-" means -i, as POSIX says */
    for (i = 1; i < argc && strcmp(argv[i], "-") == 0; i++)
        argv[i] = "-i";
    for (k = 0; environ && environ[k]; k++)
        ;
    vars = xmalloc((k + 1) * sizeof(char *));
    for (nvars = 0; nvars < k; nvars++)
        vars[nvars] = environ[nvars];
    vars[nvars] = NULL;
    while ((c = getopt(argc, argv, "+iu:")) != -1) {
        switch (c) {
        case 'i': empty = 1; nvars = 0; vars[0] = NULL; break;
        case 'u': unset_var(optarg); vars[nvars] = NULL; break;
        default: bad_option(c, 125);
        }
    }
    (void)empty;
    for (; optind < argc && strchr(argv[optind], '='); optind++)
        set_var(argv[optind]);
    if (optind >= argc) {
        for (k = 0; k < nvars; k++)
            puts(vars[k]);
        return finish_stdout();
    }
    err = posix_spawnp(&pid, argv[optind], NULL, NULL, argv + optind, vars);
    if (err) {
        warnmsg("'%s': %s", argv[optind], strerror(err));
        return err == ENOENT ? 127 : 126;
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            warnmsg("wait: %s", strerror(errno));
            return 125;
        }
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return 128 + WTERMSIG(st);
}
