/*
 * anyk-fs.c - work inside an ext2 image without root, through anyk's own driver.
 *
 *   anyk-fs [-v] [-t TYPE] IMAGE COMMAND [ARGS...] [';' COMMAND [ARGS...]]...
 *
 * Boots the kernel in this process (libanyk.a) with IMAGE as /dev/blk0 -
 * read-only when every command only reads - mounts it on AFS_MNT in the
 * kernel's tmpfs, runs the commands through the API table, then unmounts and
 * halts the kernel so the image is left consistent, and exits with the worst
 * status of the commands (0 ok, 1 failure, 2 usage; 130 when interrupted).
 *
 * Every command line is parsed before the kernel boots, so a usage error
 * never opens the image. The kernel's console is kept silent: when a mount
 * or a command fails, what the kernel logged meanwhile (the driver's reason:
 * a bad superblock, an unsupported feature, a damaged inode) is shown after
 * anyk-fs's own message; -v shows the kernel's warnings as they come. This file owns the session and the command table;
 * the commands live in anyk-fs-copy.c, anyk-fs-show.c and anyk-fs-edit.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/anyk-fs.h"

#define CMDS_MAX 64

struct afs afs;

struct cmd_def {
    const char *name;
    const char *opts;          /* getopt letters; uppercase ones are folded to lowercase */
    int min_args, max_args;    /* operands; max -1 for any number */
    bool writes;               /* needs the image read-write */
    int (*run)(struct cmd *c);
};

static const struct cmd_def cmds[] = {
    { "ls", "ladin1", 0, -1, false, afs_ls },
    { "cat", "", 1, -1, false, afs_cat },
    { "get", "rR", 2, -1, false, afs_get },
    { "stat", "L", 1, -1, false, afs_stat },
    { "tree", "a", 0, 1, false, afs_tree },
    { "df", "", 0, 0, false, afs_df },
    { "put", "rR", 2, -1, true, afs_put },
    { "mkdir", "pm:", 1, -1, true, afs_mkdir },
    { "rm", "rRf", 1, -1, true, afs_rm },
    { "mv", "", 2, -1, true, afs_mv },
    { "ln", "sf", 2, 2, true, afs_ln },
    { "chmod", "", 2, -1, true, afs_chmod },
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: anyk-fs [-v] [-t TYPE] IMAGE COMMAND [ARGS...] [';' COMMAND [ARGS...]]...\n"
            "Work inside a file system image without root, through anyk's own %s driver.\n"
            "Paths inside the image start at its root (relative ones too).\n"
            "\n"
            "Commands that only read (the image is opened read-only):\n"
            "  ls [-l] [-a] [-d] [-i] [-n] [PATH...]  list directories (-n: numeric ids)\n"
            "  cat PATH...                      write files to standard output\n"
            "  get [-r] SRC... DST              copy from the image to the host, keeping\n"
            "                                   modes, times and (as root) owners; -r copies\n"
            "                                   directories, symbolic links as links\n"
            "  stat PATH...                     show a file's inode, as GNU stat\n"
            "  tree [-a] [PATH]                 show a directory tree\n"
            "  df                               space used and free, in 1K blocks\n"
            "Commands that write:\n"
            "  put [-r] SRC... DST              copy from the host into the image (as get)\n"
            "  mkdir [-p] [-m MODE] PATH...     make directories\n"
            "  rm [-r] [-f] PATH...             remove files (-r: directories too)\n"
            "  mv SRC... DST                    rename or move into a directory\n"
            "  ln [-s] [-f] TARGET PATH         make a hard (or -s symbolic) link\n"
            "  chmod MODE PATH...               set permission bits (MODE in octal)\n"
            "\n"
            "Several commands may run on one boot, separated by a ';' argument (quote it).\n"
            "  -t TYPE   the image's file system type (default %s)\n"
            "  -v        show the kernel's warnings as they come (by default they are shown\n"
            "            only to explain a failure)\n"
            "Exit status: 0 if all went well, 1 if something failed, 2 for bad usage.\n",
            AFS_FSTYPE, AFS_FSTYPE);
}

/* "anyk-fs: [CMD: ]MESSAGE" and where to read more; returns the usage status 2. */
static int __attribute__((format(printf, 2, 3)))
cmd_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "anyk-fs: %s%s", cmd ? cmd : "", cmd ? ": " : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'anyk-fs --help' for more information.\n", stderr);
    return 2;
}

/* Parse one command's words (argv[0] is its name) into c; 0 or a usage status. */
static int parse_cmd(int argc, char **argv, struct cmd *c, const struct cmd_def **def)
{
    char optstr[32];
    const struct cmd_def *d = NULL;
    int ch;

    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (!strcmp(argv[0], cmds[i].name))
            d = &cmds[i];
    if (!d)
        return cmd_usage(NULL, "unknown command '%s'", argv[0]);
    memset(c, 0, sizeof(*c));
    c->name = d->name;
    snprintf(optstr, sizeof(optstr), ":%s", d->opts);
    optind = 0;
    opterr = 0;
    while ((ch = getopt(argc, argv, optstr)) != -1) {
        if (ch == '?') {
            char o[2] = { (char)optopt, 0 };
            return cmd_usage(d->name, "invalid option -- '%s'", o);
        }
        if (ch == ':') {
            char o[2] = { (char)optopt, 0 };
            return cmd_usage(d->name, "option requires an argument -- '%s'", o);
        }
        if (ch == 'm')
            c->optarg_m = optarg;
        if (ch >= 'A' && ch <= 'Z')
            ch += 'a' - 'A';
        if (ch >= 'a' && ch <= 'z')
            c->opts |= 1u << (ch - 'a');
    }
    c->args = argv + optind;
    c->nargs = argc - optind;
    if (c->nargs < d->min_args) {
        return cmd_usage(d->name, "%s",
                         c->nargs ? "missing destination operand" : "missing operand");
    }
    if (d->max_args >= 0 && c->nargs > d->max_args) {
        return cmd_usage(d->name, "extra operand '%s'", c->args[d->max_args]);
    }
    if (c->optarg_m && afs_parse_mode(c->optarg_m) < 0) {
        return cmd_usage(d->name, "invalid mode '%s' (give it in octal)", c->optarg_m);
    }
    if (!strcmp(d->name, "chmod") && afs_parse_mode(c->args[0]) < 0) {
        return cmd_usage("chmod", "invalid mode '%s' (give it in octal)", c->args[0]);
    }
    *def = d;
    return 0;
}

/*
 * Look at the image on the host first, so that the common mistakes get one
 * line in anyk-fs's words rather than the kernel's: it must exist, be a file
 * or a block device, be open-able as asked, and not be in use.
 */
static int check_image(const char *path, bool writes)
{
    struct stat st;
    int fd = open(path, (writes ? O_RDWR : O_RDONLY) | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return afs_errno(-e, "cannot open '%s'", path);
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return afs_errno(-EISDIR, "cannot open '%s'", path);
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        close(fd);
        return afs_err("cannot open '%s': not a regular file or a block device", path);
    }
    if (S_ISREG(st.st_mode) && st.st_size < 1024) {
        close(fd);
        return afs_err("cannot mount '%s': too small to hold a file system", path);
    }
    if (flock(fd, (writes ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            return afs_err("cannot open '%s': in use by another process", path);
        return afs_errno(-e, "cannot lock '%s'", path);
    }
    close(fd);
    return 0;
}

/* ---- the kernel's log ------------------------------------------------------------ */

static struct {
    bool verbose;              /* -v: the kernel's console shows its warnings itself */
    uint64_t seq;              /* the first record not yet looked at */
    char buf[64 * 1024];
} klog;

/*
 * The records logged since the last call, each without its "[time] " stamp
 * (NUL-separated in klog.buf); returns how many. Records that do not fit are
 * dropped: only the last ones tell why something failed.
 */
static int klog_news(void)
{
    static char raw[sizeof(klog.buf)];
    size_t len = 0, out = 0;
    char *line, *save;
    long n;
    int count = 0;

    /* Whole records come back; far more than a buffer's worth means a flood: keep the end. */
    while ((n = afs.k->klog_read(&klog.seq, raw + len, sizeof(raw) - 1 - len)) > 0)
        if ((len += (size_t)n) > sizeof(raw) / 2)
            len = 0;
    raw[len] = '\0';
    for (line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *text = line[0] == '[' && strstr(line, "] ") ? strstr(line, "] ") + 2 : line;
        size_t l = strlen(text);

        memcpy(klog.buf + out, text, l + 1);
        out += l + 1;
        count++;
    }
    return count;
}

static const char *klog_last(int count)
{
    const char *p = klog.buf;

    for (int i = 1; i < count; i++)
        p += strlen(p) + 1;
    return count ? p : "";
}

/* After a failure: what the kernel said about it, unless it said so on the console. */
static void klog_relay(void)
{
    int n = klog_news();

    if (!klog.verbose)
        for (const char *p = klog.buf; n--; p += strlen(p) + 1)
            fprintf(stderr, "anyk-fs: kernel: %s\n", p);
}

static int mount_image(bool writes)
{
    char why[600] = "";
    int r;

    afs.k->umask(0);
    if ((r = afs.k->mkdir(AFS_MNT, 0755)) < 0 && r != -EEXIST)
        return afs_errno(r, "cannot make the mount point %s in the kernel", AFS_MNT);
    klog_news();
    r = afs.k->mount("/dev/blk0", AFS_MNT, afs.fstype, writes ? 0 : ANYK_MS_RDONLY, NULL);
    if (r < 0 && !klog.verbose) {
        int n = klog_news();
        if (n)
            snprintf(why, sizeof(why), " (%.500s)", klog_last(n));
    }
    if (r == -ENODEV)
        return afs_err("cannot mount '%s': unknown file system type '%s' (this anyk has no "
                       "such driver)", afs.image, afs.fstype);
    if (r == -EINVAL)
        return afs_err("cannot mount '%s': not an %s file system%s", afs.image, afs.fstype,
                       why);
    if (r < 0)
        return afs_err("cannot mount '%s' as %s: %s%s", afs.image, afs.fstype, strerror(-r),
                       why);
    klog_news();    /* "mounted ..." and its like */
    return 0;
}

static void on_signal(int sig)
{
    (void)sig;
    afs.interrupted = 1;
}

/* Stop at the next chunk or file on the first signal; a second one kills as usual. */
static void catch_signals(void)
{
    struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART | SA_RESETHAND };

    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int main(int argc, char **argv)
{
    static struct cmd cmdv[CMDS_MAX];
    const struct cmd_def *defs[CMDS_MAX];
    struct anyk_config cfg = { 0 };
    bool writes = false;
    int ncmd = 0, status = 0, i, r;

    setlocale(LC_ALL, "");
    afs.fstype = AFS_FSTYPE;
    i = 1;
    while (i < argc && argv[i][0] == '-' && argv[i][1]) {
        if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "-v")) {
            klog.verbose = true;
            i++;
        } else if (!strcmp(argv[i], "-t")) {
            if (i + 1 >= argc)
                return cmd_usage(NULL, "option requires an argument -- 't'");
            afs.fstype = argv[i + 1];
            i += 2;
        } else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else {
            return cmd_usage(NULL, "unknown option '%s'", argv[i]);
        }
    }
    if (i >= argc)
        return cmd_usage(NULL, "missing image operand");
    afs.image = argv[i++];
    if (i >= argc)
        return cmd_usage(NULL, "missing command after '%s'", afs.image);

    /* Split at ';' words and parse every command before anything is opened. */
    while (i < argc) {
        int start = i;
        while (i < argc && strcmp(argv[i], ";"))
            i++;
        if (i > start) {
            if (ncmd == CMDS_MAX)
                return cmd_usage(NULL, "too many commands");
            argv[i < argc ? i : argc] = NULL;
            if ((r = parse_cmd(i - start, argv + start, &cmdv[ncmd], &defs[ncmd])) != 0)
                return r;
            writes |= defs[ncmd]->writes;
            ncmd++;
        }
        i++;
    }
    if (ncmd == 0)
        return cmd_usage(NULL, "missing command after '%s'", afs.image);

    if (check_image(afs.image, writes))
        return 1;
    /* Silent but for a panic; -v: warnings and errors as they come, as "quiet" does. */
    cfg.cmdline = klog.verbose ? "quiet" : "loglevel=2";
    cfg.disk[0].path = afs.image;
    cfg.disk[0].read_only = !writes;
    cfg.ndisks = 1;
    if (!(afs.k = anyk_boot(&cfg)))
        return 1;
    catch_signals();
    if (mount_image(writes)) {
        anyk_halt();
        return 1;
    }

    for (i = 0; i < ncmd && !afs.interrupted; i++) {
        r = defs[i]->run(&cmdv[i]);
        if (r)
            klog_relay();
        else
            klog_news();
        if (r > status)
            status = r;
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        status = afs_errno(-errno, "write error");
    if (afs.interrupted) {
        afs_err("interrupted; the image is being unmounted cleanly");
        status = 130;
    }

    if ((r = afs.k->umount(AFS_MNT)) < 0) {
        afs_errno(r, "cannot unmount '%s'", afs.image);
        klog_relay();
        status = status ? status : 1;
    }
    if ((r = anyk_halt()) < 0) {
        afs_errno(r, "cannot write back '%s'", afs.image);
        status = status ? status : 1;
    }
    return status;
}
