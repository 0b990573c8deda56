/*
 * kexec.c - run a raw payload at a fixed address.
 *
 * The payload area is a page block reserved at boot at KEXEC_OFFSET from the
 * start of kernel RAM. On the posix host RAM always starts at the same
 * virtual address (host/posix/posix.h), so a payload may be linked to run at
 * exactly kexec_addr(). It runs on the calling task's thread and stack and
 * returns to the caller; it is trusted as much as any program.
 */
#include <anyk/errno.h>
#include "kern/kernel.h"
#include "kern/kexec.h"
#include "kern/page.h"
#include "kern/printk.h"
#include "kern/syscall.h"

static struct {
    void *area;
    bool busy;
} kx;

void kexec_init(void)
{
    struct zone *z = page_zone();
    unsigned order = page_order_for(KEXEC_MAX);
    uintptr_t want = kern_config()->ram_base + KEXEC_OFFSET;

    /* Nothing else has been allocated there this early; take exactly that block. */
    if (zone_take(z, (void *)want, order) < 0) {
        kwarn("kexec: payload area at %p unavailable; kexec disabled", (void *)want);
        return;
    }
    kx.area = (void *)want;
}

uintptr_t kexec_addr(void)
{
    return (uintptr_t)kx.area;
}

int kexec_run(const struct vfs_ctx *c, const char *path)
{
    struct anyk_stat st;
    struct file *f;
    long n;
    int r;

    if (!kx.area)
        return -ENOSYS;
    if (kx.busy)
        return -EBUSY;
    if ((r = vfs_open(c, path, ANYK_O_RDONLY, 0, &f)) < 0)
        return r;
    if ((r = file_fstat(f, &st)) < 0 || (r = -EISDIR, (st.st_mode & ANYK_S_IFMT) == ANYK_S_IFDIR)) {
        file_put(f);
        return r;
    }
    if ((uint64_t)st.st_size > KEXEC_MAX) {
        file_put(f);
        return -EFBIG;
    }
    n = file_pread(f, kx.area, (size_t)st.st_size, 0);
    file_put(f);
    if (n < 0)
        return (int)n;
    kinfo("kexec: running %s (%ld bytes) at %p", path, n, kx.area);
    kx.busy = true;
    r = ((int (*)(const struct anyk_api *))kx.area)(syscall_api());
    kx.busy = false;
    return r;
}
