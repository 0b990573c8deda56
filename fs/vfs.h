/*
 * vfs.h - the virtual file system: vnodes, mounts, path lookup, open files.
 *
 * Layers (xv6's order): the program API (kern/syscall.c) validates what a
 * program passed and calls the vfs_* functions below with the task's root and
 * cwd; the VFS resolves paths to vnodes and calls the file system's
 * vnode_ops; a file system (fs/tmpfs, fs/devfs, fs/procfs, later fs/ext2)
 * implements those ops on its own data. Open files (struct file) carry an
 * offset and flags and dispatch through file_ops, so pipes and devices are
 * files too.
 *
 * Errors are negative errno values. Reference counts: a vnode pointer
 * returned by any vfs_* function or op carries one reference that the caller
 * drops with vnode_put(); vnode_get() adds one. A vnode stays in the cache
 * while referenced; the file system's release op runs when the last reference
 * goes (and frees the inode then if its link count is 0: unlink of an open
 * file works).
 *
 * Locking: one virtual CPU and no preemption inside the kernel except where
 * code blocks, so an op that does not block needs no lock. File systems that
 * block in the middle of an update (disk I/O) hold their own mutex.
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <anyk/api.h>
#include <anyk/types.h>
#include "kern/sync.h"
#include "lib/list.h"

#define VFS_NAME_MAX 255
#define VFS_PATH_MAX 4096
#define VFS_SYMLOOP_MAX 40

struct vnode;
struct mount;
struct file;

/* Attributes set by vnode_ops.setattr; `mask` says which fields are meant. */
#define VATTR_MODE 0x01 /* permission bits only; the type never changes */
#define VATTR_UID 0x02
#define VATTR_GID 0x04
#define VATTR_SIZE 0x08
#define VATTR_ATIME 0x10
#define VATTR_MTIME 0x20
#define VATTR_CTIME 0x40

struct vattr {
    uint32_t mask;
    uint32_t mode, uid, gid;
    int64_t size;
    struct anyk_timespec atime, mtime, ctime;
};

/* getdents helper: called for each entry; returns nonzero to stop (buffer full). */
typedef int (*vfs_filldir_fn)(void *ctx, const char *name, size_t len, uint64_t ino,
                              unsigned dtype, int64_t next_off);

/*
 * What a file system implements for its vnodes. Names passed in are single
 * components (no '/'), 1..VFS_NAME_MAX bytes, never "." or "..": the VFS
 * handles those. Ops that a file system does not support may be NULL (the
 * VFS returns -EPERM, -EINVAL or -ENOTDIR as POSIX says).
 */
struct vnode_ops {
    int (*lookup)(struct vnode *dir, const char *name, size_t len, struct vnode **out);
    int (*create)(struct vnode *dir, const char *name, size_t len, uint32_t mode,
                  struct vnode **out);                       /* regular files, fifos */
    int (*mkdir)(struct vnode *dir, const char *name, size_t len, uint32_t mode,
                 struct vnode **out);
    int (*symlink)(struct vnode *dir, const char *name, size_t len, const char *target,
                   struct vnode **out);
    int (*link)(struct vnode *dir, const char *name, size_t len, struct vnode *target);
    int (*unlink)(struct vnode *dir, const char *name, size_t len);   /* non-directories */
    int (*rmdir)(struct vnode *dir, const char *name, size_t len);    /* empty directories */
    /* Move; replaces an existing target (the VFS has checked the POSIX type rules). */
    int (*rename)(struct vnode *fdir, const char *fname, size_t flen, struct vnode *tdir,
                  const char *tname, size_t tlen);
    long (*readlink)(struct vnode *vn, char *buf, size_t n);
    long (*read)(struct vnode *vn, void *buf, size_t n, int64_t off);
    long (*write)(struct vnode *vn, const void *buf, size_t n, int64_t off);
    int (*getattr)(struct vnode *vn, struct anyk_stat *st);
    int (*setattr)(struct vnode *vn, const struct vattr *va);
    /* Entries from position *off on; *off is advanced past those delivered. */
    int (*readdir)(struct vnode *vn, int64_t *off, vfs_filldir_fn fill, void *ctx);
    int (*fsync)(struct vnode *vn);
    /* Open hook for special files (devices, fifos): may replace the file's ops. */
    int (*open)(struct vnode *vn, struct file *f);
    /* Last reference gone: free in-memory state (and the inode if nlink == 0). */
    void (*release)(struct vnode *vn);
};

struct vnode {
    uint32_t refs;
    uint32_t mode;             /* type and permission bits, as st_mode */
    uint64_t ino;
    struct mount *mnt;         /* the file system it belongs to */
    struct mount *covered_by;  /* a file system mounted on this directory, if any */
    const struct vnode_ops *ops;
    void *data;                /* the file system's own inode */
    struct list_node cache_link;
};

/* A mounted file system. */
struct fs_type;
struct mount {
    struct list_node link;     /* the mount table */
    const struct fs_type *type;
    struct vnode *root;        /* root of this file system */
    struct vnode *covered;     /* the directory it is mounted on (NULL for /) */
    uint32_t flags;            /* ANYK_MS_* */
    char source[64];           /* "tmpfs", "/dev/blk0" */
    char path[256];            /* where it is mounted, for /proc/mounts */
    uint64_t dev;              /* st_dev of its vnodes */
    size_t nvnodes;            /* its vnodes that have references (umount needs 1: the root) */
    void *data;                /* the file system's own state */
};

struct fs_type {
    const char *name;          /* "tmpfs", "devfs", "procfs", "ext2" */
    /* Fill m->root and m->data; source is the device path or NULL. */
    int (*mount)(struct mount *m, const char *source, const char *options);
    int (*unmount)(struct mount *m);                 /* -EBUSY if it cannot */
    int (*statfs)(struct mount *m, struct anyk_statfs *st);
    int (*sync)(struct mount *m);
};

/* ---- open files ---------------------------------------------------------- */

struct file_ops {
    long (*read)(struct file *f, void *buf, size_t n);
    long (*write)(struct file *f, const void *buf, size_t n);
    /* Ready events (ANYK_POLL*) now; if wq is not NULL, also the queue woken on change. */
    unsigned (*poll)(struct file *f, struct waitq **wq);
    int (*ioctl)(struct file *f, unsigned long req, void *arg);
    void (*close)(struct file *f);  /* last reference gone */
};

struct file {
    uint32_t refs;             /* descriptors and spawn actions sharing it (dup) */
    int flags;                 /* ANYK_O_* given to open (access mode, APPEND, NONBLOCK) */
    int64_t off;
    struct vnode *vn;          /* NULL for pipes */
    const struct file_ops *ops;
    void *priv;                /* pipe buffer, device state, directory cursor */
};

/* Default ops for files on a vnode: read/write at f->off through vnode_ops. */
extern const struct file_ops vfs_vnode_file_ops;

struct file *file_alloc(void);
void file_get(struct file *f);
void file_put(struct file *f);
long file_read(struct file *f, void *buf, size_t n);
long file_write(struct file *f, const void *buf, size_t n);
long file_pread(struct file *f, void *buf, size_t n, int64_t off);
long file_pwrite(struct file *f, const void *buf, size_t n, int64_t off);
int64_t file_lseek(struct file *f, int64_t off, int whence);
int file_fstat(struct file *f, struct anyk_stat *st);
int file_ftruncate(struct file *f, int64_t len);
int file_fsync(struct file *f);
long file_getdents(struct file *f, void *buf, size_t n);
int file_ioctl(struct file *f, unsigned long req, void *arg);
unsigned file_poll(struct file *f, struct waitq **wq);

/* ---- vnodes ----------------------------------------------------------------- */

void vnode_get(struct vnode *vn);
void vnode_put(struct vnode *vn);
/* A new vnode with one reference, for file systems. */
struct vnode *vnode_alloc(struct mount *m, const struct vnode_ops *ops, uint32_t mode,
                          uint64_t ino, void *data);

/* Attributes of a vnode (st_dev and st_ino filled in by the VFS), and changes to them. */
int vfs_getattr(struct vnode *vn, struct anyk_stat *st);
int vfs_setattr(struct vnode *vn, const struct vattr *va);
int vfs_truncate_vnode(struct vnode *vn, int64_t len);

/* ---- path operations -------------------------------------------------------- */

/*
 * The context a path is resolved in: a task's root and current directory.
 * Relative paths start at cwd; ".." at root stays at root.
 */
struct vfs_ctx {
    struct vnode *root;
    struct vnode *cwd;
};

int vfs_open(const struct vfs_ctx *c, const char *path, int flags, uint32_t mode,
             struct file **out);
int vfs_stat(const struct vfs_ctx *c, const char *path, struct anyk_stat *st, bool follow);
int vfs_mkdir(const struct vfs_ctx *c, const char *path, uint32_t mode);
int vfs_rmdir(const struct vfs_ctx *c, const char *path);
int vfs_unlink(const struct vfs_ctx *c, const char *path);
int vfs_rename(const struct vfs_ctx *c, const char *from, const char *to);
int vfs_link(const struct vfs_ctx *c, const char *target, const char *path);
int vfs_symlink(const struct vfs_ctx *c, const char *target, const char *path);
long vfs_readlink(const struct vfs_ctx *c, const char *path, char *buf, size_t n);
int vfs_chmod(const struct vfs_ctx *c, const char *path, uint32_t mode);
int vfs_chown(const struct vfs_ctx *c, const char *path, uint32_t uid, uint32_t gid);
int vfs_utimens(const struct vfs_ctx *c, const char *path, const struct anyk_timespec t[2]);
int vfs_truncate(const struct vfs_ctx *c, const char *path, int64_t len);
int vfs_statfs(const struct vfs_ctx *c, const char *path, struct anyk_statfs *st);
/* Resolve a directory for chdir; returns it with a reference. */
int vfs_lookup_dir(const struct vfs_ctx *c, const char *path, struct vnode **out);
/* The absolute path of directory vn as seen from root; returns its length or -errno. */
long vfs_getcwd(const struct vfs_ctx *c, char *buf, size_t n);
int vfs_mount(const struct vfs_ctx *c, const char *source, const char *target,
              const char *fstype, uint32_t flags, const char *options);
int vfs_umount(const struct vfs_ctx *c, const char *target);
int vfs_sync(void);
/* At halt: sync and unmount every file system, newest first (they end clean). */
void vfs_shutdown(void);

/* ---- setup ---------------------------------------------------------------------- */

void vfs_register(const struct fs_type *t);
/* Mount the root file system (tmpfs) and the standard ones (/dev, /proc). */
void vfs_init(void);
/*
 * At boot, before any task exists: make the file system on source the root
 * (instead of the boot tmpfs) and mount /dev and /proc on it (creating them
 * if it is writable). The boot tmpfs is dropped.
 */
int vfs_switch_root(const char *source, const char *fstype, uint32_t flags);
/* The root directory, with a reference, for the first task's context. */
struct vnode *vfs_root(void);
/* Unpack a cpio "newc" archive into the tree under c->root; returns 0 or -errno. */
int cpio_unpack(const struct vfs_ctx *c, const void *archive, size_t len);
/* Write /proc/mounts-style lines into buf (for procfs). */
size_t vfs_mounts_text(char *buf, size_t n);

/* Pipes (fs/pipe.c): a connected pair, fds[0] for reading and fds[1] for writing. */
int pipe_create(struct file **rd, struct file **wr);

#endif
