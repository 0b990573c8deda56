/*
 * hello_anyk.c - the anyk kernel as a library inside an ordinary program.
 *
 * Boots the kernel in this process (libanyk.a), makes a directory and a file
 * in the kernel's own tmpfs, reads the file back, lists the directory, and
 * reads the kernel's /proc/meminfo, all through the same API table programs
 * on anyk use. Build: cc -Iinclude hello_anyk.c libanyk.a -lpthread
 */
#include <stdio.h>
#include <string.h>

#include <anyk/anyk.h>

static int check(long r, const char *what)
{
    if (r < 0)
        fprintf(stderr, "hello_anyk: %s: error %ld\n", what, -r);
    return r < 0;
}

int main(void)
{
    const struct anyk_api *k = anyk_boot(NULL);
    static const char text[] = "hello from the anyk kernel\n";
    char buf[512];
    long n;
    int fd;

    if (!k)
        return 1;
    if (check(k->mkdir("/data", 0755), "mkdir /data"))
        return 1;
    fd = k->open("/data/hello.txt", ANYK_O_CREAT | ANYK_O_WRONLY | ANYK_O_TRUNC, 0644);
    if (check(fd, "create /data/hello.txt") || check(k->write(fd, text, strlen(text)), "write"))
        return 1;
    k->close(fd);

    fd = k->open("/data/hello.txt", ANYK_O_RDONLY, 0);
    if (check(fd, "open") || check(n = k->read(fd, buf, sizeof(buf)), "read"))
        return 1;
    k->close(fd);
    printf("read back: %.*s", (int)n, buf);

    fd = k->open("/data", ANYK_O_RDONLY | ANYK_O_DIRECTORY, 0);
    if (check(fd, "open /data"))
        return 1;
    printf("/data holds:");
    while ((n = k->getdents(fd, buf, sizeof(buf))) > 0) {
        for (long off = 0; off < n;) {
            const struct anyk_dirent *d = (const struct anyk_dirent *)(void *)(buf + off);
            printf(" %s", d->d_name);
            off += d->d_reclen;
        }
    }
    printf("\n");
    k->close(fd);

    fd = k->open("/proc/meminfo", ANYK_O_RDONLY, 0);
    if (!check(fd, "open /proc/meminfo") && (n = k->read(fd, buf, sizeof(buf) - 1)) > 0) {
        buf[n] = '\0';
        printf("the kernel's %.*s", (int)strcspn(buf, "\n") + 1, buf);
    }
    k->close(fd);
    return check(anyk_halt(), "halt");
}
