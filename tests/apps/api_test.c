/*
 * api_test.c - the kernel's program API refuses bad arguments with the errno
 * Linux gives for the same mistake, and never crashes: bad pointers it can
 * detect, bad descriptors, bad flags and values. Runs as a program on anyk
 * (in the initramfs as /usr/libexec/anyk/api_test) and prints TAP.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/anyk.h>

#include <anyk/errno.h>

static int count, failed;

static void is(long got, long want, const char *what)
{
    count++;
    if (got != want)
        failed++;
    printf("%sok %d - %s (%ld)\n", got == want ? "" : "not ", count, what, got);
}

int main(void)
{
    const struct anyk_api *k = anyk_api();
    char *const bad = (char *)(uintptr_t)0x10;              /* the first page */
    char *const wild = (char *)(uintptr_t)0xdead000000000000ull; /* not canonical */
    struct anyk_stat st;
    char buf[64];
    int fds[2];

    /* Pointers the kernel can tell are not the program's. */
    is(k->open(NULL, ANYK_O_RDONLY, 0), -EFAULT, "open(NULL path)");
    is(k->open(bad, ANYK_O_RDONLY, 0), -EFAULT, "open(path in the first page)");
    is(k->open(wild, ANYK_O_RDONLY, 0), -EFAULT, "open(non-canonical path)");
    is(k->stat("/", NULL), -EFAULT, "stat(/, NULL)");
    is(k->stat("/", (struct anyk_stat *)wild), -EFAULT, "stat(/, wild buffer)");
    is(k->read(0, wild, 10), -EFAULT, "read into a wild buffer");
    is(k->write(1, bad, 10), -EFAULT, "write from the first page");
    is(k->pipe(NULL), -EFAULT, "pipe(NULL)");
    is(k->getcwd(wild, 100), -EFAULT, "getcwd into a wild buffer");
    is(k->clock_gettime(ANYK_CLOCK_MONOTONIC, NULL), -EFAULT, "clock_gettime(NULL)");
    is(k->nanosleep(NULL, NULL), -EFAULT, "nanosleep(NULL)");
    char *argv_bad[] = { "x", wild, NULL };
    is(k->spawn("/bin/true", argv_bad, NULL, NULL, 0, NULL), -EFAULT, "spawn with a wild argv[1]");
    is(k->spawn("/bin/true", (char *const *)wild, NULL, NULL, 0, NULL), -EFAULT,
       "spawn with a wild argv array");
    is(k->wait(-1, (int *)wild, 0), -EFAULT, "wait with a wild status pointer");

    /* Descriptors. */
    is(k->read(-1, buf, 1), -EBADF, "read(-1)");
    is(k->write(64, buf, 1), -EBADF, "write(64), past the table");
    is(k->close(1000), -EBADF, "close(1000)");
    is(k->fstat(57, &st), -EBADF, "fstat of a closed descriptor");
    is(k->dup2(0, 64), -EBADF, "dup2 to 64");
    is(k->lseek(-5, 0, ANYK_SEEK_SET), -EBADF, "lseek(-5)");
    int fd = k->open("/etc/rc", ANYK_O_RDONLY, 0);
    is(k->write(fd, "x", 1), -EBADF, "write to a file opened read-only");
    is(k->lseek(fd, 0, 7), -EINVAL, "lseek with whence 7");
    is(k->lseek(fd, -1, ANYK_SEEK_SET), -EINVAL, "lseek to -1");
    is(k->getdents(fd, buf, sizeof(buf)), -ENOTDIR, "getdents of a file");
    k->close(fd);
    is(k->pipe(fds), 0, "pipe");
    is(k->lseek(fds[0], 0, ANYK_SEEK_SET), -ESPIPE, "lseek on a pipe");
    is(k->read(fds[1], buf, 1), -EBADF, "read from a pipe's write end");
    k->close(fds[0]);
    k->sigaction(ANYK_SIGPIPE, &(struct anyk_sigaction){ ANYK_SIG_IGN, 0 }, NULL);
    is(k->write(fds[1], "x", 1), -EPIPE, "write to a pipe with no reader (SIGPIPE ignored)");
    k->close(fds[1]);

    /* Flags and values. */
    is(k->open("/etc/rc", 3, 0), -EINVAL, "open with access mode 3");
    is(k->open("/etc/rc/x", ANYK_O_RDONLY, 0), -ENOTDIR, "a file used as a directory");
    is(k->open("/", ANYK_O_WRONLY, 0), -EISDIR, "open a directory for writing");
    is(k->fcntl(0, 99, 0), -EINVAL, "fcntl command 99");
    is(k->clock_gettime(42, (struct anyk_timespec *)buf), -EINVAL, "clock 42");
    struct anyk_timespec ts = { 0, 2000000000 };
    is(k->nanosleep(&ts, NULL), -EINVAL, "nanosleep with tv_nsec >= 1e9");
    ts.tv_sec = -1;
    ts.tv_nsec = 0;
    is(k->nanosleep(&ts, NULL), -EINVAL, "nanosleep with a negative time");
    is(k->poll(NULL, 100000, 0), -EINVAL, "poll of 100000 descriptors");
    is(k->kill(1 << 30, ANYK_SIGTERM), -ESRCH, "kill of a pid that does not exist");
    is(k->kill(k->getpid(), 99), -EINVAL, "kill with signal 99");
    is(k->sigaction(ANYK_SIGKILL, &(struct anyk_sigaction){ ANYK_SIG_IGN, 0 }, NULL), -EINVAL,
       "ignoring SIGKILL");
    is(k->wait(-1, NULL, 0), -ECHILD, "wait with no children");
    is(k->wait(-1, NULL, 0x40), -EINVAL, "wait with unknown options");
    is((long)k->mmap(NULL, 0, 3, ANYK_MAP_PRIVATE | ANYK_MAP_ANONYMOUS, -1, 0), -EINVAL,
       "mmap of 0 bytes");
    is((long)k->mmap(NULL, 4096, 3, ANYK_MAP_PRIVATE, 3, 0), -EINVAL, "mmap of a file");
    is((long)k->mmap(NULL, 1ul << 40, 3, ANYK_MAP_PRIVATE | ANYK_MAP_ANONYMOUS, -1, 0), -ENOMEM,
       "mmap of 1 TiB");
    is(k->munmap(buf, 4096), -EINVAL, "munmap of memory mmap did not give");
    is(k->halt(300), -EINVAL, "halt(300)");
    is(k->spawn("/etc/rc", NULL, NULL, NULL, 0, NULL), -EACCES, "spawn of a file without x bit");
    is(k->spawn("/etc", NULL, NULL, NULL, 0, NULL), -EACCES, "spawn of a directory");
    is(k->spawn("/nonexistent", NULL, NULL, NULL, 0, NULL), -ENOENT, "spawn of a missing file");
    char longpath[5000];
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = '\0';
    is(k->open(longpath, ANYK_O_RDONLY, 0), -ENAMETOOLONG, "a 4999-byte path");
    printf("1..%d\n", count);
    return failed ? 1 : 0;
}
