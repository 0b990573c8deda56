/*
 * kill - send a signal to tasks.
 * Usage: kill [-s SIGNAL | -SIGNAL] PID... | kill -l [SIGNAL|STATUS]
 * SIGNAL is a name (TERM, SIGTERM) or number; default TERM. A negative PID names a
 * process group. -l lists the signal names, or translates one number (or exit status
 * above 128) to its name, or one name to its number.
 */
#include <signal.h>

#include "common.h"

static int list(const char *arg)
{
    int i;

    if (!arg) {
        for (i = 1; i < 32; i++)
            printf("%s%c", signal_names[i], i % 8 == 0 || i == 31 ? '\n' : ' ');
        return 0;
    }
    if (isdigit((unsigned char)*arg)) {
        int n = (int)strtol(arg, NULL, 10);
        if (n > 128)
            n -= 128;
        if (n < 1 || n > 31) {
            warnmsg("%s: invalid signal specification", arg);
            return 1;
        }
        printf("%s\n", signal_names[n]);
        return 0;
    }
    i = signal_number(arg);
    if (i < 1) {
        warnmsg("%s: invalid signal specification", arg);
        return 1;
    }
    printf("%d\n", i);
    return 0;
}

int main(int argc, char **argv)
{
    int sig = 15, i = 1, status = 0;

    progname = "kill";
    if (argc > 1 && strcmp(argv[1], "-l") == 0)
        return list(argc > 2 ? argv[2] : NULL) || finish_stdout();
    if (argc > 1 && strcmp(argv[1], "-s") == 0) {
        if (argc < 3)
            missing_operand(1);
        sig = signal_number(argv[2]);
        if (sig < 0) {
            warnmsg("%s: invalid signal specification", argv[2]);
            return 1;
        }
        i = 3;
    } else if (argc > 1 && argv[1][0] == '-' && argv[1][1] && strcmp(argv[1], "--") != 0 &&
               !(isdigit((unsigned char)argv[1][1]) && argc == 2)) {
        sig = signal_number(argv[1] + 1);
        if (sig < 0) {
            warnmsg("%s: invalid signal specification", argv[1] + 1);
            return 1;
        }
        i = 2;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc)
        missing_operand(1);
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (*end || end == argv[i]) {
            warnmsg("failed to parse argument: '%s'", argv[i]);
            status = 1;
            continue;
        }
        if (kill((int)pid, sig) < 0) {
            warnmsg("(%ld) - %s", pid, strerror(errno));
            status = 1;
        }
    }
    return status;
}
