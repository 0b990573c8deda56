/*
 * hyp.h - the hypercall boundary: everything the anyk core needs from a host.
 *
 * This header is the only door between the kernel and whatever runs it (a
 * Linux process, a KVM monitor, bare hardware). The core calls the hyp_*
 * functions below and nothing else outside itself; each host implements every
 * one of them, once, in host/NAME/. The host calls kmain() exactly once.
 *
 * Execution model: one virtual CPU, no interrupts across the boundary. The
 * kernel schedules its own threads on that CPU. When every kernel thread is
 * blocked, the idle loop calls hyp_poll() with the next timer deadline; that
 * is the only place the kernel ever waits. Apart from hyp_poll, no call may
 * block for an unbounded time (disk calls may take as long as the I/O takes).
 *
 * Errors are negative errno values with Linux numbering (include/anyk/errno.h).
 * Every pointer the kernel passes is valid for the given length for the
 * duration of the call only; a host must not keep it.
 *
 * See docs/hypercalls.md for how to port anyk to a new host.
 */
#ifndef ANYK_HYP_H
#define ANYK_HYP_H

#include <anyk/types.h>

#define HYP_ABI_VERSION 1

/* ---- boot --------------------------------------------------------------- */

/*
 * What the host hands to kmain(). The structure and everything it points to
 * must stay valid and unchanged until hyp_halt().
 */
struct hyp_boot {
    uint32_t abi_version;       /* HYP_ABI_VERSION the host was built for */
    uint32_t flags;             /* HYP_BOOT_* */

    /*
     * RAM for the kernel's own allocator: page aligned, at least 1 MiB,
     * readable, writable and executable (programs are loaded into it). The
     * kernel owns it entirely; the host never touches it after boot.
     */
    void *ram_base;
    size_t ram_size;

    /* Kernel command line: "key=value" words, then "--" and init's arguments. */
    const char *cmdline;

    /*
     * Optional initramfs (cpio "newc" archive); NULL and 0 if none. The
     * kernel reads it only before it first calls hyp_poll; from then on the
     * host may release its memory.
     */
    const void *initrd;
    size_t initrd_size;

    /* How many block devices and NICs the host offers (indices 0..n-1). */
    uint32_t nblk;
    uint32_t nnet;

    /*
     * Preemption tick: if not NULL, the host sets *tick to 1 (from a timer,
     * at any moment) when the running kernel thread has had the CPU for a
     * time slice. The kernel clears it. A host without a timer leaves it
     * NULL and threads then run until they block or yield.
     */
    volatile int *tick;

    /* Name of the host ("posix", "kvm", "metal") for the banner. */
    const char *host_name;

    /* Load address of the image holding the core, for backtraces (may be 0). */
    uintptr_t image_base;
};

#define HYP_BOOT_CONS_TTY 0x1   /* console is an interactive terminal: echo */
#define HYP_BOOT_RAM_ZEROED 0x2 /* every byte of the RAM region is zero at boot */

/* Entry point of the kernel, called once by the host on its boot stack. */
void kmain(const struct hyp_boot *boot) __attribute__((noreturn));

/* ---- halt --------------------------------------------------------------- */

/*
 * End the kernel with an exit status (0-255) that the host passes to whoever
 * started it. Flushes host-side buffers (console, disks). Never returns.
 */
void hyp_halt(int status) __attribute__((noreturn));

/* ---- console ------------------------------------------------------------ */

/*
 * Write len bytes to the console. Writes everything before returning (may
 * wait for the output device, never for input). Returns len or -EIO.
 */
long hyp_cons_write(const void *buf, size_t len);

/*
 * Read at most len bytes of console input that is already available.
 * Never blocks. Returns the number of bytes read (> 0), -EAGAIN when nothing
 * is available now, or 0 at the end of console input (no more will come).
 */
long hyp_cons_read(void *buf, size_t len);

/* ---- time --------------------------------------------------------------- */

/* Monotonic nanoseconds since an arbitrary origin; never goes backwards. */
uint64_t hyp_clock_mono_ns(void);

/* Wall-clock nanoseconds since 1970-01-01 00:00:00 UTC. */
uint64_t hyp_clock_wall_ns(void);

/* ---- idle --------------------------------------------------------------- */

#define HYP_POLL_CONS 0x1u                /* console input (or its end) is ready */
#define HYP_POLL_NET(i) (0x2u << (i))     /* NIC i has a frame (i < 30) */
#define HYP_POLL_SHUTDOWN 0x80000000u     /* the host asks the kernel to shut down cleanly
                                             (the user's Ctrl-C, a SIGTERM): the kernel syncs,
                                             unmounts and calls hyp_halt */
#define HYP_POLL_FOREVER UINT64_MAX

/*
 * Wait until a device has new input or hyp_clock_mono_ns() >= deadline_ns,
 * whichever comes first; return at once if either already holds. Returns
 * the set of HYP_POLL_* events that are ready (0 if only the deadline
 * passed). Reports are edge-like: a device is reported when input arrives
 * that the kernel has not yet been told about; it is reported again only
 * after the kernel has read from it until -EAGAIN (a host may report more
 * often). So input the kernel leaves unread does not keep waking it up.
 * Spurious returns are allowed: the kernel re-checks everything.
 * This is the only hypercall that may sleep for an unbounded time.
 */
uint32_t hyp_poll(uint64_t deadline_ns);

/* ---- block devices ------------------------------------------------------ */

struct hyp_blk_info {
    uint64_t size;          /* bytes, a multiple of sector_size */
    uint32_t sector_size;   /* I/O granularity: offsets and lengths are multiples */
    uint32_t read_only;     /* nonzero: writes fail with -EROFS */
    char name[32];          /* host's name for it (a file name), NUL-terminated */
};

/* Describe block device i. Returns 0 or -ENODEV if i >= nblk. */
int hyp_blk_info(uint32_t i, struct hyp_blk_info *info);

/*
 * Synchronous I/O of len bytes at byte offset off. off and len must be
 * multiples of the sector size and the range must lie within the device;
 * otherwise -EINVAL. Returns 0, or -EIO (nothing is guaranteed about the
 * buffer or the device range then), or -EROFS for a write to a read-only
 * device.
 */
int hyp_blk_read(uint32_t i, uint64_t off, void *buf, size_t len);
int hyp_blk_write(uint32_t i, uint64_t off, const void *buf, size_t len);

/* Make every completed write of device i durable. Returns 0 or -EIO. */
int hyp_blk_flush(uint32_t i);

/* ---- network interfaces ------------------------------------------------- */

struct hyp_net_info {
    uint8_t mac[6];         /* the interface's Ethernet address */
    uint16_t mtu;           /* largest payload of a frame, without the Ethernet header */
    char name[32];          /* host's name for it ("tap0", "user") */
};

/* Describe NIC i. Returns 0 or -ENODEV if i >= nnet. */
int hyp_net_info(uint32_t i, struct hyp_net_info *info);

/*
 * Send one Ethernet frame (header included, no FCS). Returns 0, or -EAGAIN
 * if the host cannot take it now (the frame is dropped, as on a full wire),
 * -EMSGSIZE if it is too long, -EIO on a device error. Never blocks.
 */
int hyp_net_send(uint32_t i, const void *frame, size_t len);

/*
 * Receive one frame into buf. Returns its length, -EAGAIN if none is waiting,
 * or -EIO. A frame longer than cap is dropped and -EMSGSIZE returned.
 * Never blocks.
 */
long hyp_net_recv(uint32_t i, void *buf, size_t cap);

/* ---- entropy ------------------------------------------------------------ */

/* Fill buf with len cryptographically strong random bytes. Returns 0 or -EIO. */
int hyp_random(void *buf, size_t len);

#endif
