/*
 * anyk-fs-edit.c - the commands that change the image's tree: mkdir, rm, mv,
 * ln, chmod.
 *
 * They behave as their GNU namesakes on the cases that matter (mkdir -p
 * accepts existing directories, rm -f is quiet about missing files, rm
 * refuses "/", "." and "..", mv and ln put SRC inside an existing directory
 * DST) and use the same messages. New directories get 0777 less the host's
 * umask, as mkdir(1) would give them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/anyk-fs.h"

static uint32_t host_umask(void)
{
    mode_t m = umask(0);

    umask(m);
    return (uint32_t)m;
}

/* ---- mkdir ------------------------------------------------------------------------- */

static int make_dir(const char *ipath, const char *kpath, uint32_t mode)
{
    int r = afs.k->mkdir(kpath, mode & 0777);

    /* mkdir(2) may drop the set-id and sticky bits; -m asked for them. */
    if (r == 0 && (mode & 07000))
        r = afs.k->chmod(kpath, mode);
    return r < 0 ? afs_errno(r, "cannot create directory '%s'", ipath) : 0;
}

/* mkdir -p: every missing component, the intermediate ones u+wx as GNU mkdir makes them. */
static int make_parents(const char *ipath, uint32_t mode, uint32_t inter)
{
    char prefix[AFS_PATH_MAX], kpath[AFS_PATH_MAX];
    size_t len = strlen(ipath), end = 0;
    struct anyk_stat st;
    int r;

    if (len >= AFS_PATH_MAX)
        return afs_errno(-ENAMETOOLONG, "cannot create directory '%s'", ipath);
    while (end < len) {
        end += strspn(ipath + end, "/");
        end += strcspn(ipath + end, "/");
        bool last = ipath[end + strspn(ipath + end, "/")] == '\0';

        memcpy(prefix, ipath, end);
        prefix[end] = '\0';
        if ((r = afs_resolve(prefix, true, kpath)) < 0)
            return afs_errno(r, "cannot create directory '%s'", prefix);
        if ((r = afs.k->stat(kpath, &st)) == 0) {
            if (!AFS_ISDIR(st.st_mode))
                return afs_errno(last ? -EEXIST : -ENOTDIR, "cannot create directory '%s'",
                                 prefix);
            continue;
        }
        if (r != -ENOENT)
            return afs_errno(r, "cannot create directory '%s'", prefix);
        if (make_dir(prefix, kpath, last ? mode : inter))
            return 1;
        if (last)
            break;
    }
    return 0;
}

int afs_mkdir(struct cmd *c)
{
    uint32_t um = host_umask();
    uint32_t mode = c->optarg_m ? (uint32_t)afs_parse_mode(c->optarg_m) : 0777 & ~um;
    char kpath[AFS_PATH_MAX];
    int status = 0, r;

    for (int i = 0; i < c->nargs; i++) {
        const char *p = c->args[i];

        if (opt(c, 'p')) {
            if (make_parents(p, mode, (0777 & ~um) | 0300))
                status = 1;
        } else if ((r = afs_resolve(p, false, kpath)) < 0) {
            status = afs_errno(r, "cannot create directory '%s'", p);
        } else if (make_dir(p, kpath, mode)) {
            status = 1;
        }
    }
    return status;
}

/* ---- rm ---------------------------------------------------------------------------- */

static int remove_tree(const char *kpath)
{
    struct afs_dir d;
    int status = 0, r;

    if ((r = afs_readdir(kpath, false, &d)) < 0)
        return afs_errno(r, "cannot remove '%s'", afs_ipath(kpath));
    for (size_t i = 0; i < d.n && !afs.interrupted; i++) {
        char sub[AFS_PATH_MAX];
        struct anyk_stat st;

        if ((r = afs_join(sub, kpath, d.ent[i].name)) < 0 || (r = afs.k->lstat(sub, &st)) < 0)
            status = afs_errno(r, "cannot remove '%s/%s'", afs_ipath(kpath), d.ent[i].name);
        else if (AFS_ISDIR(st.st_mode))
            status |= remove_tree(sub);
        else if ((r = afs.k->unlink(sub)) < 0)
            status = afs_errno(r, "cannot remove '%s'", afs_ipath(sub));
    }
    afs_dir_free(&d);
    if (status || afs.interrupted)
        return 1;
    if ((r = afs.k->rmdir(kpath)) < 0)
        return afs_errno(r, "cannot remove '%s'", afs_ipath(kpath));
    return 0;
}

int afs_rm(struct cmd *c)
{
    char kpath[AFS_PATH_MAX], name[AFS_PATH_MAX];
    bool force = opt(c, 'f'), recursive = opt(c, 'r');
    struct anyk_stat st;
    int status = 0, r;

    for (int i = 0; i < c->nargs && !afs.interrupted; i++) {
        const char *p = c->args[i];

        afs_basename(p, name);
        if (!strcmp(name, ".") || !strcmp(name, "..")) {
            status = afs_err("refusing to remove '.' or '..' directory: skipping '%s'", p);
            continue;
        }
        if ((r = afs_resolve(p, false, kpath)) == 0)
            r = afs.k->lstat(kpath, &st);
        if (r == -ENOENT && force)
            continue;
        if (r < 0) {
            status = afs_errno(r, "cannot remove '%s'", p);
        } else if (afs_is_root(kpath) && recursive) {
            status = afs_err("it is dangerous to operate recursively on '%s'", p);
        } else if (AFS_ISDIR(st.st_mode)) {
            if (!recursive)
                status = afs_errno(-EISDIR, "cannot remove '%s'", p);
            else if (remove_tree(kpath))
                status = 1;
        } else if ((r = afs.k->unlink(kpath)) < 0) {
            status = afs_errno(r, "cannot remove '%s'", p);
        }
    }
    return status;
}

/* ---- mv, ln ------------------------------------------------------------------------ */

/*
 * Where an operation on SRC with destination DST lands: DST/basename(SRC) if
 * DST is a directory (through links), else DST itself (not followed).
 */
static int destination(const char *src, const char *dst, char *kpath)
{
    char name[AFS_PATH_MAX];
    struct anyk_stat st;
    int r;

    if ((r = afs_resolve(dst, true, kpath)) < 0)
        return r;
    if (afs.k->stat(kpath, &st) == 0 && AFS_ISDIR(st.st_mode)) {
        afs_basename(src, name);
        return afs_join(kpath, kpath, name);
    }
    return afs_resolve(dst, false, kpath);
}

int afs_mv(struct cmd *c)
{
    const char *dst = c->args[c->nargs - 1];
    char ksrc[AFS_PATH_MAX], kdst[AFS_PATH_MAX];
    struct anyk_stat st;
    int status = 0, r;

    if (c->nargs > 2 && ((r = afs_resolve(dst, true, kdst)) < 0 ||
                         afs.k->stat(kdst, &st) < 0 || !AFS_ISDIR(st.st_mode)))
        return afs_err("target '%s' is not a directory", dst);
    for (int i = 0; i < c->nargs - 1 && !afs.interrupted; i++) {
        const char *src = c->args[i];

        if ((r = afs_resolve(src, false, ksrc)) < 0 || (r = afs.k->lstat(ksrc, &st)) < 0)
            status = afs_errno(r, "cannot stat '%s'", src);
        else if ((r = destination(src, dst, kdst)) < 0 || (r = afs.k->rename(ksrc, kdst)) < 0)
            status = afs_errno(r, "cannot move '%s' to '%s'", src, dst);
    }
    return status;
}

int afs_ln(struct cmd *c)
{
    const char *target = c->args[0], *path = c->args[1];
    char kpath[AFS_PATH_MAX], ktarget[AFS_PATH_MAX];
    struct anyk_stat st;
    int r;

    if ((r = destination(target, path, kpath)) < 0)
        return afs_errno(r, "failed to create link '%s'", path);
    if (opt(c, 'f') && afs.k->lstat(kpath, &st) == 0) {
        if (AFS_ISDIR(st.st_mode))
            return afs_errno(-EISDIR, "cannot overwrite directory '%s'", afs_ipath(kpath));
        if ((r = afs.k->unlink(kpath)) < 0)
            return afs_errno(r, "cannot remove '%s'", afs_ipath(kpath));
    }
    if (opt(c, 's')) {
        if ((r = afs.k->symlink(target, kpath)) < 0)
            return afs_errno(r, "failed to create symbolic link '%s'", afs_ipath(kpath));
        return 0;
    }
    /* A hard link to a link is to the link itself, as GNU ln does on Linux. */
    if ((r = afs_resolve(target, false, ktarget)) < 0 || (r = afs.k->lstat(ktarget, &st)) < 0)
        return afs_errno(r, "failed to access '%s'", target);
    if (AFS_ISDIR(st.st_mode))
        return afs_err("'%s': hard link not allowed for directory", target);
    if ((r = afs.k->link(ktarget, kpath)) < 0)
        return afs_errno(r, "failed to create hard link '%s' => '%s'", afs_ipath(kpath), target);
    return 0;
}

/* ---- chmod ------------------------------------------------------------------------- */

int afs_chmod(struct cmd *c)
{
    uint32_t mode = (uint32_t)afs_parse_mode(c->args[0]);
    char kpath[AFS_PATH_MAX];
    struct anyk_stat st;
    int status = 0, r;

    for (int i = 1; i < c->nargs; i++) {
        const char *p = c->args[i];

        if ((r = afs_resolve(p, true, kpath)) < 0 || (r = afs.k->stat(kpath, &st)) < 0)
            status = afs_errno(r, "cannot access '%s'", p);
        else if ((r = afs.k->chmod(kpath, mode)) < 0)
            status = afs_errno(r, "changing permissions of '%s'", p);
    }
    return status;
}
