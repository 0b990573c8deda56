/*
 * devfs.c - /dev: the memory devices (null, zero, full, random, urandom),
 * one node per block device the host offers (blk0, blk1, ...: the raw
 * device through hyp_blk_read/write), and whatever other subsystems register
 * (the console).
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "fs/devfs/devfs.h"
#include "fs/flat.h"
#include "kern/kernel.h"
#include "kern/kmalloc.h"
#include "lib/fmt.h"
#include "lib/string.h"

static struct flat devfs;

int devfs_register(const char *name, uint32_t mode, const struct file_ops *ops, void *priv)
{
    return flat_add(&devfs, name, mode, ops, priv);
}

static int dev_open(struct vnode *vn, struct file *f)
{
    struct flat_entry *e = flat_entry_of(vn);

    f->ops = e->ops;
    f->priv = e->priv;
    return 0;
}

static const struct vnode_ops dev_vops = {
    .getattr = flat_getattr,
    .open = dev_open,
};

/* ---- memory devices -------------------------------------------------------------- */

static long null_read(struct file *f, void *buf, size_t n)
{
    (void)f, (void)buf, (void)n;
    return 0;
}

static long sink_write(struct file *f, const void *buf, size_t n)
{
    (void)f, (void)buf;
    return (long)n;
}

static long zero_read(struct file *f, void *buf, size_t n)
{
    (void)f;
    memset(buf, 0, n);
    return (long)n;
}

static long full_write(struct file *f, const void *buf, size_t n)
{
    (void)f, (void)buf, (void)n;
    return -ENOSPC;
}

static long random_read(struct file *f, void *buf, size_t n)
{
    (void)f;
    return hyp_random(buf, n) < 0 ? -EIO : (long)n;
}

static const struct file_ops null_ops = { .read = null_read, .write = sink_write };
static const struct file_ops zero_ops = { .read = zero_read, .write = sink_write };
static const struct file_ops full_ops = { .read = zero_read, .write = full_write };
static const struct file_ops random_ops = { .read = random_read, .write = sink_write };

/* ---- raw block devices --------------------------------------------------------------- */

/*
 * Read or write [off, off+n) of device i, going through one bounce sector for
 * the unaligned head and tail. A later block layer with a cache replaces this.
 */
static long blk_rw(struct file *f, void *buf, size_t n, bool write)
{
    uint32_t i = (uint32_t)(uintptr_t)f->priv;
    struct hyp_blk_info bi;
    char *sec;
    size_t done = 0;
    int r;

    if ((r = hyp_blk_info(i, &bi)) < 0)
        return r;
    if (write && bi.read_only)
        return -EROFS;
    if (f->off >= (int64_t)bi.size)
        return write && n ? -ENOSPC : 0;
    if ((uint64_t)n > bi.size - (uint64_t)f->off)
        n = (size_t)(bi.size - (uint64_t)f->off);
    if (!(sec = kmalloc(bi.sector_size)))
        return -ENOMEM;
    while (done < n) {
        uint64_t pos = (uint64_t)f->off + done;
        uint64_t base = pos - pos % bi.sector_size;
        size_t in = (size_t)(pos - base), k = bi.sector_size - in;
        if (k > n - done)
            k = n - done;
        if ((r = hyp_blk_read(i, base, sec, bi.sector_size)) < 0)
            break;
        if (write) {
            memcpy(sec + in, (const char *)buf + done, k);
            if ((r = hyp_blk_write(i, base, sec, bi.sector_size)) < 0)
                break;
        } else {
            memcpy((char *)buf + done, sec + in, k);
        }
        done += k;
    }
    kfree(sec);
    if (done == 0 && n && r < 0)
        return r;
    f->off += (int64_t)done;
    return (long)done;
}

static long blk_read(struct file *f, void *buf, size_t n)
{
    return blk_rw(f, buf, n, false);
}

static long blk_write(struct file *f, const void *buf, size_t n)
{
    return blk_rw(f, (void *)buf, n, true);
}

static const struct file_ops blk_ops = { .read = blk_read, .write = blk_write };

/* ---- the file system ----------------------------------------------------------------- */

static int devfs_mount(struct mount *m, const char *source, const char *options)
{
    (void)source, (void)options;
    if (devfs.n == 0) {
        devfs.file_vops = &dev_vops;
        devfs_register("null", ANYK_S_IFCHR | 0666, &null_ops, NULL);
        devfs_register("zero", ANYK_S_IFCHR | 0666, &zero_ops, NULL);
        devfs_register("full", ANYK_S_IFCHR | 0666, &full_ops, NULL);
        devfs_register("random", ANYK_S_IFCHR | 0666, &random_ops, NULL);
        devfs_register("urandom", ANYK_S_IFCHR | 0666, &random_ops, NULL);
        for (uint32_t i = 0; i < kern_config()->nblk; i++) {
            struct hyp_blk_info bi;
            char name[16];
            ksnprintf(name, sizeof(name), "blk%u", i);
            if (hyp_blk_info(i, &bi) == 0)
                devfs_register(name, ANYK_S_IFBLK | (bi.read_only ? 0444 : 0660), &blk_ops,
                               (void *)(uintptr_t)i);
        }
    }
    return flat_mount(&devfs, m);
}

const struct fs_type devfs_type = {
    .name = "devfs",
    .mount = devfs_mount,
};
