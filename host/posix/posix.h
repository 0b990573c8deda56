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
#define POSIX_NETS_MAX 8

struct posix_disk {
    const char *path;       /* a regular file or a block device */
    bool read_only;
    void *mem;              /* instead of path: a disk in this memory (tests, fuzzing) */
    size_t mem_size;
};

enum posix_net_kind {
    POSIX_NET_TAP = 1,      /* an existing TAP device */
    POSIX_NET_USER,         /* user-mode networking (libslirp) */
};

struct posix_net {
    enum posix_net_kind kind;
    const char *name;       /* TAP: the device's name */
    const char *options;    /* USER: what followed "user," (hostfwd=...), or NULL */
};

struct posix_config {
    size_t mem;             /* bytes of kernel RAM, a multiple of 4 KiB */
    const char *cmdline;    /* kernel command line */
    bool no_tick;           /* no preemption timer (threads run until they block) */
    bool library;           /* inside another program: no console input, output to stderr,
                               the terminal and signals left alone */
    struct posix_disk disks[POSIX_DISKS_MAX];
    unsigned ndisks;
    struct posix_net nets[POSIX_NETS_MAX];  /* NIC i is nets[i] */
    unsigned nnets;
    const void *initrd;     /* cpio archive to unpack into the root, or NULL */
    size_t initrd_size;
    bool initrd_malloced;   /* the host may free() it once the kernel is done with it */
};

/*
 * Map RAM, set up the console, clock, poller and tick timer, and fill *boot.
 * On failure prints one line to stderr naming the problem and returns -1.
 */
int posix_setup(const struct posix_config *cfg, struct hyp_boot *boot);

/*
 * NICs (net.c): open every NIC of cfg and add its descriptors to the epoll set.
 * Returns how many NICs there are, or -1 after one line on stderr.
 */
int posix_net_setup(const struct posix_config *cfg, int epfd);
/* hyp_poll: the HYP_POLL_NET bit for an epoll event on fd, or 0 if fd is no NIC's. */
uint32_t posix_net_event(int fd);

/* Parse a size as QEMU's -m does: a number with an optional K/M/G/T suffix (none means MiB). */
int posix_parse_size(const char *s, size_t *out);

#endif
