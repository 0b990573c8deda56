/*
 * sha256sum - print or check SHA-256 (FIPS 180-4) checksums.
 * Usage: sha256sum [FILE...] prints "HASH  NAME" per file ("-" or none: standard input);
 * sha256sum -c [FILE...] reads such lines and checks them, printing "NAME: OK" or
 * "NAME: FAILED". Options: -c check, -b / -t accepted (no text mode on anyk),
 * --quiet style -q: do not print OK lines when checking. The hash is computed here.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>

#include "common.h"

struct sha256 {
    uint32_t h[8];
    uint64_t len;       /* bytes hashed so far */
    unsigned char block[64];
    size_t fill;
};

/* The first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t k256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

/* FIPS 180-4 section 6.2.2: one 512-bit block. */
static void sha256_block(struct sha256 *s, const unsigned char *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
    int i;

    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
    e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
    for (i = 0; i < 64; i++) {
        t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + k256[i] + w[i];
        t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
    s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha256_init(struct sha256 *s)
{
    /* the first 32 bits of the fractional parts of the square roots of the first 8 primes */
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

    memcpy(s->h, iv, sizeof(iv));
    s->len = 0;
    s->fill = 0;
}

static void sha256_update(struct sha256 *s, const unsigned char *p, size_t n)
{
    s->len += n;
    while (n > 0) {
        size_t take = 64 - s->fill < n ? 64 - s->fill : n;
        memcpy(s->block + s->fill, p, take);
        s->fill += take;
        p += take;
        n -= take;
        if (s->fill == 64) {
            sha256_block(s, s->block);
            s->fill = 0;
        }
    }
}

/* Padding (section 5.1.1): a 1 bit, zeros, then the length in bits, big-endian. */
static void sha256_final(struct sha256 *s, char hex[65])
{
    uint64_t bits = s->len * 8;
    unsigned char pad = 0x80, zero = 0, len[8];
    int i;

    sha256_update(s, &pad, 1);
    while (s->fill != 56)
        sha256_update(s, &zero, 1);
    for (i = 0; i < 8; i++)
        len[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha256_update(s, len, 8);
    for (i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", (s->h[i / 4] >> (24 - 8 * (i % 4))) & 0xff);
}

/* Hash a file ("-": standard input); 0 or -1 with errno. */
static int hash_file(const char *name, char hex[65])
{
    static unsigned char buf[65536];
    struct sha256 s;
    int fd = 0;
    ssize_t n;

    if (strcmp(name, "-") != 0 && (fd = open(name, O_RDONLY)) < 0)
        return -1;
    sha256_init(&s);
    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (fd != 0)
                close(fd);
            return -1;
        }
        sha256_update(&s, buf, (size_t)n);
    }
    if (fd != 0)
        close(fd);
    sha256_final(&s, hex);
    return 0;
}

/* -c: each line "HASH  NAME" (or "HASH *NAME"). Returns the exit status. */
static int check_list(const char *list, int quiet)
{
    FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
    char *line = NULL, hex[65];
    size_t cap = 0;
    ssize_t len;
    unsigned long failed = 0, unreadable = 0, bad = 0, good = 0, lineno = 0;
    const char *shown = strcmp(list, "-") == 0 ? "standard input" : list;

    if (!f) {
        warnmsg("%s: %s", list, strerror(errno));
        return 1;
    }
    while ((len = getline(&line, &cap, f)) >= 0) {
        char *name;
        int i, ok = 1;

        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        for (i = 0; i < 64; i++)
            if (!isxdigit((unsigned char)line[i]))
                ok = 0;
        if (!ok || len < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*')) {
            bad++;
            continue;
        }
        name = line + 66;
        if (hash_file(name, hex) < 0) {
            warnmsg("%s: %s", name, strerror(errno));
            printf("%s: FAILED open or read\n", name);
            unreadable++;
            continue;
        }
        if (strncasecmp(hex, line, 64) == 0) {
            good++;
            if (!quiet)
                printf("%s: OK\n", name);
        } else {
            failed++;
            printf("%s: FAILED\n", name);
        }
    }
    free(line);
    if (f != stdin)
        fclose(f);
    if (good + failed + unreadable == 0) {
        warnmsg("%s: no properly formatted checksum lines found", shown);
        return 1;
    }
    fflush(stdout);
    if (bad)
        warnmsg("WARNING: %lu line%s improperly formatted", bad, bad > 1 ? "s are" : " is");
    if (unreadable)
        warnmsg("WARNING: %lu listed file%s could not be read", unreadable,
                unreadable > 1 ? "s" : "");
    if (failed)
        warnmsg("WARNING: %lu computed checksum%s did NOT match", failed,
                failed > 1 ? "s" : "");
    return failed || unreadable ? 1 : 0;
}

int main(int argc, char **argv)
{
    int c, check = 0, quiet = 0, status = 0, i;
    static char *dash[] = {"-", NULL};
    char **files, hex[65];

    progname = "sha256sum";
    opterr = 0;
    while ((c = getopt(argc, argv, "cbtq")) != -1) {
        switch (c) {
        case 'c': check = 1; break;
        case 'b':
        case 't': break;
        case 'q': quiet = 1; break;
        default: bad_option(c, 1);
        }
    }
    files = optind < argc ? argv + optind : dash;
    for (i = 0; files[i]; i++) {
        if (check) {
            status |= check_list(files[i], quiet);
        } else if (hash_file(files[i], hex) < 0) {
            warnmsg("%s: %s", files[i], strerror(errno));
            status = 1;
        } else {
            printf("%s  %s\n", hex, files[i]);
        }
    }
    return finish_stdout() || status;
}
