/*
 * glob.c - path name expansion (POSIX glob): the pattern is split at '/',
 * components without wildcards are taken as they are, the others are matched
 * with fnmatch against the entries of the directory reached so far. Results
 * are sorted unless GLOB_NOSORT; a leading '.' must be matched explicitly.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct result {
    char **v;
    size_t n, cap;
};

static int add(struct result *r, const char *path, size_t len, int mark)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        char **v = realloc(r->v, cap * sizeof(char *));
        if (!v)
            return GLOB_NOSPACE;
        r->v = v;
        r->cap = cap;
    }
    char *s = malloc(len + 2);
    if (!s)
        return GLOB_NOSPACE;
    memcpy(s, path, len);
    s[len] = 0;
    if (mark) {
        struct stat st;
        if (stat(s, &st) == 0 && S_ISDIR(st.st_mode) && (len == 0 || s[len - 1] != '/'))
            s[len++] = '/', s[len] = 0;
    }
    r->v[r->n++] = s;
    return 0;
}

static int has_magic(const char *s, size_t n, int flags)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && !(flags & GLOB_NOESCAPE) && i + 1 < n)
            i++;
        else if (s[i] == '*' || s[i] == '?' || s[i] == '[')
            return 1;
    }
    return 0;
}

/* Copy a component without wildcards, dropping its escapes. */
static size_t unescape(char *dst, const char *s, size_t n, int flags)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && !(flags & GLOB_NOESCAPE) && i + 1 < n)
            i++;
        dst[k++] = s[i];
    }
    return k;
}

/* path[0..plen) is an existing prefix (ending in '/' or empty); pat is what is left. */
static int expand(char *path, size_t plen, const char *pat, int flags,
                  int (*errfn)(const char *, int), struct result *r)
{
    while (*pat == '/') {
        path[plen++] = '/';
        pat++;
    }
    if (!*pat)
        return add(r, path, plen, flags & GLOB_MARK);
    size_t clen = strcspn(pat, "/");
    const char *rest = pat + clen;
    if (!has_magic(pat, clen, flags)) {
        if (plen + clen + 2 >= 4096)
            return 0;
        size_t k = unescape(path + plen, pat, clen, flags);
        path[plen + k] = 0;
        struct stat st;
        if (lstat(path, &st) < 0)
            return 0;
        return expand(path, plen + k, rest, flags, errfn, r);
    }
    char comp[256];
    if (clen >= sizeof(comp))
        return 0;
    memcpy(comp, pat, clen);
    comp[clen] = 0;
    path[plen] = 0;
    DIR *d = opendir(plen ? path : ".");
    if (!d) {
        if ((errfn && errfn(plen ? path : ".", errno)) || (flags & GLOB_ERR))
            return GLOB_ABORTED;
        return 0;
    }
    struct dirent *e;
    int err = 0;
    int fl = FNM_PERIOD | ((flags & GLOB_NOESCAPE) ? FNM_NOESCAPE : 0);
    while (!err && (e = readdir(d))) {
        if (fnmatch(comp, e->d_name, fl) != 0)
            continue;
        size_t nlen = strlen(e->d_name);
        if (plen + nlen + 2 >= 4096)
            continue;
        memcpy(path + plen, e->d_name, nlen + 1);
        if (*rest) {
            struct stat st;
            if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
                continue;
        }
        err = expand(path, plen + nlen, rest, flags, errfn, r);
    }
    closedir(d);
    return err;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int glob(const char *pattern, int flags, int (*errfn)(const char *, int), glob_t *g)
{
    struct result r = {0, 0, 0};
    char path[4096];
    if (!(flags & (GLOB_DOOFFS | GLOB_APPEND)))
        g->gl_offs = 0;
    size_t offs = (flags & GLOB_DOOFFS) ? g->gl_offs : 0;
    int err = expand(path, 0, pattern, flags, errfn, &r);
    if (!err && r.n == 0) {
        if (flags & GLOB_NOCHECK)
            err = add(&r, pattern, strlen(pattern), 0);
        else
            err = GLOB_NOMATCH;
    }
    if (err && err != GLOB_NOMATCH) {
        while (r.n)
            free(r.v[--r.n]);
        free(r.v);
        return err;
    }
    if (!(flags & GLOB_NOSORT))
        qsort(r.v, r.n, sizeof(char *), cmp_str);
    size_t old = (flags & GLOB_APPEND) ? g->gl_pathc : 0;
    if (!(flags & GLOB_APPEND)) {
        g->gl_pathv = NULL;
        g->gl_pathc = 0;
    }
    char **v = realloc(g->gl_pathv, (offs + old + r.n + 1) * sizeof(char *));
    if (!v) {
        while (r.n)
            free(r.v[--r.n]);
        free(r.v);
        return GLOB_NOSPACE;
    }
    if (!(flags & GLOB_APPEND))
        for (size_t i = 0; i < offs; i++)
            v[i] = NULL;
    memcpy(v + offs + old, r.v, r.n * sizeof(char *));
    v[offs + old + r.n] = NULL;
    g->gl_pathv = v;
    g->gl_pathc = old + r.n;
    free(r.v);
    return err;
}

void globfree(glob_t *g)
{
    size_t offs = g->gl_offs;
    for (size_t i = 0; i < g->gl_pathc; i++)
        free(g->gl_pathv[offs + i]);
    free(g->gl_pathv);
    g->gl_pathv = NULL;
    g->gl_pathc = 0;
}
