/*
 * file.c - open files: reference counts, offsets, access modes, and the
 * default file_ops that read and write a vnode at the file's offset.
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "fs/namei.h"
#include "kern/kmalloc.h"
#include "kern/printk.h"
#include "lib/string.h"

struct file *file_alloc(void)
{
    struct file *f = kzalloc(sizeof(*f));

    if (f)
        f->refs = 1;
    return f;
}

void file_get(struct file *f)
{
    f->refs++;
}

void file_put(struct file *f)
{
    if (!f)
        return;
    if (!f->refs)
        panic("file_put: file %p released too often", (void *)f);
    if (--f->refs)
        return;
    if (f->ops && f->ops->close)
        f->ops->close(f);
    vnode_put(f->vn);
    kfree(f);
}

static bool readable(const struct file *f)
{
    return (f->flags & ANYK_O_ACCMODE) != ANYK_O_WRONLY;
}

static bool writable(const struct file *f)
{
    return (f->flags & ANYK_O_ACCMODE) != ANYK_O_RDONLY;
}

static void touch(struct vnode *vn, uint32_t which)
{
    uint64_t ns = hyp_clock_wall_ns();
    struct anyk_timespec t = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull) };
    struct vattr va = { .mask = which, .atime = t, .mtime = t, .ctime = t };

    if (vn->ops->setattr && !(vn->mnt && (vn->mnt->flags & ANYK_MS_RDONLY)))
        vn->ops->setattr(vn, &va);
}

/* ---- the default ops: a vnode's data at f->off --------------------------------------- */

static long vnode_file_read(struct file *f, void *buf, size_t n)
{
    long r;

    if (vn_isdir(f->vn))
        return -EISDIR;
    if (!f->vn->ops->read)
        return -EINVAL;
    r = f->vn->ops->read(f->vn, buf, n, f->off);
    if (r > 0)
        f->off += r;
    return r;
}

static long vnode_file_write(struct file *f, const void *buf, size_t n)
{
    long r;

    if (!f->vn->ops->write)
        return -EINVAL;
    if (f->flags & ANYK_O_APPEND) {
        struct anyk_stat st;
        if ((r = vfs_getattr(f->vn, &st)) < 0)
            return r;
        f->off = st.st_size;
    }
    r = f->vn->ops->write(f->vn, buf, n, f->off);
    if (r > 0)
        f->off += r;
    return r;
}

static unsigned vnode_file_poll(struct file *f, struct waitq **wq)
{
    (void)f;
    if (wq)
        *wq = NULL;
    return ANYK_POLLIN | ANYK_POLLOUT;
}

const struct file_ops vfs_vnode_file_ops = {
    .read = vnode_file_read,
    .write = vnode_file_write,
    .poll = vnode_file_poll,
};

/* ---- what the program API calls -------------------------------------------------------- */

long file_read(struct file *f, void *buf, size_t n)
{
    if (!readable(f))
        return -EBADF;
    if (!f->ops->read)
        return -EINVAL;
    return f->ops->read(f, buf, n);
}

long file_write(struct file *f, const void *buf, size_t n)
{
    long r;

    if (!writable(f))
        return -EBADF;
    if (!f->ops->write)
        return -EINVAL;
    r = f->ops->write(f, buf, n);
    if (r > 0 && f->vn && f->ops == &vfs_vnode_file_ops)
        touch(f->vn, VATTR_MTIME | VATTR_CTIME);
    return r;
}

/*
 * Positioned I/O on a file with its own ops (a /proc snapshot, a device) runs
 * its read or write at off and then puts the file's offset back, since
 * pread and pwrite never move it. Pipes have no positions: ESPIPE.
 */
static long at_offset(struct file *f, void *buf, size_t n, int64_t off, bool write)
{
    int64_t saved = f->off;
    long r;

    if (write ? !f->ops->write : !f->ops->read)
        return -EINVAL;
    f->off = off;
    r = write ? f->ops->write(f, buf, n) : f->ops->read(f, buf, n);
    f->off = saved;
    return r;
}

long file_pread(struct file *f, void *buf, size_t n, int64_t off)
{
    if (!readable(f))
        return -EBADF;
    if (off < 0)
        return -EINVAL;
    if (!f->vn || f->ops != &vfs_vnode_file_ops)
        return f->vn ? at_offset(f, buf, n, off, false) : -ESPIPE;
    if (vn_isdir(f->vn))
        return -EISDIR;
    return f->vn->ops->read ? f->vn->ops->read(f->vn, buf, n, off) : -EINVAL;
}

long file_pwrite(struct file *f, const void *buf, size_t n, int64_t off)
{
    long r;

    if (!writable(f))
        return -EBADF;
    if (off < 0)
        return -EINVAL;
    if (!f->vn || f->ops != &vfs_vnode_file_ops)
        return f->vn ? at_offset(f, (void *)buf, n, off, true) : -ESPIPE;
    r = f->vn->ops->write ? f->vn->ops->write(f->vn, buf, n, off) : -EINVAL;
    if (r > 0)
        touch(f->vn, VATTR_MTIME | VATTR_CTIME);
    return r;
}

int64_t file_lseek(struct file *f, int64_t off, int whence)
{
    struct anyk_stat st;
    int64_t base;
    int r;

    if (!f->vn)
        return -ESPIPE;
    switch (whence) {
    case ANYK_SEEK_SET: base = 0; break;
    case ANYK_SEEK_CUR: base = f->off; break;
    case ANYK_SEEK_END:
        if ((r = vfs_getattr(f->vn, &st)) < 0)
            return r;
        base = st.st_size;
        break;
    default: return -EINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return off > 0 ? -EOVERFLOW : -EINVAL;
    f->off = base + off;
    return f->off;
}

int file_fstat(struct file *f, struct anyk_stat *st)
{
    if (!f->vn) {
        /* A pipe. */
        memset(st, 0, sizeof(*st));
        st->st_mode = ANYK_S_IFIFO | 0600;
        st->st_nlink = 1;
        st->st_blksize = 4096;
        return 0;
    }
    return vfs_getattr(f->vn, st);
}

int file_ftruncate(struct file *f, int64_t len)
{
    if (!f->vn || !writable(f))
        return -EINVAL;
    return vfs_truncate_vnode(f->vn, len);
}

int file_fsync(struct file *f)
{
    if (!f->vn)
        return -EINVAL;
    return f->vn->ops->fsync ? f->vn->ops->fsync(f->vn) : 0;
}

int file_ioctl(struct file *f, unsigned long req, void *arg)
{
    return f->ops->ioctl ? f->ops->ioctl(f, req, arg) : -ENOTTY;
}

unsigned file_poll(struct file *f, struct waitq **wq)
{
    if (wq)
        *wq = NULL;
    return f->ops->poll ? f->ops->poll(f, wq) : ANYK_POLLIN | ANYK_POLLOUT;
}

/* ---- getdents ------------------------------------------------------------------------- */

struct dents {
    char *buf;
    size_t cap, len;
    int64_t off;      /* position after the last record delivered */
    bool full;
};

static int fill_dirent(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type,
                       int64_t next_off)
{
    struct dents *d = ctx;
    size_t reclen = (offsetof(struct anyk_dirent, d_name) + len + 1 + 7) & ~(size_t)7;
    struct anyk_dirent *de;

    if (d->len + reclen > d->cap) {
        d->full = true;
        return 1;
    }
    de = (struct anyk_dirent *)(void *)(d->buf + d->len);
    de->d_ino = ino;
    de->d_off = next_off;
    de->d_reclen = (uint16_t)reclen;
    de->d_type = (uint8_t)type;
    memcpy(de->d_name, name, len);
    memset(de->d_name + len, 0, reclen - offsetof(struct anyk_dirent, d_name) - len);
    d->len += reclen;
    d->off = next_off;
    return 0;
}

long file_getdents(struct file *f, void *buf, size_t n)
{
    struct dents d = { buf, n, 0, f->off, false };
    int64_t off = f->off;
    int r;

    if (!f->vn || !vn_isdir(f->vn))
        return -ENOTDIR;
    if (!f->vn->ops->readdir)
        return -ENOTDIR;
    r = f->vn->ops->readdir(f->vn, &off, fill_dirent, &d);
    if (r < 0)
        return r;
    if (d.len == 0 && d.full)
        return -EINVAL; /* the buffer cannot hold even one record */
    f->off = d.len ? d.off : off;
    if (d.len)
        touch(f->vn, VATTR_ATIME);
    return (long)d.len;
}
