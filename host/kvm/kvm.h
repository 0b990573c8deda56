/*
 * kvm.h - anyk-kvm, the monitor: what its parts share.
 *
 *   main.c     the command line, the order of setup, the KVM_RUN loop
 *   vm.c       /dev/kvm, the VM and its vCPU, guest memory, page tables and
 *              64-bit entry state, the register dump
 *   elf.c      the kernel image: checked, loaded, its symbols for the dump
 *   hcall.c    the hypercalls: every guest pointer checked, then served
 *   dev.c      the devices behind them: console and terminal, poll, disks
 *   confine.c  the seccomp filter the loop runs under
 *
 * The guest is not trusted: everything it hands over (an argument block, a
 * buffer, a length, a disk offset) is checked against guest memory or the
 * device before the monitor touches it. A broken guest can end only itself.
 */
#ifndef HOST_KVM_KVM_H
#define HOST_KVM_KVM_H

#include <anyk/hyp.h>
#include "host/kvm/abi.h"
#include "host/posix/posix.h"

/* Exit statuses of the monitor besides the guest's own. */
#define EXIT_SETUP_FAILED 1       /* the host cannot run the guest (no KVM, bad image, ...) */
#define EXIT_GUEST_FAULT 70      /* the guest crashed (as a kernel panic) */

struct vm {
    int kvm_fd, vm_fd, vcpu_fd;
    struct kvm_run *run;        /* the vCPU's shared page(s) with KVM */
    size_t run_size;
    uint8_t *mem;               /* guest memory, guest-physical 0 .. mem_size */
    uint64_t mem_size;
    uint64_t entry;             /* the kernel's entry point */
    uint64_t initrd, initrd_size; /* where the initramfs lies in guest memory */
    uint64_t tsc_khz;
    struct kvm_boot_info *info; /* in guest memory */
    const void *elf;            /* the kernel image, for symbols in a fault report */
    size_t elf_size;
};

/* ---- elf.c -------------------------------------------------------------------- */

/*
 * Check a kernel image: a 64-bit x86_64 ELF executable whose headers and
 * segments lie inside the file, loaded between KVM_IMAGE_ADDR and 1 GiB,
 * entered in its code. Sets *entry and *end (first address past the image).
 * Returns 0, or -1 after one line on stderr.
 */
int elf_validate(const void *elf, size_t size, uint64_t *entry, uint64_t *end);
/* Copy a validated image's segments into guest memory (which is still zero). */
void elf_load(const void *elf, uint8_t *mem);
/* The function of the image that contains addr, and addr's offset in it; NULL if none. */
const char *elf_symbol(const void *elf, size_t size, uint64_t addr, uint64_t *offset);

/* ---- vm.c --------------------------------------------------------------------- */

/*
 * Open /dev/kvm, check the API version and capabilities, create the VM and
 * its vCPU, validate the kernel ELF, lay out and fill guest memory (image,
 * initramfs, boot data, page tables, GDT) and set the registers for a 64-bit
 * entry. On failure prints one line to stderr and returns -1.
 */
int vm_create(struct vm *vm, const void *elf, size_t elf_size, const struct posix_config *cfg,
              uint32_t hyp_flags, uint32_t nblk);

/* Host address of guest range [gpa, gpa + len), or NULL if any of it lies outside guest memory. */
void *vm_guest_range(const struct vm *vm, uint64_t gpa, uint64_t len);

/* Print why the guest stopped and its registers on stderr, restore the terminal, exit 70. */
void vm_fault(const struct vm *vm, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

/* ---- hcall.c ------------------------------------------------------------------ */

/* Serve the hypercall nr whose argument block the guest put at gpa. */
void hcall(struct vm *vm, unsigned nr, uint64_t gpa);

/* How many hypercalls the monitor refused (bad blocks, pointers, lengths). */
extern unsigned long hcall_refused;
/* Print every hypercall on stderr (ANYK_KVM_TRACE=1, for debugging). */
extern bool hcall_trace;

/* ---- dev.c -------------------------------------------------------------------- */

/*
 * Open the disks, set up the console (raw mode on a terminal, restored on
 * every way out), the poller and the preemption tick. Returns 0, or -1 after
 * one line on stderr.
 */
int dev_setup(const struct posix_config *cfg);
/* Where the tick word is: the timer signal sets it (boot data in guest memory). */
void dev_set_tick(volatile int32_t *tick);
/* HYP_BOOT_CONS_TTY if the console is a terminal in raw mode. */
uint32_t dev_cons_flags(void);
unsigned dev_nblk(void);
int dev_tty_fd(void);       /* the terminal the monitor restores, or -1 */
int dev_pid(void);          /* the monitor's process (and only thread) id */

/* Restore the terminal (idempotent, async-signal-safe). */
void dev_restore_terminal(void);
/* Print a message on stderr with the monitor's prefix, without stdio (safe after confinement). */
void dev_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Leave with a status: terminal restored, exit as a shell reports a requested shutdown. */
void dev_exit(int status) __attribute__((noreturn));

long dev_cons_write(const void *buf, size_t len);
long dev_cons_read(void *buf, size_t len);
uint32_t dev_poll(struct vm *vm, uint64_t timeout_ns);
int dev_blk_info(uint32_t i, struct hyp_blk_info *info);
int dev_blk_check(uint32_t i, uint64_t off, uint64_t len, bool write);
int dev_blk_read(uint32_t i, uint64_t off, void *buf, size_t len);
int dev_blk_write(uint32_t i, uint64_t off, const void *buf, size_t len);
int dev_blk_flush(uint32_t i);
int dev_random(void *buf, size_t len);

/* ---- confine.c ---------------------------------------------------------------- */

/*
 * From now on allow only the system calls the run loop needs; any other kills
 * the process (SIGSYS). Returns 0, or -1 after one line on stderr.
 */
int confine(int vcpu_fd, int tty_fd, int pid);

#endif
