/*
 * vfs.c - the path operations (mkdir, unlink, rename, ...) with POSIX's rules
 * and Linux's error numbers, the mount table, and the start of the file tree.
 *
 * Each operation resolves its path(s) (fs/namei.c), checks what POSIX says
 * about the kinds of file involved, and leaves the change itself to the file
 * system's vnode_ops. Open files are in fs/file.c.
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "fs/devfs/devfs.h"
#include "fs/ext2/ext2.h"
#include "fs/namei.h"
#include "fs/procfs/procfs.h"
#include "fs/tmpfs/tmpfs.h"
#include "kern/kmalloc.h"
#include "kern/printk.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define FS_TYPES_MAX 8

static struct {
    const struct fs_type *types[FS_TYPES_MAX];
    struct list_node mounts;
    struct mount *rootmnt;
    uint64_t next_dev;
} vfs = { .mounts = LIST_INIT(vfs.mounts), .next_dev = 1 };

void vfs_register(const struct fs_type *t)
{
    for (int i = 0; i < FS_TYPES_MAX; i++) {
        if (!vfs.types[i]) {
            vfs.types[i] = t;
            return;
        }
    }
    panic("vfs_register: too many file system types (%s)", t->name);
}

static const struct fs_type *find_type(const char *name)
{
    for (int i = 0; i < FS_TYPES_MAX && vfs.types[i]; i++)
        if (!strcmp(vfs.types[i]->name, name))
            return vfs.types[i];
    return NULL;
}

struct vnode *vfs_root(void)
{
    vnode_get(vfs.rootmnt->root);
    return vfs.rootmnt->root;
}

/* ---- simple attribute operations ---------------------------------------------- */

static int with_vnode(const struct vfs_ctx *c, const char *path, bool follow,
                      int (*fn)(struct vnode *vn, void *arg), void *arg)
{
    struct vnode *vn;
    int r = vfs_resolve(c, path, follow, &vn);

    if (r < 0)
        return r;
    r = fn(vn, arg);
    vnode_put(vn);
    return r;
}

static int do_getattr(struct vnode *vn, void *arg)
{
    struct anyk_stat *st = arg;
    int r;

    memset(st, 0, sizeof(*st));
    if (!vn->ops->getattr)
        return -ENOSYS;
    r = vn->ops->getattr(vn, st);
    st->st_dev = vn->mnt ? vn->mnt->dev : 0;
    st->st_ino = vn->ino;
    return r;
}

int vfs_getattr(struct vnode *vn, struct anyk_stat *st)
{
    return do_getattr(vn, st);
}

int vfs_stat(const struct vfs_ctx *c, const char *path, struct anyk_stat *st, bool follow)
{
    return with_vnode(c, path, follow, do_getattr, st);
}

static int read_only(const struct vnode *vn)
{
    return vn->mnt && (vn->mnt->flags & ANYK_MS_RDONLY) ? -EROFS : 0;
}

static int do_setattr(struct vnode *vn, void *arg)
{
    const struct vattr *va = arg;

    if (read_only(vn))
        return -EROFS;
    if (!vn->ops->setattr)
        return -EPERM;
    return vn->ops->setattr(vn, va);
}

int vfs_setattr(struct vnode *vn, const struct vattr *va)
{
    return do_setattr(vn, (void *)va);
}

static struct anyk_timespec now_ts(void)
{
    uint64_t ns = hyp_clock_wall_ns();
    struct anyk_timespec t = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull) };

    return t;
}

int vfs_chmod(const struct vfs_ctx *c, const char *path, uint32_t mode)
{
    struct vattr va = { .mask = VATTR_MODE | VATTR_CTIME, .mode = mode & 07777, .ctime = now_ts() };

    return with_vnode(c, path, true, do_setattr, &va);
}

int vfs_chown(const struct vfs_ctx *c, const char *path, uint32_t uid, uint32_t gid)
{
    struct vattr va = { .mask = VATTR_CTIME, .uid = uid, .gid = gid, .ctime = now_ts() };

    /* -1 leaves that id unchanged, as chown(2). */
    if (uid != (uint32_t)-1)
        va.mask |= VATTR_UID;
    if (gid != (uint32_t)-1)
        va.mask |= VATTR_GID;
    return with_vnode(c, path, true, do_setattr, &va);
}

int vfs_utimens(const struct vfs_ctx *c, const char *path, const struct anyk_timespec t[2])
{
    struct anyk_timespec now = now_ts();
    struct vattr va = { .mask = VATTR_CTIME, .ctime = now };

    for (int i = 0; i < 2; i++) {
        long ns = t ? t[i].tv_nsec : ANYK_UTIME_NOW;
        if (ns == ANYK_UTIME_OMIT)
            continue;
        va.mask |= i == 0 ? VATTR_ATIME : VATTR_MTIME;
        *(i == 0 ? &va.atime : &va.mtime) = ns == ANYK_UTIME_NOW ? now : t[i];
    }
    /* Both UTIME_OMIT: nothing changes, not even ctime (Linux); the path must still exist. */
    if (va.mask == VATTR_CTIME)
        va.mask = 0;
    return with_vnode(c, path, true, do_setattr, &va);
}

static int do_truncate(struct vnode *vn, void *arg)
{
    if (vn_isdir(vn))
        return -EISDIR;
    if ((vn->mode & ANYK_S_IFMT) != ANYK_S_IFREG)
        return -EINVAL;
    return do_setattr(vn, arg);
}

int vfs_truncate(const struct vfs_ctx *c, const char *path, int64_t len)
{
    struct anyk_timespec now = now_ts();
    struct vattr va = { .mask = VATTR_SIZE | VATTR_MTIME | VATTR_CTIME, .size = len,
                        .mtime = now, .ctime = now };

    if (len < 0)
        return -EINVAL;
    return with_vnode(c, path, true, do_truncate, &va);
}

int vfs_truncate_vnode(struct vnode *vn, int64_t len)
{
    struct anyk_timespec now = now_ts();
    struct vattr va = { .mask = VATTR_SIZE | VATTR_MTIME | VATTR_CTIME, .size = len,
                        .mtime = now, .ctime = now };

    if (len < 0)
        return -EINVAL;
    return do_truncate(vn, &va);
}

static int do_statfs(struct vnode *vn, void *arg)
{
    struct anyk_statfs *st = arg;

    memset(st, 0, sizeof(*st));
    st->f_namelen = VFS_NAME_MAX;
    st->f_flags = vn->mnt->flags;
    if (!vn->mnt->type->statfs)
        return 0;
    return vn->mnt->type->statfs(vn->mnt, st);
}

int vfs_statfs(const struct vfs_ctx *c, const char *path, struct anyk_statfs *st)
{
    return with_vnode(c, path, true, do_statfs, st);
}

long vfs_readlink(const struct vfs_ctx *c, const char *path, char *buf, size_t n)
{
    struct vnode *vn;
    long r = vfs_resolve(c, path, false, &vn);

    if (r < 0)
        return r;
    if (!vn_islnk(vn) || !vn->ops->readlink)
        r = -EINVAL;
    else
        r = vn->ops->readlink(vn, buf, n);
    vnode_put(vn);
    return r;
}

int vfs_lookup_dir(const struct vfs_ctx *c, const char *path, struct vnode **out)
{
    int r = vfs_resolve(c, path, true, out);

    if (r == 0 && !vn_isdir(*out)) {
        vnode_put(*out);
        return -ENOTDIR;
    }
    return r;
}

/* ---- operations on names in a directory ---------------------------------------- */

/* The parent of the last component, its name, and the child if it exists. */
struct target {
    struct vnode *dir;
    struct vnode *vn;   /* NULL if the name does not exist */
    char name[VFS_NAME_MAX + 1];
    size_t len;
    bool slash;         /* the path ended in '/' */
};

static int target_get(const struct vfs_ctx *c, const char *path, struct target *t)
{
    int r = vfs_resolve_parent(c, path, &t->dir, t->name, &t->len, &t->slash);

    if (r < 0)
        return r;
    t->vn = NULL;
    r = vfs_lookup_one(c, t->dir, t->name, t->len, &t->vn);
    if (r == -ENOENT) {
        t->vn = NULL;
        return 0;
    }
    if (r < 0) {
        vnode_put(t->dir);
        return r;
    }
    return 0;
}

static void target_put(struct target *t)
{
    vnode_put(t->vn);
    vnode_put(t->dir);
}

/* How many '/' path starts with. */
static size_t strspn_slash(const char *path)
{
    size_t n = 0;

    while (path[n] == '/')
        n++;
    return n;
}

/* Is vn a mount point or the root of a mount (which cannot be removed or renamed)? */
static bool busy(const struct vnode *vn)
{
    return vn->covered_by || vn == vn->mnt->root;
}

int vfs_mkdir(const struct vfs_ctx *c, const char *path, uint32_t mode)
{
    struct target t;
    struct vnode *vn;
    int r = target_get(c, path, &t);

    if (r < 0)
        return r;
    if (t.vn)
        r = -EEXIST;
    else if ((r = read_only(t.dir)) == 0)
        r = t.dir->ops->mkdir ? t.dir->ops->mkdir(t.dir, t.name, t.len, mode & 07777, &vn)
                              : -EPERM;
    if (r == 0)
        vnode_put(vn);
    target_put(&t);
    return r;
}

int vfs_rmdir(const struct vfs_ctx *c, const char *path)
{
    struct target t;
    int r = target_get(c, path, &t);

    if (r < 0)
        return r;
    if (t.len == 1 && t.name[0] == '.')
        r = path[strspn_slash(path)] ? -EINVAL : -EBUSY; /* "d/." or "/" (Linux) */
    else if (name_is_dot(t.name, t.len))
        r = -ENOTEMPTY;
    else if (!t.vn)
        r = -ENOENT;
    else if (!vn_isdir(t.vn))
        r = -ENOTDIR;
    else if (busy(t.vn))
        r = -EBUSY;
    else if ((r = read_only(t.dir)) == 0)
        r = t.dir->ops->rmdir ? t.dir->ops->rmdir(t.dir, t.name, t.len) : -EPERM;
    target_put(&t);
    return r;
}

int vfs_unlink(const struct vfs_ctx *c, const char *path)
{
    struct target t;
    int r = target_get(c, path, &t);

    if (r < 0)
        return r;
    if (!t.vn)
        r = -ENOENT;
    else if (vn_isdir(t.vn))
        r = -EISDIR;
    else if (t.slash)
        r = -ENOTDIR;
    else if ((r = read_only(t.dir)) == 0)
        r = t.dir->ops->unlink ? t.dir->ops->unlink(t.dir, t.name, t.len) : -EPERM;
    target_put(&t);
    return r;
}

int vfs_symlink(const struct vfs_ctx *c, const char *target, const char *path)
{
    struct target t;
    struct vnode *vn;
    int r;

    if (!*target)
        return -ENOENT;
    if (strnlen(target, VFS_PATH_MAX) >= VFS_PATH_MAX)
        return -ENAMETOOLONG;
    if ((r = target_get(c, path, &t)) < 0)
        return r;
    if (t.vn)
        r = -EEXIST;
    else if (t.slash)
        r = -ENOENT; /* "new/" names a directory that a symlink cannot be (Linux: ENOENT) */
    else if ((r = read_only(t.dir)) == 0)
        r = t.dir->ops->symlink ? t.dir->ops->symlink(t.dir, t.name, t.len, target, &vn) : -EPERM;
    if (r == 0)
        vnode_put(vn);
    target_put(&t);
    return r;
}

int vfs_link(const struct vfs_ctx *c, const char *from, const char *path)
{
    struct vnode *src;
    struct target t;
    int r = vfs_resolve(c, from, false, &src);

    if (r < 0)
        return r;
    if ((r = target_get(c, path, &t)) < 0) {
        vnode_put(src);
        return r;
    }
    if (vn_isdir(src))
        r = -EPERM;
    else if (t.vn)
        r = -EEXIST;
    else if (t.slash)
        r = -ENOENT; /* as symlink: Linux says ENOENT for a new name "x/" */
    else if (src->mnt != t.dir->mnt)
        r = -EXDEV;
    else if ((r = read_only(t.dir)) == 0)
        r = t.dir->ops->link ? t.dir->ops->link(t.dir, t.name, t.len, src) : -EPERM;
    target_put(&t);
    vnode_put(src);
    return r;
}

/* Is dir the directory d or below it? Walks up through ".." within d's file system. */
static int is_within(const struct vfs_ctx *c, struct vnode *dir, struct vnode *d)
{
    struct vnode *cur = dir, *up;
    int r = 0;

    vnode_get(cur);
    for (int depth = 0; depth < 4096; depth++) {
        if (cur == d) {
            r = 1;
            break;
        }
        if (cur == c->root || cur == cur->mnt->root || !cur->ops->lookup)
            break;
        if (cur->ops->lookup(cur, "..", 2, &up) < 0)
            break;
        vnode_put(cur);
        cur = up;
    }
    vnode_put(cur);
    return r;
}

int vfs_rename(const struct vfs_ctx *c, const char *from, const char *to)
{
    struct target s, d;
    int r;

    if ((r = target_get(c, from, &s)) < 0)
        return r;
    if ((r = target_get(c, to, &d)) < 0) {
        target_put(&s);
        return r;
    }
    if (name_is_dot(s.name, s.len) || name_is_dot(d.name, d.len))
        r = s.len == 1 || d.len == 1 ? -EINVAL : -EBUSY;
    else if (!s.vn)
        r = -ENOENT;
    else if ((s.slash || d.slash) && !vn_isdir(s.vn))
        r = -ENOTDIR; /* before the same-file case: rename("f", "f/") fails on Linux */
    else if (s.dir->mnt != d.dir->mnt)
        r = -EXDEV;
    else if (s.vn == d.vn)
        r = 0; /* the same file: nothing to do */
    else if (busy(s.vn) || (d.vn && busy(d.vn)))
        r = -EBUSY;
    else if (vn_isdir(s.vn) && d.vn && !vn_isdir(d.vn))
        r = -ENOTDIR;
    else if (!vn_isdir(s.vn) && d.vn && vn_isdir(d.vn))
        r = -EISDIR;
    else if (vn_isdir(s.vn) && is_within(c, d.dir, s.vn))
        r = -EINVAL;
    else if ((r = read_only(s.dir)) == 0)
        r = s.dir->ops->rename ? s.dir->ops->rename(s.dir, s.name, s.len, d.dir, d.name, d.len)
                               : -EPERM;
    target_put(&d);
    target_put(&s);
    return r;
}

/* ---- open ------------------------------------------------------------------------ */

/*
 * The O_CREAT half of open: the existing file path names, or a new regular
 * file. A trailing slash is -EISDIR and so is an existing directory (as
 * Linux). A final symlink is followed, and if it dangles, what it names is
 * created (relative to the link's directory), as Linux does; the loop does
 * that without recursion so that 40 links need no more stack than one.
 */
static int open_create(const struct vfs_ctx *c, const char *path, int flags, uint32_t mode,
                       struct vnode **out)
{
    struct vfs_ctx at = *c;     /* at.cwd changes to a link's directory */
    struct vnode *held = NULL;  /* our reference on at.cwd once it changed */
    char *link = NULL;
    int r;

    for (int links = 0;; links++) {
        struct target t;
        if ((r = target_get(&at, path, &t)) < 0)
            break;
        if (t.slash) {
            r = -EISDIR;
        } else if (t.vn && (flags & ANYK_O_EXCL)) {
            r = -EEXIST;
        } else if (t.vn && vn_islnk(t.vn)) {
            long n = -ELOOP;
            if (!(flags & ANYK_O_NOFOLLOW) && links < VFS_SYMLOOP_MAX && t.vn->ops->readlink) {
                if (!link && !(link = kmalloc(VFS_PATH_MAX)))
                    n = -ENOMEM;
                else
                    n = t.vn->ops->readlink(t.vn, link, VFS_PATH_MAX - 1);
            }
            if (n >= 0) {
                /* Go round again with the link's target, from the link's directory. */
                link[n] = '\0';
                path = link;
                vnode_put(held);
                held = at.cwd = t.dir;
                t.dir = NULL;
                target_put(&t);
                continue;
            }
            r = (int)n;
        } else if (t.vn && vn_isdir(t.vn)) {
            r = -EISDIR;
        } else if (t.vn) {
            *out = t.vn;
            t.vn = NULL;
            r = 0;
        } else if ((r = read_only(t.dir)) == 0) {
            r = t.dir->ops->create
                    ? t.dir->ops->create(t.dir, t.name, t.len, ANYK_S_IFREG | (mode & 07777), out)
                    : -EPERM;
        }
        target_put(&t);
        break;
    }
    vnode_put(held);
    kfree(link);
    return r;
}

int vfs_open(const struct vfs_ctx *c, const char *path, int flags, uint32_t mode,
             struct file **out)
{
    int acc = flags & ANYK_O_ACCMODE;
    struct vnode *vn = NULL;
    struct file *f;
    int r = 0;

    if (acc == 3)
        return -EINVAL;
    if (flags & ANYK_O_CREAT) {
        if ((r = open_create(c, path, flags, mode, &vn)) < 0)
            return r;
    } else {
        if ((r = vfs_resolve(c, path, !(flags & ANYK_O_NOFOLLOW), &vn)) < 0)
            return r;
        if (vn_islnk(vn)) {
            vnode_put(vn);
            return -ELOOP;
        }
    }
    if ((flags & ANYK_O_DIRECTORY) && !vn_isdir(vn))
        r = -ENOTDIR;
    else if (vn_isdir(vn) && (acc != ANYK_O_RDONLY || (flags & ANYK_O_TRUNC)))
        r = -EISDIR;
    else if (acc != ANYK_O_RDONLY && read_only(vn))
        r = -EROFS;
    if (r < 0) {
        vnode_put(vn);
        return r;
    }
    if ((flags & ANYK_O_TRUNC) && acc != ANYK_O_RDONLY &&
        (vn->mode & ANYK_S_IFMT) == ANYK_S_IFREG) {
        if ((r = vfs_truncate_vnode(vn, 0)) < 0) {
            vnode_put(vn);
            return r;
        }
    }
    if (!(f = file_alloc())) {
        vnode_put(vn);
        return -ENOMEM;
    }
    f->vn = vn;
    f->flags = flags & ~(ANYK_O_CREAT | ANYK_O_EXCL | ANYK_O_TRUNC | ANYK_O_NOCTTY);
    f->ops = &vfs_vnode_file_ops;
    if (vn->ops->open && (r = vn->ops->open(vn, f)) < 0) {
        f->ops = &vfs_vnode_file_ops;
        file_put(f);
        return r;
    }
    *out = f;
    return 0;
}

/* ---- getcwd --------------------------------------------------------------------- */

struct find_name {
    uint64_t ino;
    char *name;
    bool found;
};

static int match_ino(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type,
                     int64_t next)
{
    struct find_name *fn = ctx;

    (void)type, (void)next;
    if (ino != fn->ino || name_is_dot(name, len))
        return 0;
    memcpy(fn->name, name, len);
    fn->name[len] = '\0';
    fn->found = true;
    return 1;
}

long vfs_getcwd(const struct vfs_ctx *c, char *buf, size_t n)
{
    char *path = kmalloc(VFS_PATH_MAX), name[VFS_NAME_MAX + 1];
    size_t pos = VFS_PATH_MAX - 1;
    struct vnode *cur = c->cwd;
    long r = 0;

    if (!path)
        return -ENOMEM;
    path[pos] = '\0';
    vnode_get(cur);
    while (cur != c->root) {
        struct vnode *up = NULL;
        /* At the root of a mount, continue from the directory it covers. */
        if (cur == cur->mnt->root && cur->mnt->covered) {
            up = cur->mnt->covered;
            vnode_get(up);
            vnode_put(cur);
            cur = up;
            continue;
        }
        if (!cur->ops->lookup || cur->ops->lookup(cur, "..", 2, &up) < 0 || up == cur) {
            if (up == cur)
                vnode_put(up);
            r = -ENOENT; /* not reachable from the root (removed) */
            break;
        }
        struct find_name fn = { cur->ino, name, false };
        int64_t off = 0;
        if (up->ops->readdir)
            up->ops->readdir(up, &off, match_ino, &fn);
        vnode_put(cur);
        cur = up;
        size_t len = fn.found ? strlen(name) : 0; /* name is only filled in when found */
        if (!fn.found || len + 1 > pos) {
            r = fn.found ? -ENAMETOOLONG : -ENOENT;
            break;
        }
        pos -= len;
        memcpy(path + pos, name, len);
        path[--pos] = '/';
    }
    vnode_put(cur);
    if (r == 0) {
        if (pos == VFS_PATH_MAX - 1)
            path[--pos] = '/';
        size_t len = VFS_PATH_MAX - 1 - pos;
        if (len + 1 > n)
            r = -ERANGE;
        else {
            memcpy(buf, path + pos, len + 1);
            r = (long)len + 1;
        }
    }
    kfree(path);
    return r;
}

/* ---- mounts ------------------------------------------------------------------------ */

static int do_mount(struct vnode *covered, const char *source, const char *fstype,
                    uint32_t flags, const char *options, const char *where)
{
    const struct fs_type *t = find_type(fstype);
    struct mount *m;
    int r;

    if (!t)
        return -ENODEV;
    if (!(m = kzalloc(sizeof(*m))))
        return -ENOMEM;
    m->type = t;
    m->flags = flags;
    m->dev = vfs.next_dev++;
    strlcpy(m->source, source ? source : fstype, sizeof(m->source));
    strlcpy(m->path, where, sizeof(m->path));
    if ((r = t->mount(m, source, options)) < 0) {
        kfree(m);
        return r;
    }
    m->covered = covered;
    if (covered) {
        vnode_get(covered);
        covered->covered_by = m;
    }
    list_add_tail(&vfs.mounts, &m->link);
    return 0;
}

int vfs_mount(const struct vfs_ctx *c, const char *source, const char *target,
              const char *fstype, uint32_t flags, const char *options)
{
    struct vnode *dir;
    char where[256];
    int r;

    if ((r = vfs_lookup_dir(c, target, &dir)) < 0)
        return r;
    struct vfs_ctx at = { c->root, dir };
    if (vfs_getcwd(&at, where, sizeof(where)) < 0)
        strlcpy(where, target, sizeof(where));
    if (dir->covered_by)
        r = -EBUSY;
    else
        r = do_mount(dir, source, fstype, flags, options, where);
    vnode_put(dir);
    return r;
}

int vfs_umount(const struct vfs_ctx *c, const char *target)
{
    struct vnode *vn;
    struct mount *m;
    struct list_node *n;
    int r;

    if ((r = vfs_resolve(c, target, true, &vn)) < 0)
        return r;
    m = vn->mnt;
    if (vn != m->root || !m->covered) {
        vnode_put(vn);
        return -EINVAL;
    }
    vnode_put(vn);
    /* Busy if anything inside is referenced (open files, cwds) or mounted on. */
    list_for_each(n, &vfs.mounts)
        if (list_entry(n, struct mount, link)->covered &&
            list_entry(n, struct mount, link)->covered->mnt == m)
            return -EBUSY;
    if (m->nvnodes > 1 || m->root->refs > 1)
        return -EBUSY;
    if (m->type->sync && (r = m->type->sync(m)) < 0)
        return r;
    if (m->type->unmount && (r = m->type->unmount(m)) < 0)
        return r;
    list_del(&m->link);
    m->covered->covered_by = NULL;
    vnode_put(m->covered);
    vnode_put(m->root);
    kfree(m);
    return 0;
}

int vfs_sync(void)
{
    struct list_node *n;
    int r = 0;

    list_for_each(n, &vfs.mounts) {
        struct mount *m = list_entry(n, struct mount, link);
        if (m->type->sync) {
            int e = m->type->sync(m);
            if (e < 0 && r == 0)
                r = e;
        }
    }
    return r;
}

void vfs_shutdown(void)
{
    struct list_node *n;

    /* Newest first, so nothing is unmounted from under another mount. Open files no
     * longer matter: the kernel stops right after. Memory file systems have nothing to
     * keep, so they are left as they are. */
    for (n = vfs.mounts.prev; n != &vfs.mounts; n = n->prev) {
        struct mount *m = list_entry(n, struct mount, link);
        if (m->type->sync && m->type->sync(m) < 0)
            kerr("halt: syncing %s (%s) failed", m->path, m->source);
        if (m->type != &tmpfs_type && m->type->unmount && m->type->unmount(m) < 0)
            kerr("halt: unmounting %s (%s) failed", m->path, m->source);
    }
}

/*
 * Append s at buf[*len], keeping room for a NUL; with escape, ' ', '\t', '\n'
 * and '\\' become octal escapes ("\040"), as in Linux's /proc/mounts, so that
 * every line keeps its six fields. False if it does not fit.
 */
static bool put_field(char *buf, size_t n, size_t *len, const char *s, bool escape)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        bool esc = escape && (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\\');
        if (*len + (esc ? 4 : 1) >= n)
            return false;
        if (esc) {
            buf[(*len)++] = '\\';
            buf[(*len)++] = (char)('0' + (ch >> 6));
            buf[(*len)++] = (char)('0' + ((ch >> 3) & 7));
            buf[(*len)++] = (char)('0' + (ch & 7));
        } else {
            buf[(*len)++] = (char)ch;
        }
    }
    return true;
}

size_t vfs_mounts_text(char *buf, size_t n)
{
    struct list_node *l;
    size_t len = 0;

    list_for_each(l, &vfs.mounts) {
        struct mount *m = list_entry(l, struct mount, link);
        size_t start = len;
        if (!put_field(buf, n, &len, m->source, true) || !put_field(buf, n, &len, " ", false) ||
            !put_field(buf, n, &len, m->path, true) || !put_field(buf, n, &len, " ", false) ||
            !put_field(buf, n, &len, m->type->name, true) ||
            !put_field(buf, n, &len, m->flags & ANYK_MS_RDONLY ? " ro 0 0\n" : " rw 0 0\n",
                       false)) {
            len = start;
            break;
        }
    }
    if (len < n)
        buf[len] = '\0';
    return len;
}

/* Drop a mount nothing uses yet (boot-time root switch): its vnodes and its table entry. */
static void drop_mount(struct mount *m)
{
    list_del(&m->link);
    if (m->covered) {
        m->covered->covered_by = NULL;
        vnode_put(m->covered);
    }
    if (m->type->unmount)
        m->type->unmount(m);
    vnode_put(m->root);
    kfree(m);
}

int vfs_switch_root(const char *source, const char *fstype, uint32_t flags)
{
    struct mount *old = vfs.rootmnt, *m;
    struct list_node *n, *tmp;
    struct vfs_ctx c;
    int r;

    if (!vfs.rootmnt)
        return -EINVAL;
    if ((r = do_mount(NULL, source, fstype, flags, NULL, "/")) < 0)
        return r;
    m = list_entry(vfs.mounts.prev, struct mount, link);
    /* The boot tmpfs and what is mounted on it go; nothing has used them yet. */
    list_for_each_safe(n, tmp, &vfs.mounts) {
        struct mount *x = list_entry(n, struct mount, link);
        if (x != m && x != old)
            drop_mount(x);
    }
    drop_mount(old);
    vfs.rootmnt = m;
    c.root = c.cwd = m->root;
    if (!(flags & ANYK_MS_RDONLY)) {
        vfs_mkdir(&c, "/dev", 0755);
        vfs_mkdir(&c, "/proc", 0555);
    }
    if ((r = vfs_mount(&c, "devfs", "/dev", "devfs", 0, NULL)) < 0)
        kwarn("root: cannot mount /dev on %s (error %d): create /dev on it", source, -r);
    if ((r = vfs_mount(&c, "proc", "/proc", "procfs", 0, NULL)) < 0)
        kwarn("root: cannot mount /proc on %s (error %d): create /proc on it", source, -r);
    return 0;
}

void vfs_init(void)
{
    struct vfs_ctx c;
    int r;

    vfs_register(&tmpfs_type);
    vfs_register(&devfs_type);
    vfs_register(&procfs_type);
    vfs_register(&ext2_type);
    if ((r = do_mount(NULL, "rootfs", "tmpfs", 0, NULL, "/")) < 0)
        panic("vfs_init: cannot mount the root tmpfs (error %d)", -r);
    vfs.rootmnt = list_entry(vfs.mounts.next, struct mount, link);
    c.root = c.cwd = vfs.rootmnt->root;
    if ((r = vfs_mkdir(&c, "/dev", 0755)) < 0 || (r = vfs_mkdir(&c, "/proc", 0555)) < 0 ||
        (r = vfs_mount(&c, "devfs", "/dev", "devfs", 0, NULL)) < 0 ||
        (r = vfs_mount(&c, "proc", "/proc", "procfs", 0, NULL)) < 0)
        panic("vfs_init: cannot set up /dev and /proc (error %d)", -r);
}
