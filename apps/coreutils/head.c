/*
 * head - print the first lines (or bytes) of each file.
 * Options: -n N lines (default 10), -n -N all but the last N lines, -c N bytes,
 * -c -N all but the last N bytes, -q never / -v always print "==> NAME <==" headers,
 * and the old form -N for -n N. Headers appear by default when there are several files.
 */
#include <fcntl.h>
#include <getopt.h>

#include "common.h"

static int by_bytes;
static long long count = 10;
static int all_but; /* count is how much to leave off the end */

/* The all-but-the-last-count form, on the whole input in buf. */
static void head_data(const char *buf, size_t len)
{
    size_t end = 0, i;
    long long lines = 0;

    if (by_bytes) {
        end = (unsigned long long)count >= len ? 0 : len - (size_t)count;
    } else {
        /* walk back over count line ends (a last line without newline counts as a line) */
        end = len;
        i = len;
        if (i > 0 && buf[i - 1] == '\n')
            i--;
        while (lines < count && end > 0) {
            while (i > 0 && buf[i - 1] != '\n')
                i--;
            end = i;
            lines++;
            if (i > 0)
                i--;
        }
    }
    fwrite(buf, 1, end, stdout);
}

/*
 * The first count lines or bytes of fd, read only as far as needed: head must
 * stop early on endless inputs (yes, /dev/zero) and leave the rest unread.
 * Returns -1 on a read error.
 */
static int head_stream(int fd)
{
    static char buf[65536];
    long long left = count;

    while (left > 0) {
        ssize_t n = read(fd, buf, by_bytes && left < (long long)sizeof(buf) ? (size_t)left
                                                                              : sizeof(buf));
        size_t take;
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -1 : 0;
        take = (size_t)n;
        if (by_bytes) {
            left -= n;
        } else {
            for (size_t i = 0; i < (size_t)n; i++) {
                if (buf[i] == '\n' && --left == 0) {
                    take = i + 1;
                    break;
                }
            }
        }
        fwrite(buf, 1, take, stdout);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int c, headers = -1, status = 0, i, nfiles;
    static char *dash[] = {"-", NULL};
    char **files;
    const char *arg;

    progname = "head";
    opterr = 0;
    /* the old "-5" form: rewrite it as "-n5" before getopt sees it */
    if (argc > 1 && argv[1][0] == '-' && isdigit((unsigned char)argv[1][1])) {
        char *n = xmalloc(strlen(argv[1]) + 2);
        sprintf(n, "-n%s", argv[1] + 1);
        argv[1] = n;
    }
    while ((c = getopt(argc, argv, "n:c:qv")) != -1) {
        switch (c) {
        case 'n':
        case 'c':
            by_bytes = c == 'c';
            arg = optarg;
            all_but = *arg == '-';
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
        if (!all_but) {
            if (head_stream(fd) < 0) {
                warnmsg("error reading '%s': %s", files[i], strerror(errno));
                status = 1;
            }
            if (fd != 0)
                close(fd);
            continue;
        }
        /* All but the last N: the end is only known after reading everything. */
        buf = slurp_fd(fd, &len);
        if (!buf) {
            warnmsg("error reading '%s': %s", files[i], strerror(errno));
            status = 1;
        } else {
            head_data(buf, len);
            free(buf);
        }
        if (fd != 0)
            close(fd);
    }
    return finish_stdout() || status;
}
