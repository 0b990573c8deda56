/*
 * anyk-fs.h - what the parts of anyk-fs share.
 *
 * anyk-fs boots the kernel in library mode with the image as /dev/blk0,
 * mounts it on AFS_MNT in the kernel's own tmpfs and runs commands through
 * the API table. Commands see two kinds of paths:
 *   - image paths ("ipath"), as the user typed them: absolute from the
 *     image's root, relative paths too;
 *   - kernel paths ("kpath"): AFS_MNT followed by the image path with every
 *     symbolic link and ".." already resolved inside the image (except, on
 *     request, the last component). afs_resolve() makes them, so an absolute
 *     link target or a ".." never leaves the image for the kernel's own root.
 * Paths built by appending names to a kpath stay kpaths as long as what is
 * done with them does not follow a link in the last component.
 *
 * anyk-fs.c owns the session (struct afs) and the command table; the other
 * files each hold a group of commands: anyk-fs-path.c (paths, directory
 * reading, messages), anyk-fs-copy.c (get, put), anyk-fs-show.c (ls, cat,
 * stat, tree, df), anyk-fs-edit.c (mkdir, rm, mv, ln, chmod).
 */
#ifndef TOOLS_ANYK_FS_H
#define TOOLS_ANYK_FS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <anyk/anyk.h>

#define AFS_FSTYPE "ext2"      /* the file system images hold; -t overrides it */
#define AFS_MNT "/image"       /* where the image is mounted in the kernel's tmpfs */
#define AFS_PATH_MAX 4096      /* the kernel's VFS_PATH_MAX */
#define AFS_CHUNK (1u << 20)   /* bytes moved per read or write when copying */

/* anyk_stat modes */
#define AFS_TYPE(m) ((m) & ANYK_S_IFMT)
#define AFS_ISDIR(m) (AFS_TYPE(m) == ANYK_S_IFDIR)
#define AFS_ISREG(m) (AFS_TYPE(m) == ANYK_S_IFREG)
#define AFS_ISLNK(m) (AFS_TYPE(m) == ANYK_S_IFLNK)

/* The session: one per process, owned by anyk-fs.c. */
struct afs {
    const struct anyk_api *k;       /* the kernel's API table */
    const char *image;              /* the image's host path, for messages */
    const char *fstype;
    volatile sig_atomic_t interrupted; /* SIGINT, SIGTERM or SIGHUP arrived */
};
extern struct afs afs;

/* A parsed command: its options (one bit per lowercase letter) and operands. */
struct cmd {
    const char *name;
    uint32_t opts;
    const char *optarg_m;           /* mkdir -m MODE */
    int nargs;
    char **args;
};

static inline bool opt(const struct cmd *c, char letter)
{
    return c->opts & (1u << (letter - 'a'));
}

/* ---- messages (anyk-fs-path.c); each returns 1, the usual failure status ---- */

int afs_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "anyk-fs: FMT: strerror(-err)"; err is a negative errno */
int afs_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- paths ------------------------------------------------------------------- */

/*
 * Resolve image path ipath to a kernel path in kpath[AFS_PATH_MAX]. A missing
 * last component is not an error (it may be about to be created); follow
 * says whether a symbolic link there is followed. Returns 0 or -errno.
 */
int afs_resolve(const char *ipath, bool follow, char *kpath);
/* The image path of a kernel path ("/" for the image's root). */
const char *afs_ipath(const char *kpath);
bool afs_is_root(const char *kpath);
/* dir + "/" + name into out[AFS_PATH_MAX]; -ENAMETOOLONG if it does not fit. */
int afs_join(char *out, const char *dir, const char *name);
/* The last component of path, without trailing slashes, into out[AFS_PATH_MAX]. */
void afs_basename(const char *path, char *out);

/* ---- directories --------------------------------------------------------------- */

struct afs_dirent {
    char *name;
    unsigned char type;             /* ANYK_DT_* */
};

struct afs_dir {
    struct afs_dirent *ent;
    size_t n, cap;
};

/* Read a whole image directory (without "." and ".." unless dots), sorted by name. */
int afs_readdir(const char *kpath, bool dots, struct afs_dir *d);
void afs_dir_free(struct afs_dir *d);

/* ---- commands: each returns its exit status ------------------------------------ */

int afs_get(struct cmd *c);
int afs_put(struct cmd *c);
int afs_ls(struct cmd *c);
int afs_cat(struct cmd *c);
int afs_stat(struct cmd *c);
int afs_tree(struct cmd *c);
int afs_df(struct cmd *c);
int afs_mkdir(struct cmd *c);
int afs_rm(struct cmd *c);
int afs_mv(struct cmd *c);
int afs_ln(struct cmd *c);
int afs_chmod(struct cmd *c);

/* Parse an octal mode ("755", "0644", up to 07777); -1 if it is not one. */
long afs_parse_mode(const char *s);

#endif
