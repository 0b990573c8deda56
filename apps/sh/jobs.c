/*
 * jobs.c - waiting for programs: the foreground pipeline, background jobs
 * ("[N] PID" when started, "Done" reported before the next prompt), and the
 * wait and jobs builtins. Children are only ever waited for by pid, so a
 * background job's status is never lost to someone else's wait.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"

#define MAXPROCS 64

struct job {
    int id;
    pid_t pids[MAXPROCS];
    int status[MAXPROCS];
    int done[MAXPROCS];
    int n;
    char *text;
    struct job *next;
};

static struct job *jobs;

/* A wait status as $? sees it; tells the user about deaths by signal. */
static int decode(int ws, int fg)
{
    int sig;

    if (WIFEXITED(ws))
        return WEXITSTATUS(ws);
    if (!WIFSIGNALED(ws))
        return 128;
    sig = WTERMSIG(ws);
    if (fg && sig == SIGINT) {
        if (sh.interactive) {
            fputc('\n', stderr);
            sh.got_intr = 1;
        }
    } else if (fg && sig != SIGPIPE) {
        fprintf(stderr, "%s\n", strsignal(sig));
    }
    return 128 + sig;
}

static int wait_pid(pid_t pid, int flags, int *ws)
{
    int r;

    while ((r = waitpid(pid, ws, flags)) < 0 && errno == EINTR)
        ;
    return r;
}

void job_wait_fg(pid_t *pids, int n, int *statuses)
{
    int i, ws = 0;

    for (i = 0; i < n; i++) {
        if (wait_pid(pids[i], 0, &ws) < 0)
            statuses[i] = 127;
        else
            statuses[i] = decode(ws, i == n - 1);
    }
}

void job_add(pid_t *pids, int n, const char *text)
{
    struct job *j = xmalloc(sizeof(*j)), **tail;
    int id = 1;

    memset(j, 0, sizeof(*j));
    for (tail = &jobs; *tail; tail = &(*tail)->next)
        if ((*tail)->id >= id)
            id = (*tail)->id + 1;
    j->id = id;
    j->n = n > MAXPROCS ? MAXPROCS : n;
    memcpy(j->pids, pids, sizeof(pid_t) * (size_t)j->n);
    j->text = xstrdup(text);
    *tail = j;
    if (sh.interactive)
        fprintf(stderr, "[%d] %d\n", j->id, (int)pids[n - 1]);
}

static void job_remove(struct job *j)
{
    struct job **p;

    for (p = &jobs; *p; p = &(*p)->next) {
        if (*p == j) {
            *p = j->next;
            free(j->text);
            free(j);
            return;
        }
    }
}

/* Collects what has finished without blocking (block: wait for all of j). */
static int job_poll(struct job *j, int block)
{
    int i, ws = 0, all = 1, r;

    for (i = 0; i < j->n; i++) {
        if (j->done[i])
            continue;
        r = wait_pid(j->pids[i], block ? 0 : WNOHANG, &ws);
        if (r > 0 || (r < 0 && errno == ECHILD)) {
            j->done[i] = 1;
            j->status[i] = r > 0 ? decode(ws, 0) : 127;
        } else {
            all = 0;
        }
    }
    return all;
}

static void job_print(struct job *j, const char *state)
{
    printf("[%d]   %-22s %s\n", j->id, state, j->text);
}

static const char *job_state(struct job *j, char *buf, size_t n)
{
    int st = j->status[j->n - 1];

    if (st == 0)
        return "Done";
    if (st > 128) {
        snprintf(buf, n, "%s", strsignal(st - 128));
        return buf;
    }
    snprintf(buf, n, "Done(%d)", st);
    return buf;
}

/* Before a prompt: tell about the jobs that finished, and forget them. */
void job_report(int verbose)
{
    struct job *j, *next;
    char buf[64];

    for (j = jobs; j; j = next) {
        next = j->next;
        if (!job_poll(j, 0)) {
            if (verbose)
                job_print(j, "Running");
            continue;
        }
        if (sh.interactive || verbose) {
            job_print(j, job_state(j, buf, sizeof(buf)));
            fflush(stdout);
            job_remove(j);
        }
    }
}

void job_list(void)
{
    job_report(1);
}

/* wait [PID|%N ...]: without operands, for every job, and $? is 0. */
int job_wait_builtin(char **argv)
{
    struct job *j;
    int i, k, status = 0;

    if (!argv[1]) {
        while (jobs) {
            job_poll(jobs, 1);
            job_remove(jobs);
        }
        return 0;
    }
    for (i = 1; argv[i]; i++) {
        long want = strtol(argv[i] + (argv[i][0] == '%'), NULL, 10);
        int found = 0;

        for (j = jobs; j && !found; j = j->next) {
            for (k = 0; k < j->n; k++) {
                if (argv[i][0] == '%' ? j->id == want : j->pids[k] == want) {
                    found = 1;
                    job_poll(j, 1);
                    status = argv[i][0] == '%' ? j->status[j->n - 1] : j->status[k];
                    job_remove(j);
                    break;
                }
            }
        }
        if (!found)
            status = 127;
    }
    return status;
}
