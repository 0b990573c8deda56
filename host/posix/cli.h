/*
 * cli.h - the command line of the commands that boot the kernel: `anyk run`
 * (the posix host) and `anyk-kvm` (the KVM monitor) take the same options,
 * with the same defaults and the same error messages, from this one parser.
 */
#ifndef HOST_POSIX_CLI_H
#define HOST_POSIX_CLI_H

#include "host/posix/posix.h"

/* What differs between the commands: their names in usage and in messages. */
struct posix_cli {
    const char *prog;       /* in error messages: "anyk", "anyk-kvm" */
    const char *command;    /* what the user types before the options: "anyk run" */
    const char *what;       /* one sentence: how this command boots the kernel */
    const char *statuses;   /* extra exit statuses for the help text, or "" */
};

/*
 * Parse the options in argv[1..argc-1] (argv[0] is the command or subcommand)
 * into cfg and the kernel command line cfg->cmdline. cfg must hold the
 * defaults (memory size, the built-in initramfs) beforehand. --help and
 * --version print and exit 0; a mistake prints one line on stderr and exits
 * 2 (a file that cannot be read: 1).
 */
void posix_cli_parse(const struct posix_cli *cli, int argc, char **argv,
                     struct posix_config *cfg);

/* Print the usage on stderr and exit 2 (the command was given no arguments). */
void posix_cli_usage_exit(const struct posix_cli *cli) __attribute__((noreturn));

#endif
