/*
 * touch - create files or set their access and modification times.
 * Options: -c do not create missing files, -a only the access time, -m only the
 * modification time, -d @SECONDS use that time, -t [[CC]YY]MMDDhhmm[.ss] use that time
 * (read as UTC: anyk keeps no time zone data), -r FILE use FILE's times.
 */
#include <fcntl.h>
#include <getopt.h>
#include <time.h>

#include "common.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (the civil-calendar algorithm). */
static long long days_from_civil(long long y, int m, int d)
{
    long long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* -t STAMP to seconds since the epoch; -1 if malformed. */
static long long parse_stamp(const char *s)
{
    size_t len = strlen(s), digits;
    const char *dot = strchr(s, '.');
    long long year;
    int mon, day, hh, mm, ss = 0, now_year;
    time_t now = time(NULL);
    struct tm tm;

    digits = dot ? (size_t)(dot - s) : len;
    if (strspn(s, "0123456789") != digits || (dot && (strlen(dot) != 3 ||
        strspn(dot + 1, "0123456789") != 2)))
        return -1;
    gmtime_r(&now, &tm);
    now_year = tm.tm_year + 1900;
    if (digits == 12) {
        year = two(s) * 100 + two(s + 2);
        s += 4;
    } else if (digits == 10) {
        year = two(s);
        year += year < 69 ? 2000 : 1900;
        s += 2;
    } else if (digits == 8) {
        year = now_year;
    } else {
        return -1;
    }
    mon = two(s);
    day = two(s + 2);
    hh = two(s + 4);
    mm = two(s + 6);
    if (dot)
        ss = two(dot + 1);
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60)
        return -1;
    return days_from_civil(year, mon, day) * 86400 + hh * 3600 + mm * 60 + ss;
}

int main(int argc, char **argv)
{
    int c, no_create = 0, only_a = 0, only_m = 0, status = 0, given = 0;
    struct timespec ts[2];
    struct stat st;
    long long t;
    char *end;

    progname = "touch";
    opterr = 0;
    while ((c = getopt(argc, argv, "camd:t:r:f")) != -1) {
        switch (c) {
        case 'c': no_create = 1; break;
        case 'a': only_a = 1; break;
        case 'm': only_m = 1; break;
        case 'f': break;
        case 'd':
            t = optarg[0] == '@' ? str_to_ll(optarg + 1, &end, 10) : 0;
            if (optarg[0] != '@' || *end || end == optarg + 1) {
                warnmsg("invalid date format '%s'", optarg);
                return 1;
            }
            ts[0].tv_sec = ts[1].tv_sec = (time_t)t;
            ts[0].tv_nsec = ts[1].tv_nsec = 0;
            given = 1;
            break;
        case 't':
            if ((t = parse_stamp(optarg)) < 0) {
                warnmsg("invalid date format '%s'", optarg);
                return 1;
            }
            ts[0].tv_sec = ts[1].tv_sec = (time_t)t;
            ts[0].tv_nsec = ts[1].tv_nsec = 0;
            given = 1;
            break;
        case 'r':
            if (stat(optarg, &st) < 0) {
                warnmsg("failed to get attributes of '%s': %s", optarg, strerror(errno));
                return 1;
            }
            ts[0] = st.st_atim;
            ts[1] = st.st_mtim;
            given = 1;
            break;
        default: bad_option(c, 1);
        }
    }
    if (!given) {
        ts[0].tv_sec = ts[1].tv_sec = 0;
        ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
    }
    /* -a alone leaves the modification time, -m alone the access time */
    if (only_a && !only_m)
        ts[1].tv_nsec = UTIME_OMIT;
    if (only_m && !only_a)
        ts[0].tv_nsec = UTIME_OMIT;
    if (optind >= argc) {
        fprintf(stderr, "touch: missing file operand\nTry 'touch --help' for more information.\n");
        return 1;
    }
    for (; optind < argc; optind++) {
        const char *f = argv[optind];
        if (stat(f, &st) < 0) {
            int fd;
            if (no_create)
                continue;
            if ((fd = open(f, O_WRONLY | O_CREAT, 0666)) < 0) {
                warnmsg("cannot touch '%s': %s", f, strerror(errno));
                status = 1;
                continue;
            }
            close(fd);
        }
        if (utimensat(AT_FDCWD, f, ts, 0) < 0) {
            warnmsg("setting times of '%s': %s", f, strerror(errno));
            status = 1;
        }
    }
    return status;
}
