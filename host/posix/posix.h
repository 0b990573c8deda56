/*
 * posix.h - the posix host: anyk's hypercalls implemented on Linux.
 *
 * Used by the `anyk` command (main.c), by the unit tests and the benchmarks,
 * which boot the real kernel inside a test program.
 */
#ifndef HOST_POSIX_H
#define HOST_POSIX_H

#include <anyk/hyp.h>

/* Kernel RAM lives here, so raw payloads can rely on where it is. */
#define POSIX_RAM_BASE 0x200000000000ul
#define POSIX_MEM_DEFAULT (64ul << 20)
#define POSIX_MEM_MIN (4ul << 20)
#define POSIX_MEM_MAX (16ul << 30)
#define POSIX_TICK_US 10000 /* time slice of the preemption tick */
#define POSIX_DISKS_MAX 8

struct posix_disk {
    const char *path;       /* a regular file or a block device */
    bool read_only;
    void *mem;              /* instead of path: a disk in this memory (tests, fuzzing) */
    size_t mem_size;
};

struct posix_config {
    size_t mem;             /* bytes of kernel RAM, a multiple of 4 KiB */
    const char *cmdline;    /* kernel command line */
    bool no_tick;           /* no preemption timer (threads run until they block) */
    bool library;           /* inside another program: no console input, output to stderr,
                               the terminal and signals left alone */
    struct posix_disk disks[POSIX_DISKS_MAX];
    unsigned ndisks;
    const void *initrd;     /* cpio archive to unpack into the root, or NULL */
    size_t initrd_size;
    bool initrd_malloced;   /* the host may free() it once the kernel is done with it */
};

/*
 * Map RAM, set up the console, clock, poller and tick timer, and fill *boot.
 * On failure prints one line to stderr naming the problem and returns -1.
 */
int posix_setup(const struct posix_config *cfg, struct hyp_boot *boot);

/* Parse a size as QEMU's -m does: a number with an optional K/M/G/T suffix (none means MiB). */
int posix_parse_size(const char *s, size_t *out);

#endif
