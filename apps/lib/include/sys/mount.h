/* sys/mount.h - mounting file systems. */
#ifndef _SYS_MOUNT_H
#define _SYS_MOUNT_H

#define MS_RDONLY 1
#define MS_SYNCHRONOUS 16

int mount(const char *source, const char *target, const char *fstype, unsigned long flags,
          const void *data);
int umount(const char *target);
int umount2(const char *target, int flags);

#endif
