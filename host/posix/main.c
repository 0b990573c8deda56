/*
 * main.c - the `anyk` command: boot the kernel as an ordinary process.
 *
 *   anyk run [OPTIONS] [-- ARGS...]
 *
 * The options are shared with anyk-kvm (host/posix/cli.c). Mistakes on the
 * command line get one line on stderr and exit status 2; everything else is
 * the kernel's business.
 */
#include <stdio.h>
#include <string.h>

#include "host/posix/cli.h"

/* The built-in initramfs (host/posix/initrd.S). */
extern const char anyk_initrd_start[], anyk_initrd_end[];

int main(int argc, char **argv)
{
    static const struct posix_cli cli = {
        .prog = "anyk",
        .command = "anyk run",
        .what = "Boot the anyk kernel as this process, with its console on the terminal.",
        .statuses = "",
    };
    struct posix_config cfg = {
        .mem = POSIX_MEM_DEFAULT,
        .initrd = anyk_initrd_start,
        .initrd_size = (size_t)(anyk_initrd_end - anyk_initrd_start),
    };
    struct hyp_boot boot;

    if (argc >= 2 && argv[1][0] != '-') {
        if (strcmp(argv[1], "run") != 0) {
            fprintf(stderr, "anyk: unknown command '%s' (the command is 'run')\n"
                    "Try 'anyk --help' for more information.\n", argv[1]);
            return 2;
        }
        argv++;
        argc--;
    } else if (argc < 2) {
        posix_cli_usage_exit(&cli);
    }
    posix_cli_parse(&cli, argc, argv, &cfg);
    if (posix_setup(&cfg, &boot) < 0)
        return 1;
    kmain(&boot);
}
