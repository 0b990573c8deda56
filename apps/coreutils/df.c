/*
 * df - report file system space usage, one line per mount in /proc/mounts.
 * Options: -h sizes in powers of 1024 (K, M, G), -k 1K blocks (the default), -T show the
 * type, -a also pseudo file systems and repeated mounts. With FILE operands, only the
 * file systems holding them (the longest mount point
 * that prefixes the file's absolute path). Use% is used / (used + available), rounded up,
 * as GNU df computes it.
 */
#include <getopt.h>
#include <sys/statfs.h>

#include "common.h"

struct row {
    char *cols[7];
};

static struct row *rows;
static size_t nrows;
static int human, show_type, show_all;
static unsigned long long *seen_dev;
static size_t nseen;

static void add_row(char **cols, int n)
{
    int i;

    rows = xrealloc(rows, (nrows + 1) * sizeof(*rows));
    for (i = 0; i < 7; i++)
        rows[nrows].cols[i] = i < n ? strdup(cols[i]) : NULL;
    nrows++;
}

static void size_text(unsigned long long bytes, char *out, size_t n)
{
    if (human)
        human_size(bytes, out, n);
    else
        snprintf(out, n, "%llu", (bytes + 1023) / 1024);
}

static void add_mount(const char *src, const char *target, const char *type)
{
    struct statfs sf;
    unsigned long long bs, total, used, avail;
    char c[7][64];
    char *cols[7];
    int i = 0, k;

    struct stat st;
    size_t j;

    if (statfs(target, &sf) < 0)
        return;
    /* as GNU: pseudo file systems (no blocks) and repeated mounts of one device are hidden */
    if (!show_all) {
        if (sf.f_blocks == 0)
            return;
        if (stat(target, &st) == 0) {
            for (j = 0; j < nseen; j++)
                if (seen_dev[j] == (unsigned long long)st.st_dev)
                    return;
            seen_dev = xrealloc(seen_dev, (nseen + 1) * sizeof(*seen_dev));
            seen_dev[nseen++] = (unsigned long long)st.st_dev;
        }
    }
    bs = (unsigned long long)sf.f_bsize;
    total = sf.f_blocks * bs;
    used = (sf.f_blocks - sf.f_bfree) * bs;
    avail = sf.f_bavail * bs;
    snprintf(c[i++], 64, "%s", src);
    if (show_type)
        snprintf(c[i++], 64, "%s", type);
    size_text(total, c[i++], 64);
    size_text(used, c[i++], 64);
    size_text(avail, c[i++], 64);
    if (used + avail == 0)
        snprintf(c[i++], 64, "-");
    else
        snprintf(c[i++], 64, "%llu%%", (used * 100 + used + avail - 1) / (used + avail));
    snprintf(c[i++], 64, "%s", target);
    for (k = 0; k < i; k++)
        cols[k] = c[k];
    add_row(cols, i);
}

int main(int argc, char **argv)
{
    FILE *f;
    char *line = NULL, **want = NULL;
    size_t cap = 0, i, nwant = 0;
    int c, ncols, w[7] = {0}, k;
    char *hdr[7];
    char **mnt_src = NULL, **mnt_dir = NULL, **mnt_type = NULL;
    size_t nm = 0;

    progname = "df";
    opterr = 0;
    while ((c = getopt(argc, argv, "hkTaP")) != -1) {
        switch (c) {
        case 'h': human = 1; break;
        case 'T': show_type = 1; break;
        case 'a': show_all = 1; break;
        case 'k':
        case 'P': break;
        default: bad_option(c, 1);
        }
    }
    if (!(f = fopen("/proc/mounts", "r"))) {
        warnmsg("/proc/mounts: %s", strerror(errno));
        return 1;
    }
    while (getline(&line, &cap, f) >= 0) {
        /* "SOURCE TARGET TYPE OPTIONS ..." separated by blanks */
        char *field[3], *p = line;
        int nf;
        for (nf = 0; nf < 3; nf++) {
            while (*p == ' ' || *p == '\t')
                p++;
            if (!*p || *p == '\n')
                break;
            field[nf] = p;
            p += strcspn(p, " \t\n");
            if (*p)
                *p++ = '\0';
        }
        if (nf < 3)
            continue;
        mnt_src = xrealloc(mnt_src, (nm + 1) * sizeof(char *));
        mnt_dir = xrealloc(mnt_dir, (nm + 1) * sizeof(char *));
        mnt_type = xrealloc(mnt_type, (nm + 1) * sizeof(char *));
        mnt_src[nm] = strdup(field[0]);
        mnt_dir[nm] = strdup(field[1]);
        mnt_type[nm] = strdup(field[2]);
        nm++;
    }
    fclose(f);
    k = 0;
    hdr[k++] = "Filesystem";
    if (show_type)
        hdr[k++] = "Type";
    hdr[k++] = human ? "Size" : "1K-blocks";
    hdr[k++] = "Used";
    hdr[k++] = human ? "Avail" : "Available";
    hdr[k++] = "Use%";
    hdr[k++] = "Mounted on";
    ncols = k;
    add_row(hdr, ncols);
    if (optind < argc) {
        show_all = 1; /* every FILE named gets its line */
        /* each FILE: the mount whose directory is the longest prefix of its path */
        for (; optind < argc; optind++) {
            char cwd[4096], *abs;
            size_t best = nm, bestlen = 0;
            struct stat st;
            if (stat(argv[optind], &st) < 0) {
                warnmsg("%s: %s", argv[optind], strerror(errno));
                continue;
            }
            if (argv[optind][0] == '/')
                abs = strdup(argv[optind]);
            else
                abs = path_join(getcwd(cwd, sizeof(cwd)) ? cwd : "/", argv[optind]);
            for (i = 0; i < nm; i++) {
                size_t l = strlen(mnt_dir[i]);
                if (strncmp(abs, mnt_dir[i], l) == 0 &&
                    (abs[l] == '/' || abs[l] == '\0' || l == 1) && l >= bestlen) {
                    best = i;
                    bestlen = l;
                }
            }
            if (best < nm)
                add_mount(mnt_src[best], mnt_dir[best], mnt_type[best]);
            free(abs);
        }
    } else {
        for (i = 0; i < nm; i++)
            add_mount(mnt_src[i], mnt_dir[i], mnt_type[i]);
    }
    (void)want;
    (void)nwant;
    /* GNU pads every column to its widest cell (at least 14 for the source, 5 for numbers) */
    w[0] = 14;
    for (k = show_type ? 2 : 1; k < ncols - 2; k++)
        w[k] = 5;
    w[ncols - 2] = 4;
    for (i = 0; i < nrows; i++)
        for (k = 0; k < ncols; k++)
            if ((int)strlen(rows[i].cols[k]) > w[k])
                w[k] = (int)strlen(rows[i].cols[k]);
    for (i = 0; i < nrows; i++) {
        for (k = 0; k < ncols; k++) {
            int left = k == 0 || k == ncols - 1 || (show_type && k == 1);
            const char *sepr = k ? " " : "";
            if (k == ncols - 1)
                printf("%s%s", sepr, rows[i].cols[k]);
            else if (left)
                printf("%s%-*s", sepr, w[k], rows[i].cols[k]);
            else
                printf("%s%*s", sepr, w[k], rows[i].cols[k]);
        }
        putchar('\n');
    }
    return finish_stdout();
}
