/*
 * main.c - the `anyk-kvm` command: boot the anyk kernel as a KVM guest.
 *
 *   anyk-kvm [OPTIONS] [-- ARGS...]
 *
 * The same options and defaults as `anyk run` (host/posix/cli.c). Setup opens
 * everything the guest will use (disks, console, /dev/kvm), builds the VM,
 * then confines the process (confine.c) and runs the vCPU until the guest
 * halts (its status is ours) or stops in a way a kernel never should (70,
 * with a register dump).
 *
 * Hidden, for tests: ANYK_KVM_KERNEL=FILE boots FILE instead of the built-in
 * kernel; ANYK_KVM_TEST_SECCOMP=1 makes the confined monitor try a forbidden
 * system call; ANYK_KVM_TRACE=1 prints every hypercall on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/kvm/kvm.h"
#include "host/posix/cli.h"

/* The built-in initramfs (host/posix/initrd.S) and kernel (host/kvm/kernel.S). */
extern const char anyk_initrd_start[], anyk_initrd_end[];
extern const char anyk_kvm_kernel_start[], anyk_kvm_kernel_end[];

/* ANYK_KVM_KERNEL: a kernel image from a file (mapped, never written). */
static int load_kernel(const char *path, const void **elf, size_t *size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    void *p;

    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
        fprintf(stderr, "anyk-kvm: kernel image %s: %s\n", path,
                fd < 0 || errno ? strerror(errno) : "not a regular file with data");
        return -1;
    }
    p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        fprintf(stderr, "anyk-kvm: kernel image %s: %s\n", path, strerror(errno));
        return -1;
    }
    *elf = p;
    *size = (size_t)st.st_size;
    return 0;
}

/* An `out` to a hypercall port is a call; any other port I/O is a guest bug. */
static void on_io(struct vm *vm)
{
    struct kvm_run *run = vm->run;
    uint32_t value;

    if (run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 4 || run->io.count != 1 ||
        run->io.port < KVM_HC_PORT || run->io.port >= KVM_HC_PORT + KVM_HC_COUNT ||
        run->io.data_offset > vm->run_size - 4)
        vm_fault(vm, "port I/O nobody serves: %s port %#x, %u byte(s) x %u",
                 run->io.direction == KVM_EXIT_IO_OUT ? "out to" : "in from", run->io.port,
                 run->io.size, run->io.count);
    memcpy(&value, (const char *)run + run->io.data_offset, 4);
    hcall(vm, run->io.port - KVM_HC_PORT, value);
}

static void __attribute__((noreturn)) run_loop(struct vm *vm)
{
    struct kvm_run *run = vm->run;

    for (;;) {
        if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue; /* a signal (tick, shutdown) was handled; carry on */
            vm_fault(vm, "KVM_RUN failed: %s", strerror(errno));
        }
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            on_io(vm);
            break;
        case KVM_EXIT_INTR:
            break;
        case KVM_EXIT_SHUTDOWN:
            vm_fault(vm, "the guest took an exception it could not handle (triple fault)");
        case KVM_EXIT_HLT:
            vm_fault(vm, "the guest halted its CPU with interrupts off");
        case KVM_EXIT_MMIO:
            vm_fault(vm, "the guest %s %u byte(s) at %#llx, outside its memory",
                     run->mmio.is_write ? "wrote" : "read", run->mmio.len,
                     (unsigned long long)run->mmio.phys_addr);
        case KVM_EXIT_FAIL_ENTRY:
            vm_fault(vm, "KVM could not enter the guest (hardware reason %#llx)",
                     (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        case KVM_EXIT_INTERNAL_ERROR:
            vm_fault(vm, "KVM internal error %u (%s)", run->internal.suberror,
                     run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
                         ? "KVM could not emulate an instruction"
                     : run->internal.suberror == KVM_INTERNAL_ERROR_SIMUL_EX
                         ? "an exception while delivering another"
                         : "see the KVM API documentation");
        default:
            vm_fault(vm, "unexpected exit from the guest (KVM exit reason %u)", run->exit_reason);
        }
    }
}

int main(int argc, char **argv)
{
    static const struct posix_cli cli = {
        .prog = "anyk-kvm",
        .command = "anyk-kvm",
        .what = "Boot the anyk kernel as a KVM guest under anyk's own monitor, with its console\n"
                "on the terminal.",
        .statuses = ",\n70 also when the guest faults (with a register dump on stderr)",
    };
    struct posix_config cfg = {
        .mem = POSIX_MEM_DEFAULT,
        .initrd = anyk_initrd_start,
        .initrd_size = (size_t)(anyk_initrd_end - anyk_initrd_start),
    };
    const void *elf = anyk_kvm_kernel_start;
    size_t elf_size = (size_t)(anyk_kvm_kernel_end - anyk_kvm_kernel_start);
    const char *kernel = getenv("ANYK_KVM_KERNEL");
    bool test_seccomp = getenv("ANYK_KVM_TEST_SECCOMP") != NULL;

    hcall_trace = getenv("ANYK_KVM_TRACE") != NULL;
    static struct vm vm;

    posix_cli_parse(&cli, argc, argv, &cfg);
    if (cfg.mem < POSIX_MEM_MIN || cfg.mem > POSIX_MEM_MAX || cfg.mem % 4096) {
        fprintf(stderr, "anyk-kvm: memory size must be a multiple of 4K between %luM and %luG\n",
                POSIX_MEM_MIN >> 20, POSIX_MEM_MAX >> 30);
        return EXIT_SETUP_FAILED;
    }
    if (kernel && load_kernel(kernel, &elf, &elf_size) < 0)
        return EXIT_SETUP_FAILED;
    if (dev_setup(&cfg) < 0)
        return EXIT_SETUP_FAILED;
    if (vm_create(&vm, elf, elf_size, &cfg, dev_cons_flags(), dev_nblk()) < 0) {
        dev_restore_terminal();
        return EXIT_SETUP_FAILED;
    }
    /* The guest has its own copy of the initramfs and the kernel now. */
    if (cfg.initrd_malloced)
        free((void *)cfg.initrd);
    dev_set_tick(&vm.info->tick);
    if (confine(vm.vcpu_fd, dev_tty_fd(), dev_pid()) < 0) {
        dev_restore_terminal();
        return EXIT_SETUP_FAILED;
    }
    if (test_seccomp) {
        /* A system call the filter does not allow: the process must die here, with SIGSYS. */
        int fd = open("/etc/hostname", O_RDONLY);
        dev_say("seccomp test: open was allowed (fd %d); the filter does not work", fd);
        dev_exit(EXIT_SETUP_FAILED);
    }
    run_loop(&vm);
}
