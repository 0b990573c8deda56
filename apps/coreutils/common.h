/*
 * common.h - small helpers shared by the tools in apps/coreutils.
 *
 * The Makefile links one .c file per program, so everything here is static
 * inline: a tool pays only for what it uses. Each tool sets `progname` first
 * thing in main(); messages then read "tool: ..." as GNU's do.
 */
#ifndef COREUTILS_COMMON_H
#define COREUTILS_COMMON_H

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *progname = "?";

/* "prog: <message>\n" on stderr. */
static inline void warnmsg(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* getopt's own messages differ between libcs; print GNU's wording ourselves (opterr = 0). */
static inline void bad_option(int opt, int status) __attribute__((noreturn));
static inline void bad_option(int opt, int status)
{
    if (opt == '?' || opt == 0)
        opt = optopt;
    fflush(stdout);
    if (opt && strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", opt) &&
        optind > 0)
        fprintf(stderr, "%s: invalid option -- '%c'\n", progname, opt);
    else
        fprintf(stderr, "%s: invalid option\n", progname);
    fprintf(stderr, "Try '%s --help' for more information.\n", progname);
    exit(status);
}

static inline void missing_operand(int status) __attribute__((noreturn));
static inline void missing_operand(int status)
{
    fprintf(stderr, "%s: missing operand\nTry '%s --help' for more information.\n", progname,
            progname);
    exit(status);
}

/* write() until done; returns 0 or -1 with errno set. */
static inline int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;

    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Close stdout and report a failed write (a full disk, a closed pipe) as GNU tools do. */
static inline int finish_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: write error: %s\n", progname, strerror(errno));
        return 1;
    }
    return 0;
}

/* "dir" + "/" + "name" in fresh memory, without doubling a trailing slash. */
static inline char *path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    char *p = malloc(dl + nl + 2);

    if (!p) {
        fprintf(stderr, "%s: out of memory\n", progname);
        exit(1);
    }
    memcpy(p, dir, dl);
    if (dl > 0 && dir[dl - 1] != '/')
        p[dl++] = '/';
    memcpy(p + dl, name, nl + 1);
    return p;
}

static inline void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p) {
        fprintf(stderr, "%s: out of memory\n", progname);
        exit(1);
    }
    return p;
}

static inline void *xrealloc(void *old, size_t n)
{
    void *p = realloc(old, n ? n : 1);

    if (!p) {
        fprintf(stderr, "%s: out of memory\n", progname);
        exit(1);
    }
    return p;
}

/* What follows the last slash (no trailing-slash handling: callers pass clean names). */
static inline const char *base_of(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/* "drwxr-xr-x": the ten-character mode string of ls -l and stat. */
static inline void mode_string(unsigned mode, char out[11])
{
    static const char rwx[] = "rwxrwxrwx";
    char t = '?';
    int i;

    switch (mode & S_IFMT) {
    case S_IFREG: t = '-'; break;
    case S_IFDIR: t = 'd'; break;
    case S_IFLNK: t = 'l'; break;
    case S_IFCHR: t = 'c'; break;
    case S_IFBLK: t = 'b'; break;
    case S_IFIFO: t = 'p'; break;
    case S_IFSOCK: t = 's'; break;
    }
    out[0] = t;
    for (i = 0; i < 9; i++)
        out[i + 1] = (mode & (0400u >> i)) ? rwx[i] : '-';
    /* set-id and sticky bits replace the x: lower case when x is also set */
    if (mode & S_ISUID)
        out[3] = out[3] == 'x' ? 's' : 'S';
    if (mode & S_ISGID)
        out[6] = out[6] == 'x' ? 's' : 'S';
    if (mode & S_ISVTX)
        out[9] = out[9] == 'x' ? 't' : 'T';
    out[10] = '\0';
}

/*
 * A size in the style of GNU's -h: powers of 1024, one decimal below 10, always
 * rounded up (so "used" never reads as smaller than it is), e.g. 1.5K, 12M, 0.
 */
static inline void human_size(unsigned long long bytes, char *out, size_t n)
{
    static const char units[] = "BKMGTPE";
    unsigned long long whole = bytes, tenths;
    int u = 0;

    if (bytes < 1024) {
        snprintf(out, n, "%llu", bytes);
        return;
    }
    /* find the unit, keeping the remainder for the tenths digit */
    {
        unsigned long long div = 1;
        while (bytes / div >= 1024 && u < 6) {
            div *= 1024;
            u++;
        }
        whole = bytes / div;
        /* tenths, rounded up */
        tenths = ((bytes % div) * 10 + div - 1) / div;
        if (whole < 10) {
            if (tenths >= 10) {
                whole++;
                tenths = 0;
            }
            if (whole < 10) {
                snprintf(out, n, "%llu.%llu%c", whole, tenths, units[u]);
                return;
            }
        } else if (bytes % div) {
            whole++;
        }
        if (whole >= 1024 && u < 6) {
            snprintf(out, n, "1.0%c", units[u + 1]);
            return;
        }
    }
    snprintf(out, n, "%llu%c", whole, units[u]);
}

/*
 * strtoll over strtoull (the anyk libc has only the unsigned one): optional blanks and sign,
 * then digits in base (0: C prefixes). Sets errno to ERANGE when out of range.
 */
static inline long long str_to_ll(const char *s, char **end, int base)
{
    const char *p = s;
    unsigned long long u;
    int neg = 0;

    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    if (!isalnum((unsigned char)*p) || *p == '-' || *p == '+') {
        *end = (char *)s;
        return 0;
    }
    errno = 0;
    u = strtoull(p, end, base);
    if (*end == p) {
        *end = (char *)s;
        return 0;
    }
    if (u > (unsigned long long)9223372036854775807LL + (unsigned long long)neg) {
        errno = ERANGE;
        return neg ? (-9223372036854775807LL - 1) : 9223372036854775807LL;
    }
    return neg ? (long long)(0 - u) : (long long)u;
}

/* Device numbers as Linux encodes them in a dev_t (anyk uses the same encoding). */
static inline unsigned dev_major(unsigned long long dev)
{
    return (unsigned)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull));
}

static inline unsigned dev_minor(unsigned long long dev)
{
    return (unsigned)((dev & 0xff) | ((dev >> 12) & ~0xffull));
}

/* Signal names and numbers as on Linux x86_64 (anyk uses Linux numbering). */
static const char *const signal_names[32] = {
    NULL,   "HUP",  "INT",  "QUIT", "ILL",    "TRAP",   "ABRT", "BUS",
    "FPE",  "KILL", "USR1", "SEGV", "USR2",   "PIPE",   "ALRM", "TERM",
    "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",   "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL", "PWR",  "SYS",
};

/* "TERM", "SIGTERM", "sigterm" or "15" to 15; -1 if unknown. */
static inline int signal_number(const char *s)
{
    char *end;
    long v;
    int i;

    if (*s >= '0' && *s <= '9') {
        v = strtol(s, &end, 10);
        return (*end || v < 0 || v >= 32) ? -1 : (int)v;
    }
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (i = 1; i < 32; i++)
        if (strcasecmp(s, signal_names[i]) == 0)
            return i;
    if (strcasecmp(s, "IO") == 0)
        return 29;
    if (strcasecmp(s, "IOT") == 0)
        return 6;
    return -1;
}

/* Read all of fd into fresh memory (NUL-terminated for convenience); NULL with errno on error. */
static inline char *slurp_fd(int fd, size_t *lenp)
{
    size_t cap = 65536, len = 0;
    char *buf = xmalloc(cap + 1);
    ssize_t n;

    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
        n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            free(buf);
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    *lenp = len;
    return buf;
}

/*
 * A count argument as head/tail take it: decimal with an optional multiplier suffix
 * (b 512, K/KiB 1024, KB 1000, M, MB, G, GB). Returns -1 if it is not one.
 */
static inline long long parse_count(const char *s)
{
    static const struct {
        const char *sfx;
        long long mul;
    } units[] = {
        {"", 1}, {"b", 512}, {"K", 1024}, {"k", 1024}, {"KiB", 1024}, {"kB", 1000},
        {"KB", 1000}, {"M", 1048576}, {"MiB", 1048576}, {"MB", 1000000},
        {"G", 1073741824}, {"GiB", 1073741824}, {"GB", 1000000000},
    };
    char *end;
    unsigned long long v;
    size_t i;

    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || v > (1ull << 62))
        return -1;
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (strcmp(end, units[i].sfx) == 0)
            return (long long)v * units[i].mul;
    return -1;
}

#endif
