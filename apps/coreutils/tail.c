/*
 * tail - print the last lines (or bytes) of each file.
 * Options: -n N last N lines (default 10), -n +N from line N on, -c N last N bytes,
 * -c +N from byte N on, -q / -v headers as head(1), and the old forms -N and +N
 * (as the first argument). -f is not supported: anyk has no inotify and no need yet.
 */
#include <fcntl.h>
#include <getopt.h>

#include "common.h"

static int by_bytes;
static long long count = 10;
static int from_start; /* +N: count is where to start (1-based) */

static void tail_data(const char *buf, size_t len)
{
    size_t start = 0, i;
    long long lines;

    if (by_bytes) {
        if (from_start)
            start = count <= 1 ? 0
                               : ((unsigned long long)count - 1 < len ? (size_t)count - 1 : len);
        else
            start = (unsigned long long)count >= len ? 0 : len - (size_t)count;
    } else if (from_start) {
        for (i = 0, lines = 1; i < len && lines < count; i++)
            if (buf[i] == '\n')
                lines++;
        start = i;
    } else {
        /* walk back: the last line need not end with a newline */
        i = len;
        if (i > 0 && buf[i - 1] == '\n')
            i--;
        for (lines = 0; lines < count; lines++) {
            while (i > 0 && buf[i - 1] != '\n')
                i--;
            start = i;
            if (i == 0)
                break;
            i--;
        }
        if (count == 0)
            start = len;
    }
    fwrite(buf + start, 1, len - start, stdout);
}

int main(int argc, char **argv)
{
    int c, headers = -1, status = 0, i, nfiles;
    static char *dash[] = {"-", NULL};
    char **files;
    const char *arg;

    progname = "tail";
    opterr = 0;
    /* the old "-5" and "+5" forms become "-n5" and "-n+5" */
    if (argc > 1 && (argv[1][0] == '-' || argv[1][0] == '+') &&
        isdigit((unsigned char)argv[1][1])) {
        char *n = xmalloc(strlen(argv[1]) + 4);
        sprintf(n, "-n%s%s", argv[1][0] == '+' ? "+" : "", argv[1] + 1);
        argv[1] = n;
    }
    while ((c = getopt(argc, argv, "n:c:qvf")) != -1) {
        switch (c) {
        case 'n':
        case 'c':
            by_bytes = c == 'c';
            arg = optarg;
            from_start = *arg == '+';
            if (*arg == '-' || *arg == '+')
                arg++;
            count = parse_count(arg);
            if (count < 0) {
                warnmsg("invalid number of %s: '%s'", by_bytes ? "bytes" : "lines", optarg);
                return 1;
            }
            break;
        case 'q': headers = 0; break;
        case 'v': headers = 1; break;
        case 'f':
            warnmsg("-f is not supported");
            return 1;
        default: bad_option(c, 1);
        }
    }
    files = optind < argc ? argv + optind : dash;
    nfiles = optind < argc ? argc - optind : 1;
    if (headers < 0)
        headers = nfiles > 1;
    for (i = 0; files[i]; i++) {
        int fd = 0;
        size_t len;
        char *buf;
        const char *name = strcmp(files[i], "-") == 0 ? "standard input" : files[i];

        if (strcmp(files[i], "-") != 0 && (fd = open(files[i], O_RDONLY)) < 0) {
            warnmsg("cannot open '%s' for reading: %s", files[i], strerror(errno));
            status = 1;
            continue;
        }
        if (headers)
            printf("%s==> %s <==\n", i > 0 ? "\n" : "", name);
        buf = slurp_fd(fd, &len);
        if (!buf) {
            warnmsg("error reading '%s': %s", files[i], strerror(errno));
            status = 1;
        } else {
            tail_data(buf, len);
            free(buf);
        }
        if (fd != 0)
            close(fd);
    }
    return finish_stdout() || status;
}
