/* sys/sysmacros.h - major/minor/makedev with Linux's dev_t encoding. */
#ifndef _SYS_SYSMACROS_H
#define _SYS_SYSMACROS_H

#define major(d) ((unsigned)((((d) >> 32) & 0xfffff000u) | (((d) >> 8) & 0xfffu)))
#define minor(d) ((unsigned)((((d) >> 12) & 0xffffff00u) | ((d) & 0xffu)))
#define makedev(ma, mi) \
    ((((unsigned long)(ma) & 0xfffff000ul) << 32) | (((unsigned long)(ma) & 0xffful) << 8) | \
     (((unsigned long)(mi) & 0xffffff00ul) << 12) | ((unsigned long)(mi) & 0xfful))

#endif
