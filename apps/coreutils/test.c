/*
 * test - evaluate a condition; exit 0 if true, 1 if false, 2 on a syntax error.
 * Also works as "[" (then the last argument must be "]").
 * Primaries: -e -f -d -h/-L -r -w -x -s -p -c -b -S FILE, -t FD, -z -n STRING, STRING,
 * (-r -w -x look at the permission bits alone: anyk has one user and no access()),
 * S1 = S2, S1 != S2, S1 < S2, S1 > S2, N1 -eq -ne -lt -le -gt -ge N2, F1 -nt -ot -ef F2.
 * Operators: ! EXPR, EXPR -a EXPR, EXPR -o EXPR, ( EXPR ). With one to four arguments
 * the POSIX rules pick the meaning (so "test -n" and "test ! =" behave as POSIX says).
 */
#include "common.h"

static char **args;
static int nargs, pos;

static void syntax(const char *what, const char *arg) __attribute__((noreturn));
static void syntax(const char *what, const char *arg)
{
    if (arg)
        fprintf(stderr, "%s: '%s': %s\n", progname, arg, what);
    else
        fprintf(stderr, "%s: %s\n", progname, what);
    exit(2);
}

static long long number(const char *s)
{
    char *end;
    long long v;

    while (*s == ' ' || *s == '\t')
        s++;
    errno = 0;
    v = str_to_ll(s, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == s || *end || errno) {
        fprintf(stderr, "%s: invalid integer '%s'\n", progname, s);
        exit(2);
    }
    return v;
}

static int unary_file(int op, const char *f)
{
    struct stat st;

    if (op == 'h' || op == 'L')
        return lstat(f, &st) == 0 && S_ISLNK(st.st_mode);
    if (stat(f, &st) < 0)
        return 0;
    switch (op) {
    case 'e': return 1;
    case 'f': return S_ISREG(st.st_mode);
    case 'd': return S_ISDIR(st.st_mode);
    case 'p': return S_ISFIFO(st.st_mode);
    case 'c': return S_ISCHR(st.st_mode);
    case 'b': return S_ISBLK(st.st_mode);
    case 'S': return S_ISSOCK(st.st_mode);
    case 's': return st.st_size > 0;
    /* anyk runs everything with one identity and no access(); any permission bit counts */
    case 'r': return (st.st_mode & 0444) != 0;
    case 'w': return (st.st_mode & 0222) != 0;
    case 'x': return (st.st_mode & 0111) != 0;
    }
    return 0;
}

static int is_unary(const char *s)
{
    return s[0] == '-' && s[1] && !s[2] && strchr("efdhLrwxspcbSznt", s[1]);
}

static int is_binary(const char *s)
{
    static const char *const ops[] = {"=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le",
                                      "-gt", "-ge", "-nt", "-ot", "-ef", NULL};
    int i;

    for (i = 0; ops[i]; i++)
        if (strcmp(s, ops[i]) == 0)
            return 1;
    return 0;
}

static int binary(const char *a, const char *op, const char *b)
{
    struct stat sa, sb;

    if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0)
        return strcmp(a, b) == 0;
    if (strcmp(op, "!=") == 0)
        return strcmp(a, b) != 0;
    if (strcmp(op, "<") == 0)
        return strcmp(a, b) < 0;
    if (strcmp(op, ">") == 0)
        return strcmp(a, b) > 0;
    if (strcmp(op, "-nt") == 0 || strcmp(op, "-ot") == 0 || strcmp(op, "-ef") == 0) {
        int ha = stat(a, &sa) == 0, hb = stat(b, &sb) == 0;
        if (op[1] == 'e')
            return ha && hb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
        if (op[1] == 'n')
            return ha && (!hb || sa.st_mtim.tv_sec > sb.st_mtim.tv_sec ||
                          (sa.st_mtim.tv_sec == sb.st_mtim.tv_sec &&
                           sa.st_mtim.tv_nsec > sb.st_mtim.tv_nsec));
        return hb && (!ha || sa.st_mtim.tv_sec < sb.st_mtim.tv_sec ||
                      (sa.st_mtim.tv_sec == sb.st_mtim.tv_sec &&
                       sa.st_mtim.tv_nsec < sb.st_mtim.tv_nsec));
    }
    {
        long long x = number(a), y = number(b);
        if (strcmp(op, "-eq") == 0) return x == y;
        if (strcmp(op, "-ne") == 0) return x != y;
        if (strcmp(op, "-lt") == 0) return x < y;
        if (strcmp(op, "-le") == 0) return x <= y;
        if (strcmp(op, "-gt") == 0) return x > y;
        return x >= y;
    }
}

static int expr_or(void);

static int primary(void)
{
    const char *a;

    if (pos >= nargs)
        syntax("argument expected", NULL);
    a = args[pos];
    if (strcmp(a, "!") == 0) {
        pos++;
        return !primary();
    }
    if (strcmp(a, "(") == 0 && !(pos + 2 < nargs && is_binary(args[pos + 1]))) {
        int r;
        pos++;
        r = expr_or();
        if (pos >= nargs || strcmp(args[pos], ")") != 0)
            syntax("')' expected", NULL);
        pos++;
        return r;
    }
    if (pos + 2 < nargs + 0 && is_binary(args[pos + 1])) {
        pos += 3;
        return binary(a, args[pos - 2], args[pos - 1]);
    }
    if (is_unary(a) && pos + 1 < nargs) {
        pos += 2;
        if (a[1] == 'z')
            return args[pos - 1][0] == '\0';
        if (a[1] == 'n')
            return args[pos - 1][0] != '\0';
        if (a[1] == 't') {
            char *end;
            long fd = strtol(args[pos - 1], &end, 10);
            return *end == '\0' && end != args[pos - 1] && fd >= 0 && fd < 1024 &&
                   isatty((int)fd);
        }
        return unary_file(a[1], args[pos - 1]);
    }
    pos++;
    return a[0] != '\0';
}

static int expr_and(void)
{
    int r = primary();

    while (pos < nargs && strcmp(args[pos], "-a") == 0) {
        pos++;
        r = primary() && r;
    }
    return r;
}

static int expr_or(void)
{
    int r = expr_and();

    while (pos < nargs && strcmp(args[pos], "-o") == 0) {
        pos++;
        r = expr_and() || r;
    }
    return r;
}

int main(int argc, char **argv)
{
    int r;

    progname = strcmp(base_of(argv[0]), "[") == 0 ? "[" : "test";
    args = argv + 1;
    nargs = argc - 1;
    if (progname[0] == '[') {
        if (nargs < 1 || strcmp(args[nargs - 1], "]") != 0)
            syntax("missing ']'", NULL);
        nargs--;
    }
    /* POSIX's rules by argument count, before the general grammar */
    if (nargs == 0)
        return 1;
    if (nargs == 1)
        return args[0][0] == '\0';
    if (nargs == 2 && strcmp(args[0], "!") == 0)
        return args[1][0] != '\0';
    if (nargs == 3 && is_binary(args[1]))
        return !binary(args[0], args[1], args[2]);
    if (nargs == 3 && strcmp(args[0], "!") == 0) {
        pos = 1;
        r = primary();
        return r;
    }
    r = expr_or();
    if (pos < nargs)
        syntax("extra argument", args[pos]);
    return !r;
}
