/*
 * hcall.c - serving the guest's hypercalls: the edge where guest values
 * become host actions.
 *
 * Each call's arguments are copied out of the guest's block once, every
 * pointer and length is turned into a host address only through
 * vm_guest_range() (which refuses anything not wholly inside guest memory),
 * disk offsets are checked against the disk, and only then does dev.c act.
 * A bad buffer fails the call with -EFAULT; a block outside guest memory gets
 * no answer. Both are reported on stderr (the first few of them), since the
 * anyk kernel never makes such calls: it means a broken or hostile guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include "host/kvm/kvm.h"

#define REPORT_MAX 32

unsigned long hcall_refused;
bool hcall_trace;

static const char *const names[KVM_HC_COUNT] = {
    [KVM_HC_HALT] = "halt",           [KVM_HC_CONS_WRITE] = "cons_write",
    [KVM_HC_CONS_READ] = "cons_read", [KVM_HC_CLOCK] = "clock",
    [KVM_HC_POLL] = "poll",           [KVM_HC_BLK_INFO] = "blk_info",
    [KVM_HC_BLK_READ] = "blk_read",   [KVM_HC_BLK_WRITE] = "blk_write",
    [KVM_HC_BLK_FLUSH] = "blk_flush", [KVM_HC_NET_INFO] = "net_info",
    [KVM_HC_NET_SEND] = "net_send",   [KVM_HC_NET_RECV] = "net_recv",
    [KVM_HC_RANDOM] = "random",       [KVM_HC_NOP] = "nop",
};

static void refused(unsigned nr, const char *what, uint64_t gpa, uint64_t len)
{
    if (hcall_refused++ < REPORT_MAX)
        dev_say("hypercall %s refused: %s [%#llx, +%#llx) is not inside guest memory",
                names[nr], what, (unsigned long long)gpa, (unsigned long long)len);
    else if (hcall_refused == REPORT_MAX + 1)
        dev_say("(more refused hypercalls not reported)");
}

/* The guest buffer [gpa, gpa + len) as a host pointer, or NULL after reporting it. */
static void *buffer(const struct vm *vm, unsigned nr, uint64_t gpa, uint64_t len)
{
    void *p = vm_guest_range(vm, gpa, len);

    if (!p)
        refused(nr, "buffer", gpa, len);
    return p;
}

static int64_t blk_info(struct vm *vm, uint64_t i, uint64_t gpa)
{
    struct hyp_blk_info info;
    void *p = buffer(vm, KVM_HC_BLK_INFO, gpa, sizeof(info));
    int r;

    if (!p)
        return -EFAULT;
    if (i > UINT32_MAX)
        return -ENODEV;
    if ((r = dev_blk_info((uint32_t)i, &info)) < 0)
        return r;
    memcpy(p, &info, sizeof(info));
    return 0;
}

static int64_t blk_io(struct vm *vm, unsigned nr, const uint64_t a[4])
{
    bool write = nr == KVM_HC_BLK_WRITE;
    void *p;
    int r;

    if (a[0] > UINT32_MAX)
        return -ENODEV;
    if ((r = dev_blk_check((uint32_t)a[0], a[1], a[3], write)) < 0)
        return r;
    if (!(p = buffer(vm, nr, a[2], a[3])))
        return -EFAULT;
    return write ? dev_blk_write((uint32_t)a[0], a[1], p, a[3])
                 : dev_blk_read((uint32_t)a[0], a[1], p, a[3]);
}

void hcall(struct vm *vm, unsigned nr, uint64_t gpa)
{
    struct kvm_hc *blk;
    uint64_t a[4];
    int64_t ret = -ENOSYS;
    void *p;

    if (nr == KVM_HC_NOP)
        return;
    blk = vm_guest_range(vm, gpa, sizeof(*blk));
    if (!blk || gpa % 8) {
        refused(nr, "argument block", gpa, sizeof(*blk));
        return;
    }
    /* Read the arguments once: what is checked is what is used. */
    memcpy(a, blk->a, sizeof(a));

    switch (nr) {
    case KVM_HC_HALT:
        dev_exit((int)(a[0] & 0xff));
    case KVM_HC_CONS_WRITE:
        ret = (p = buffer(vm, nr, a[0], a[1])) ? dev_cons_write(p, a[1]) : -EFAULT;
        break;
    case KVM_HC_CONS_READ:
        ret = (p = buffer(vm, nr, a[0], a[1])) ? dev_cons_read(p, a[1]) : -EFAULT;
        break;
    case KVM_HC_CLOCK: {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        blk->a[0] = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        ret = 0;
        break;
    }
    case KVM_HC_POLL:
        ret = dev_poll(vm, a[0]);
        break;
    case KVM_HC_BLK_INFO:
        ret = blk_info(vm, a[0], a[1]);
        break;
    case KVM_HC_BLK_READ:
    case KVM_HC_BLK_WRITE:
        ret = blk_io(vm, nr, a);
        break;
    case KVM_HC_BLK_FLUSH:
        ret = a[0] > UINT32_MAX ? -ENODEV : dev_blk_flush((uint32_t)a[0]);
        break;
    case KVM_HC_NET_INFO:
    case KVM_HC_NET_SEND:
    case KVM_HC_NET_RECV:
        ret = -ENODEV; /* no NICs yet: nothing of the guest's is touched */
        break;
    case KVM_HC_RANDOM:
        ret = (p = buffer(vm, nr, a[0], a[1])) ? dev_random(p, a[1]) : -EFAULT;
        break;
    }
    blk->ret = ret;
    if (hcall_trace)
        dev_say("trace: %s(%#llx, %#llx, %#llx, %#llx) = %lld", names[nr],
                (unsigned long long)a[0], (unsigned long long)a[1], (unsigned long long)a[2],
                (unsigned long long)a[3], (long long)ret);
}
