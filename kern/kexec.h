/*
 * kexec.h - raw payloads, as DuskBSD's /kexec: a flat binary loaded at a
 * fixed address and called with the API table as its first argument.
 */
#ifndef KERN_KEXEC_H
#define KERN_KEXEC_H

#include <anyk/types.h>
#include "fs/vfs.h"

/* Offset of the payload area from the start of kernel RAM, and its size. */
#define KEXEC_OFFSET (1ul << 20)
#define KEXEC_MAX (1ul << 20)

/* Reserve the payload area (boot calls it before anything else allocates). */
void kexec_init(void);
/* Address payloads are loaded at (ram base + KEXEC_OFFSET). */
uintptr_t kexec_addr(void);
/*
 * Load the file at path into the payload area and call it as
 * int payload(const struct anyk_api *api). Returns its return value, or
 * -ENOENT, -EFBIG (larger than KEXEC_MAX), -EBUSY (a payload is running).
 */
int kexec_run(const struct vfs_ctx *c, const char *path);

#endif
