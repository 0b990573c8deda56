/*
 * cpio.c - unpack "newc" cpio archives (the initramfs format) into the tree.
 *
 * Each entry is a 110-byte header of ASCII hex fields, the NUL-terminated
 * name, padding to 4 bytes, the data, padding to 4 bytes; "TRAILER!!!" ends
 * an archive. Several archives may follow each other (zero padding between
 * them), as Linux accepts. Every field is checked before use; a malformed
 * archive stops the unpacking with -EINVAL and a log line.
 *
 * As Linux's initramfs unpacker: hard links (entries with nlink >= 2 and the
 * same inode and device; GNU cpio puts the data with the last of them) become
 * links of one file; an existing entry of another type is removed before a
 * new one is made (so a symlink in the archive never redirects a later
 * file's data); directories get their mtimes at the end, after their
 * contents were created.
 */
#include <anyk/errno.h>
#include "fs/vfs.h"
#include "kern/kmalloc.h"
#include "kern/printk.h"
#include "lib/string.h"

#define HDR_LEN 110

struct cpio_hdr {
    uint32_t ino, mode, nlink, mtime, filesize, devmajor, devminor, namesize;
};

/* What the unpacking remembers: files with several links, and directory times to set last. */
struct seen {
    struct seen *next;
    uint32_t ino, devmajor, devminor, mode, mtime;
    char path[];
};

struct unpack {
    struct seen *links, *dirs;
};

static int remember(struct seen **list, const struct cpio_hdr *h, const char *path)
{
    size_t n = strlen(path) + 1;
    struct seen *s = kmalloc(sizeof(*s) + n);

    if (!s)
        return -ENOMEM;
    s->ino = h->ino;
    s->devmajor = h->devmajor;
    s->devminor = h->devminor;
    s->mode = h->mode;
    s->mtime = h->mtime;
    memcpy(s->path, path, n);
    s->next = *list;
    *list = s;
    return 0;
}

static const char *find_link(const struct unpack *u, const struct cpio_hdr *h)
{
    for (struct seen *s = u->links; s; s = s->next)
        if (s->ino == h->ino && s->devmajor == h->devmajor && s->devminor == h->devminor &&
            s->mode == h->mode)
            return s->path;
    return NULL;
}

/* Set the remembered directory times and forget everything. */
static void finish(const struct vfs_ctx *c, struct unpack *u)
{
    struct seen *s;

    while ((s = u->dirs)) {
        struct anyk_timespec t[2] = { { s->mtime, 0 }, { s->mtime, 0 } };
        vfs_utimens(c, s->path, t);
        u->dirs = s->next;
        kfree(s);
    }
    while ((s = u->links)) {
        u->links = s->next;
        kfree(s);
    }
}

/* Remove what is at path if it is not of the given type (Linux's clean_path). */
static void clean_path(const struct vfs_ctx *c, const char *path, uint32_t type)
{
    struct anyk_stat st;

    if (vfs_stat(c, path, &st, false) < 0 || (st.st_mode & ANYK_S_IFMT) == type)
        return;
    if ((st.st_mode & ANYK_S_IFMT) == ANYK_S_IFDIR)
        vfs_rmdir(c, path);
    else
        vfs_unlink(c, path);
}

static int hex8(const char *p, uint32_t *out)
{
    uint32_t v = 0;

    for (int i = 0; i < 8; i++) {
        char c = p[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return -EINVAL;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static int bad(size_t at, const char *why)
{
    kerr("cpio: malformed archive at byte %zu: %s", at, why);
    return -EINVAL;
}

/* Refuse names that would land outside the root ("..", absolute after stripping). */
static bool name_ok(const char *name)
{
    for (const char *p = name; *p;) {
        const char *s = p;
        while (*p && *p != '/')
            p++;
        if (p - s == 2 && s[0] == '.' && s[1] == '.')
            return false;
        while (*p == '/')
            p++;
    }
    return true;
}

/* mkdir -p of the directories above path (the archive may omit them). */
static void make_parents(const struct vfs_ctx *c, char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        vfs_mkdir(c, path, 0755);
        *p = '/';
    }
}

static int extract(const struct vfs_ctx *c, struct unpack *u, const struct cpio_hdr *h,
                   const char *name, const char *data)
{
    char *path = kmalloc(VFS_PATH_MAX);
    uint32_t type = h->mode & ANYK_S_IFMT;
    struct anyk_timespec t[2] = { { h->mtime, 0 }, { h->mtime, 0 } };
    struct file *f;
    int r = 0;

    if (!path)
        return -ENOMEM;
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (*name == '/')
        name++;
    if (!*name || !strcmp(name, ".")) {
        kfree(path);
        return 0; /* the root itself */
    }
    if (strlen(name) + 1 >= VFS_PATH_MAX) {
        kfree(path);
        return -ENAMETOOLONG; /* "/" + name would not fit: never cut it short */
    }
    path[0] = '/';
    strlcpy(path + 1, name, VFS_PATH_MAX - 1);
    make_parents(c, path);
    if (type == ANYK_S_IFDIR || type == ANYK_S_IFLNK || type == ANYK_S_IFREG)
        clean_path(c, path, type);
    if (type == ANYK_S_IFDIR) {
        r = vfs_mkdir(c, path, h->mode & 07777);
        if (r == -EEXIST)
            r = vfs_chmod(c, path, h->mode & 07777);
        if (r == 0)
            r = remember(&u->dirs, h, path);
    } else if (type == ANYK_S_IFLNK) {
        char *target = kmalloc(h->filesize + 1);
        if (!target) {
            r = -ENOMEM;
        } else {
            memcpy(target, data, h->filesize);
            target[h->filesize] = '\0';
            vfs_unlink(c, path);
            r = vfs_symlink(c, target, path);
            kfree(target);
        }
    } else if (type == ANYK_S_IFREG) {
        /* A later name of a file with several links: link it, then add the data if here. */
        const char *first = h->nlink >= 2 ? find_link(u, h) : NULL;
        int flags = ANYK_O_WRONLY | ANYK_O_CREAT | ANYK_O_TRUNC;
        if (first) {
            vfs_unlink(c, path);
            r = vfs_link(c, first, path);
            flags &= ~ANYK_O_TRUNC;
        } else if (h->nlink >= 2) {
            r = remember(&u->links, h, path);
        }
        if (r == 0)
            r = vfs_open(c, path, flags, h->mode & 07777, &f);
        if (r == 0) {
            long n = h->filesize ? file_write(f, data, h->filesize) : 0;
            file_put(f);
            if (n >= 0 && (uint32_t)n != h->filesize)
                r = -ENOSPC;
            else if (n < 0)
                r = (int)n;
            if (r == 0)
                r = vfs_chmod(c, path, h->mode & 07777);
        }
    } else {
        kwarn("cpio: %s: skipped (device or special file)", name);
    }
    /* Symlinks keep their creation time: vfs_utimens would follow them. */
    if (r == 0 && type != ANYK_S_IFLNK && type != ANYK_S_IFDIR)
        vfs_utimens(c, path, t);
    if (r < 0)
        kerr("cpio: cannot create %s: error %d", path, -r);
    kfree(path);
    return r;
}

static int unpack(const struct vfs_ctx *c, struct unpack *u, const char *a, size_t len)
{
    size_t off = 0;
    int r;

    while (off < len) {
        struct cpio_hdr h;
        uint32_t f[13];

        /* Padding between concatenated archives. */
        if (a[off] == '\0') {
            off++;
            continue;
        }
        if (len - off < HDR_LEN)
            return bad(off, "truncated header");
        if (memcmp(a + off, "070701", 6) && memcmp(a + off, "070702", 6))
            return bad(off, "not a newc header (magic is not 070701)");
        for (int i = 0; i < 13; i++)
            if (hex8(a + off + 6 + 8 * i, &f[i]) < 0)
                return bad(off, "a header field is not hexadecimal");
        h.ino = f[0];
        h.mode = f[1];
        h.nlink = f[4];
        h.mtime = f[5];
        h.filesize = f[6];
        h.devmajor = f[7];
        h.devminor = f[8];
        h.namesize = f[11];
        size_t name_at = off + HDR_LEN;
        if (h.namesize == 0 || h.namesize > VFS_PATH_MAX || h.namesize > len - name_at)
            return bad(off, "name size out of range");
        const char *name = a + name_at;
        if (name[h.namesize - 1] != '\0' || strnlen(name, h.namesize) != h.namesize - 1)
            return bad(off, "name is not NUL-terminated where its size says");
        size_t data_at = (name_at + h.namesize + 3) & ~(size_t)3;
        if (data_at > len || h.filesize > len - data_at)
            return bad(off, "file data runs past the end of the archive");
        off = (data_at + h.filesize + 3) & ~(size_t)3;
        if (!strcmp(name, "TRAILER!!!"))
            continue;
        if (!name_ok(name))
            return bad(name_at, "a name with '..' would escape the root");
        if ((r = extract(c, u, &h, name, a + data_at)) < 0)
            return r;
    }
    return 0;
}

int cpio_unpack(const struct vfs_ctx *c, const void *archive, size_t len)
{
    struct unpack u = { NULL, NULL };
    int r = unpack(c, &u, archive, len);

    finish(c, &u);
    return r;
}
