/*
 * kexec - run a raw payload (docs/api.md): the flat binary FILE is loaded at the
 * kernel's fixed payload address and called with the API table; kexec exits with
 * what the payload returns (0-255), or reports why it could not run it.
 * Usage: kexec FILE. Only built against the anyk libc (<sys/anyk.h>); elsewhere it
 * reports that it cannot work.
 */
#include "common.h"

#if __has_include(<sys/anyk.h>)
#include <sys/anyk.h>
#define HAVE_ANYK 1
#endif

int main(int argc, char **argv)
{
    progname = "kexec";
    if (argc != 2) {
        fprintf(stderr, "Usage: kexec FILE\n");
        return 2;
    }
#ifdef HAVE_ANYK
    {
        int r = anyk_api()->kexec(argv[1]);
        if (r >= 0)
            return r & 0xff;
        warnmsg("%s: %s", argv[1], strerror(-r));
    }
#else
    (void)argv;
    warnmsg("not running on anyk");
#endif
    return 1;
}
