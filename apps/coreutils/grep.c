/*
 * grep - print lines that match patterns.
 * Usage: grep [OPTIONS] PATTERN [FILE...] | grep [OPTIONS] -e PATTERN... [FILE...]
 * Options: -F fixed strings, -E extended regular expressions (default: basic), -G basic,
 * -e PATTERN (repeatable), -i ignore case, -v select non-matching lines, -c count,
 * -n line numbers, -l list matching files, -L list non-matching files, -q quiet,
 * -s no messages about unreadable files, -x whole line, -w whole word, -h / -H never /
 * always print file names, -r recurse into directories ("." if no FILE).
 * Regular expressions: . [] [^] [:class:] * ^ $ \ and, in ERE (or as \+ \? \| \( \) \{ \}
 * in BRE, as GNU does), + ? | () {m,n}. No back-references.
 * They are compiled to a small instruction list and run as a Thompson NFA (one pass per
 * line, every live state at once), so no pattern can take exponential time.
 * Exit status: 0 a line was selected, 1 none was, 2 an error (unless -q and a match).
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>

#include "common.h"

/* ---- the regular expression compiler -------------------------------------------------- */

enum op { CHAR, ANY, SET, SPLIT, JMP, BOL, EOL, WORDB, MATCH };

struct inst {
    unsigned char op, c;
    short set;  /* index into sets[] */
    int x, y;   /* SPLIT/JMP targets, relative to this instruction */
};

struct prog {
    struct inst *code;
    int len, cap;
};

static unsigned char (*sets)[32];
static int nsets;
static int ere, icase;
static const char *rx; /* parse position */

static void bad_regex(const char *why) __attribute__((noreturn));
static void bad_regex(const char *why)
{
    warnmsg("%s", why);
    exit(2);
}

static int emit(struct prog *p, int op, int c, int x, int y)
{
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->code = xrealloc(p->code, (size_t)p->cap * sizeof(struct inst));
    }
    p->code[p->len] = (struct inst){(unsigned char)op, (unsigned char)c, 0, x, y};
    return p->len++;
}

/* emit() may move the code, so these take the index first and then write. */
static void emit_copy(struct prog *p, struct inst in)
{
    int at = emit(p, 0, 0, 0, 0);

    p->code[at] = in;
}

static void emit_set(struct prog *p, int set)
{
    int at = emit(p, SET, 0, 0, 0);

    p->code[at].set = (short)set;
}

/* Make room for n instructions at `at` (jumps are relative, so nothing needs fixing). */
static void open_gap(struct prog *p, int at, int n)
{
    while (p->len + n > p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->code = xrealloc(p->code, (size_t)p->cap * sizeof(struct inst));
    }
    memmove(p->code + at + n, p->code + at, (size_t)(p->len - at) * sizeof(struct inst));
    p->len += n;
}

static void set_add(unsigned char *set, int c)
{
    set[c >> 3] |= (unsigned char)(1u << (c & 7));
    if (icase && isalpha(c)) {
        int o = islower(c) ? toupper(c) : tolower(c);
        set[o >> 3] |= (unsigned char)(1u << (o & 7));
    }
}

static int class_has(const char *name, size_t len, int c)
{
#define IS(n) (len == sizeof(n) - 1 && memcmp(name, n, len) == 0)
    if (IS("alpha")) return isalpha(c);
    if (IS("digit")) return isdigit(c);
    if (IS("alnum")) return isalnum(c);
    if (IS("upper")) return isupper(c);
    if (IS("lower")) return islower(c);
    if (IS("space")) return isspace(c);
    if (IS("blank")) return c == ' ' || c == '\t';
    if (IS("punct")) return ispunct(c);
    if (IS("print")) return isprint(c);
    if (IS("graph")) return isgraph(c);
    if (IS("cntrl")) return iscntrl(c);
    if (IS("xdigit")) return isxdigit(c);
#undef IS
    bad_regex("invalid character class");
}

/* A bracket expression; rx points after the '['. */
static int parse_set(void)
{
    unsigned char *set;
    int neg = 0, first = 1, i;

    sets = xrealloc(sets, (size_t)(nsets + 1) * sizeof(*sets));
    set = sets[nsets];
    memset(set, 0, 32);
    if (*rx == '^') {
        neg = 1;
        rx++;
    }
    for (;;) {
        int lo = (unsigned char)*rx, hi;
        if (!lo)
            bad_regex("Unmatched [, [^, [:, [., or [=");
        if (lo == ']' && !first)
            break;
        first = 0;
        if (lo == '[' && rx[1] == ':') {
            const char *end = strstr(rx + 2, ":]");
            if (!end)
                bad_regex("Unmatched [, [^, [:, [., or [=");
            for (i = 1; i < 256; i++)
                if (class_has(rx + 2, (size_t)(end - rx - 2), i))
                    set_add(set, i);
            rx = end + 2;
            continue;
        }
        rx++;
        hi = lo;
        if (*rx == '-' && rx[1] && rx[1] != ']') {
            hi = (unsigned char)rx[1];
            rx += 2;
            if (hi < lo)
                bad_regex("Invalid range end");
        }
        for (i = lo; i <= hi; i++)
            set_add(set, i);
    }
    rx++;
    if (neg)
        for (i = 0; i < 32; i++)
            set[i] = (unsigned char)~set[i];
    set[0] &= (unsigned char)~1u; /* never NUL: lines are C strings */
    return nsets++;
}

static void parse_alt(struct prog *p, int depth);

/* Is the text at rx the start of an operator of this dialect? */
static int at_op(const char *op_ere, const char *op_bre)
{
    if (ere)
        return *rx && strchr(op_ere, *rx) != NULL;
    return rx[0] == '\\' && rx[1] && strchr(op_bre, rx[1]) != NULL;
}

/* {m,n} or \{m,n\}; rx points at the brace (or its backslash). */
static void parse_braces(int *min, int *max)
{
    char *end;

    rx += ere ? 1 : 2;
    *min = (int)strtol(rx, &end, 10);
    if (end == rx)
        *min = 0;
    *max = *min;
    rx = end;
    if (*rx == ',') {
        rx++;
        *max = (int)strtol(rx, &end, 10);
        if (end == rx)
            *max = -1;
        rx = end;
    }
    if (ere ? *rx != '}' : (rx[0] != '\\' || rx[1] != '}'))
        bad_regex("Unmatched \\{");
    rx += ere ? 1 : 2;
    if (*max >= 0 && *max < *min)
        bad_regex("Invalid content of \\{\\}");
    if (*min > 255 || *max > 255)
        bad_regex("Regular expression too big");
}

static void parse_alt(struct prog *p, int depth);

/* One atom and its repetitions. Returns 0 at the end of a branch. */
static int parse_piece(struct prog *p, int depth, int at_start)
{
    int start = p->len, min, max, c, i, k, len;
    struct inst *atom;

    if (!*rx || at_op("|", "|") || (depth > 0 && at_op(")", ")")))
        return 0;
    c = (unsigned char)*rx;
    if (ere && c == '(') {
        rx++;
        parse_alt(p, depth + 1);
        if (*rx != ')')
            bad_regex("Unmatched ( or \\(");
        rx++;
    } else if (!ere && c == '\\' && rx[1] == '(') {
        rx += 2;
        parse_alt(p, depth + 1);
        if (rx[0] != '\\' || rx[1] != ')')
            bad_regex("Unmatched ( or \\(");
        rx += 2;
    } else if (c == '^' && (ere || at_start)) {
        rx++;
        emit(p, BOL, 0, 0, 0);
        return 1;
    } else if (c == '$' && (ere || !rx[1] || (rx[1] == '\\' && (rx[2] == ')' || rx[2] == '|')))) {
        rx++;
        emit(p, EOL, 0, 0, 0);
        return 1;
    } else if (c == '.') {
        rx++;
        emit(p, ANY, 0, 0, 0);
    } else if (c == '[') {
        rx++;
        i = parse_set();
        emit_set(p, i);
    } else if (c == '*' && at_start) {
        /* a leading '*' is an ordinary character */
        rx++;
        emit(p, CHAR, '*', 0, 0);
    } else if (c == '\\') {
        c = (unsigned char)rx[1];
        if (!c)
            bad_regex("Trailing backslash");
        rx += 2;
        if (c == '<' || c == '>' || c == 'b') {
            emit(p, WORDB, c, 0, 0);
            return 1;
        }
        if (c == 'w' || c == 'W') {
            sets = xrealloc(sets, (size_t)(nsets + 1) * sizeof(*sets));
            memset(sets[nsets], 0, 32);
            for (i = 1; i < 256; i++)
                if ((isalnum(i) || i == '_') == (c == 'w'))
                    set_add(sets[nsets], i);
            emit_set(p, nsets++);
        } else {
            emit(p, CHAR, icase ? tolower(c) : c, 0, 0);
        }
    } else {
        rx++;
        emit(p, CHAR, icase ? tolower(c) : c, 0, 0);
    }
    /* repetition operators apply to the code just emitted, [start, p->len) */
    for (;;) {
        if (*rx == '*') {
            rx++;
            min = 0;
            max = -1;
        } else if (at_op("+", "+")) {
            rx += ere ? 1 : 2;
            min = 1;
            max = -1;
        } else if (at_op("?", "?")) {
            rx += ere ? 1 : 2;
            min = 0;
            max = 1;
        } else if (at_op("{", "{")) {
            parse_braces(&min, &max);
        } else {
            break;
        }
        /* rebuild as min copies of the atom, then a loop or (max - min) optional copies */
        len = p->len - start;
        atom = xmalloc((size_t)len * sizeof(struct inst));
        memcpy(atom, p->code + start, (size_t)len * sizeof(struct inst));
        p->len = start;
        for (i = 0; i < min; i++)
            for (k = 0; k < len; k++)
                emit_copy(p, atom[k]);
        if (max < 0) {
            /* L: SPLIT +1, +(len + 2); atom; JMP L */
            int at = emit(p, SPLIT, 0, 1, len + 2);
            for (k = 0; k < len; k++)
                emit_copy(p, atom[k]);
            k = emit(p, JMP, 0, 0, 0);
            p->code[k].x = at - k;
        } else {
            for (i = min; i < max; i++) {
                emit(p, SPLIT, 0, 1, len + 1);
                for (k = 0; k < len; k++)
                    emit_copy(p, atom[k]);
            }
        }
        free(atom);
    }
    return 1;
}

/* branch ('|' branch)*: SPLIT +1, L2; branch; JMP end; L2: the rest. */
static void parse_alt(struct prog *p, int depth)
{
    int start = p->len, at_start = 1, j;

    while (parse_piece(p, depth, at_start))
        at_start = p->len > start && p->code[p->len - 1].op == BOL && p->len == start + 1;
    if (!at_op("|", "|"))
        return;
    rx += ere ? 1 : 2;
    open_gap(p, start, 1);
    p->code[start] = (struct inst){SPLIT, 0, 0, 1, p->len - start + 1};
    j = emit(p, JMP, 0, 0, 0);
    parse_alt(p, depth);
    p->code[j].x = p->len - j;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- running a program over a line ------------------------------------------------------ */

static int *mark, gen, matched;

static int is_word(int c)
{
    return isalnum(c) || c == '_';
}

static void add_thread(const struct prog *p, int *list, int *n, int pc, const char *s, size_t len,
                       size_t pos)
{
    const struct inst *in;
    int before, after;

    if (mark[pc] == gen)
        return;
    mark[pc] = gen;
    in = &p->code[pc];
    switch (in->op) {
    case JMP:
        add_thread(p, list, n, pc + in->x, s, len, pos);
        return;
    case SPLIT:
        add_thread(p, list, n, pc + in->x, s, len, pos);
        add_thread(p, list, n, pc + in->y, s, len, pos);
        return;
    case BOL:
        if (pos == 0)
            add_thread(p, list, n, pc + 1, s, len, pos);
        return;
    case EOL:
        if (pos == len)
            add_thread(p, list, n, pc + 1, s, len, pos);
        return;
    case WORDB:
        before = pos > 0 && is_word((unsigned char)s[pos - 1]);
        after = pos < len && is_word((unsigned char)s[pos]);
        if ((in->c == '<' && !before && after) || (in->c == '>' && before && !after) ||
            (in->c == 'b' && before != after) || (in->c == 'l' && !before) ||
            (in->c == 'r' && !after))
            add_thread(p, list, n, pc + 1, s, len, pos);
        return;
    case MATCH:
        matched = 1;
        return;
    }
    list[(*n)++] = pc;
}

static int prog_match(const struct prog *p, const char *s, size_t len)
{
    static int *lists, cap;
    int *cur, *next, nc = 0, nn, i, *tmp;
    size_t pos;

    if (cap < p->len) {
        cap = p->len;
        lists = xrealloc(lists, 2 * (size_t)cap * sizeof(int));
        mark = xrealloc(mark, (size_t)cap * sizeof(int));
        memset(mark, 0, (size_t)cap * sizeof(int));
        gen = 0;
    }
    cur = lists;
    next = lists + cap;
    matched = 0;
    gen++;
    add_thread(p, cur, &nc, 0, s, len, 0);
    for (pos = 0; !matched && pos < len; pos++) {
        int c = (unsigned char)s[pos], lc = icase ? tolower(c) : c;
        gen++;
        nn = 0;
        for (i = 0; i < nc; i++) {
            const struct inst *in = &p->code[cur[i]];
            if ((in->op == CHAR && in->c == lc) || (in->op == ANY && c != 0) ||
                (in->op == SET && (sets[in->set][c >> 3] & (1u << (c & 7)))))
                add_thread(p, next, &nn, cur[i] + 1, s, len, pos + 1);
        }
        /* an unanchored search: a new attempt may start at every position */
        add_thread(p, next, &nn, 0, s, len, pos + 1);
        tmp = cur;
        cur = next;
        next = tmp;
        nc = nn;
    }
    return matched;
}

/* ---- the grep program --------------------------------------------------------------------- */

static struct prog *progs;
static int nprogs;
static int fixed, invert, count_only, number, list_files, list_nonmatching, quiet, silent;
static int whole_line, whole_word, recursive, with_names = -1, errors, any_selected;

static void compile(const char *pattern, size_t plen)
{
    struct prog *p;
    char *copy = xmalloc(plen + 1);
    size_t i;

    memcpy(copy, pattern, plen);
    copy[plen] = '\0';
    progs = xrealloc(progs, (size_t)(nprogs + 1) * sizeof(*progs));
    p = &progs[nprogs++];
    memset(p, 0, sizeof(*p));
    if (whole_line)
        emit(p, BOL, 0, 0, 0);
    if (whole_word)
        emit(p, WORDB, 'l', 0, 0);
    if (fixed) {
        for (i = 0; i < plen; i++) {
            int c = (unsigned char)copy[i];
            emit(p, CHAR, icase ? tolower(c) : c, 0, 0);
        }
    } else {
        rx = copy;
        parse_alt(p, 0);
        if (*rx)
            bad_regex(ere ? "Unmatched ) or \\)" : "Unmatched ) or \\)");
    }
    if (whole_word)
        emit(p, WORDB, 'r', 0, 0);
    if (whole_line)
        emit(p, EOL, 0, 0, 0);
    emit(p, MATCH, 0, 0, 0);
    free(copy);
}

/* Each line of a -e argument is a pattern of its own. */
static void add_patterns(const char *arg)
{
    const char *nl;

    while ((nl = strchr(arg, '\n')) != NULL) {
        compile(arg, (size_t)(nl - arg));
        arg = nl + 1;
    }
    compile(arg, strlen(arg));
}

static int line_selected(const char *s, size_t len)
{
    int i;

    for (i = 0; i < nprogs; i++)
        if (prog_match(&progs[i], s, len))
            return !invert;
    return invert;
}

static void grep_buffer(const char *buf, size_t len, const char *name)
{
    const char *p = buf, *end = buf + len;
    unsigned long lineno = 0, count = 0;
    int binary = memchr(buf, '\0', len) != NULL;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

        lineno++;
        if (line_selected(p, l)) {
            count++;
            any_selected = 1;
            if (quiet)
                exit(0);
            if (list_files || list_nonmatching)
                break;
            if (!count_only) {
                if (binary) {
                    fflush(stdout);
                    printf("%s: %s: binary file matches\n", progname, name);
                    break;
                }
                if (with_names)
                    printf("%s:", name);
                if (number)
                    printf("%lu:", lineno);
                fwrite(p, 1, l, stdout);
                putchar('\n');
            }
        }
        p += l + 1;
    }
    if (count_only) {
        if (with_names)
            printf("%s:", name);
        printf("%lu\n", count);
    }
    if ((list_files && count) || (list_nonmatching && !count))
        printf("%s\n", name);
}

static void grep_path(const char *path, int top)
{
    struct stat st;
    int fd;
    size_t len;
    char *buf;

    if (strcmp(path, "-") == 0 && top) {
        buf = slurp_fd(0, &len);
        if (!buf) {
            if (!silent)
                warnmsg("(standard input): %s", strerror(errno));
            errors = 1;
            return;
        }
        grep_buffer(buf, len, "(standard input)");
        free(buf);
        return;
    }
    if ((top ? stat(path, &st) : lstat(path, &st)) < 0) {
        if (!silent)
            warnmsg("%s: %s", path, strerror(errno));
        errors = 1;
        return;
    }
    if (S_ISLNK(st.st_mode))
        return; /* -r does not follow links met inside directories */
    if (S_ISDIR(st.st_mode)) {
        DIR *d;
        struct dirent *de;
        char **names = NULL;
        size_t n = 0, i;

        if (!recursive) {
            if (!silent)
                warnmsg("%s: Is a directory", path);
            errors = 1;
            return;
        }
        if (!(d = opendir(path))) {
            if (!silent)
                warnmsg("%s: %s", path, strerror(errno));
            errors = 1;
            return;
        }
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            names = xrealloc(names, (n + 1) * sizeof(char *));
            names[n++] = path_join(path, de->d_name);
        }
        closedir(d);
        /* readdir order differs between file systems; sort for a stable output */
        qsort(names, n, sizeof(char *), cmp_names);
        for (i = 0; i < n; i++) {
            grep_path(names[i], 0);
            free(names[i]);
        }
        free(names);
        return;
    }
    if ((fd = open(path, O_RDONLY)) < 0 || !(buf = slurp_fd(fd, &len))) {
        if (!silent)
            warnmsg("%s: %s", path, strerror(errno));
        errors = 1;
        if (fd >= 0)
            close(fd);
        return;
    }
    close(fd);
    grep_buffer(buf, len, path);
    free(buf);
}

int main(int argc, char **argv)
{
    int c, npat = 0, i;
    char **pats = xmalloc((size_t)argc * sizeof(char *));

    progname = "grep";
    opterr = 0;
    while ((c = getopt(argc, argv, "FEGe:ivcnlLqsxwhHrR")) != -1) {
        switch (c) {
        case 'F': fixed = 1; break;
        case 'E': ere = 1; fixed = 0; break;
        case 'G': ere = 0; fixed = 0; break;
        case 'e': pats[npat++] = optarg; break;
        case 'i': icase = 1; break;
        case 'v': invert = 1; break;
        case 'c': count_only = 1; break;
        case 'n': number = 1; break;
        case 'l': list_files = 1; break;
        case 'L': list_nonmatching = 1; break;
        case 'q': quiet = 1; break;
        case 's': silent = 1; break;
        case 'x': whole_line = 1; break;
        case 'w': whole_word = 1; break;
        case 'h': with_names = 0; break;
        case 'H': with_names = 1; break;
        case 'r':
        case 'R': recursive = 1; break;
        default:
            if (optopt == 'e') {
                fprintf(stderr, "grep: option requires an argument -- 'e'\n");
                fprintf(stderr, "Usage: grep [OPTION]... PATTERNS [FILE]...\n"
                        "Try 'grep --help' for more information.\n");
                return 2;
            }
            fprintf(stderr, "grep: invalid option -- '%c'\n", optopt);
            fprintf(stderr, "Usage: grep [OPTION]... PATTERNS [FILE]...\n"
                    "Try 'grep --help' for more information.\n");
            return 2;
        }
    }
    if (npat == 0) {
        if (optind >= argc) {
            fprintf(stderr, "Usage: grep [OPTION]... PATTERNS [FILE]...\n"
                    "Try 'grep --help' for more information.\n");
            return 2;
        }
        pats[npat++] = argv[optind++];
    }
    for (i = 0; i < npat; i++)
        add_patterns(pats[i]);
    if (with_names < 0)
        with_names = argc - optind > 1 || recursive;
    if (optind >= argc) {
        if (recursive) {
            /* GNU names the files it finds under "." without the "./" prefix */
            DIR *d = opendir(".");
            struct dirent *de;
            char **names = NULL;
            size_t n = 0, k;
            if (d) {
                while ((de = readdir(d)) != NULL) {
                    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                    names = xrealloc(names, (n + 1) * sizeof(char *));
                    names[n++] = strdup(de->d_name);
                }
                closedir(d);
            }
            qsort(names, n, sizeof(char *), cmp_names);
            for (k = 0; k < n; k++)
                grep_path(names[k], 0);
        } else {
            grep_path("-", 1);
        }
    }
    for (; optind < argc; optind++)
        grep_path(argv[optind], 1);
    if (finish_stdout())
        return 2;
    if (errors && !(quiet && any_selected))
        return 2;
    return any_selected ? 0 : 1;
}
