/*
 * halt - stop anyk: sync, unmount every file system and end the kernel with STATUS
 * (default 0), which becomes the exit status of `anyk run` on the posix host.
 * Usage: halt [STATUS]. Only built against the anyk libc (<sys/anyk.h>); elsewhere it
 * reports that it cannot work.
 */
#include "common.h"

#if __has_include(<sys/anyk.h>)
#include <sys/anyk.h>
#define HAVE_ANYK 1
#endif

int main(int argc, char **argv)
{
    long status = 0;
    char *end;

    progname = "halt";
    if (argc > 2) {
        fprintf(stderr, "Usage: halt [STATUS]\n");
        return 2;
    }
    if (argc == 2) {
        status = strtol(argv[1], &end, 10);
        if (*end || end == argv[1] || status < 0 || status > 255) {
            warnmsg("invalid status '%s'", argv[1]);
            return 2;
        }
    }
#ifdef HAVE_ANYK
    {
        int r = anyk_api()->halt((int)status);
        warnmsg("%s", strerror(-r));
    }
#else
    warnmsg("not running on anyk");
#endif
    return 1;
}
