/*
 * dmesg - print the kernel's log, as /proc/log holds it. No options (-c, -w not supported).
 */
#include <fcntl.h>

#include "common.h"

int main(void)
{
    char buf[4096];
    ssize_t n;
    int fd;

    progname = "dmesg";
    if ((fd = open("/proc/log", O_RDONLY)) < 0) {
        warnmsg("read kernel buffer failed: %s", strerror(errno));
        return 1;
    }
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        if (write_all(1, buf, (size_t)n) < 0) {
            warnmsg("write error: %s", strerror(errno));
            return 1;
        }
    if (n < 0) {
        warnmsg("read kernel buffer failed: %s", strerror(errno));
        return 1;
    }
    close(fd);
    return 0;
}
