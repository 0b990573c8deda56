/* flat.c - one-directory file systems over a table (see flat.h). */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "fs/flat.h"
#include "lib/string.h"

static struct flat *flat_of(struct vnode *vn)
{
    return vn->mnt->data;
}

struct flat_entry *flat_entry_of(struct vnode *vn)
{
    return vn->data;
}

int flat_add(struct flat *fl, const char *name, uint32_t mode, const void *ops, void *priv)
{
    if (fl->n == FLAT_MAX || strlen(name) >= sizeof(fl->e[0].name))
        return -ENOSPC;
    for (unsigned i = 0; i < fl->n; i++)
        if (!strcmp(fl->e[i].name, name))
            return -EEXIST;
    strlcpy(fl->e[fl->n].name, name, sizeof(fl->e[0].name));
    fl->e[fl->n].mode = mode;
    fl->e[fl->n].ops = ops;
    fl->e[fl->n].priv = priv;
    fl->n++;
    return 0;
}

static int flat_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    struct flat *fl = flat_of(dir);

    if (len == 2 && name[0] == '.' && name[1] == '.') {
        vnode_get(dir); /* the VFS crosses to the covered directory before asking */
        *out = dir;
        return 0;
    }
    for (unsigned i = 0; i < fl->n; i++) {
        if (strlen(fl->e[i].name) == len && !memcmp(fl->e[i].name, name, len)) {
            *out = vnode_alloc(dir->mnt, fl->file_vops, fl->e[i].mode, i + 2, &fl->e[i]);
            return *out ? 0 : -ENOMEM;
        }
    }
    return -ENOENT;
}

static int flat_readdir(struct vnode *dir, int64_t *off, vfs_filldir_fn fill, void *ctx)
{
    struct flat *fl = flat_of(dir);

    for (; *off < (int64_t)fl->n + 2; (*off)++) {
        int64_t i = *off;
        const char *name = i == 0 ? "." : i == 1 ? ".." : fl->e[i - 2].name;
        unsigned type = i < 2 ? ANYK_DT_DIR
                        : (fl->e[i - 2].mode & ANYK_S_IFMT) == ANYK_S_IFBLK ? ANYK_DT_BLK
                        : (fl->e[i - 2].mode & ANYK_S_IFMT) == ANYK_S_IFCHR ? ANYK_DT_CHR
                                                                             : ANYK_DT_REG;
        if (fill(ctx, name, strlen(name), i < 2 ? 1 : (uint64_t)i, type, i + 1))
            return 0;
    }
    return 0;
}

int flat_getattr(struct vnode *vn, struct anyk_stat *st)
{
    struct flat *fl = flat_of(vn);

    st->st_mode = vn->mode;
    st->st_nlink = (vn->mode & ANYK_S_IFMT) == ANYK_S_IFDIR ? 2 : 1;
    st->st_blksize = 4096;
    st->st_atim = st->st_mtim = st->st_ctim = fl->born;
    return 0;
}

static const struct vnode_ops flat_dir_ops = {
    .lookup = flat_lookup,
    .readdir = flat_readdir,
    .getattr = flat_getattr,
};

int flat_mount(struct flat *fl, struct mount *m)
{
    uint64_t ns = hyp_clock_wall_ns();

    fl->born.tv_sec = (int64_t)(ns / 1000000000ull);
    fl->born.tv_nsec = (int64_t)(ns % 1000000000ull);
    m->data = fl;
    m->root = vnode_alloc(m, &flat_dir_ops, ANYK_S_IFDIR | 0755, 1, NULL);
    return m->root ? 0 : -ENOMEM;
}
