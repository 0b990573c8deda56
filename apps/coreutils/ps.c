/*
 * ps - list the tasks.
 * Reads /proc/tasks, one task a line: "PID PPID PGID STATE MEM_KIB NAME" (NAME may hold
 * spaces), and prints "  PID  PPID STAT   MEM CMD" columns (MEM: KiB the task holds:
 * its image, stack and heap). Options: -o not supported; -e / -A / -a / -f
 * accepted (anyk always lists every task); -l adds the PGID column.
 */
#include <getopt.h>

#include "common.h"

int main(int argc, char **argv)
{
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    int c, with_pgid = 0;

    progname = "ps";
    opterr = 0;
    while ((c = getopt(argc, argv, "eAafl")) != -1) {
        if (c == 'l')
            with_pgid = 1;
        else if (c == '?')
            bad_option(c, 1);
    }
    if (!(f = fopen("/proc/tasks", "r"))) {
        warnmsg("/proc/tasks: %s", strerror(errno));
        return 1;
    }
    if (with_pgid)
        printf("  PID  PPID  PGID STAT    MEM CMD\n");
    else
        printf("  PID  PPID STAT    MEM CMD\n");
    while (getline(&line, &cap, f) >= 0) {
        long pid, ppid, pgid, mem;
        char *p = line, *end, state[16];
        size_t n;

        pid = strtol(p, &end, 10);
        if (end == p)
            continue; /* a header line, if the kernel writes one */
        ppid = strtol(p = end, &end, 10);
        pgid = strtol(p = end, &end, 10);
        p = end;
        while (*p == ' ' || *p == '\t')
            p++;
        n = strcspn(p, " \t\n");
        if (n >= sizeof(state))
            n = sizeof(state) - 1;
        memcpy(state, p, n);
        state[n] = '\0';
        p += n;
        mem = strtol(p, &end, 10);
        p = end;
        while (*p == ' ' || *p == '\t')
            p++;
        p[strcspn(p, "\n")] = '\0';
        if (with_pgid)
            printf("%5ld %5ld %5ld %-4s %5ldK %s\n", pid, ppid, pgid, state, mem, p);
        else
            printf("%5ld %5ld %-4s %5ldK %s\n", pid, ppid, state, mem, p);
    }
    fclose(f);
    free(line);
    return finish_stdout();
}
