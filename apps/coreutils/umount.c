/*
 * umount - detach mounted file systems.
 * Usage: umount TARGET...   No options.
 */
#include <sys/mount.h>

#include "common.h"

int main(int argc, char **argv)
{
    int i, status = 0;

    progname = "umount";
    if (argc < 2) {
        fprintf(stderr, "Usage: umount TARGET...\n");
        return 1;
    }
    for (i = 1; i < argc; i++) {
        if (umount(argv[i]) < 0) {
            warnmsg("%s: %s", argv[i], strerror(errno));
            status = 32;
        }
    }
    return status;
}
