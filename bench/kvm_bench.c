/*
 * kvm_bench.c - the kernel as a KVM guest beside the kernel as a process, in one run.
 *
 *   kvm_bench PATH-TO-anyk-kvm PATH-TO-anyk PATH-TO-testguest     (`make bench` runs it)
 *
 *   boot to halt     fork+exec+waitpid of `anyk-kvm -q --init monitor -- halt` (must exit
 *                    0), BOOTS per sample; the peer column is the same through `anyk run`
 *   hypercall        the round trip of one hypercall from the guest: the argument block
 *                    checked, the clock read, the answer written back (tests/kvm/testguest
 *                    `bench`, timed with the TSC inside the guest); the peer column is a
 *                    bare port-I/O exit that the monitor answers without looking at
 *                    anything, measured in the same guest run
 *
 * Both columns of a row come from the same sample, the order of the boots swapped every
 * time; a first round warms up and is dropped. Without a usable /dev/kvm it says so and
 * prints nothing else. Nothing fails on a number.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/table.h"

#define NSAMPLES 7
#define BOOTS 10

enum { R_BOOT, R_HCALL, NROWS };

static struct row rows[NROWS] = {
    [R_BOOT] = { .name = "boot to halt (peer: anyk run)", .unit = U_TIME, .has_peer = true },
    [R_HCALL] = { .name = "hypercall (peer: bare exit)", .unit = U_TIME, .has_peer = true },
};

static const char *kvm_path, *anyk_path, *guest_path;
static int devnull = -1;

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/*
 * Run argv with stdin from /dev/null and stdout into out (if not NULL, at most cap - 1
 * bytes kept); its exit status, or -1.
 */
static int run(char *const argv[], const char *env, char *out, size_t cap)
{
    int fds[2] = { -1, -1 }, status;
    size_t len = 0;
    pid_t pid;

    if (out && pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    if ((pid = fork()) == 0) {
        dup2(devnull, STDIN_FILENO);
        dup2(out ? fds[1] : devnull, STDOUT_FILENO);
        if (env)
            putenv((char *)env);
        execv(argv[0], argv);
        _exit(127);
    }
    if (out) {
        ssize_t n;
        close(fds[1]);
        while ((n = read(fds[0], out + len, cap - 1 - len)) > 0 || (n < 0 && errno == EINTR))
            if (n > 0 && (len += (size_t)n) == cap - 1)
                break;
        out[len] = '\0';
        close(fds[0]);
    }
    if (pid < 0)
        return -1;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* BOOTS boots to halt through argv: ns per boot, or -1 if one failed. */
static double boots(char *const argv[])
{
    double t0 = now_ns();

    for (int i = 0; i < BOOTS; i++)
        if (run(argv, NULL, NULL, 0) != 0) {
            fprintf(stderr, "kvm_bench: %s %s did not halt with status 0\n", argv[0], argv[1]);
            return -1;
        }
    return (now_ns() - t0) / BOOTS;
}

/* One run of the test guest's bench: its "kvmbench" line into the hypercall row. */
static void hypercalls(bool keep)
{
    char env[4096], out[512];
    char *argv[] = { (char *)kvm_path, "-q", "--", "bench", NULL };
    long long exit_ps, hcall_ps;
    const char *line;

    bfmt(env, sizeof(env), "ANYK_KVM_KERNEL=%s", guest_path);
    if (run(argv, env, out, sizeof(out)) != 0 || !(line = strstr(out, "kvmbench ")) ||
        sscanf(line, "kvmbench exit %lld ps hypercall %lld ps", &exit_ps, &hcall_ps) != 2) {
        fprintf(stderr, "kvm_bench: the test guest's bench failed: %s\n", out);
        return;
    }
    if (keep) {
        row_add(&rows[R_HCALL], true, (double)hcall_ps / 1e3);
        row_add(&rows[R_HCALL], false, (double)exit_ps / 1e3);
    }
}

int main(int argc, char **argv)
{
    char *kvm_boot[] = { NULL, "-q", "--init", "monitor", "--", "halt", NULL };
    char *anyk_boot[] = { NULL, "run", "-q", "--init", "monitor", "--", "halt", NULL };

    if (argc != 4) {
        fprintf(stderr, "usage: kvm_bench PATH-TO-anyk-kvm PATH-TO-anyk PATH-TO-testguest\n");
        return 2;
    }
    kvm_path = kvm_boot[0] = argv[1];
    anyk_path = anyk_boot[0] = argv[2];
    guest_path = argv[3];
    if (access("/dev/kvm", R_OK | W_OK) != 0) {
        printf("\nkvm_bench: skipped, no usable /dev/kvm (%s)\n", strerror(errno));
        return 0;
    }
    devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int s = 0; s <= NSAMPLES; s++) {
        bool keep = s > 0; /* round 0 warms up */
        double k, a;
        if (s % 2) {
            k = boots(kvm_boot);
            a = boots(anyk_boot);
        } else {
            a = boots(anyk_boot);
            k = boots(kvm_boot);
        }
        if (keep) {
            row_add(&rows[R_BOOT], true, k);
            row_add(&rows[R_BOOT], false, a);
        }
        hypercalls(keep);
    }
    printf("\nanyk-kvm: the kernel as a KVM guest (anyk column) beside the peer named in the row\n");
    table_print(rows, NROWS);
    return 0;
}
