/*
 * getopt.c - command-line options: POSIX getopt, and getopt_long with GNU's
 * long options (--name, --name=value, --name value, unique prefixes). There
 * is no argument permutation: options end at the first operand or at "--",
 * as POSIX specifies (a leading '+' in optstring, GNU's way to ask for that,
 * is accepted and ignored). A leading ':' makes a missing argument return
 * ':' and silences the messages.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

char *optarg;
int optind = 1, opterr = 1, optopt;
static int nextchar;    /* position inside a group of short options like -abc */

static const char *prog(char *const argv[])
{
    const char *s = strrchr(argv[0], '/');
    return s ? s + 1 : argv[0];
}

static int long_option(int argc, char *const argv[], const char *name,
                       const struct option *opts, int *longindex, int colon)
{
    const char *eq = strchr(name, '=');
    size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
    int found = -1, ambiguous = 0;
    for (int i = 0; opts[i].name; i++) {
        if (strncmp(opts[i].name, name, nlen) != 0)
            continue;
        if (strlen(opts[i].name) == nlen) {
            found = i;
            ambiguous = 0;
            break;
        }
        if (found >= 0)
            ambiguous = 1;
        else
            found = i;
    }
    optind++;
    if (found < 0 || ambiguous) {
        if (opterr && !colon)
            fprintf(stderr, "%s: %s option '--%.*s'\n", prog(argv),
                    ambiguous ? "ambiguous" : "unrecognized", (int)nlen, name);
        optopt = 0;
        return '?';
    }
    const struct option *o = &opts[found];
    optarg = NULL;
    if (eq) {
        if (o->has_arg == no_argument) {
            if (opterr && !colon)
                fprintf(stderr, "%s: option '--%s' doesn't allow an argument\n", prog(argv),
                        o->name);
            optopt = o->val;
            return '?';
        }
        optarg = (char *)eq + 1;
    } else if (o->has_arg == required_argument) {
        if (optind >= argc) {
            if (opterr && !colon)
                fprintf(stderr, "%s: option '--%s' requires an argument\n", prog(argv),
                        o->name);
            optopt = o->val;
            return colon ? ':' : '?';
        }
        optarg = argv[optind++];
    }
    if (longindex)
        *longindex = found;
    if (o->flag) {
        *o->flag = o->val;
        return 0;
    }
    return o->val;
}

static int getopt_internal(int argc, char *const argv[], const char *optstring,
                           const struct option *longopts, int *longindex)
{
    if (*optstring == '+' || *optstring == '-')
        optstring++;
    int colon = *optstring == ':';
    if (colon)
        optstring++;

    /* optind = 0 asks for a restart (GNU); also reset when the caller rewinds optind */
    if (optind == 0) {
        optind = 1;
        nextchar = 0;
    }
    optarg = NULL;
    if (nextchar == 0) {
        if (optind >= argc || !argv[optind] || argv[optind][0] != '-' || !argv[optind][1])
            return -1;
        if (!strcmp(argv[optind], "--")) {
            optind++;
            return -1;
        }
        if (longopts && argv[optind][1] == '-')
            return long_option(argc, argv, argv[optind] + 2, longopts, longindex, colon);
        nextchar = 1;
    }
    char *arg = argv[optind];
    int c = (unsigned char)arg[nextchar++];
    const char *spec = c == ':' ? NULL : strchr(optstring, c);
    if (!arg[nextchar]) {
        optind++;
        nextchar = 0;
    }
    if (!spec) {
        optopt = c;
        if (opterr && !colon)
            fprintf(stderr, "%s: invalid option -- '%c'\n", prog(argv), c);
        return '?';
    }
    if (spec[1] == ':') {
        if (nextchar) {
            /* rest of this word is the argument: -ofile */
            optarg = arg + nextchar;
            optind++;
            nextchar = 0;
        } else if (spec[2] == ':') {
            optarg = NULL;  /* optional argument only when attached */
        } else if (optind < argc) {
            optarg = argv[optind++];
        } else {
            optopt = c;
            if (opterr && !colon)
                fprintf(stderr, "%s: option requires an argument -- '%c'\n", prog(argv), c);
            return colon ? ':' : '?';
        }
    }
    return c;
}

int getopt(int argc, char *const argv[], const char *optstring)
{
    return getopt_internal(argc, argv, optstring, NULL, NULL);
}

int getopt_long(int argc, char *const argv[], const char *optstring,
                const struct option *longopts, int *longindex)
{
    return getopt_internal(argc, argv, optstring, longopts, longindex);
}

/* Long options with a single dash are not supported: -name is short options. */
int getopt_long_only(int argc, char *const argv[], const char *optstring,
                     const struct option *longopts, int *longindex)
{
    return getopt_internal(argc, argv, optstring, longopts, longindex);
}
