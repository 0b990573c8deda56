/*
 * cli.c - the options of `anyk run` and `anyk-kvm`, parsed once for both.
 *
 * Options follow QEMU's conventions where a user already knows them (-m with
 * a size). Everything the options say ends up in a struct posix_config: the
 * memory size, the disks, the initramfs, and the kernel command line (log
 * level, init, init's arguments). Mistakes get one line on stderr and exit
 * status 2; everything else is the kernel's business.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <anyk/version.h>
#include "host/posix/cli.h"

#define CMDLINE_MAX 4096
#define KEXEC_PATH "boot/kexec.bin"

static const struct posix_cli *me;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [OPTIONS] [-- ARGS...]\n"
            "       %s --help | --version\n"
            "\n"
            "%s\n"
            "ARGS go to init: the shell runs them as a command line (%s -- 'ls /bin'),\n"
            "as does the monitor (%s --init monitor -- 'uptime; halt 3').\n"
            "\n"
            "options:\n"
            "  -m, --mem SIZE     kernel RAM (default 64M); a number with K, M, G suffix,\n"
            "                     plain numbers are MiB as with QEMU's -m\n"
            "      --disk FILE[,ro]  a disk image or block device as /dev/blkN (repeatable,\n"
            "                     N in order; opened exclusively; ro: read-only)\n"
            "      --cache SIZE   the kernel's disk cache (default 32M)\n"
            "      --append WORDS more kernel command line (as QEMU's -append), e.g.\n"
            "                     'blk.flush=1000' (write-back every second; 0: only on sync)\n"
            "      --root DEV     mount DEV (e.g. /dev/blk0, an ext2 disk) as / instead of the\n"
            "                     built-in initramfs (read-only if the disk is ,ro)\n"
            "      --net tap:NAME a NIC on the existing TAP device NAME (repeatable: eth0,\n"
            "                     eth1, ... in order; needs CAP_NET_ADMIN or a device made\n"
            "                     for this user: ip tuntap add dev NAME mode tap user $USER)\n"
            "      --net none     no NICs\n"
            "      --init PROG    first program the kernel runs (default: /etc/rc, then\n"
            "                     /bin/sh; 'monitor' for the built-in kernel monitor)\n"
            "      --initrd FILE  unpack this cpio (newc) archive as the root instead of the\n"
            "                     built-in one\n"
            "      --kexec FILE   run FILE as a raw payload (a flat binary called with the API\n"
            "                     table) instead of init, and halt with what it returns\n"
            "  -v, --verbose      show the kernel's debug messages on the console\n"
            "  -q, --quiet        show only the kernel's warnings and errors\n"
            "  -h, --help         show this help\n"
            "  -V, --version      show the version\n"
            "\n"
            "%s exits with the status the kernel halts with: the first shell's exit status,\n"
            "or N from 'halt N';\n"
            "2 for a command-line error, 70 after a kernel panic%s.\n",
            me->command, me->prog, me->what, me->command, me->command, me->prog, me->statuses);
}

static void bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", me->prog);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", me->prog);
    exit(2);
}

/* Append a word to the kernel command line. */
static void append(char *cl, const char *s)
{
    size_t len = strlen(cl), add = strlen(s);

    if (len + add + 2 >= CMDLINE_MAX) {
        fprintf(stderr, "%s: command line too long (at most %d bytes)\n", me->prog, CMDLINE_MAX);
        exit(2);
    }
    if (len)
        cl[len++] = ' ';
    memcpy(cl + len, s, add + 1);
}

/* Read a whole file (an initramfs) into memory; one line on stderr on failure. */
static int load_file(const char *opt, const char *path, const void **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, len = 0, n;

    if (!f) {
        fprintf(stderr, "%s: %s %s: %s\n", me->prog, opt, path, strerror(errno));
        return -1;
    }
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            char *nb = realloc(buf, cap);
            if (!nb) {
                fprintf(stderr, "%s: %s %s: out of memory\n", me->prog, opt, path);
                free(buf);
                fclose(f);
                return -1;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    if (ferror(f)) {
        fprintf(stderr, "%s: %s %s: %s\n", me->prog, opt, path, strerror(errno));
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    *data = buf;
    *size = len;
    return 0;
}

static void put_hdr(char *p, const char *name, unsigned mode, size_t size)
{
    sprintf(p, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", 1u, mode, 0u,
            0u, 1u, 0u, size, 0u, 0u, 0u, 0u, strlen(name) + 1, 0u);
}

/*
 * A new initramfs: the current one followed by a second cpio archive holding
 * one file. Concatenated archives are unpacked in order, as Linux does.
 */
static int append_cpio_file(struct posix_config *cfg, const char *name, const void *data,
                            size_t size)
{
    size_t hdr = (110 + strlen(name) + 1 + 3) & ~(size_t)3;
    size_t body = (size + 3) & ~(size_t)3;
    size_t trailer = (110 + 11 + 3) & ~(size_t)3;
    size_t old = (cfg->initrd_size + 3) & ~(size_t)3;
    char *buf = calloc(1, old + hdr + body + trailer + 1);

    if (!buf) {
        fprintf(stderr, "%s: out of memory for --kexec\n", me->prog);
        return -1;
    }
    memcpy(buf, cfg->initrd, cfg->initrd_size);
    if (cfg->initrd_malloced)
        free((void *)cfg->initrd);
    cfg->initrd_malloced = true;
    put_hdr(buf + old, name, 0100755, size);
    memcpy(buf + old + 110, name, strlen(name) + 1);
    memcpy(buf + old + hdr, data, size);
    put_hdr(buf + old + hdr + body, "TRAILER!!!", 0, 0);
    memcpy(buf + old + hdr + body + 110, "TRAILER!!!", 11);
    cfg->initrd = buf;
    cfg->initrd_size = old + hdr + body + trailer;
    return 0;
}

/*
 * Append an argument for init so that the kernel splits it back exactly:
 * words with blanks, quotes or backslashes go in double quotes, with " and \
 * escaped by a backslash (kern/init.c undoes it).
 */
static void append_quoted(char *cl, const char *s)
{
    char q[CMDLINE_MAX];
    size_t n = 0;

    if (*s && !strpbrk(s, " \t\"\\")) {
        append(cl, s);
        return;
    }
    q[n++] = '"';
    for (; *s && n + 3 < sizeof(q); s++) {
        if (*s == '"' || *s == '\\')
            q[n++] = '\\';
        q[n++] = *s;
    }
    q[n++] = '"';
    q[n] = '\0';
    append(cl, q);
}

int posix_parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;
    int shift = 20;

    if (!s || !*s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    case 'b': case 'B': shift = 0; end++; break;
    case '\0': break;
    default: return -1;
    }
    if (*end || v > (~0ull >> shift))
        return -1;
    *out = (size_t)(v << shift);
    return 0;
}

/* A --disk argument: FILE, FILE,ro or FILE,rw. */
static void add_disk(struct posix_config *cfg, char *arg)
{
    char *comma = strrchr(arg, ',');

    if (cfg->ndisks == POSIX_DISKS_MAX)
        bad_usage("--disk: at most %s disks", "8");
    if (comma && !strcmp(comma, ",ro")) {
        *comma = '\0';
        cfg->disks[cfg->ndisks].read_only = true;
    } else if (comma && !strcmp(comma, ",rw")) {
        *comma = '\0';
    }
    if (!*arg)
        bad_usage("--disk: missing file name%s", "");
    cfg->disks[cfg->ndisks++].path = arg;
}

void posix_cli_usage_exit(const struct posix_cli *cli)
{
    me = cli;
    usage(stderr);
    exit(2);
}

void posix_cli_parse(const struct posix_cli *cli, int argc, char **argv,
                     struct posix_config *cfg)
{
    static const struct option opts[] = {
        { "mem", required_argument, NULL, 'm' },
        { "init", required_argument, NULL, 'i' },
        { "initrd", required_argument, NULL, 'r' },
        { "kexec", required_argument, NULL, 'k' },
        { "disk", required_argument, NULL, 'd' },
        { "cache", required_argument, NULL, 'c' },
        { "append", required_argument, NULL, 'a' },
        { "root", required_argument, NULL, 'R' },
        { "net", required_argument, NULL, 'n' },
        { "verbose", no_argument, NULL, 'v' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    static char cmdline[CMDLINE_MAX];
    const char *init = NULL;
    const void *kexec = NULL;
    size_t kexec_size = 0;
    int loglevel = -1, c;

    me = cli;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:m:vqhV", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (posix_parse_size(optarg, &cfg->mem) < 0)
                bad_usage("--mem: invalid size '%s' (try 64M or 1G)", optarg);
            break;
        case 'i':
            if (!*optarg || strchr(optarg, ' '))
                bad_usage("--init: invalid program name '%s'", optarg);
            init = optarg;
            break;
        case 'r':
            if (load_file("--initrd", optarg, &cfg->initrd, &cfg->initrd_size) < 0)
                exit(1);
            cfg->initrd_malloced = true;
            break;
        case 'k':
            if (load_file("--kexec", optarg, &kexec, &kexec_size) < 0)
                exit(1);
            break;
        case 'd':
            add_disk(cfg, optarg);
            break;
        case 'c': {
            size_t bytes;
            char w[64];
            if (posix_parse_size(optarg, &bytes) < 0 || bytes < (64u << 10))
                bad_usage("--cache: invalid size '%s' (try 32M)", optarg);
            snprintf(w, sizeof(w), "blk.cache=%zu", bytes);
            append(cmdline, w);
            break;
        }
        case 'n':
            if (!strcmp(optarg, "none")) {
                cfg->nnets = 0;
            } else if (!strncmp(optarg, "tap:", 4) || !strncmp(optarg, "tap,ifname=", 11)) {
                const char *name = optarg[3] == ':' ? optarg + 4 : optarg + 11;
                if (cfg->nnets == POSIX_NETS_MAX)
                    bad_usage("--net: at most %s NICs", "8");
                if (!*name)
                    bad_usage("--net %s: missing TAP device name", optarg);
                cfg->nets[cfg->nnets].kind = POSIX_NET_TAP;
                cfg->nets[cfg->nnets++].name = name;
            } else {
                bad_usage("--net: unknown kind '%s' (tap:NAME or none)", optarg);
            }
            break;
        case 'R': {
            char w[96];
            if (!*optarg || strchr(optarg, ' ') || strlen(optarg) > 60)
                bad_usage("--root: invalid device '%s' (try /dev/blk0)", optarg);
            snprintf(w, sizeof(w), "root=%s", optarg);
            append(cmdline, w);
            break;
        }
        case 'a':
            if (strstr(optarg, "--"))
                bad_usage("--append: '%s' would end the kernel's options (use -- ARGS)", optarg);
            append(cmdline, optarg);
            break;
        case 'v': loglevel = 7; break;
        case 'q': loglevel = 4; break;
        case 'h': usage(stdout); exit(0);
        case 'V': printf("%s %s\n", cli->prog, ANYK_VERSION); exit(0);
        case ':':
            bad_usage("option '%s' needs an argument", argv[optind - 1]);
            break;
        default:
            if (optopt)
                bad_usage("unknown option '-%c'", (char[]){ (char)optopt, 0 });
            bad_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc && strcmp(argv[optind - 1], "--") != 0)
        bad_usage("unexpected argument '%s' (init's arguments go after --)", argv[optind]);

    if (loglevel >= 0) {
        char w[16];
        snprintf(w, sizeof(w), "loglevel=%d", loglevel);
        append(cmdline, w);
    }
    if (kexec) {
        /* The payload travels as one more cpio archive after the initramfs. */
        if (append_cpio_file(cfg, KEXEC_PATH, kexec, kexec_size) < 0)
            exit(1);
        free((void *)kexec);
        append(cmdline, "kexec=/" KEXEC_PATH);
    }
    if (init) {
        char w[CMDLINE_MAX];
        snprintf(w, sizeof(w), "init=%s", init);
        append(cmdline, w);
    }
    if (optind < argc) {
        append(cmdline, "--");
        for (int i = optind; i < argc; i++)
            append_quoted(cmdline, argv[i]);
    }
    cfg->cmdline = cmdline;
}
