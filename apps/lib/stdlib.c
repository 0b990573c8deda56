/*
 * stdlib.c - the rest of <stdlib.h>: integer helpers, sorting and searching,
 * pseudo-random numbers, abort and assert, system, realpath, mkstemp.
 * (malloc.c has the heap, strtol.c the conversions, env.c the environment.)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libc_impl.h"

int abs(int v)
{
    return v < 0 ? -v : v;
}

long labs(long v)
{
    return v < 0 ? -v : v;
}

long long llabs(long long v)
{
    return v < 0 ? -v : v;
}

intmax_t imaxabs(intmax_t v)
{
    return v < 0 ? -v : v;
}

div_t div(int a, int b)
{
    return (div_t){a / b, a % b};
}

ldiv_t ldiv(long a, long b)
{
    return (ldiv_t){a / b, a % b};
}

lldiv_t lldiv(long long a, long long b)
{
    return (lldiv_t){a / b, a % b};
}

static void swap_bytes(char *a, char *b, size_t n)
{
    while (n--) {
        char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

/* Sift the element at i down the max-heap of n elements. */
static void sift_down(char *base, size_t i, size_t n, size_t size,
                      int (*cmp)(const void *, const void *))
{
    for (;;) {
        size_t big = i, l = 2 * i + 1, r = l + 1;
        if (l < n && cmp(base + l * size, base + big * size) > 0)
            big = l;
        if (r < n && cmp(base + r * size, base + big * size) > 0)
            big = r;
        if (big == i)
            return;
        swap_bytes(base + i * size, base + big * size, size);
        i = big;
    }
}

/*
 * Heapsort: O(n log n) in every case, no recursion and no extra memory, which
 * suits a libc whose callers may sort adversarial input (file names).
 */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    char *b = base;
    if (n < 2 || size == 0)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(b, i, n, size, cmp);
    for (size_t end = n - 1; end > 0; end--) {
        swap_bytes(b, b + end * size, size);
        sift_down(b, 0, end, size, cmp);
    }
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *))
{
    const char *b = base;
    while (n > 0) {
        const char *mid = b + (n / 2) * size;
        int c = cmp(key, mid);
        if (c == 0)
            return (void *)mid;
        if (c > 0) {
            b = mid + size;
            n -= n / 2 + 1;
        } else {
            n /= 2;
        }
    }
    return NULL;
}

/* A 64-bit linear congruential generator (Knuth's MMIX constants); the top bits are returned. */
static unsigned long long rand_state = 1;

void srand(unsigned seed)
{
    rand_state = seed;
}

int rand(void)
{
    rand_state = rand_state * 6364136223846793005ull + 1442695040888963407ull;
    return (int)(rand_state >> 33);
}

int rand_r(unsigned *seed)
{
    unsigned long long s = *seed * 6364136223846793005ull + 1442695040888963407ull;
    *seed = (unsigned)(s >> 32);
    return (int)(s >> 33);
}

long random(void)
{
    return rand();
}

void srandom(unsigned seed)
{
    srand(seed);
}

void abort(void)
{
    __stdio_flush_all();
    raise(SIGABRT);
    __anyk->exit(128 + SIGABRT);
}

void __assert_fail(const char *expr, const char *file, int line, const char *func)
{
    fprintf(stderr, "%s:%d: %s: assertion failed: %s\n", file, line, func, expr);
    abort();
}

int system(const char *cmd)
{
    if (!cmd)
        return access("/bin/sh", X_OK) == 0;
    char *argv[] = {"sh", "-c", (char *)cmd, NULL};
    pid_t pid;
    int err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
    if (err) {
        errno = err;
        return -1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return status;
}

/*
 * Resolve path component by component: "." and ".." are taken lexically on
 * the resolved prefix (which has no symlinks left, so that is correct), and
 * each symlink's target is spliced in front of the components still to do.
 */
char *realpath(const char *path, char *resolved)
{
    char out[PATH_MAX], todo[PATH_MAX], link[PATH_MAX];
    size_t olen = 0;
    int links = 0;

    if (!path || !*path) {
        errno = path ? ENOENT : EINVAL;
        return NULL;
    }
    if (strlen(path) >= sizeof(todo)) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    strcpy(todo, path);
    if (todo[0] != '/') {
        if (!getcwd(out, sizeof(out)))
            return NULL;
        olen = strlen(out);
        if (olen == 1)
            olen = 0;   /* "/" becomes the empty prefix; components add their own '/' */
    }
    char *p = todo;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        char *q = p;
        while (*q && *q != '/')
            q++;
        size_t clen = (size_t)(q - p);
        if (clen == 1 && p[0] == '.') {
            p = q;
            continue;
        }
        if (clen == 2 && p[0] == '.' && p[1] == '.') {
            while (olen > 0 && out[olen - 1] != '/')
                olen--;
            if (olen > 0)
                olen--;
            p = q;
            continue;
        }
        if (olen + 1 + clen >= sizeof(out)) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        size_t before = olen;
        out[olen++] = '/';
        memcpy(out + olen, p, clen);
        olen += clen;
        out[olen] = 0;
        p = q;

        struct stat st;
        if (lstat(out, &st) < 0)
            return NULL;
        if (S_ISLNK(st.st_mode)) {
            if (++links > SYMLOOP_MAX) {
                errno = ELOOP;
                return NULL;
            }
            ssize_t n = readlink(out, link, sizeof(link) - 1);
            if (n < 0)
                return NULL;
            link[n] = 0;
            size_t rest = strlen(p);
            if ((size_t)n + 1 + rest >= sizeof(todo)) {
                errno = ENAMETOOLONG;
                return NULL;
            }
            memmove(todo + n + 1, p, rest + 1);
            memcpy(todo, link, (size_t)n);
            todo[n] = '/';
            p = todo;
            olen = link[0] == '/' ? 0 : before;
        } else if (*p && !S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            return NULL;
        }
    }
    if (olen == 0)
        out[olen++] = '/';
    out[olen] = 0;
    if (!resolved && !(resolved = malloc(olen + 1)))
        return NULL;
    memcpy(resolved, out, olen + 1);
    return resolved;
}

/* Fill the trailing XXXXXX with letters from a generator seeded by time and pid. */
static int fill_template(char *tmpl, unsigned long long *seed)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    size_t len = strlen(tmpl);
    if (len < 6 || strcmp(tmpl + len - 6, "XXXXXX") != 0) {
        errno = EINVAL;
        return -1;
    }
    for (size_t i = len - 6; i < len; i++) {
        *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
        tmpl[i] = chars[(*seed >> 33) % (sizeof(chars) - 1)];
    }
    return 0;
}

static unsigned long long temp_seed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_nsec * 31 + (unsigned long long)getpid() * 65537 +
           (unsigned long long)ts.tv_sec;
}

int mkstemp(char *tmpl)
{
    unsigned long long seed = temp_seed();
    for (int tries = 0; tries < 100; tries++) {
        if (fill_template(tmpl, &seed) < 0)
            return -1;
        int fd = open(tmpl, O_RDWR | O_CREAT | O_EXCL, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

char *mkdtemp(char *tmpl)
{
    unsigned long long seed = temp_seed();
    for (int tries = 0; tries < 100; tries++) {
        if (fill_template(tmpl, &seed) < 0)
            return NULL;
        if (mkdir(tmpl, 0700) == 0)
            return tmpl;
        if (errno != EEXIST)
            return NULL;
    }
    return NULL;
}
