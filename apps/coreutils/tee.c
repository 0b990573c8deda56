/*
 * tee - copy standard input to standard output and to each FILE.
 * Options: -a append to the files instead of truncating them, -i ignore SIGINT.
 * A file that cannot be opened or written is reported and dropped; the rest go on (status 1).
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>

#include "common.h"

int main(int argc, char **argv)
{
    int c, append = 0, status = 0, nfd, i;
    int *fds;
    char **names;
    char buf[65536];
    ssize_t n;

    progname = "tee";
    opterr = 0;
    while ((c = getopt(argc, argv, "ai")) != -1) {
        switch (c) {
        case 'a': append = 1; break;
        case 'i': signal(SIGINT, SIG_IGN); break;
        default: bad_option(c, 1);
        }
    }
    fds = xmalloc(sizeof(int) * (size_t)(argc - optind + 1));
    names = xmalloc(sizeof(char *) * (size_t)(argc - optind + 1));
    fds[0] = 1;
    names[0] = "standard output";
    nfd = 1;
    for (i = optind; i < argc; i++) {
        int fd = open(argv[i], O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
        if (fd < 0) {
            warnmsg("%s: %s", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        fds[nfd] = fd;
        names[nfd++] = argv[i];
    }
    while ((n = read(0, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            warnmsg("read error: %s", strerror(errno));
            status = 1;
            break;
        }
        for (i = 0; i < nfd; i++) {
            if (fds[i] < 0)
                continue;
            if (write_all(fds[i], buf, (size_t)n) < 0) {
                warnmsg("%s: %s", names[i], strerror(errno));
                status = 1;
                fds[i] = -1;
            }
        }
    }
    for (i = 1; i < nfd; i++)
        if (fds[i] >= 0 && close(fds[i]) < 0) {
            warnmsg("%s: %s", names[i], strerror(errno));
            status = 1;
        }
    return status;
}
