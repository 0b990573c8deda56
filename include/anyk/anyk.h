/*
 * anyk.h - library mode: the anyk kernel inside your program (libanyk.a).
 *
 *     const struct anyk_api *k = anyk_boot(NULL);
 *     int fd = k->open("/hello", ANYK_O_CREAT | ANYK_O_WRONLY, 0644);
 *     k->write(fd, "hi\n", 3);
 *     k->close(fd);
 *     anyk_halt();
 *
 * anyk_boot() boots the kernel in the calling process and returns the same
 * API table programs on anyk receive (include/anyk/api.h): files, pipes,
 * directories, mounts, spawn of programs from the kernel's own file system,
 * and so on, with errors as negative errno values. The calling program is
 * the kernel's task 0. The kernel's memory is a mapping at a fixed address
 * (one kernel per process); its messages go to standard error; it does not
 * touch the terminal, standard input or the program's signals.
 *
 * Threads: any thread of the program may call into the table; calls are
 * serialised (one thread is inside the kernel at a time), so the kernel
 * never sees two callers at once. A call that waits for something only
 * another thread's call would provide (a pipe read waiting for a write from
 * another host thread) waits for ever: use one thread for such pairs, or
 * poll first. Between calls the kernel does not run: its timers catch up at
 * the next call.
 *
 * Only the symbols declared here are visible in libanyk.a; the kernel's own
 * memcpy, printk and the rest cannot collide with the program's.
 */
#ifndef ANYK_ANYK_H
#define ANYK_ANYK_H

#include <anyk/api.h>

struct anyk_config {
    size_t mem;             /* kernel RAM in bytes; 0 for 64 MiB */
    const char *cmdline;    /* kernel command line ("quiet", "loglevel=7"); NULL for "quiet" */
    const void *initrd;     /* a cpio (newc) archive to unpack as the root, or NULL */
    size_t initrd_size;
    struct {
        const char *path;   /* a disk image or block device: /dev/blk0, /dev/blk1, ... */
        int read_only;
    } disk[8];
    unsigned ndisks;
};

/*
 * Boot the kernel (once per process) and return its API table, or NULL
 * after printing why on stderr (no memory at the fixed address, booted
 * already). cfg may be NULL for the defaults.
 */
const struct anyk_api *anyk_boot(const struct anyk_config *cfg);

/*
 * Sync every file system and stop the kernel; the table must not be used
 * afterwards (its calls then return -ESHUTDOWN). Returns 0 or the first
 * error from syncing.
 */
int anyk_halt(void);

#endif
