/*
 * anyk-fs-show.c - the commands that only look: ls, cat, stat, tree, df.
 *
 * Their output follows the GNU tools' (ls -l, stat's default format, df's
 * 1K-block table, tree's drawing) so that what a user already reads, or a
 * script already parses, reads the same. Names are sorted bytewise. Owners
 * are shown by the host's names for the ids, as the GNU tools would show
 * them on a mounted image; ls -n shows the numbers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <langinfo.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "tools/anyk-fs.h"

/* ---- formatting helpers ------------------------------------------------------------ */

static char type_char(uint32_t mode)
{
    switch (AFS_TYPE(mode)) {
    case ANYK_S_IFDIR: return 'd';
    case ANYK_S_IFLNK: return 'l';
    case ANYK_S_IFCHR: return 'c';
    case ANYK_S_IFBLK: return 'b';
    case ANYK_S_IFIFO: return 'p';
    case ANYK_S_IFSOCK: return 's';
    default: return '-';
    }
}

/* "drwxr-xr-x" into out[11], with s/S/t/T for the set-id and sticky bits. */
static void mode_string(uint32_t mode, char *out)
{
    static const char rwx[] = "rwxrwxrwx";

    out[0] = type_char(mode);
    for (int i = 0; i < 9; i++)
        out[i + 1] = mode & (0400u >> i) ? rwx[i] : '-';
    if (mode & 04000)
        out[3] = out[3] == 'x' ? 's' : 'S';
    if (mode & 02000)
        out[6] = out[6] == 'x' ? 's' : 'S';
    if (mode & 01000)
        out[9] = out[9] == 'x' ? 't' : 'T';
    out[10] = '\0';
}

static const char *user_name(uint32_t uid)
{
    struct passwd *pw = getpwuid(uid);

    return pw ? pw->pw_name : NULL;
}

static const char *group_name(uint32_t gid)
{
    struct group *gr = getgrgid(gid);

    return gr ? gr->gr_name : NULL;
}

static long read_link(const char *kpath, char *buf, size_t n)
{
    long r = afs.k->readlink(kpath, buf, n - 1);

    buf[r < 0 ? 0 : r] = '\0';
    return r;
}

/* ---- ls ---------------------------------------------------------------------------- */

struct ls_ent {
    const char *name;          /* as shown */
    char kpath[AFS_PATH_MAX];
    struct anyk_stat st;
};

struct ls_opts {
    bool lng, all, dir_only, ino, numeric;
};

static int ent_by_name(const void *a, const void *b)
{
    return strcmp(((const struct ls_ent *)a)->name, ((const struct ls_ent *)b)->name);
}

static void ls_time(char *buf, size_t n, int64_t sec)
{
    time_t t = (time_t)sec, now = time(NULL);
    struct tm tm;
    /* GNU ls: a time within the last six months shows the hour, others the year. */
    bool recent = t > now - 31556952 / 2 && t <= now;

    localtime_r(&t, &tm);
    strftime(buf, n, recent ? "%b %e %H:%M" : "%b %e  %Y", &tm);
}

static int num_width(uint64_t v)
{
    int w = 1;

    while (v >= 10) {
        v /= 10;
        w++;
    }
    return w;
}

static void id_text(char *out, size_t n, uint32_t id, const char *name)
{
    if (name)
        snprintf(out, n, "%s", name);
    else
        snprintf(out, n, "%u", id);
}

static void ls_print(struct ls_ent *e, size_t n, const struct ls_opts *o, bool total)
{
    int w_ino = 0, w_nlink = 0, w_user = 0, w_group = 0, w_size = 0;
    uint64_t blocks = 0;
    char buf[64];

    for (size_t i = 0; i < n; i++) {
        const struct anyk_stat *st = &e[i].st;
        uint32_t t = AFS_TYPE(st->st_mode);
        int w;

        blocks += (uint64_t)st->st_blocks;
        if ((w = num_width(st->st_ino)) > w_ino)
            w_ino = w;
        if ((w = num_width(st->st_nlink)) > w_nlink)
            w_nlink = w;
        id_text(buf, sizeof(buf), st->st_uid, o->numeric ? NULL : user_name(st->st_uid));
        if ((w = (int)strlen(buf)) > w_user)
            w_user = w;
        id_text(buf, sizeof(buf), st->st_gid, o->numeric ? NULL : group_name(st->st_gid));
        if ((w = (int)strlen(buf)) > w_group)
            w_group = w;
        if (t == ANYK_S_IFCHR || t == ANYK_S_IFBLK)
            w = num_width(major(st->st_rdev)) + 2 + num_width(minor(st->st_rdev));
        else
            w = num_width((uint64_t)st->st_size);
        if (w > w_size)
            w_size = w;
    }
    if (o->lng && total)
        printf("total %llu\n", (unsigned long long)(blocks + 1) / 2);
    for (size_t i = 0; i < n; i++) {
        const struct anyk_stat *st = &e[i].st;
        uint32_t t = AFS_TYPE(st->st_mode);
        char mode[11], when[64], target[AFS_PATH_MAX];
        const char *name;

        if (o->ino)
            printf("%*llu ", w_ino, (unsigned long long)st->st_ino);
        if (!o->lng) {
            printf("%s\n", e[i].name);
            continue;
        }
        mode_string(st->st_mode, mode);
        printf("%s %*u ", mode, w_nlink, st->st_nlink);
        /* GNU ls: names are left-aligned, ids shown as numbers right-aligned. */
        if ((name = o->numeric ? NULL : user_name(st->st_uid)))
            printf("%-*s ", w_user, name);
        else
            printf("%*u ", w_user, st->st_uid);
        if ((name = o->numeric ? NULL : group_name(st->st_gid)))
            printf("%-*s ", w_group, name);
        else
            printf("%*u ", w_group, st->st_gid);
        if (t == ANYK_S_IFCHR || t == ANYK_S_IFBLK) {
            snprintf(buf, sizeof(buf), "%u, %u", major(st->st_rdev), minor(st->st_rdev));
            printf("%*s ", w_size, buf);
        } else {
            printf("%*lld ", w_size, (long long)st->st_size);
        }
        ls_time(when, sizeof(when), st->st_mtim.tv_sec);
        printf("%s %s", when, e[i].name);
        if (t == ANYK_S_IFLNK && read_link(e[i].kpath, target, sizeof(target)) >= 0)
            printf(" -> %s", target);
        putchar('\n');
    }
}

/* List one directory; returns 0 or 1. */
static int ls_dir(const char *ipath, const char *kpath, const struct ls_opts *o)
{
    struct afs_dir d;
    struct ls_ent *e;
    size_t n = 0;
    int r, status = 0;

    if ((r = afs_readdir(kpath, o->all, &d)) < 0)
        return afs_errno(r, "cannot open directory '%s'", ipath);
    if (!(e = calloc(d.n ? d.n : 1, sizeof(*e)))) {
        afs_dir_free(&d);
        return afs_errno(-ENOMEM, "ls");
    }
    for (size_t i = 0; i < d.n; i++) {
        if (!o->all && d.ent[i].name[0] == '.')
            continue;
        e[n].name = d.ent[i].name;
        /* The image's root is its own parent; the kernel's ".." there leads out of it. */
        if (afs_is_root(kpath) && !strcmp(d.ent[i].name, ".."))
            r = afs_join(e[n].kpath, kpath, ".");
        else
            r = afs_join(e[n].kpath, kpath, d.ent[i].name);
        if (r < 0 || ((o->lng || o->ino) && (r = afs.k->lstat(e[n].kpath, &e[n].st)) < 0)) {
            status = afs_errno(r, "cannot access '%s/%s'", ipath, d.ent[i].name);
            continue;
        }
        n++;
    }
    ls_print(e, n, o, true);
    free(e);
    afs_dir_free(&d);
    return status;
}

int afs_ls(struct cmd *c)
{
    static char *root[] = { "/" };
    struct ls_opts o = { .lng = opt(c, 'l') || opt(c, 'n'), .all = opt(c, 'a'),
                         .dir_only = opt(c, 'd'), .ino = opt(c, 'i'), .numeric = opt(c, 'n') };
    char **args = c->nargs ? c->args : root;
    int nargs = c->nargs ? c->nargs : 1, status = 0;
    size_t nfiles = 0, ndirs = 0;
    struct ls_ent *files = calloc((size_t)nargs, sizeof(*files));
    struct ls_ent *dirs = calloc((size_t)nargs, sizeof(*dirs));

    if (!files || !dirs) {
        free(files);
        free(dirs);
        return afs_errno(-ENOMEM, "ls");
    }
    /* As GNU ls, a link named on the command line is followed unless -l or -d. */
    for (int i = 0; i < nargs; i++) {
        struct ls_ent e = { .name = args[i] };
        int r;

        if ((r = afs_resolve(args[i], !o.lng && !o.dir_only, e.kpath)) < 0 ||
            (r = afs.k->lstat(e.kpath, &e.st)) < 0) {
            status = afs_errno(r, "cannot access '%s'", args[i]);
            continue;
        }
        if (AFS_ISDIR(e.st.st_mode) && !o.dir_only)
            dirs[ndirs++] = e;
        else
            files[nfiles++] = e;
    }
    qsort(files, nfiles, sizeof(*files), ent_by_name);
    qsort(dirs, ndirs, sizeof(*dirs), ent_by_name);
    ls_print(files, nfiles, &o, false);
    for (size_t i = 0; i < ndirs && !afs.interrupted; i++) {
        if (nfiles || i)
            putchar('\n');
        if (nargs > 1)
            printf("%s:\n", dirs[i].name);
        if (ls_dir(dirs[i].name, dirs[i].kpath, &o))
            status = 1;
    }
    free(files);
    free(dirs);
    return status;
}

/* ---- cat --------------------------------------------------------------------------- */

int afs_cat(struct cmd *c)
{
    static char buf[AFS_CHUNK];
    char kpath[AFS_PATH_MAX];
    int status = 0;

    fflush(stdout);
    for (int i = 0; i < c->nargs && !afs.interrupted; i++) {
        long n = 0;
        int fd, r;

        if ((r = afs_resolve(c->args[i], true, kpath)) < 0 ||
            (r = fd = afs.k->open(kpath, ANYK_O_RDONLY, 0)) < 0) {
            status = afs_errno(r, "%s", c->args[i]);
            continue;
        }
        while (!afs.interrupted && (n = afs.k->read(fd, buf, sizeof(buf))) > 0) {
            for (long done = 0; done < n;) {
                ssize_t w = write(STDOUT_FILENO, buf + done, (size_t)(n - done));
                if (w < 0 && errno == EINTR)
                    continue;
                if (w <= 0) {
                    afs.k->close(fd);
                    return afs_errno(w ? -errno : -EIO, "write error");
                }
                done += w;
            }
        }
        if (n < 0)
            status = afs_errno((int)n, "%s", c->args[i]);
        afs.k->close(fd);
    }
    return status;
}

/* ---- stat -------------------------------------------------------------------------- */

/* A name as GNU stat shows it: bare if it is plain, else in single quotes. */
static void put_quoted(const char *s)
{
    if (*s && s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "0123456789/._-+,:@%^")] == '\0') {
        fputs(s, stdout);
        return;
    }
    putchar('\'');
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*s);
    }
    putchar('\'');
}

static const char *type_name(const struct anyk_stat *st)
{
    switch (AFS_TYPE(st->st_mode)) {
    case ANYK_S_IFREG: return st->st_size ? "regular file" : "regular empty file";
    case ANYK_S_IFDIR: return "directory";
    case ANYK_S_IFLNK: return "symbolic link";
    case ANYK_S_IFCHR: return "character special file";
    case ANYK_S_IFBLK: return "block special file";
    case ANYK_S_IFIFO: return "fifo";
    case ANYK_S_IFSOCK: return "socket";
    default: return "weird file";
    }
}

static void stat_time(const char *label, const struct anyk_timespec *ts)
{
    time_t t = (time_t)ts->tv_sec;
    struct tm tm;
    char a[64], z[16];

    localtime_r(&t, &tm);
    strftime(a, sizeof(a), "%Y-%m-%d %H:%M:%S", &tm);
    strftime(z, sizeof(z), "%z", &tm);
    printf("%s: %s.%09ld %s\n", label, a, (long)ts->tv_nsec, z);
}

static void stat_show(const char *name, const char *kpath, const struct anyk_stat *st)
{
    uint32_t t = AFS_TYPE(st->st_mode);
    const char *u = user_name(st->st_uid), *g = group_name(st->st_gid);
    char mode[11], target[AFS_PATH_MAX];

    fputs("  File: ", stdout);
    put_quoted(name);
    if (t == ANYK_S_IFLNK && read_link(kpath, target, sizeof(target)) >= 0) {
        fputs(" -> ", stdout);
        put_quoted(target);
    }
    printf("\n  Size: %-10lld\tBlocks: %-10lld IO Block: %-6lld %s\n", (long long)st->st_size,
           (long long)st->st_blocks, (long long)st->st_blksize, type_name(st));
    printf("Device: %u,%u\tInode: %-11llu Links: ", major(st->st_dev), minor(st->st_dev),
           (unsigned long long)st->st_ino);
    if (t == ANYK_S_IFCHR || t == ANYK_S_IFBLK)
        printf("%-5u Device type: %u,%u\n", st->st_nlink, major(st->st_rdev),
               minor(st->st_rdev));
    else
        printf("%u\n", st->st_nlink);
    mode_string(st->st_mode, mode);
    printf("Access: (%04o/%s)  Uid: (%5u/%8s)   Gid: (%5u/%8s)\n", st->st_mode & 07777, mode,
           st->st_uid, u ? u : "UNKNOWN", st->st_gid, g ? g : "UNKNOWN");
    stat_time("Access", &st->st_atim);
    stat_time("Modify", &st->st_mtim);
    stat_time("Change", &st->st_ctim);
    printf(" Birth: -\n");
}

int afs_stat(struct cmd *c)
{
    char kpath[AFS_PATH_MAX];
    struct anyk_stat st;
    int status = 0, r;

    for (int i = 0; i < c->nargs; i++) {
        if ((r = afs_resolve(c->args[i], opt(c, 'l'), kpath)) < 0 ||
            (r = afs.k->lstat(kpath, &st)) < 0) {
            status = afs_errno(r, "cannot stat '%s'", c->args[i]);
            continue;
        }
        stat_show(c->args[i], kpath, &st);
    }
    return status;
}

/* ---- tree -------------------------------------------------------------------------- */

struct tree {
    bool all, utf8;
    unsigned long dirs, files;
    int status;
    char prefix[AFS_PATH_MAX];
};

static void tree_walk(struct tree *t, const char *kpath)
{
    size_t plen = strlen(t->prefix), shown = 0, last = 0;
    struct afs_dir d;
    int r;

    if ((r = afs_readdir(kpath, false, &d)) < 0) {
        t->status = afs_errno(r, "cannot open directory '%s'", afs_ipath(kpath));
        return;
    }
    for (size_t i = 0; i < d.n; i++)
        if (t->all || d.ent[i].name[0] != '.')
            last = i, shown++;
    for (size_t i = 0; shown && i < d.n && !afs.interrupted; i++) {
        char sub[AFS_PATH_MAX], target[AFS_PATH_MAX];
        struct anyk_stat st;
        bool end = i == last;

        if (!t->all && d.ent[i].name[0] == '.')
            continue;
        printf("%s%s%s", t->prefix,
               end ? (t->utf8 ? "\u2514\u2500\u2500 " : "`-- ")
                   : (t->utf8 ? "\u251c\u2500\u2500 " : "|-- "),
               d.ent[i].name);
        if ((r = afs_join(sub, kpath, d.ent[i].name)) < 0 || (r = afs.k->lstat(sub, &st)) < 0) {
            printf("  [error: %s]\n", strerror(-r));
            t->status = 1;
            continue;
        }
        if (AFS_ISLNK(st.st_mode) && read_link(sub, target, sizeof(target)) >= 0)
            printf(" -> %s", target);
        putchar('\n');
        if (!AFS_ISDIR(st.st_mode)) {
            t->files++;
            continue;
        }
        t->dirs++;
        if (plen + 8 < sizeof(t->prefix)) {
            strcpy(t->prefix + plen, end ? "    " : (t->utf8 ? "\u2502   " : "|   "));
            tree_walk(t, sub);
            t->prefix[plen] = '\0';
        }
    }
    afs_dir_free(&d);
}

int afs_tree(struct cmd *c)
{
    const char *top = c->nargs ? c->args[0] : "/";
    const char *cs = nl_langinfo(CODESET);
    struct tree t = { .all = opt(c, 'a'), .utf8 = cs && !strcmp(cs, "UTF-8") };
    char kpath[AFS_PATH_MAX];
    struct anyk_stat st;
    int r;

    if ((r = afs_resolve(top, true, kpath)) < 0 || (r = afs.k->stat(kpath, &st)) < 0)
        return afs_errno(r, "cannot stat '%s'", top);
    printf("%s\n", top);
    if (AFS_ISDIR(st.st_mode))
        tree_walk(&t, kpath);
    else
        t.files++;
    printf("\n%lu director%s, %lu file%s\n", t.dirs, t.dirs == 1 ? "y" : "ies", t.files,
           t.files == 1 ? "" : "s");
    return t.status;
}

/* ---- df ---------------------------------------------------------------------------- */

/* Bytes in 1K blocks, rounded up as GNU df does. */
static unsigned long long kib(uint64_t blocks, int64_t bsize)
{
    return (unsigned long long)((blocks * (uint64_t)bsize + 1023) / 1024);
}

int afs_df(struct cmd *c)
{
    struct anyk_statfs sf;
    unsigned long long size, used, avail;
    char sz[32], us[32], av[32], pc[8];
    int r, ws, wu, wa, wsrc;

    (void)c;
    if ((r = afs.k->statfs(AFS_MNT, &sf)) < 0)
        return afs_errno(r, "cannot read file system statistics for '%s'", afs.image);
    size = kib(sf.f_blocks, sf.f_bsize);
    used = kib(sf.f_blocks - sf.f_bfree, sf.f_bsize);
    avail = kib(sf.f_bavail, sf.f_bsize);
    snprintf(sz, sizeof(sz), "%llu", size);
    snprintf(us, sizeof(us), "%llu", used);
    snprintf(av, sizeof(av), "%llu", avail);
    if (used + avail)
        snprintf(pc, sizeof(pc), "%llu%%", (used * 100 + used + avail - 1) / (used + avail));
    else
        snprintf(pc, sizeof(pc), "-");
    /* GNU df's columns: at least 14, 5, 5, 5 and 4 wide, or as wide as the header or values. */
    wsrc = (int)strlen(afs.image) > 14 ? (int)strlen(afs.image) : 14;
    ws = (int)strlen(sz) > 9 ? (int)strlen(sz) : 9;
    wu = (int)strlen(us) > 5 ? (int)strlen(us) : 5;
    wa = (int)strlen(av) > 9 ? (int)strlen(av) : 9;
    printf("%-*s %*s %*s %*s %4s %s\n", wsrc, "Filesystem", ws, "1K-blocks", wu, "Used", wa,
           "Available", "Use%", "Mounted on");
    printf("%-*s %*s %*s %*s %4s %s\n", wsrc, afs.image, ws, sz, wu, us, wa, av, pc, "/");
    return 0;
}
