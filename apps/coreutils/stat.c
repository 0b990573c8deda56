/*
 * stat - display file status in GNU stat's default format:
 *     File, Size/Blocks/IO Block/type, Device/Inode/Links, Access (mode), Uid, Gid,
 *     Access/Modify/Change times with nanoseconds, Birth ("-": not recorded).
 * Options: -L follow symbolic links. Times are shown in UTC ("+0000") and owners by
 * number ("root" for 0, "UNKNOWN" otherwise): anyk has no zone data or user database.
 */
#include <getopt.h>
#include <time.h>

#include "common.h"

static const char *type_name(const struct stat *st)
{
    switch (st->st_mode & S_IFMT) {
    case S_IFREG: return st->st_size == 0 ? "regular empty file" : "regular file";
    case S_IFDIR: return "directory";
    case S_IFLNK: return "symbolic link";
    case S_IFCHR: return "character special file";
    case S_IFBLK: return "block special file";
    case S_IFIFO: return "fifo";
    case S_IFSOCK: return "socket";
    }
    return "weird file";
}

static const char *id_name(unsigned id)
{
    return id == 0 ? "root" : "UNKNOWN";
}

static void print_time(const char *label, const struct timespec *ts)
{
    struct tm tm;
    time_t t = ts->tv_sec;
    char buf[64];

    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    printf("%s: %s.%09ld +0000\n", label, buf, (long)ts->tv_nsec);
}

int main(int argc, char **argv)
{
    int c, follow = 0, status = 0;
    struct stat st;
    char mode[11], num[32];

    progname = "stat";
    opterr = 0;
    while ((c = getopt(argc, argv, "L")) != -1) {
        if (c == 'L')
            follow = 1;
        else
            bad_option(c, 1);
    }
    if (optind >= argc)
        missing_operand(1);
    for (; optind < argc; optind++) {
        const char *f = argv[optind];
        if ((follow ? stat(f, &st) : lstat(f, &st)) < 0) {
            warnmsg("cannot stat '%s': %s", f, strerror(errno));
            status = 1;
            continue;
        }
        if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t n = readlink(f, target, sizeof(target) - 1);
            target[n < 0 ? 0 : n] = '\0';
            printf("  File: %s -> %s\n", f, target);
        } else {
            printf("  File: %s\n", f);
        }
        snprintf(num, sizeof(num), "%lld", (long long)st.st_size);
        printf("  Size: %-10s\tBlocks: %-10lld IO Block: %-6ld %s\n", num,
               (long long)st.st_blocks, (long)st.st_blksize, type_name(&st));
        printf("Device: %u,%u\tInode: %-11llu Links: %lu", dev_major(st.st_dev),
               dev_minor(st.st_dev), (unsigned long long)st.st_ino, (unsigned long)st.st_nlink);
        if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
            printf("%*sDevice type: %u,%u", 5 - (int)snprintf(num, sizeof(num), "%lu",
                   (unsigned long)st.st_nlink) + 1, "", dev_major(st.st_rdev),
                   dev_minor(st.st_rdev));
        putchar('\n');
        mode_string(st.st_mode, mode);
        printf("Access: (%04o/%s)  Uid: (%5u/%8s)   Gid: (%5u/%8s)\n", st.st_mode & 07777, mode,
               (unsigned)st.st_uid, id_name(st.st_uid), (unsigned)st.st_gid, id_name(st.st_gid));
        print_time("Access", &st.st_atim);
        print_time("Modify", &st.st_mtim);
        print_time("Change", &st.st_ctim);
        puts(" Birth: -");
    }
    return finish_stdout() || status;
}
