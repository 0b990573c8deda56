/* procfs.h - the process and kernel information file system on /proc. */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H

#include "fs/vfs.h"

extern const struct fs_type procfs_type;

/*
 * Add /proc/NAME whose contents gen writes into buf (at most cap bytes,
 * returning the length) each time the file is opened. Returns 0 or -ENOSPC.
 */
int procfs_register(const char *name, size_t (*gen)(char *buf, size_t cap));

#endif
