/*
 * devfs.c - /dev: the memory devices (null, zero, full, random, urandom),
 * one node per disk (blk0, blk1, ...: the raw device through the buffer
 * cache), and whatever other subsystems register
 * (the console).
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "blk/blk.h"
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

/* ---- block devices: the raw disk, through the buffer cache ----------------------- */

static long blkdev_read(struct file *f, void *buf, size_t n)
{
    long r = blk_pread(f->priv, buf, n, (uint64_t)f->off);

    if (r > 0)
        f->off += r;
    return r;
}

static long blkdev_write(struct file *f, const void *buf, size_t n)
{
    long r = blk_pwrite(f->priv, buf, n, (uint64_t)f->off);

    if (r > 0)
        f->off += r;
    return r;
}

static const struct file_ops blk_ops = { .read = blkdev_read, .write = blkdev_write };

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
        for (unsigned i = 0; i < blk_count(); i++) {
            struct blkdev *d = blk_get(i);
            devfs_register(d->name, ANYK_S_IFBLK | (d->read_only ? 0444 : 0660), &blk_ops, d);
        }
    }
    return flat_mount(&devfs, m);
}

const struct fs_type devfs_type = {
    .name = "devfs",
    .mount = devfs_mount,
};
