/*
 * cat - concatenate files (or standard input for "-" or no operand) to standard output.
 * Options: -n number all output lines, -b number non-blank lines, -u ignored (output is
 * unbuffered anyway). Without numbering, data is copied with read/write in large blocks.
 */
#include <fcntl.h>
#include <getopt.h>

#include "common.h"

static char buf[65536];
static unsigned long lineno;
static int at_line_start = 1;

/* Copy with line numbers "%6lu\t" as GNU cat does; state carries across files. */
static int copy_numbered(int fd, int nonblank)
{
    ssize_t n;
    char out[8];

    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        ssize_t i;
        for (i = 0; i < n; i++) {
            if (at_line_start && !(nonblank && buf[i] == '\n')) {
                snprintf(out, sizeof(out), "%6lu", ++lineno);
                fputs(out, stdout);
                putchar('\t');
            }
            putchar(buf[i]);
            at_line_start = buf[i] == '\n';
        }
    }
    return n < 0 ? -1 : 0;
}

static int copy_plain(int fd)
{
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) > 0)
        if (write_all(1, buf, (size_t)n) < 0) {
            warnmsg("write error: %s", strerror(errno));
            exit(1);
        }
    return n < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
    int c, number = 0, nonblank = 0, status = 0, i;
    static char *dash[] = {"-", NULL};
    char **files;

    progname = "cat";
    opterr = 0;
    while ((c = getopt(argc, argv, "nbu")) != -1) {
        switch (c) {
        case 'n': number = 1; break;
        case 'b': number = nonblank = 1; break;
        case 'u': break;
        default: bad_option(c, 1);
        }
    }
    files = optind < argc ? argv + optind : dash;
    for (i = 0; files[i]; i++) {
        int fd = 0, r;
        if (strcmp(files[i], "-") != 0) {
            fd = open(files[i], O_RDONLY);
            if (fd < 0) {
                warnmsg("%s: %s", files[i], strerror(errno));
                status = 1;
                continue;
            }
        }
        r = number ? copy_numbered(fd, nonblank) : copy_plain(fd);
        if (r < 0) {
            warnmsg("%s: %s", files[i], strerror(errno));
            status = 1;
        }
        if (fd != 0)
            close(fd);
    }
    return finish_stdout() || status;
}
