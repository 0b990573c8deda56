/*
 * namei.h - path lookup inside the VFS (fs/namei.c); private to fs/.
 */
#ifndef FS_NAMEI_H
#define FS_NAMEI_H

#include "fs/vfs.h"

/* Resolve a whole path; follow says whether a final symlink is followed. */
int vfs_resolve(const struct vfs_ctx *c, const char *path, bool follow, struct vnode **out);
/*
 * Resolve all but the last component: the parent directory (with a
 * reference) and the last name (copied to name, VFS_NAME_MAX + 1 bytes).
 * "/" gives the root and ".". trailing_slash says whether the path ended in '/'.
 */
int vfs_resolve_parent(const struct vfs_ctx *c, const char *path, struct vnode **dir,
                       char *name, size_t *len, bool *trailing_slash);
/* name in dir, with "." and ".." and mount points handled. */
int vfs_lookup_one(const struct vfs_ctx *c, struct vnode *dir, const char *name, size_t len,
                   struct vnode **out);
bool vn_isdir(const struct vnode *vn);
bool vn_islnk(const struct vnode *vn);
bool name_is_dot(const char *name, size_t len);
size_t vnode_count(void);

#endif
