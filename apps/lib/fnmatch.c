/*
 * fnmatch.c - shell patterns (POSIX 2.13): * ? [set] [!set] [^set] with
 * ranges and [:class:], backslash escapes; FNM_PATHNAME (wildcards do not
 * match '/'), FNM_PERIOD (a leading '.' must be matched literally),
 * FNM_CASEFOLD. Also basename and dirname from <libgen.h>.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <libgen.h>
#include <string.h>

static int fold(int c, int flags)
{
    return (flags & FNM_CASEFOLD) ? tolower(c) : c;
}

static int in_class(const char *name, size_t len, int c)
{
    static const struct {
        const char *name;
        int (*fn)(int);
    } classes[] = {
        {"alnum", isalnum}, {"alpha", isalpha}, {"blank", isblank}, {"cntrl", iscntrl},
        {"digit", isdigit}, {"graph", isgraph}, {"lower", islower}, {"print", isprint},
        {"punct", ispunct}, {"space", isspace}, {"upper", isupper}, {"xdigit", isxdigit},
    };
    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
        if (strlen(classes[i].name) == len && !strncmp(classes[i].name, name, len))
            return classes[i].fn(c) != 0;
    return 0;
}

/*
 * Match the bracket expression starting after '[' against c. Returns the
 * pattern position after the closing ']' and sets *matched, or NULL if the
 * bracket is not closed (then '[' is an ordinary character).
 */
static const char *bracket(const char *p, int c, int flags, int *matched)
{
    int neg = 0, ok = 0;
    if (*p == '!' || *p == '^') {
        neg = 1;
        p++;
    }
    int first = 1;
    while (*p && (*p != ']' || first)) {
        first = 0;
        if (p[0] == '[' && p[1] == ':') {
            const char *end = strstr(p + 2, ":]");
            if (end) {
                ok |= in_class(p + 2, (size_t)(end - p - 2), c);
                p = end + 2;
                continue;
            }
        }
        int lo = (unsigned char)*p;
        if (lo == '\\' && !(flags & FNM_NOESCAPE) && p[1])
            lo = (unsigned char)*++p;
        p++;
        int hi = lo;
        if (p[0] == '-' && p[1] && p[1] != ']') {
            hi = (unsigned char)p[1];
            p += 2;
            if (hi == '\\' && !(flags & FNM_NOESCAPE) && *p)
                hi = (unsigned char)*p++;
        }
        if (fold(c, flags) >= fold(lo, flags) && fold(c, flags) <= fold(hi, flags))
            ok = 1;
        else if (c >= lo && c <= hi)
            ok = 1;
    }
    if (*p != ']')
        return NULL;
    *matched = ok != neg;
    return p + 1;
}

static int match(const char *p, const char *s, const char *start, int flags)
{
    for (;;) {
        int leading_dot = *s == '.' && (flags & FNM_PERIOD) &&
                          (s == start || ((flags & FNM_PATHNAME) && s[-1] == '/'));
        switch (*p) {
        case 0:
            return *s ? FNM_NOMATCH : 0;
        case '?':
            if (!*s || ((flags & FNM_PATHNAME) && *s == '/') || leading_dot)
                return FNM_NOMATCH;
            p++;
            s++;
            break;
        case '*':
            while (*p == '*')
                p++;
            if (leading_dot)
                return FNM_NOMATCH;
            /* Try every split point; the pattern after '*' is matched recursively. */
            for (;; s++) {
                if (match(p, s, start, flags) == 0)
                    return 0;
                if (!*s || ((flags & FNM_PATHNAME) && *s == '/'))
                    return FNM_NOMATCH;
            }
        case '[': {
            int m;
            const char *q;
            if (!*s || ((flags & FNM_PATHNAME) && *s == '/') || leading_dot)
                return FNM_NOMATCH;
            q = bracket(p + 1, (unsigned char)*s, flags, &m);
            if (q) {
                if (!m)
                    return FNM_NOMATCH;
                p = q;
                s++;
                break;
            }
            /* unclosed '[': an ordinary character */
            if (*s != '[')
                return FNM_NOMATCH;
            p++;
            s++;
            break;
        }
        case '\\':
            if (!(flags & FNM_NOESCAPE) && p[1])
                p++;
            /* fall through */
        default:
            if (fold((unsigned char)*p, flags) != fold((unsigned char)*s, flags))
                return FNM_NOMATCH;
            p++;
            s++;
            break;
        }
    }
}

int fnmatch(const char *pattern, const char *string, int flags)
{
    return match(pattern, string, string, flags);
}

/* POSIX basename: "/usr/lib/" -> "lib", "/" -> "/", "" or NULL -> "." */
char *basename(char *path)
{
    static char dot[] = ".";
    if (!path || !*path)
        return dot;
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        path[--n] = 0;
    char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* POSIX dirname: "/usr/lib" -> "/usr", "usr" -> ".", "/" -> "/", "a/b/" -> "a" */
char *dirname(char *path)
{
    static char dot[] = ".";
    if (!path || !*path)
        return dot;
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    if (n == 0)
        return dot;
    while (n > 1 && path[n - 1] == '/')
        n--;
    path[n] = 0;
    return path;
}
