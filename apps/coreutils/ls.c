/*
 * ls - list directory contents.
 * Options: -l long format (mode, links, owner, group, size, date, name, " -> target"),
 * -n as -l with numeric owner and group, -a all entries, -A all but "." and "..",
 * -d list directories themselves, -1 one name per line, -R recurse, -r reverse, -F mark
 * types (/ * @ |), -i inode numbers. Names are sorted bytewise (the C locale).
 * On a terminal names are laid out in columns (80 wide); otherwise one per line.
 * Dates: "Nov 21 22:33" for the last six months, "Nov 21  2020" otherwise, in UTC.
 * Owners: anyk has no user database, so ids are shown as numbers ("root" for 0 with -l).
 */
#include <dirent.h>
#include <getopt.h>
#include <time.h>

#include "common.h"

struct entry {
    char *name;     /* as shown */
    char *path;     /* for stat and readlink */
    struct stat st;
    int ok;         /* st is valid */
};

static int opt_long, opt_numeric, opt_all, opt_almost, opt_dir, opt_one, opt_recursive;
static int opt_reverse, opt_classify, opt_inode, columns;
static int status;
static time_t now;

static int cmp_entry(const void *a, const void *b)
{
    int r = strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);

    return opt_reverse ? -r : r;
}

static void owner_name(unsigned id, char *out, size_t n)
{
    if (!opt_numeric && id == 0)
        snprintf(out, n, "root");
    else
        snprintf(out, n, "%u", id);
}

static int num_width(unsigned long long v)
{
    int w = 1;

    while (v >= 10) {
        v /= 10;
        w++;
    }
    return w;
}

static char type_mark(mode_t m)
{
    if (S_ISDIR(m))
        return '/';
    if (S_ISLNK(m))
        return '@';
    if (S_ISFIFO(m))
        return '|';
    if (S_ISSOCK(m))
        return '=';
    if (S_ISREG(m) && (m & 0111))
        return '*';
    return 0;
}

static void print_long(struct entry *e, size_t n)
{
    int wlink = 1, wuser = 1, wgroup = 1, wsize = 1, wmaj = 0, wmin = 0, winode = 1;
    char user[32], group[32], mode[11], date[32];
    size_t i;

    for (i = 0; i < n; i++) {
        struct stat *st = &e[i].st;
        int w;
        owner_name(st->st_uid, user, sizeof(user));
        owner_name(st->st_gid, group, sizeof(group));
        if (num_width(st->st_nlink) > wlink)
            wlink = num_width(st->st_nlink);
        if ((int)strlen(user) > wuser)
            wuser = (int)strlen(user);
        if ((int)strlen(group) > wgroup)
            wgroup = (int)strlen(group);
        if (num_width(st->st_ino) > winode)
            winode = num_width(st->st_ino);
        if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
            if (num_width(dev_major(st->st_rdev)) > wmaj)
                wmaj = num_width(dev_major(st->st_rdev));
            if (num_width(dev_minor(st->st_rdev)) > wmin)
                wmin = num_width(dev_minor(st->st_rdev));
        } else if ((w = num_width((unsigned long long)st->st_size)) > wsize) {
            wsize = w;
        }
    }
    /* device numbers "maj, min" share the size column */
    if (wmaj && wmaj + wmin + 2 > wsize)
        wsize = wmaj + wmin + 2;
    for (i = 0; i < n; i++) {
        struct stat *st = &e[i].st;
        struct tm tm;
        time_t t = st->st_mtim.tv_sec;
        char mark;

        mode_string(st->st_mode, mode);
        owner_name(st->st_uid, user, sizeof(user));
        owner_name(st->st_gid, group, sizeof(group));
        gmtime_r(&t, &tm);
        /* "recent": within the last half of an average Gregorian year, and not in the future */
        if (t > now - 31556952 / 2 && t <= now)
            strftime(date, sizeof(date), "%b %e %H:%M", &tm);
        else
            strftime(date, sizeof(date), "%b %e  %Y", &tm);
        if (opt_inode)
            printf("%*llu ", winode, (unsigned long long)st->st_ino);
        printf("%s %*lu %-*s %-*s ", mode, wlink, (unsigned long)st->st_nlink, wuser, user,
               wgroup, group);
        if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
            printf("%*u, %*u", wsize - wmin - 2, dev_major(st->st_rdev), wmin,
                   dev_minor(st->st_rdev));
        else
            printf("%*lld", wsize, (long long)st->st_size);
        printf(" %s %s", date, e[i].name);
        if (S_ISLNK(st->st_mode)) {
            char target[4096];
            ssize_t len = readlink(e[i].path, target, sizeof(target) - 1);
            if (len >= 0) {
                target[len] = '\0';
                printf(" -> %s", target);
            }
        } else if (opt_classify && (mark = type_mark(st->st_mode))) {
            putchar(mark);
        }
        putchar('\n');
    }
}

/* Names down the columns, as GNU ls does on a terminal. */
static void print_columns(struct entry *e, size_t n)
{
    size_t cols, rows, r, c, i, maxw = 1;
    size_t *w;

    for (i = 0; i < n; i++)
        if (strlen(e[i].name) + (opt_classify ? 1 : 0) > maxw)
            maxw = strlen(e[i].name) + (opt_classify ? 1 : 0);
    /* the most columns that fit; widths per column, 2 spaces between */
    for (cols = n; cols > 1; cols--) {
        size_t total = 0;
        rows = (n + cols - 1) / cols;
        if ((rows - 1) * cols >= n + cols - 1 && cols > 1)
            continue;
        for (c = 0; c < cols; c++) {
            size_t cw = 0;
            for (r = 0; r < rows && c * rows + r < n; r++) {
                size_t l = strlen(e[c * rows + r].name) + (opt_classify ? 1 : 0);
                if (l > cw)
                    cw = l;
            }
            total += cw + (c + 1 < cols ? 2 : 0);
        }
        if (total <= (size_t)columns)
            break;
    }
    if (cols == 0)
        cols = 1;
    rows = (n + cols - 1) / cols;
    w = xmalloc(cols * sizeof(size_t));
    for (c = 0; c < cols; c++) {
        w[c] = 0;
        for (r = 0; r < rows && c * rows + r < n; r++) {
            size_t l = strlen(e[c * rows + r].name) + (opt_classify ? 1 : 0);
            if (l > w[c])
                w[c] = l;
        }
    }
    for (r = 0; r < rows; r++) {
        for (c = 0; c < cols && c * rows + r < n; c++) {
            struct entry *x = &e[c * rows + r];
            char mark = opt_classify && x->ok ? type_mark(x->st.st_mode) : 0;
            size_t l = strlen(x->name) + (mark ? 1 : 0);
            printf("%s", x->name);
            if (mark)
                putchar(mark);
            if (c + 1 < cols && (c + 1) * rows + r < n)
                printf("%*s", (int)(w[c] - l + 2), "");
        }
        putchar('\n');
    }
    free(w);
    (void)maxw;
}

static void print_entries(struct entry *e, size_t n)
{
    size_t i;

    if (opt_long) {
        print_long(e, n);
    } else if (columns > 0 && !opt_one) {
        print_columns(e, n);
    } else {
        for (i = 0; i < n; i++) {
            char mark = opt_classify && e[i].ok ? type_mark(e[i].st.st_mode) : 0;
            if (opt_inode)
                printf("%llu ", (unsigned long long)e[i].st.st_ino);
            if (mark)
                printf("%s%c\n", e[i].name, mark);
            else
                printf("%s\n", e[i].name);
        }
    }
}

static void list_dir(const char *path, int header, int *first)
{
    DIR *d = opendir(path);
    struct dirent *de;
    struct entry *e = NULL;
    size_t n = 0, i;
    unsigned long long blocks = 0;

    if (!d) {
        warnmsg("cannot open directory '%s': %s", path, strerror(errno));
        status = 2;
        return;
    }
    while ((de = readdir(d)) != NULL) {
        const char *nm = de->d_name;
        if (nm[0] == '.' && !opt_all &&
            (!opt_almost || nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0')))
            continue;
        e = xrealloc(e, (n + 1) * sizeof(*e));
        e[n].name = strdup(nm);
        e[n].path = path_join(path, nm);
        e[n].ok = 0;
        n++;
    }
    closedir(d);
    for (i = 0; i < n; i++) {
        /* plain listings need no stat, unless -F, -i, -R or -l */
        if (opt_long || opt_classify || opt_inode || opt_recursive) {
            if (lstat(e[i].path, &e[i].st) < 0) {
                warnmsg("cannot access '%s': %s", e[i].path, strerror(errno));
                status = 1;
                continue;
            }
            e[i].ok = 1;
            blocks += ((unsigned long long)e[i].st.st_blocks + 1) / 2;
        }
    }
    qsort(e, n, sizeof(*e), cmp_entry);
    if (!*first)
        putchar('\n');
    *first = 0;
    if (header)
        printf("%s:\n", path);
    if (opt_long)
        printf("total %llu\n", blocks);
    print_entries(e, n);
    if (opt_recursive) {
        for (i = 0; i < n; i++) {
            if (e[i].ok && S_ISDIR(e[i].st.st_mode) && strcmp(e[i].name, ".") != 0 &&
                strcmp(e[i].name, "..") != 0)
                list_dir(e[i].path, 1, first);
        }
    }
    for (i = 0; i < n; i++) {
        free(e[i].name);
        free(e[i].path);
    }
    free(e);
}

int main(int argc, char **argv)
{
    int c, first = 1, nops;
    struct entry *files = NULL, *dirs = NULL;
    size_t nf = 0, nd = 0, i;

    progname = "ls";
    opterr = 0;
    now = time(NULL);
    while ((c = getopt(argc, argv, "lnaAd1RrFi")) != -1) {
        switch (c) {
        case 'l': opt_long = 1; break;
        case 'n': opt_long = opt_numeric = 1; break;
        case 'a': opt_all = 1; break;
        case 'A': opt_almost = 1; break;
        case 'd': opt_dir = 1; break;
        case '1': opt_one = 1; break;
        case 'R': opt_recursive = 1; break;
        case 'r': opt_reverse = 1; break;
        case 'F': opt_classify = 1; break;
        case 'i': opt_inode = 1; break;
        default: bad_option(c, 2);
        }
    }
    if (isatty(1))
        columns = 80;
    nops = argc - optind;
    if (nops == 0) {
        argv[argc - 1 + 0] = argv[argc - 1];
        optind = argc;
    }
    for (i = (size_t)optind; i < (size_t)argc || (nops == 0 && i == (size_t)argc); i++) {
        const char *p = nops == 0 ? "." : argv[i];
        struct stat st;
        /* operands are followed when they are links to directories, unless -l or -d */
        int r = (opt_long || opt_dir) ? lstat(p, &st) : stat(p, &st);
        if (r < 0 && lstat(p, &st) < 0) {
            warnmsg("cannot access '%s': %s", p, strerror(errno));
            status = 2;
            if (nops == 0)
                break;
            continue;
        }
        if (S_ISDIR(st.st_mode) && !opt_dir) {
            dirs = xrealloc(dirs, (nd + 1) * sizeof(*dirs));
            dirs[nd].name = strdup(p);
            dirs[nd].path = strdup(p);
            dirs[nd].st = st;
            dirs[nd].ok = 1;
            nd++;
        } else {
            files = xrealloc(files, (nf + 1) * sizeof(*files));
            files[nf].name = strdup(p);
            files[nf].path = strdup(p);
            files[nf].st = st;
            files[nf].ok = 1;
            nf++;
        }
        if (nops == 0)
            break;
    }
    qsort(files, nf, sizeof(*files), cmp_entry);
    qsort(dirs, nd, sizeof(*dirs), cmp_entry);
    if (nf > 0) {
        print_entries(files, nf);
        first = 0;
    }
    for (i = 0; i < nd; i++)
        list_dir(dirs[i].path, nops > 1 || opt_recursive || nf > 0, &first);
    if (finish_stdout())
        return 2;
    return status;
}
