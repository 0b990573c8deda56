/*
 * echo - write the arguments, separated by spaces, followed by a newline.
 * Options (only as leading arguments, as GNU echo): -n no newline, -e interpret backslash
 * escapes (\\ \a \b \c \e \f \n \r \t \v \0NNN \xHH), -E do not (the default).
 * An argument that is not made only of those letters is printed, not taken as options.
 */
#include <ctype.h>

#include "common.h"

/* Writes s with escapes expanded; returns 1 when \c asked to stop all output. */
static int put_escaped(const char *s)
{
    for (; *s; s++) {
        int c = (unsigned char)*s, n, v;

        if (c != '\\' || !s[1]) {
            putchar(c);
            continue;
        }
        switch (*++s) {
        case 'a': putchar('\a'); break;
        case 'b': putchar('\b'); break;
        case 'c': return 1;
        case 'e': putchar(033); break;
        case 'f': putchar('\f'); break;
        case 'n': putchar('\n'); break;
        case 'r': putchar('\r'); break;
        case 't': putchar('\t'); break;
        case 'v': putchar('\v'); break;
        case '\\': putchar('\\'); break;
        case '0':
            for (v = 0, n = 0; n < 3 && s[1] >= '0' && s[1] <= '7'; n++)
                v = v * 8 + (*++s - '0');
            putchar(v);
            break;
        case 'x':
            if (!isxdigit((unsigned char)s[1])) {
                fputs("\\x", stdout);
                break;
            }
            for (v = 0, n = 0; n < 2 && isxdigit((unsigned char)s[1]); n++) {
                c = *++s;
                v = v * 16 + (isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
            }
            putchar(v);
            break;
        default:
            putchar('\\');
            putchar(*s);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    int newline = 1, escapes = 0, i = 1;

    progname = "echo";
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *p = argv[i] + 1;
        if (strspn(p, "neE") != strlen(p))
            break;
        for (; *p; p++) {
            if (*p == 'n')
                newline = 0;
            else if (*p == 'e')
                escapes = 1;
            else
                escapes = 0;
        }
    }
    for (; i < argc; i++) {
        if (escapes) {
            if (put_escaped(argv[i]))
                return finish_stdout();
        } else {
            fputs(argv[i], stdout);
        }
        if (i + 1 < argc)
            putchar(' ');
    }
    if (newline)
        putchar('\n');
    return finish_stdout();
}
