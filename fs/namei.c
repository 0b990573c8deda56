/*
 * namei.c - vnodes and path lookup.
 *
 * Lookup walks a path one component at a time from the task's root or cwd:
 * "." stays, ".." goes up (never above the task's root, and across a mount
 * point to the directory it covers), a directory with a file system mounted
 * on it is replaced by that file system's root, and symbolic links are
 * followed (all but a final one when the caller says so) up to
 * VFS_SYMLOOP_MAX times. The file systems' lookup ops see single names and
 * "..", never ".".
 */
#include <anyk/errno.h>
#include "fs/namei.h"
#include "kern/kmalloc.h"
#include "kern/printk.h"
#include "lib/string.h"

/* ---- vnodes ----------------------------------------------------------------------- */

static struct {
    struct list_node live;  /* every vnode that has a reference */
    size_t count;
} vcache = { LIST_INIT(vcache.live), 0 };

struct vnode *vnode_alloc(struct mount *m, const struct vnode_ops *ops, uint32_t mode,
                          uint64_t ino, void *data)
{
    struct vnode *vn = kzalloc(sizeof(*vn));

    if (!vn)
        return NULL;
    vn->refs = 1;
    vn->mode = mode;
    vn->ino = ino;
    vn->mnt = m;
    vn->ops = ops;
    vn->data = data;
    list_add_tail(&vcache.live, &vn->cache_link);
    vcache.count++;
    if (m)
        m->nvnodes++;
    return vn;
}

void vnode_get(struct vnode *vn)
{
    if (!vn->refs)
        panic("vnode_get: vnode %p (ino %llu) has no references", (void *)vn,
              (unsigned long long)vn->ino);
    vn->refs++;
}

void vnode_put(struct vnode *vn)
{
    if (!vn)
        return;
    if (!vn->refs)
        panic("vnode_put: vnode %p (ino %llu) released too often", (void *)vn,
              (unsigned long long)vn->ino);
    if (--vn->refs)
        return;
    list_del(&vn->cache_link);
    vcache.count--;
    if (vn->mnt)
        vn->mnt->nvnodes--;
    if (vn->ops->release)
        vn->ops->release(vn);
    kfree(vn);
}

size_t vnode_count(void)
{
    return vcache.count;
}

/* ---- lookup ---------------------------------------------------------------------- */

bool vn_isdir(const struct vnode *vn)
{
    return (vn->mode & ANYK_S_IFMT) == ANYK_S_IFDIR;
}

bool vn_islnk(const struct vnode *vn)
{
    return (vn->mode & ANYK_S_IFMT) == ANYK_S_IFLNK;
}

/* Step into whatever is mounted on vn; takes over the caller's reference. */
static struct vnode *cross_down(struct vnode *vn)
{
    while (vn->covered_by) {
        struct vnode *root = vn->covered_by->root;
        vnode_get(root);
        vnode_put(vn);
        vn = root;
    }
    return vn;
}

/* One step: name in dir (a directory). Returns the child with a reference. */
int vfs_lookup_one(const struct vfs_ctx *c, struct vnode *dir, const char *name, size_t len,
                   struct vnode **out)
{
    struct vnode *vn;
    int r;

    if (!vn_isdir(dir))
        return -ENOTDIR;
    if (len == 1 && name[0] == '.') {
        vnode_get(dir);
        *out = dir;
        return 0;
    }
    if (len == 2 && name[0] == '.' && name[1] == '.') {
        /* Up: never above the task's root; across mount points to what they cover. */
        while (dir != c->root && dir == dir->mnt->root && dir->mnt->covered)
            dir = dir->mnt->covered;
        if (dir == c->root) {
            vnode_get(dir);
            *out = dir;
            return 0;
        }
    }
    if (len > VFS_NAME_MAX)
        return -ENAMETOOLONG;
    if (!dir->ops->lookup)
        return -ENOENT;
    if ((r = dir->ops->lookup(dir, name, len, &vn)) < 0)
        return r;
    *out = cross_down(vn);
    return 0;
}

static int walk(const struct vfs_ctx *c, struct vnode *start, const char *path, bool follow_last,
                int *links, struct vnode **out);

/* Replace *vn (a symlink found in dir) by what it points to. */
static int follow_link(const struct vfs_ctx *c, struct vnode *dir, struct vnode **vn, int *links)
{
    char *target;
    long n;
    int r;

    if (++*links > VFS_SYMLOOP_MAX)
        return -ELOOP;
    if (!(*vn)->ops->readlink)
        return -EINVAL;
    if (!(target = kmalloc(VFS_PATH_MAX)))
        return -ENOMEM;
    n = (*vn)->ops->readlink(*vn, target, VFS_PATH_MAX - 1);
    if (n < 0) {
        kfree(target);
        return (int)n;
    }
    target[n] = '\0';
    struct vnode *res;
    r = walk(c, target[0] == '/' ? c->root : dir, target, true, links, &res);
    kfree(target);
    if (r < 0)
        return r;
    vnode_put(*vn);
    *vn = res;
    return 0;
}

/*
 * Resolve path from start (or the root for an absolute path). A trailing
 * slash requires a directory. Returns the vnode with a reference.
 */
static int walk(const struct vfs_ctx *c, struct vnode *start, const char *path, bool follow_last,
                int *links, struct vnode **out)
{
    struct vnode *cur;
    const char *p = path;
    int r;

    if (!*path)
        return -ENOENT;
    cur = *p == '/' ? c->root : start;
    vnode_get(cur);
    while (*p) {
        const char *name;
        size_t len;
        struct vnode *next;

        while (*p == '/')
            p++;
        if (!*p)
            break;
        name = p;
        while (*p && *p != '/')
            p++;
        len = (size_t)(p - name);
        bool last = true;
        for (const char *q = p; *q; q++)
            if (*q != '/') {
                last = false;
                break;
            }
        if ((r = vfs_lookup_one(c, cur, name, len, &next)) < 0) {
            vnode_put(cur);
            return r;
        }
        /* A trailing slash makes a final symlink followed, as POSIX says. */
        if (vn_islnk(next) && (!last || follow_last || *p == '/')) {
            if ((r = follow_link(c, cur, &next, links)) < 0) {
                vnode_put(next);
                vnode_put(cur);
                return r;
            }
        }
        vnode_put(cur);
        cur = next;
    }
    /* "name/" must be a directory. */
    size_t n = strlen(path);
    if (n && path[n - 1] == '/' && !vn_isdir(cur)) {
        vnode_put(cur);
        return -ENOTDIR;
    }
    *out = cur;
    return 0;
}

int vfs_resolve(const struct vfs_ctx *c, const char *path, bool follow, struct vnode **out)
{
    int links = 0;

    if (strnlen(path, VFS_PATH_MAX) >= VFS_PATH_MAX)
        return -ENAMETOOLONG;
    return walk(c, c->cwd, path, follow, &links, out);
}

int vfs_resolve_parent(const struct vfs_ctx *c, const char *path, struct vnode **dir,
                       char *name, size_t *len, bool *trailing_slash)
{
    size_t n = strnlen(path, VFS_PATH_MAX);
    char *dirpath;
    int r, links = 0;

    if (n >= VFS_PATH_MAX)
        return -ENAMETOOLONG;
    if (n == 0)
        return -ENOENT;
    *trailing_slash = false;
    while (n > 1 && path[n - 1] == '/') {
        n--;
        *trailing_slash = true;
    }
    size_t start = n;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (n - start > VFS_NAME_MAX)
        return -ENAMETOOLONG;
    if (n == 1 && path[0] == '/') {
        /* The root itself: its "parent" is the root and its name is ".". */
        vnode_get(c->root);
        *dir = c->root;
        name[0] = '.';
        name[1] = '\0';
        *len = 1;
        return 0;
    }
    memcpy(name, path + start, n - start);
    name[n - start] = '\0';
    *len = n - start;
    if (start == 0) {
        vnode_get(c->cwd);
        *dir = c->cwd;
        return 0;
    }
    if (!(dirpath = kmalloc(start + 1)))
        return -ENOMEM;
    memcpy(dirpath, path, start);
    dirpath[start] = '\0';
    r = walk(c, c->cwd, dirpath, true, &links, dir);
    kfree(dirpath);
    if (r < 0)
        return r;
    if (!vn_isdir(*dir)) {
        vnode_put(*dir);
        return -ENOTDIR;
    }
    return 0;
}

bool name_is_dot(const char *name, size_t len)
{
    return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}
