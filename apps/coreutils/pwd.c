/*
 * pwd - print the current working directory.
 * Options -L and -P are accepted; anyk resolves the cwd physically, so both print getcwd().
 */
#include <getopt.h>

#include "common.h"

int main(int argc, char **argv)
{
    char buf[4096];
    int c;

    progname = "pwd";
    opterr = 0;
    while ((c = getopt(argc, argv, "LP")) != -1)
        if (c == '?')
            bad_option(c, 1);
    if (!getcwd(buf, sizeof(buf))) {
        warnmsg("error retrieving current directory: %s", strerror(errno));
        return 1;
    }
    puts(buf);
    return finish_stdout();
}
