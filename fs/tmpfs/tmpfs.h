/*
 * tmpfs.h - the memory file system (the root, and anything mounted with -t tmpfs).
 */
#ifndef FS_TMPFS_H
#define FS_TMPFS_H

#include "fs/vfs.h"

#define TMPFS_MAGIC 0x01021994

extern const struct fs_type tmpfs_type;

#endif
