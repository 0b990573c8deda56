/*
 * yes - print a line over and over until killed or the output is closed.
 * Usage: yes [STRING...]  (the strings joined by spaces; "y" without any). No options.
 */
#include "common.h"

int main(int argc, char **argv)
{
    char buf[8192];
    size_t len = 0, line, fill;
    int i;

    progname = "yes";
    if (argc < 2) {
        memcpy(buf, "y\n", 2);
        len = 2;
    } else {
        for (i = 1; i < argc; i++) {
            size_t n = strlen(argv[i]);
            /* a line longer than the buffer is written piece by piece below */
            if (len + n + 1 > sizeof(buf))
                break;
            memcpy(buf + len, argv[i], n);
            len += n;
            buf[len++] = i + 1 < argc ? ' ' : '\n';
        }
        if (i < argc) {
            for (;;) {
                for (i = 1; i < argc; i++) {
                    if (write_all(1, argv[i], strlen(argv[i])) < 0 ||
                        write_all(1, i + 1 < argc ? " " : "\n", 1) < 0)
                        goto fail;
                }
            }
        }
    }
    /* fill the buffer with whole copies of the line so each write() carries many */
    line = len;
    for (fill = len; fill + line <= sizeof(buf); fill += line)
        memcpy(buf + fill, buf, line);
    for (;;)
        if (write_all(1, buf, fill) < 0)
            break;
fail:
    warnmsg("standard output: %s", strerror(errno));
    return 1;
}
