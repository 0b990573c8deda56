/* devfs.h - the device file system on /dev (fs/devfs/devfs.c). */
#ifndef FS_DEVFS_H
#define FS_DEVFS_H

#include "fs/vfs.h"

extern const struct fs_type devfs_type;

/*
 * Add /dev/NAME with the given mode (ANYK_S_IFCHR or ANYK_S_IFBLK and
 * permissions); opening it gives a file with ops and f->priv = priv.
 * Returns 0, -EEXIST or -ENOSPC.
 */
int devfs_register(const char *name, uint32_t mode, const struct file_ops *ops, void *priv);

#endif
