/*
 * kernel.h - boot and shutdown of the kernel as a whole (kern/main.c).
 */
#ifndef KERN_KERNEL_H
#define KERN_KERNEL_H

#include <anyk/hyp.h>

#define INIT_NAME_MAX 128

/* What the command line configured. */
struct kconfig {
    int loglevel;                /* console level (loglevel=N, quiet, debug) */
    char init[INIT_NAME_MAX];    /* init=PROG; "monitor" by default */
    const char *init_args;       /* everything after "--", or "" */
    char kexec[INIT_NAME_MAX];   /* kexec=PATH: run this payload instead of init */
    char root[64];               /* root=DEV: mount it as / instead of the initramfs */
    char rootfstype[16];         /* rootfstype=TYPE (default ext2) */
    bool root_ro;                /* ro: mount the root read-only */
    uint32_t nblk, nnet;
    uintptr_t ram_base;
    size_t ram_size;
    uintptr_t image_base;
    const char *host_name;
};

/*
 * Bring up every subsystem and make the caller the kernel's first thread.
 * kmain calls it; unit tests call it to get a running kernel.
 */
void kern_init(const struct hyp_boot *boot);
/* Flush what needs flushing and end the kernel with an exit status. */
void kern_halt(int status) __attribute__((noreturn));
const struct kconfig *kern_config(void);

/* The built-in monitor (kern/monitor.c); returns the status to halt with. */
int monitor_run(const char *first_command);

#endif
