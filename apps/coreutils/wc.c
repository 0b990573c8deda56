/*
 * wc - count lines, words and bytes of each file, with a total line for several files.
 * Options: -l lines, -w words, -c bytes, -m characters (counted as bytes: anyk's libc is
 * byte-oriented, the C locale). Default -lwc. Column width follows GNU wc: the digits of
 * the sum of the regular files' sizes, at least 7 when a pipe or device is among the
 * inputs, and 1 when a single count of a single input is printed.
 */
#include <fcntl.h>
#include <getopt.h>

#include "common.h"

struct counts {
    unsigned long long lines, words, bytes;
};

static int do_lines, do_words, do_bytes, width;

static int count_fd(int fd, struct counts *ct)
{
    static char buf[65536];
    int in_word = 0;
    ssize_t n, i;

    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        ct->bytes += (unsigned long long)n;
        for (i = 0; i < n; i++) {
            unsigned char c = (unsigned char)buf[i];
            if (c == '\n')
                ct->lines++;
            if (isspace(c)) {
                in_word = 0;
            } else if (isprint(c) || c >= 0x80) {
                /* GNU counts a word when printable text starts after white space */
                if (!in_word)
                    ct->words++;
                in_word = 1;
            }
        }
    }
    return 0;
}

static void print_counts(const struct counts *ct, const char *name)
{
    const char *sep = "";

    if (do_lines) {
        printf("%*llu", width, ct->lines);
        sep = " ";
    }
    if (do_words) {
        printf("%s%*llu", sep, width, ct->words);
        sep = " ";
    }
    if (do_bytes)
        printf("%s%*llu", sep, width, ct->bytes);
    if (name)
        printf(" %s", name);
    putchar('\n');
}

int main(int argc, char **argv)
{
    int c, status = 0, i, nfiles, minw = 1;
    static char *dash[] = {"-", NULL};
    char **files;
    struct counts total = {0, 0, 0};
    unsigned long long regular = 0;

    progname = "wc";
    opterr = 0;
    while ((c = getopt(argc, argv, "lwcm")) != -1) {
        switch (c) {
        case 'l': do_lines = 1; break;
        case 'w': do_words = 1; break;
        case 'c':
        case 'm': do_bytes = 1; break;
        default: bad_option(c, 1);
        }
    }
    if (!do_lines && !do_words && !do_bytes)
        do_lines = do_words = do_bytes = 1;
    files = optind < argc ? argv + optind : dash;
    nfiles = optind < argc ? argc - optind : 1;

    /* width from the sizes of all inputs, known before any line is printed */
    width = 1;
    if (!(nfiles == 1 && do_lines + do_words + do_bytes == 1)) {
        for (i = 0; files[i]; i++) {
            struct stat st;
            int r = strcmp(files[i], "-") == 0 ? fstat(0, &st) : stat(files[i], &st);
            if (r < 0)
                continue;
            if (S_ISREG(st.st_mode))
                regular += (unsigned long long)st.st_size;
            else
                minw = 7;
        }
        for (; regular >= 10; regular /= 10)
            width++;
        if (width < minw)
            width = minw;
    }

    for (i = 0; files[i]; i++) {
        struct counts ct = {0, 0, 0};
        int fd = 0;
        int is_stdin = strcmp(files[i], "-") == 0;

        if (!is_stdin && (fd = open(files[i], O_RDONLY)) < 0) {
            warnmsg("%s: %s", files[i], strerror(errno));
            status = 1;
            continue;
        }
        if (count_fd(fd, &ct) < 0) {
            warnmsg("%s: %s", files[i], strerror(errno));
            status = 1;
        }
        if (!is_stdin)
            close(fd);
        print_counts(&ct, optind < argc ? files[i] : NULL);
        total.lines += ct.lines;
        total.words += ct.words;
        total.bytes += ct.bytes;
    }
    if (nfiles > 1)
        print_counts(&total, "total");
    return finish_stdout() || status;
}
