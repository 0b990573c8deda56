/*
 * tmpfs.c - the memory file system: inodes, directories and the vnode ops.
 *
 * A directory is a hash table of entries (so lookups stay O(1) with thousands
 * of entries) that are also kept in a list ordered by a cookie that grows with
 * every insertion and is never reused: getdents positions are cookies, so a
 * listing resumes correctly while entries come and go. "." and ".." are
 * positions 0 and 1. An inode lives while it has a name (nlink > 0) or a
 * vnode (an open file, a cwd); whichever goes last frees it.
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "fs/tmpfs/tmpfs_impl.h"
#include "kern/kmalloc.h"
#include "kern/page.h"
#include "kern/printk.h"
#include "lib/string.h"

#define FIRST_COOKIE 2

static const struct vnode_ops tmpfs_vops;

static struct anyk_timespec now(void)
{
    uint64_t ns = hyp_clock_wall_ns();
    struct anyk_timespec t = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull) };

    return t;
}

static bool is_dir(const struct tnode *t)
{
    return (t->mode & ANYK_S_IFMT) == ANYK_S_IFDIR;
}

static bool is_reg(const struct tnode *t)
{
    return (t->mode & ANYK_S_IFMT) == ANYK_S_IFREG;
}

static bool is_lnk(const struct tnode *t)
{
    return (t->mode & ANYK_S_IFMT) == ANYK_S_IFLNK;
}

/* ---- inodes -------------------------------------------------------------------------- */

static struct tnode *tnode_new(struct tmpfs *fs, uint32_t mode, struct tnode *parent)
{
    struct tnode *t = kzalloc(sizeof(*t));

    if (!t)
        return NULL;
    t->ino = fs->next_ino++;
    t->mode = mode;
    t->nlink = (mode & ANYK_S_IFMT) == ANYK_S_IFDIR ? 2 : 1;
    t->fs = fs;
    t->atime = t->mtime = t->ctime = now();
    if (is_dir(t)) {
        list_init(&t->u.dir.entries);
        t->u.dir.next_cookie = FIRST_COOKIE;
        t->u.dir.parent = parent ? parent : t;
    } else if (is_reg(t)) {
        tdata_init(&t->u.data);
    }
    fs->inodes++;
    return t;
}

static void tnode_free(struct tnode *t)
{
    if (is_reg(t))
        tdata_free(&t->u.data);
    else if (is_lnk(t))
        kfree(t->u.target);
    else if (is_dir(t))
        kfree(t->u.dir.hash);
    t->fs->inodes--;
    if (t->fs->root == t)
        kfree(t->fs); /* the root goes last, at unmount */
    kfree(t);
}

/* Drop a name; the inode goes when it has neither names nor a vnode. */
static void tnode_unlink(struct tnode *t)
{
    if (is_dir(t))
        t->nlink = 0;
    else
        t->nlink--;
    t->ctime = now();
    if (t->nlink == 0 && !t->vn)
        tnode_free(t);
}

static int tnode_vnode(struct mount *m, struct tnode *t, struct vnode **out)
{
    if (t->vn) {
        vnode_get(t->vn);
    } else {
        t->vn = vnode_alloc(m, &tmpfs_vops, t->mode, t->ino, t);
        if (!t->vn)
            return -ENOMEM;
    }
    *out = t->vn;
    return 0;
}

static struct tnode *T(struct vnode *vn)
{
    return vn->data;
}

/* ---- directories ------------------------------------------------------------------ */

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

static struct tdirent *dir_find(struct tdir *d, const char *name, size_t len)
{
    if (!d->nbuckets)
        return NULL;
    for (struct tdirent *e = d->hash[hash(name, len) % d->nbuckets]; e; e = e->hnext)
        if (e->len == len && !memcmp(e->name, name, len))
            return e;
    return NULL;
}

static int dir_grow(struct tdir *d)
{
    size_t nb = d->nbuckets ? d->nbuckets * 2 : 8;
    struct tdirent **h = kzalloc(nb * sizeof(*h));
    struct list_node *n;

    if (!h)
        return -ENOSPC;
    list_for_each(n, &d->entries) {
        struct tdirent *e = list_entry(n, struct tdirent, order);
        size_t b = hash(e->name, e->len) % nb;
        e->hnext = h[b];
        h[b] = e;
    }
    kfree(d->hash);
    d->hash = h;
    d->nbuckets = nb;
    return 0;
}

static int dir_add(struct tnode *dir, const char *name, size_t len, struct tnode *node)
{
    struct tdir *d = &dir->u.dir;
    struct tdirent *e;
    size_t b;

    if (d->count + 1 > d->nbuckets * 2 && dir_grow(d) < 0)
        return -ENOSPC;
    if (!(e = kmalloc(sizeof(*e) + len + 1)))
        return -ENOSPC;
    e->node = node;
    e->len = (uint16_t)len;
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    e->cookie = d->next_cookie++;
    b = hash(name, len) % d->nbuckets;
    e->hnext = d->hash[b];
    d->hash[b] = e;
    list_add_tail(&d->entries, &e->order);
    d->count++;
    dir->mtime = dir->ctime = now();
    return 0;
}

static void dir_remove(struct tnode *dir, struct tdirent *e)
{
    struct tdir *d = &dir->u.dir;
    struct tdirent **pp = &d->hash[hash(e->name, e->len) % d->nbuckets];

    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    if (d->resume == e)
        d->resume = e->order.next != &d->entries
                        ? list_entry(e->order.next, struct tdirent, order)
                        : NULL;
    list_del(&e->order);
    d->count--;
    dir->mtime = dir->ctime = now();
    kfree(e);
}

/* ---- vnode ops ------------------------------------------------------------------------- */

static int t_lookup(struct vnode *dvn, const char *name, size_t len, struct vnode **out)
{
    struct tnode *dir = T(dvn);
    struct tdirent *e;

    if (dir->nlink == 0)
        return -ENOENT; /* removed: its parent may be gone too */
    if (len == 2 && name[0] == '.' && name[1] == '.')
        return tnode_vnode(dvn->mnt, dir->u.dir.parent, out);
    if (!(e = dir_find(&dir->u.dir, name, len)))
        return -ENOENT;
    return tnode_vnode(dvn->mnt, e->node, out);
}

static int make(struct vnode *dvn, const char *name, size_t len, uint32_t mode,
                const char *target, struct vnode **out)
{
    struct tnode *dir = T(dvn), *t;
    int r;

    if (dir->nlink == 0)
        return -ENOENT; /* a removed directory takes no new entries */
    if (dir_find(&dir->u.dir, name, len))
        return -EEXIST;
    if (!(t = tnode_new(dir->fs, mode, dir)))
        return -ENOSPC;
    if (target) {
        size_t n = strlen(target);
        if (!(t->u.target = kmalloc(n + 1))) {
            tnode_free(t);
            return -ENOSPC;
        }
        memcpy(t->u.target, target, n + 1);
        t->size = (int64_t)n;
    }
    if ((r = dir_add(dir, name, len, t)) < 0) {
        tnode_free(t);
        return r;
    }
    if ((r = tnode_vnode(dvn->mnt, t, out)) < 0) {
        dir_remove(dir, dir_find(&dir->u.dir, name, len)); /* no name left on a freed inode */
        tnode_free(t);
        return r;
    }
    if (is_dir(t))
        dir->nlink++;
    return 0;
}

static int t_create(struct vnode *dvn, const char *name, size_t len, uint32_t mode,
                    struct vnode **out)
{
    uint32_t type = mode & ANYK_S_IFMT;

    if (type != ANYK_S_IFREG && type != ANYK_S_IFIFO)
        return -EINVAL;
    return make(dvn, name, len, mode, NULL, out);
}

static int t_mkdir(struct vnode *dvn, const char *name, size_t len, uint32_t mode,
                   struct vnode **out)
{
    return make(dvn, name, len, ANYK_S_IFDIR | (mode & 07777), NULL, out);
}

static int t_symlink(struct vnode *dvn, const char *name, size_t len, const char *target,
                     struct vnode **out)
{
    return make(dvn, name, len, ANYK_S_IFLNK | 0777, target, out);
}

static int t_link(struct vnode *dvn, const char *name, size_t len, struct vnode *target)
{
    struct tnode *dir = T(dvn), *t = T(target);
    int r;

    if (dir->nlink == 0 || t->nlink == 0)
        return -ENOENT;
    if (t->nlink >= 65000)
        return -EMLINK;
    if ((r = dir_add(dir, name, len, t)) < 0)
        return r;
    t->nlink++;
    t->ctime = now();
    return 0;
}

static int t_unlink(struct vnode *dvn, const char *name, size_t len)
{
    struct tnode *dir = T(dvn);
    struct tdirent *e = dir_find(&dir->u.dir, name, len);
    struct tnode *t;

    if (!e)
        return -ENOENT;
    t = e->node;
    dir_remove(dir, e);
    tnode_unlink(t);
    return 0;
}

static int t_rmdir(struct vnode *dvn, const char *name, size_t len)
{
    struct tnode *dir = T(dvn);
    struct tdirent *e = dir_find(&dir->u.dir, name, len);
    struct tnode *t;

    if (!e)
        return -ENOENT;
    t = e->node;
    if (!is_dir(t))
        return -ENOTDIR;
    if (t->u.dir.count)
        return -ENOTEMPTY;
    dir_remove(dir, e);
    dir->nlink--;
    tnode_unlink(t);
    return 0;
}

static int t_rename(struct vnode *fdvn, const char *fname, size_t flen, struct vnode *tdvn,
                    const char *tname, size_t tlen)
{
    struct tnode *fdir = T(fdvn), *tdir = T(tdvn), *t;
    struct tdirent *src = dir_find(&fdir->u.dir, fname, flen);
    struct tdirent *dst = dir_find(&tdir->u.dir, tname, tlen);
    int r;

    /* A removed directory takes no entries (as in make): the moved inode would be lost. */
    if (!src || fdir->nlink == 0 || tdir->nlink == 0)
        return -ENOENT;
    t = src->node;
    if (dst) {
        struct tnode *old = dst->node;
        if (is_dir(old) && old->u.dir.count)
            return -ENOTEMPTY;
        /* Point the existing entry at the moved inode: the target name never disappears. */
        dst->node = t;
        if (is_dir(old))
            tdir->nlink--;
        tnode_unlink(old);
        tdir->mtime = tdir->ctime = now();
    } else if ((r = dir_add(tdir, tname, tlen, t)) < 0) {
        return r;
    }
    dir_remove(fdir, src);
    if (is_dir(t) && fdir != tdir) {
        fdir->nlink--;
        tdir->nlink++;
        t->u.dir.parent = tdir;
    }
    t->ctime = now();
    return 0;
}

static long t_readlink(struct vnode *vn, char *buf, size_t n)
{
    struct tnode *t = T(vn);
    size_t len = (size_t)t->size < n ? (size_t)t->size : n;

    memcpy(buf, t->u.target, len);
    t->atime = now();
    return (long)len;
}

static long t_read(struct vnode *vn, void *buf, size_t n, int64_t off)
{
    struct tnode *t = T(vn);

    if (!is_reg(t))
        return -EINVAL;
    t->atime = now();
    return tdata_read(&t->u.data, t->size, buf, n, off);
}

#define TMPFS_MAX_SIZE (1ll << 50)

static long t_write(struct vnode *vn, const void *buf, size_t n, int64_t off)
{
    struct tnode *t = T(vn);
    long r;

    if (!is_reg(t))
        return -EINVAL;
    if (off >= TMPFS_MAX_SIZE)
        return n ? -EFBIG : 0;
    if ((uint64_t)n > (uint64_t)(TMPFS_MAX_SIZE - off))
        n = (size_t)(TMPFS_MAX_SIZE - off);
    r = tdata_write(&t->u.data, buf, n, off);
    if (r > 0 && off + r > t->size)
        t->size = off + r;
    return r;
}

static int t_getattr(struct vnode *vn, struct anyk_stat *st)
{
    struct tnode *t = T(vn);

    st->st_mode = t->mode;
    st->st_nlink = t->nlink;
    st->st_uid = t->uid;
    st->st_gid = t->gid;
    st->st_size = is_dir(t) ? (int64_t)(t->u.dir.count + 2) * 20 : t->size;
    st->st_blksize = PAGE_SIZE;
    /* Data pages only, as Linux's tmpfs counts (not the radix tree's interior pages). */
    st->st_blocks = is_reg(t) ? (int64_t)t->u.data.pages * (PAGE_SIZE / 512) : 0;
    st->st_atim = t->atime;
    st->st_mtim = t->mtime;
    st->st_ctim = t->ctime;
    return 0;
}

static int t_setattr(struct vnode *vn, const struct vattr *va)
{
    struct tnode *t = T(vn);

    if (va->mask & VATTR_SIZE) {
        if (!is_reg(t))
            return -EINVAL;
        if (va->size > TMPFS_MAX_SIZE)
            return -EFBIG;
        tdata_truncate(&t->u.data, t->size, va->size);
        t->size = va->size;
    }
    if (va->mask & VATTR_MODE)
        t->mode = (t->mode & ANYK_S_IFMT) | (va->mode & 07777);
    if (va->mask & VATTR_UID)
        t->uid = va->uid;
    if (va->mask & VATTR_GID)
        t->gid = va->gid;
    if (va->mask & VATTR_ATIME)
        t->atime = va->atime;
    if (va->mask & VATTR_MTIME)
        t->mtime = va->mtime;
    if (va->mask & VATTR_CTIME)
        t->ctime = va->ctime;
    return 0;
}

static unsigned dtype(const struct tnode *t)
{
    switch (t->mode & ANYK_S_IFMT) {
    case ANYK_S_IFDIR: return ANYK_DT_DIR;
    case ANYK_S_IFREG: return ANYK_DT_REG;
    case ANYK_S_IFLNK: return ANYK_DT_LNK;
    case ANYK_S_IFIFO: return ANYK_DT_FIFO;
    case ANYK_S_IFCHR: return ANYK_DT_CHR;
    default: return ANYK_DT_UNKNOWN;
    }
}

static int t_readdir(struct vnode *vn, int64_t *off, vfs_filldir_fn fill, void *ctx)
{
    struct tnode *dir = T(vn);
    struct tdir *d = &dir->u.dir;
    struct list_node *n;

    if (dir->nlink == 0)
        return -ENOENT; /* removed (Linux: ENOENT); its parent may be freed already */
    if (*off == 0) {
        if (fill(ctx, ".", 1, dir->ino, ANYK_DT_DIR, 1))
            return 0;
        *off = 1;
    }
    if (*off == 1) {
        if (fill(ctx, "..", 2, dir->u.dir.parent->ino, ANYK_DT_DIR, FIRST_COOKIE))
            return 0;
        *off = FIRST_COOKIE;
    }
    /*
     * Entries in cookie order, starting at the first whose cookie is >= *off:
     * where the last call stopped if *off is that position (a listing is then
     * linear, not quadratic, in the number of entries), else from the start.
     */
    n = d->resume && d->resume_off == *off ? &d->resume->order : d->entries.next;
    for (; n != &d->entries; n = n->next) {
        struct tdirent *e = list_entry(n, struct tdirent, order);
        if ((int64_t)e->cookie < *off)
            continue;
        if (fill(ctx, e->name, e->len, e->node->ino, dtype(e->node), (int64_t)e->cookie + 1)) {
            d->resume = e;
            d->resume_off = *off;
            return 0;
        }
        *off = (int64_t)e->cookie + 1;
    }
    d->resume = NULL;
    return 0;
}

static void t_release(struct vnode *vn)
{
    struct tnode *t = T(vn);

    t->vn = NULL;
    if (t->nlink == 0)
        tnode_free(t);
}

static const struct vnode_ops tmpfs_vops = {
    .lookup = t_lookup,
    .create = t_create,
    .mkdir = t_mkdir,
    .symlink = t_symlink,
    .link = t_link,
    .unlink = t_unlink,
    .rmdir = t_rmdir,
    .rename = t_rename,
    .readlink = t_readlink,
    .read = t_read,
    .write = t_write,
    .getattr = t_getattr,
    .setattr = t_setattr,
    .readdir = t_readdir,
    .release = t_release,
};

/* ---- the file system -------------------------------------------------------------------- */

static int tmpfs_mount(struct mount *m, const char *source, const char *options)
{
    struct tmpfs *fs = kzalloc(sizeof(*fs));
    int r;

    (void)source, (void)options;
    if (!fs)
        return -ENOMEM;
    fs->next_ino = 1;
    if (!(fs->root = tnode_new(fs, ANYK_S_IFDIR | 0755, NULL))) {
        kfree(fs);
        return -ENOMEM;
    }
    m->data = fs;
    if ((r = tnode_vnode(m, fs->root, &m->root)) < 0) {
        tnode_free(fs->root);
        kfree(fs);
        return r;
    }
    return 0;
}

/* Free a whole tree (unmount): every inode below dir, then dir. */
static void free_tree(struct tnode *dir)
{
    struct list_node *n;

    dir->u.dir.resume = NULL;
    while ((n = list_pop_head(&dir->u.dir.entries))) {
        struct tdirent *e = list_entry(n, struct tdirent, order);
        struct tnode *t = e->node;
        kfree(e);
        if (is_dir(t))
            free_tree(t);
        else if (--t->nlink == 0 && !t->vn)
            tnode_free(t);
    }
    dir->u.dir.count = 0;
    if (!dir->vn)
        tnode_free(dir);
    else
        dir->nlink = 0;
}

static int tmpfs_unmount(struct mount *m)
{
    struct tmpfs *fs = m->data;

    /* The root vnode is still held by the mount; it goes with the tree at vnode_put. */
    free_tree(fs->root);
    return 0;
}

static int tmpfs_statfs(struct mount *m, struct anyk_statfs *st)
{
    struct zone *z = page_zone();
    struct tmpfs *fs = m->data;

    st->f_type = TMPFS_MAGIC;
    st->f_bsize = PAGE_SIZE;
    st->f_blocks = z->npages;
    st->f_bfree = st->f_bavail = z->free_pages;
    st->f_files = fs->inodes + z->free_pages;
    st->f_ffree = z->free_pages;
    return 0;
}

const struct fs_type tmpfs_type = {
    .name = "tmpfs",
    .mount = tmpfs_mount,
    .unmount = tmpfs_unmount,
    .statfs = tmpfs_statfs,
};
