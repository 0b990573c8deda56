/*
 * mount - attach a file system, or list the mounted ones.
 * Usage: mount                         print /proc/mounts
 *        mount [-t TYPE] [-o OPTIONS] [-r] [-w] SOURCE TARGET
 * OPTIONS is a comma-separated list: ro, rw, sync, async, defaults become mount flags;
 * any other option is passed to the file system as its data string. TYPE defaults to ext2.
 */
#include <fcntl.h>
#include <getopt.h>
#include <sys/mount.h>

#include "common.h"

#ifndef MS_RDONLY
#define MS_RDONLY 1
#endif
#ifndef MS_SYNCHRONOUS
#define MS_SYNCHRONOUS 16
#endif

int main(int argc, char **argv)
{
    const char *type = "ext2";
    char *opts = NULL, data[512] = "";
    unsigned long flags = 0;
    int c;

    progname = "mount";
    opterr = 0;
    while ((c = getopt(argc, argv, "t:o:rw")) != -1) {
        switch (c) {
        case 't': type = optarg; break;
        case 'o': opts = optarg; break;
        case 'r': flags |= MS_RDONLY; break;
        case 'w': flags &= ~(unsigned long)MS_RDONLY; break;
        default: bad_option(c, 1);
        }
    }
    if (optind == argc) {
        int fd = open("/proc/mounts", O_RDONLY);
        char buf[4096];
        ssize_t n;
        if (fd < 0) {
            warnmsg("/proc/mounts: %s", strerror(errno));
            return 1;
        }
        while ((n = read(fd, buf, sizeof(buf))) > 0)
            write_all(1, buf, (size_t)n);
        close(fd);
        return 0;
    }
    if (argc - optind != 2) {
        fprintf(stderr, "Usage: mount [-t TYPE] [-o OPTIONS] SOURCE TARGET\n");
        return 1;
    }
    if (opts) {
        char *copy = strdup(opts), *tok, *next;
        for (tok = copy; tok; tok = next) {
            if ((next = strchr(tok, ',')) != NULL)
                *next++ = '\0';
            if (!*tok)
                continue;
            if (strcmp(tok, "ro") == 0)
                flags |= MS_RDONLY;
            else if (strcmp(tok, "rw") == 0)
                flags &= ~(unsigned long)MS_RDONLY;
            else if (strcmp(tok, "sync") == 0)
                flags |= MS_SYNCHRONOUS;
            else if (strcmp(tok, "async") == 0)
                flags &= ~(unsigned long)MS_SYNCHRONOUS;
            else if (strcmp(tok, "defaults") != 0) {
                /* the rest is the file system's business */
                if (strlen(data) + strlen(tok) + 2 > sizeof(data)) {
                    warnmsg("options too long");
                    return 1;
                }
                if (data[0])
                    strcat(data, ",");
                strcat(data, tok);
            }
        }
        free(copy);
    }
    if (mount(argv[optind], argv[optind + 1], type, flags, data[0] ? data : NULL) < 0) {
        warnmsg("%s: %s", argv[optind + 1], strerror(errno));
        return 32; /* util-linux's "mount failure" */
    }
    return 0;
}
