/*
 * free - show the amount of free and used memory, from /proc/meminfo, as procps free:
 *                total        used        free      shared  buff/cache   available
 *   Mem:    ...
 *   Swap:   ...
 * used = total - available (procps 4; total - free - buff/cache without MemAvailable).
 * Options: -k KiB (default), -m MiB, -g GiB, -b bytes,
 * -h human-readable.
 */
#include <getopt.h>

#include "common.h"

static int unit_shift = 10, human;

static void cell(unsigned long long kib)
{
    char buf[32];

    if (human) {
        human_size(kib * 1024, buf, sizeof(buf));
        /* procps writes "Gi" "Mi" "Ki" and "B" for bytes */
        if (buf[strlen(buf) - 1] >= 'A' && buf[strlen(buf) - 1] <= 'Z')
            strcat(buf, "i");
        else
            strcat(buf, "B");
        printf(" %11s", buf);
    } else {
        printf(" %11llu", (kib << 10) >> unit_shift);
    }
}

int main(int argc, char **argv)
{
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    unsigned long long v, total = 0, mfree = 0, avail = 0, buffers = 0, cached = 0;
    unsigned long long shmem = 0, sreclaim = 0, stotal = 0, sfree = 0, bc;
    int c, have_avail = 0;

    progname = "free";
    opterr = 0;
    while ((c = getopt(argc, argv, "kmgbh")) != -1) {
        switch (c) {
        case 'k': unit_shift = 10; break;
        case 'm': unit_shift = 20; break;
        case 'g': unit_shift = 30; break;
        case 'b': unit_shift = 0; break;
        case 'h': human = 1; break;
        default: bad_option(c, 1);
        }
    }
    if (!(f = fopen("/proc/meminfo", "r"))) {
        warnmsg("/proc/meminfo: %s", strerror(errno));
        return 1;
    }
    /* "Key:   12345 kB" lines */
    while (getline(&line, &cap, f) >= 0) {
        char *key = line, *colon = strchr(line, ':');
        if (!colon)
            continue;
        colon[1] = '\0';
        v = strtoull(colon + 2, NULL, 10);
        if (strcmp(key, "MemTotal:") == 0) total = v;
        else if (strcmp(key, "MemFree:") == 0) mfree = v;
        else if (strcmp(key, "MemAvailable:") == 0) { avail = v; have_avail = 1; }
        else if (strcmp(key, "Buffers:") == 0) buffers = v;
        else if (strcmp(key, "Cached:") == 0) cached = v;
        else if (strcmp(key, "Shmem:") == 0) shmem = v;
        else if (strcmp(key, "SReclaimable:") == 0) sreclaim = v;
        else if (strcmp(key, "SwapTotal:") == 0) stotal = v;
        else if (strcmp(key, "SwapFree:") == 0) sfree = v;
    }
    free(line);
    fclose(f);
    bc = buffers + cached + sreclaim;
    if (!have_avail)
        avail = mfree + bc;
    printf("               total        used        free      shared  buff/cache   available\n");
    printf("Mem:    ");
    cell(total);
    cell(total > avail ? total - avail : 0);
    cell(mfree);
    cell(shmem);
    cell(bc);
    cell(avail);
    printf("\nSwap:   ");
    cell(stotal);
    cell(stotal - sfree);
    cell(sfree);
    putchar('\n');
    return finish_stdout();
}
