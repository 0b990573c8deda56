/*
 * confine.c - after setup, the monitor gives up every system call its run
 * loop does not need (a seccomp BPF filter). If a guest ever found a bug in
 * the monitor, the process it took over could still do only this: run the
 * vCPU, read and write the descriptors it already has, wait, read the clock
 * and the random pool, and exit. Anything else kills the whole process
 * (SECCOMP_RET_KILL_PROCESS: SIGSYS, no handler runs).
 *
 * Facts used: the seccomp(2) and the kernel's seccomp_filter documentation
 * for struct seccomp_data and the return values; the filter checks the
 * architecture first, so that a 32-bit or x32 system call number cannot
 * alias an allowed one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <asm/ioctls.h>
#include <unistd.h>

#include "host/kvm/kvm.h"

#define PROG_MAX 128

#define ALLOW SECCOMP_RET_ALLOW
#define KILL SECCOMP_RET_KILL_PROCESS
#define ARG_LO(n) (offsetof(struct seccomp_data, args) + 8 * (n)) /* little-endian low word */

/* System calls the loop makes with any arguments (on descriptors it opened before). */
static const int allowed[] = {
    SYS_read,           /* console input, the timerfd */
    SYS_write,          /* console output, messages */
    SYS_pread64,        /* disks */
    SYS_pwrite64,
    SYS_fdatasync,
    SYS_poll,           /* is console input there? */
    SYS_ppoll,
    SYS_epoll_wait,     /* hyp_poll */
    SYS_epoll_pwait,
    SYS_epoll_ctl,      /* the console's input ended */
    SYS_timerfd_settime,
    SYS_clock_gettime,  /* usually the vDSO, without a system call */
    SYS_getrandom,
    SYS_rt_sigreturn,   /* the tick and shutdown signals */
    SYS_rt_sigaction,   /* a fatal signal: back to the default action, ... */
    SYS_exit_group,
    SYS_exit,
};

static struct {
    struct sock_filter insn[PROG_MAX];
    unsigned short n;
} prog;

static void emit(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
    if (prog.n < PROG_MAX)
        prog.insn[prog.n++] = (struct sock_filter){ code, jt, jf, k };
}

/* if (nr == sys && arg[argn] == val) allow; each check self-contained, no long jumps. */
static void allow_arg(int sys, unsigned argn, uint32_t val)
{
    emit(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
    emit(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)sys, 0, 3);
    emit(BPF_LD | BPF_W | BPF_ABS, (uint32_t)ARG_LO(argn), 0, 0);
    emit(BPF_JMP | BPF_JEQ | BPF_K, val, 0, 1);
    emit(BPF_RET | BPF_K, ALLOW, 0, 0);
}

/* if (nr == ioctl && fd == fd && cmd == cmd) allow (both are 32-bit in ioctl(2)). */
static void allow_ioctl(int fd, uint32_t cmd)
{
    emit(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
    emit(BPF_JMP | BPF_JEQ | BPF_K, SYS_ioctl, 0, 5);
    emit(BPF_LD | BPF_W | BPF_ABS, (uint32_t)ARG_LO(0), 0, 0);
    emit(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)fd, 0, 3);
    emit(BPF_LD | BPF_W | BPF_ABS, (uint32_t)ARG_LO(1), 0, 0);
    emit(BPF_JMP | BPF_JEQ | BPF_K, cmd, 0, 1);
    emit(BPF_RET | BPF_K, ALLOW, 0, 0);
}

int confine(int vcpu_fd, int tty_fd, int pid)
{
    struct sock_fprog fprog;

    prog.n = 0;
    emit(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
    emit(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
    emit(BPF_RET | BPF_K, KILL, 0, 0);
    emit(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
    emit(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u /* __X32_SYSCALL_BIT */, 0, 1);
    emit(BPF_RET | BPF_K, KILL, 0, 0);
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
        emit(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)allowed[i], 0, 1);
        emit(BPF_RET | BPF_K, ALLOW, 0, 0);
    }
    /* The vCPU: run it, and read its registers for a fault report. */
    allow_ioctl(vcpu_fd, KVM_RUN);
    allow_ioctl(vcpu_fd, KVM_GET_REGS);
    allow_ioctl(vcpu_fd, KVM_GET_SREGS);
    /* The terminal: put its settings back (tcsetattr, which reads them first). */
    if (tty_fd >= 0) {
        allow_ioctl(tty_fd, TCGETS);
        allow_ioctl(tty_fd, TCSETS);
        allow_ioctl(tty_fd, TCSETSW);
        allow_ioctl(tty_fd, TCSETSF);
    }
    /* ... then raised again, at this process only. */
    allow_arg(SYS_tgkill, 0, (uint32_t)pid);
    /* Give the initramfs's pages back once the kernel has unpacked it. */
    allow_arg(SYS_madvise, 2, MADV_DONTNEED);
    emit(BPF_RET | BPF_K, KILL, 0, 0);
    if (prog.n == PROG_MAX) {
        dev_say("seccomp filter too long");
        return -1;
    }

    fprog.len = prog.n;
    fprog.filter = prog.insn;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0) {
        dev_say("cannot confine the monitor with seccomp: %s", strerror(errno));
        return -1;
    }
    return 0;
}
