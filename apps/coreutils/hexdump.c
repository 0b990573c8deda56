/*
 * hexdump - display file contents in hexadecimal.
 * Options: -C canonical hex+ASCII (as util-linux: offset, 16 bytes in two groups of 8, the
 * printable characters between bars, "*" for lines repeating the previous one, and the
 * final offset); without -C the default format of 16-bit little-endian words in hex.
 * -v shows repeated lines instead of "*". -n LENGTH and -s OFFSET limit the input.
 * Several files are dumped as one stream, as util-linux does.
 */
#include <fcntl.h>
#include <getopt.h>

#include "common.h"

static int canonical, verbose, nfailed, nfiles;
static char **files;
static int cur_fd = -1, cur_index;
static long long limit = -1;

/* Read up to n bytes from the concatenation of all inputs; 0 at the end of all. */
static size_t next_bytes(unsigned char *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r;
        if (cur_fd < 0) {
            if (cur_index >= nfiles)
                break;
            if (strcmp(files[cur_index], "-") == 0) {
                cur_fd = 0;
            } else if ((cur_fd = open(files[cur_index], O_RDONLY)) < 0) {
                warnmsg("%s: %s", files[cur_index], strerror(errno));
                nfailed++;
                cur_index++;
                continue;
            }
        }
        r = read(cur_fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r < 0)
                warnmsg("%s: %s", files[cur_index], strerror(errno));
            if (cur_fd > 0)
                close(cur_fd);
            cur_fd = -1;
            cur_index++;
            continue;
        }
        got += (size_t)r;
    }
    return got;
}

static void line_canonical(unsigned long long off, const unsigned char *b, size_t n)
{
    size_t i;

    printf("%08llx ", off);
    for (i = 0; i < 16; i++) {
        if (i == 8)
            putchar(' ');
        if (i < n)
            printf(" %02x", b[i]);
        else
            fputs("   ", stdout);
    }
    fputs("  |", stdout);
    for (i = 0; i < n; i++)
        putchar(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.');
    puts("|");
}

static void line_default(unsigned long long off, const unsigned char *b, size_t n)
{
    size_t i;

    printf("%07llx", off);
    for (i = 0; i < n; i += 2)
        printf(" %04x", b[i] | (i + 1 < n ? b[i + 1] << 8 : 0));
    /* util-linux pads a short last line to the full width */
    for (; i < 16; i += 2)
        fputs("     ", stdout);
    putchar('\n');
}

int main(int argc, char **argv)
{
    int c, repeating = 0;
    static char *dash[] = {"-", NULL};
    unsigned char line[16], prev[16];
    unsigned long long off = 0, skip = 0;
    size_t n, prevn = 0;

    progname = "hexdump";
    opterr = 0;
    while ((c = getopt(argc, argv, "Cvn:s:")) != -1) {
        switch (c) {
        case 'C': canonical = 1; break;
        case 'v': verbose = 1; break;
        case 'n':
            if ((limit = parse_count(optarg)) < 0) {
                warnmsg("invalid length argument: '%s'", optarg);
                return 1;
            }
            break;
        case 's':
            if (parse_count(optarg) < 0) {
                warnmsg("invalid offset argument: '%s'", optarg);
                return 1;
            }
            skip = (unsigned long long)parse_count(optarg);
            break;
        default: bad_option(c, 1);
        }
    }
    files = optind < argc ? argv + optind : dash;
    nfiles = optind < argc ? argc - optind : 1;
    /* -s: skip by reading, which also works on pipes */
    while (skip > 0) {
        n = next_bytes(line, skip < 16 ? (size_t)skip : 16);
        if (n == 0)
            break;
        skip -= n;
        off += n;
    }
    for (;;) {
        size_t want = 16;
        if (limit >= 0 && (unsigned long long)limit < want)
            want = (size_t)limit;
        n = want ? next_bytes(line, want) : 0;
        if (n == 0)
            break;
        if (limit >= 0)
            limit -= (long long)n;
        /* a full line equal to the previous one prints as a single "*" */
        if (!verbose && n == 16 && prevn == 16 && memcmp(line, prev, 16) == 0) {
            if (!repeating)
                puts("*");
            repeating = 1;
        } else {
            repeating = 0;
            if (canonical)
                line_canonical(off, line, n);
            else
                line_default(off, line, n);
        }
        memcpy(prev, line, n);
        prevn = n;
        off += n;
    }
    if (nfailed == nfiles) {
        warnmsg("all input file arguments failed");
        return 1;
    }
    /* empty input prints nothing at all, not even the offset */
    if (off > 0)
        printf(canonical ? "%08llx\n" : "%07llx\n", off);
    return finish_stdout() || nfailed > 0;
}
