/*
 * vnops.c - the vnode ops of ext2 (fs/vfs.h), each one whole under the file
 * system's lock, built from inode.c, dir.c and data.c.
 *
 * Link counts follow ext2's rules: a file has one link per name; a directory
 * has one from its parent's record, one from its own ".", and one from the
 * ".." of each subdirectory; at most EXT2_LINK_MAX. A name removed while the
 * inode is still referenced (an open file, a cwd) puts the inode on the
 * orphan list; it is freed when the last reference goes (inode.c), or at the
 * next mount after a crash (super.c).
 */
#include <anyk/errno.h>
#include "fs/ext2/ext2_impl.h"
#include "kern/printk.h"
#include "lib/string.h"

static const struct vnode_ops ext2_vops;

/* Deepest directory chain walked looking for a loop (namei never goes this deep). */
#define EXT2_MAX_DEPTH 65536

static struct ext2_node *N(struct vnode *vn)
{
    return vn->data;
}

static void lock(struct ext2_node *n)
{
    mutex_lock(&n->fs->lock);
}

static void unlock(struct ext2_node *n)
{
    mutex_unlock(&n->fs->lock);
}

int ext2_vnode(struct ext2_node *n, struct vnode **out)
{
    if (n->vn) {
        vnode_get(n->vn);
    } else {
        if (!(n->vn = vnode_alloc(n->fs->mnt, &ext2_vops, n->di.i_mode, n->ino, n)))
            return -ENOMEM;
        ext2_iref(n); /* the vnode's reference */
    }
    *out = n->vn;
    return 0;
}

static bool is_dotdot(const char *name, size_t len)
{
    return len == 2 && name[0] == '.' && name[1] == '.';
}

/*
 * A directory has one name, in the directory its ".." names. Checking that on
 * every lookup keeps a damaged image from showing a cycle (a name leading
 * back up the tree, which a recursive walk would follow forever): every
 * directory reached from the root by names is then reached on one path only.
 */
static int check_parent(struct ext2_node *dir, struct ext2_node *child, const char *name,
                        size_t len)
{
    uint32_t up;
    int r = ext2_dir_lookup(child, "..", 2, &up);

    if (r == 0 && up == dir->ino)
        return 0;
    return ext2_corrupt(dir->fs, dir->ino, "its entry \"%.*s\" is directory %u, whose \"..\" "
                        "is %u", (int)len, name, child->ino, r == 0 ? up : 0);
}

static int e_lookup(struct vnode *dvn, const char *name, size_t len, struct vnode **out)
{
    struct ext2_node *dir = N(dvn), *n;
    uint32_t ino;
    int r;

    lock(dir);
    if (dir->di.i_links_count == 0) {
        r = -ENOENT; /* removed: nothing in it, and its parent may be gone */
    } else if ((r = ext2_dir_lookup(dir, name, len, &ino)) == 0 &&
               (r = ext2_iget(dir->fs, ino, 0, &n)) == 0) {
        if (is_dotdot(name, len)) {
            if (!ext2_is_dir(n) || (ino == dir->ino && dir->ino != EXT2_ROOT_INO))
                r = ext2_corrupt(dir->fs, dir->ino, "\"..\" points at inode %u", ino);
        } else if (ext2_is_dir(n)) {
            r = check_parent(dir, n, name, len);
        }
        if (r == 0)
            r = ext2_vnode(n, out);
        ext2_iput(n);
    } else if (r == -ENOENT && is_dotdot(name, len)) {
        r = ext2_corrupt(dir->fs, dir->ino, "directory without \"..\"");
    }
    unlock(dir);
    return r;
}

/* Make a new inode of the given mode named name in dir: file, fifo, directory or symlink. */
static int make(struct vnode *dvn, const char *name, size_t len, uint32_t mode,
                const char *target, struct vnode **out)
{
    struct ext2_node *dir = N(dvn), *n;
    struct ext2_fs *fs = dir->fs;
    bool isdir = (mode & ANYK_S_IFMT) == ANYK_S_IFDIR;
    uint32_t ino;
    int r;

    lock(dir);
    if (dir->di.i_links_count == 0) {
        r = -ENOENT; /* a removed directory takes no new names */
        goto out;
    }
    if ((r = ext2_dir_lookup(dir, name, len, &ino)) != -ENOENT) {
        r = r == 0 ? -EEXIST : r;
        goto out;
    }
    if (isdir && dir->di.i_links_count >= EXT2_LINK_MAX) {
        r = -EMLINK;
        goto out;
    }
    if ((r = ext2_ialloc(fs, ext2_group_of_ino(fs, dir->ino), isdir, &ino)) < 0)
        goto out;
    if ((r = ext2_inew(fs, ino, mode, &n)) < 0) {
        ext2_ifree(fs, ino, isdir);
        goto out;
    }
    n->di.i_links_count = isdir ? 2 : 1;
    if (isdir)
        r = ext2_dir_init(n, dir->ino);
    else if (target)
        r = ext2_symlink_init(n, target, strlen(target));
    else
        r = ext2_iupdate(n);
    if (r == 0)
        r = ext2_dir_add(dir, name, len, ino, mode);
    if (r == 0 && (r = ext2_vnode(n, out)) < 0)
        ext2_dir_remove(dir, name, len, ino);
    if (r < 0) {
        n->di.i_links_count = 0; /* the last reference frees it again */
    } else if (isdir) {
        dir->di.i_links_count++;
        ext2_iupdate(dir);
    }
    ext2_iput(n);
out:
    unlock(dir);
    return r;
}

static int e_create(struct vnode *dvn, const char *name, size_t len, uint32_t mode,
                    struct vnode **out)
{
    uint32_t type = mode & ANYK_S_IFMT;

    if (type != ANYK_S_IFREG && type != ANYK_S_IFIFO)
        return -EINVAL;
    return make(dvn, name, len, mode & (ANYK_S_IFMT | 07777), NULL, out);
}

static int e_mkdir(struct vnode *dvn, const char *name, size_t len, uint32_t mode,
                   struct vnode **out)
{
    return make(dvn, name, len, ANYK_S_IFDIR | (mode & 07777), NULL, out);
}

static int e_symlink(struct vnode *dvn, const char *name, size_t len, const char *target,
                     struct vnode **out)
{
    return make(dvn, name, len, ANYK_S_IFLNK | 0777, target, out);
}

static int e_link(struct vnode *dvn, const char *name, size_t len, struct vnode *tvn)
{
    struct ext2_node *dir = N(dvn), *n = N(tvn);
    uint32_t ino;
    int r;

    lock(dir);
    if (dir->di.i_links_count == 0 || n->di.i_links_count == 0)
        r = -ENOENT;
    else if (ext2_is_dir(n))
        r = -EPERM;
    else if (n->di.i_links_count >= EXT2_LINK_MAX)
        r = -EMLINK;
    else if ((r = ext2_dir_lookup(dir, name, len, &ino)) != -ENOENT)
        r = r == 0 ? -EEXIST : r;
    else if ((r = ext2_dir_add(dir, name, len, n->ino, n->di.i_mode)) == 0) {
        n->di.i_links_count++;
        ext2_touch(n, EXT2_TOUCH_C);
        ext2_iupdate(n);
    }
    unlock(dir);
    return r;
}

/* n lost a name: count it, and keep it on the orphan list if it is still in use. */
static void drop_link(struct ext2_node *n)
{
    if (ext2_is_dir(n))
        n->di.i_links_count = 0; /* its "." goes with its name */
    else if (n->di.i_links_count)
        n->di.i_links_count--;
    ext2_touch(n, EXT2_TOUCH_C);
    if (n->di.i_links_count == 0 && n->refs > 1)
        ext2_orphan_add(n);
    ext2_iupdate(n);
}

static int e_unlink(struct vnode *dvn, const char *name, size_t len)
{
    struct ext2_node *dir = N(dvn), *n;
    uint32_t ino;
    int r;

    lock(dir);
    if ((r = ext2_dir_lookup(dir, name, len, &ino)) < 0 ||
        (r = ext2_iget(dir->fs, ino, 0, &n)) < 0)
        goto out;
    if (ext2_is_dir(n))
        r = -EISDIR;
    else if ((r = ext2_dir_remove(dir, name, len, ino)) == 0)
        drop_link(n);
    ext2_iput(n);
out:
    unlock(dir);
    return r;
}

static int e_rmdir(struct vnode *dvn, const char *name, size_t len)
{
    struct ext2_node *dir = N(dvn), *n;
    uint32_t ino;
    int r;

    lock(dir);
    if ((r = ext2_dir_lookup(dir, name, len, &ino)) < 0 ||
        (r = ext2_iget(dir->fs, ino, 0, &n)) < 0)
        goto out;
    if (!ext2_is_dir(n))
        r = -ENOTDIR;
    else if (n == dir)
        r = -EINVAL;
    else if ((r = ext2_dir_empty(n)) >= 0)
        r = r ? ext2_dir_remove(dir, name, len, ino) : -ENOTEMPTY;
    if (r == 0) {
        drop_link(n);
        if (dir->di.i_links_count > 1)
            dir->di.i_links_count--; /* n's ".." */
        ext2_iupdate(dir);
    }
    ext2_iput(n);
out:
    unlock(dir);
    return r;
}

/*
 * Is directory `dir` the directory `anc` or inside it? Walks up through ".."
 * to the root; a chain that loops or breaks is damage.
 */
static int inside(struct ext2_node *dir, uint32_t anc)
{
    struct ext2_fs *fs = dir->fs;
    uint32_t cur = dir->ino;

    for (int depth = 0; cur != EXT2_ROOT_INO; depth++) {
        struct ext2_node *c;
        uint32_t up;
        int r;
        if (cur == anc)
            return 1;
        if (depth >= EXT2_MAX_DEPTH)
            return ext2_corrupt(fs, dir->ino, "its \"..\" chain loops or is too deep");
        if ((r = ext2_iget(fs, cur, 0, &c)) < 0)
            return r;
        r = ext2_is_dir(c) ? ext2_dir_lookup(c, "..", 2, &up) : -ENOTDIR;
        ext2_iput(c);
        if (r < 0 || up == cur)
            return ext2_corrupt(fs, cur, "broken \"..\" (error %d)", r);
        cur = up;
    }
    return anc == EXT2_ROOT_INO;
}

static int e_rename(struct vnode *fdvn, const char *fname, size_t flen, struct vnode *tdvn,
                    const char *tname, size_t tlen)
{
    struct ext2_node *fdir = N(fdvn), *tdir = N(tdvn), *src = NULL, *dst = NULL;
    struct ext2_fs *fs = fdir->fs;
    uint32_t sino, dino;
    bool sdir;
    int r;

    lock(fdir);
    if (fdir->di.i_links_count == 0 || tdir->di.i_links_count == 0) {
        r = -ENOENT;
        goto out;
    }
    if ((r = ext2_dir_lookup(fdir, fname, flen, &sino)) < 0 ||
        (r = ext2_iget(fs, sino, 0, &src)) < 0)
        goto out;
    r = ext2_dir_lookup(tdir, tname, tlen, &dino);
    if (r == 0)
        r = ext2_iget(fs, dino, 0, &dst);
    else if (r == -ENOENT)
        r = 0;
    if (r < 0)
        goto out;
    if (dst == src)
        goto out; /* two names of one file: nothing to do */
    sdir = ext2_is_dir(src);
    if (dst && ext2_is_dir(dst) && !sdir)
        r = -EISDIR;
    else if (dst && !ext2_is_dir(dst) && sdir)
        r = -ENOTDIR;
    else if (dst && sdir && (r = ext2_dir_empty(dst)) >= 0)
        r = r ? 0 : -ENOTEMPTY;
    if (r == 0 && sdir && fdir != tdir) {
        if ((r = inside(tdir, src->ino)) > 0)
            r = -EINVAL; /* into itself */
        else if (r == 0 && !dst && tdir->di.i_links_count >= EXT2_LINK_MAX)
            r = -EMLINK;
    }
    if (r < 0)
        goto out;

    /* The new name first, so the file always has at least one. */
    if (dst) {
        if ((r = ext2_dir_retarget(tdir, tname, tlen, src->ino, src->di.i_mode)) < 0)
            goto out;
        drop_link(dst);
        if (sdir && tdir->di.i_links_count > 1)
            tdir->di.i_links_count--; /* dst's ".." */
    } else if ((r = ext2_dir_add(tdir, tname, tlen, src->ino, src->di.i_mode)) < 0) {
        goto out;
    }
    if ((r = ext2_dir_remove(fdir, fname, flen, src->ino)) < 0)
        goto out;
    if (sdir && fdir != tdir) {
        if ((r = ext2_dir_retarget(src, "..", 2, tdir->ino, ANYK_S_IFDIR)) < 0)
            goto out;
        if (fdir->di.i_links_count > 1)
            fdir->di.i_links_count--;
        tdir->di.i_links_count++;
    }
    ext2_touch(src, EXT2_TOUCH_C);
    ext2_iupdate(src);
    ext2_iupdate(fdir);
    ext2_iupdate(tdir);
out:
    ext2_iput(dst);
    ext2_iput(src);
    unlock(fdir);
    return r;
}

static long e_readlink(struct vnode *vn, char *buf, size_t len)
{
    struct ext2_node *n = N(vn);
    long r;

    lock(n);
    r = ext2_is_lnk(n) ? ext2_readlink(n, buf, len) : -EINVAL;
    unlock(n);
    return r;
}

static long e_read(struct vnode *vn, void *buf, size_t len, int64_t off)
{
    struct ext2_node *n = N(vn);
    long r;

    lock(n);
    r = ext2_is_reg(n) ? ext2_read(n, buf, len, off) : ext2_is_dir(n) ? -EISDIR : -EINVAL;
    unlock(n);
    return r;
}

static long e_write(struct vnode *vn, const void *buf, size_t len, int64_t off)
{
    struct ext2_node *n = N(vn);
    long r;

    lock(n);
    r = ext2_is_reg(n) ? ext2_write(n, buf, len, off) : ext2_is_dir(n) ? -EISDIR : -EINVAL;
    unlock(n);
    return r;
}

static int e_getattr(struct vnode *vn, struct anyk_stat *st)
{
    struct ext2_node *n = N(vn);
    uint32_t type;

    lock(n);
    type = n->di.i_mode & ANYK_S_IFMT;
    st->st_mode = n->di.i_mode;
    st->st_nlink = n->di.i_links_count;
    st->st_uid = n->di.i_uid | (uint32_t)n->di.l_i_uid_high << 16;
    st->st_gid = n->di.i_gid | (uint32_t)n->di.l_i_gid_high << 16;
    st->st_size = (int64_t)ext2_isize(n);
    st->st_blksize = n->fs->bsize;
    st->st_blocks = n->di.i_blocks;
    if (type == ANYK_S_IFCHR || type == ANYK_S_IFBLK)
        st->st_rdev = n->di.i_block[0] ? n->di.i_block[0] : n->di.i_block[1];
    ext2_get_times(n, st);
    unlock(n);
    return 0;
}

static int e_setattr(struct vnode *vn, const struct vattr *va)
{
    struct ext2_node *n = N(vn);
    int r = 0;

    lock(n);
    if (va->mask & VATTR_SIZE) {
        if (va->size < 0)
            r = -EINVAL;
        else
            r = ext2_truncate(n, (uint64_t)va->size);
    }
    if (r == 0) {
        if (va->mask & VATTR_MODE) {
            n->di.i_mode = (uint16_t)((n->di.i_mode & ANYK_S_IFMT) | (va->mode & 07777));
            vn->mode = n->di.i_mode;
        }
        if (va->mask & VATTR_UID) {
            n->di.i_uid = (uint16_t)va->uid;
            n->di.l_i_uid_high = (uint16_t)(va->uid >> 16);
        }
        if (va->mask & VATTR_GID) {
            n->di.i_gid = (uint16_t)va->gid;
            n->di.l_i_gid_high = (uint16_t)(va->gid >> 16);
        }
        if (va->mask & VATTR_ATIME)
            ext2_set_time(n, EXT2_TOUCH_A, &va->atime);
        if (va->mask & VATTR_MTIME)
            ext2_set_time(n, EXT2_TOUCH_M, &va->mtime);
        if (va->mask & VATTR_CTIME)
            ext2_set_time(n, EXT2_TOUCH_C, &va->ctime);
        r = ext2_iupdate(n);
    }
    unlock(n);
    return r;
}

static int e_readdir(struct vnode *vn, int64_t *off, vfs_filldir_fn fill, void *ctx)
{
    struct ext2_node *n = N(vn);
    int r;

    lock(n);
    r = ext2_is_dir(n) ? ext2_dir_readdir(n, off, fill, ctx) : -ENOTDIR;
    unlock(n);
    return r;
}

static int e_fsync(struct vnode *vn)
{
    struct ext2_node *n = N(vn);
    int r;

    lock(n);
    r = ext2_iupdate(n);
    unlock(n);
    if (r == 0 && !n->fs->readonly)
        r = blk_sync(n->fs->dev);
    return r;
}

void ext2_vnode_release(struct vnode *vn)
{
    struct ext2_node *n = N(vn);
    bool held;

    if (!n)
        return; /* the root, detached at unmount */
    held = mutex_held(&n->fs->lock);
    if (!held)
        lock(n);
    struct ext2_fs *fs = n->fs;
    n->vn = NULL;
    ext2_iput(n);
    if (!held)
        mutex_unlock(&fs->lock);
}

static const struct vnode_ops ext2_vops = {
    .lookup = e_lookup,
    .create = e_create,
    .mkdir = e_mkdir,
    .symlink = e_symlink,
    .link = e_link,
    .unlink = e_unlink,
    .rmdir = e_rmdir,
    .rename = e_rename,
    .readlink = e_readlink,
    .read = e_read,
    .write = e_write,
    .getattr = e_getattr,
    .setattr = e_setattr,
    .readdir = e_readdir,
    .fsync = e_fsync,
    .release = ext2_vnode_release,
};
