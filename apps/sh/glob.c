/*
 * glob.c - pathname expansion: a field with live * ? or [ becomes the sorted
 * list of existing paths it matches, one directory level at a time with
 * opendir and fnmatch. A pattern that matches nothing stays as it was, and a
 * leading dot must be matched explicitly, as POSIX says.
 */
#include <dirent.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sh.h"
#include "expand.h"

char *pattern_of(const char *s, const char *m, size_t n)
{
    struct sbuf b = {0};
    size_t i;

    for (i = 0; i < n; i++) {
        if (m && m[i] == 1 && strchr("*?[]\\", s[i]))
            sb_putc(&b, '\\');
        sb_putc(&b, s[i]);
    }
    return sb_take(&b);
}

/* Does a pattern component (escapes kept) have an unescaped * ? or [ ? */
static int has_magic(const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] == '\\' && i + 1 < n)
            i++;
        else if (p[i] == '*' || p[i] == '?' || p[i] == '[')
            return 1;
    }
    return 0;
}

static char *unescape(const char *p, size_t n)
{
    struct sbuf b = {0};
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] == '\\' && i + 1 < n)
            i++;
        sb_putc(&b, p[i]);
    }
    return sb_take(&b);
}

static char *join(const char *a, const char *b, size_t blen)
{
    struct sbuf s = {0};

    sb_puts(&s, a);
    sb_putn(&s, b, blen);
    return sb_take(&s);
}

/* Matches pat (the rest of the pattern) below the directory prefix (ends in '/' or is ""). */
static void glob_in(const char *prefix, const char *pat, struct strv *res)
{
    const char *slash = pat;
    size_t clen;
    char *comp, *path;
    DIR *d;
    struct dirent *de;
    struct stat st;

    while (*slash && *slash != '/') {
        if (*slash == '\\' && slash[1])
            slash++;
        slash++;
    }
    clen = (size_t)(slash - pat);
    if (!has_magic(pat, clen)) {
        char *lit = unescape(pat, clen);

        path = join(prefix, lit, strlen(lit));
        free(lit);
        if (*slash) {
            char *dir = join(path, "/", 1);
            const char *rest = slash;

            while (*rest == '/')
                rest++;
            if (*rest)
                glob_in(dir, rest, res);
            else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
                strv_push(res, xstrdup(dir));
            free(dir);
        } else if (lstat(path, &st) == 0) {
            strv_push(res, xstrdup(path));
        }
        free(path);
        return;
    }
    comp = xmalloc(clen + 1);
    memcpy(comp, pat, clen);
    comp[clen] = '\0';
    d = opendir(*prefix ? prefix : ".");
    while (d && (de = readdir(d)) != NULL) {
        const char *name = de->d_name;

        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        if (name[0] == '.' && comp[0] != '.')
            continue;
        if (fnmatch(comp, name, FNM_PERIOD) != 0)
            continue;
        path = join(prefix, name, strlen(name));
        if (*slash) {
            const char *rest = slash;

            while (*rest == '/')
                rest++;
            if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
                char *dir = join(path, "/", 1);

                if (*rest)
                    glob_in(dir, rest, res);
                else
                    strv_push(res, xstrdup(dir));
                free(dir);
            }
        } else {
            strv_push(res, xstrdup(path));
        }
        free(path);
    }
    if (d)
        closedir(d);
    free(comp);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void glob_field(struct strv *out, const char *s, const char *m, size_t n)
{
    struct strv res = {0};
    char *pat, *lit;
    size_t i;
    int live = 0;

    for (i = 0; i < n && !sh.noglob; i++)
        if (m[i] != 1 && (s[i] == '*' || s[i] == '?' || s[i] == '['))
            live = 1;
    lit = xmalloc(n + 1);
    memcpy(lit, s, n);
    lit[n] = '\0';
    if (!live) {
        strv_push(out, lit);
        return;
    }
    pat = pattern_of(s, m, n);
    if (pat[0] == '/')
        glob_in("/", pat + 1, &res);
    else
        glob_in("", pat, &res);
    free(pat);
    if (res.n == 0) {
        strv_push(out, lit);
        free(res.v);
        return;
    }
    free(lit);
    qsort(res.v, (size_t)res.n, sizeof(char *), cmp_str);
    for (i = 0; i < (size_t)res.n; i++)
        strv_push(out, res.v[i]);
    free(res.v);
}
