/*
 * table.c - printing the benchmark table (table.h): medians, ratio, target.
 *
 * Cells are padded by characters, not bytes, so "µs" lines up. Each row's
 * target is judged on the anyk median alone (target_max) or on the ratio to
 * the peer's median (target_ratio: at most; target_min_ratio: at least).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench/table.h"

void bfmt(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

void row_add(struct row *r, bool anyk, double v)
{
    if (v < 0)
        return;
    if (anyk && r->nanyk < TABLE_SAMPLES_MAX)
        r->anyk[r->nanyk++] = v;
    else if (!anyk && r->npeer < TABLE_SAMPLES_MAX)
        r->peer[r->npeer++] = v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The median of n samples, or -1 if there are none. */
static double median(const double *v, int n)
{
    double s[TABLE_SAMPLES_MAX];

    if (n <= 0)
        return -1;
    memcpy(s, v, (size_t)n * sizeof(*s));
    qsort(s, (size_t)n, sizeof(*s), cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void format(char *buf, size_t len, enum unit u, double v)
{
    if (v < 0)
        bfmt(buf, len, "failed");
    else if (u == U_TIME && v < 1e3)
        bfmt(buf, len, "%.1f ns", v);
    else if (u == U_TIME && v < 1e6)
        bfmt(buf, len, "%.2f µs", v / 1e3);
    else if (u == U_TIME)
        bfmt(buf, len, "%.2f ms", v / 1e6);
    else if (u == U_RATE)
        bfmt(buf, len, "%.1f M/s", v / 1e6);
    else if (u == U_MBPS)
        bfmt(buf, len, "%.0f MB/s", v / 1e6);
    else if (v < (1 << 20))
        bfmt(buf, len, "%.0f KiB", v / 1024);
    else
        bfmt(buf, len, "%.2f MiB", v / (1 << 20));
}

/* Append s to line, padded to width columns (counting UTF-8 characters, not bytes). */
static void cell(char *line, size_t cap, const char *s, int width)
{
    size_t len = strlen(line);
    int chars = 0;

    for (const char *p = s; *p; p++)
        chars += ((unsigned char)*p & 0xc0) != 0x80;
    bfmt(line + len, cap - len, "%s%*s", s, width > chars ? width - chars : 0, "");
}

static void print_line(const char *c0, const char *c1, const char *c2, const char *c3,
                       const char *c4)
{
    char line[200] = "";
    size_t len;

    cell(line, sizeof(line), c0, 31);
    cell(line, sizeof(line), c1, 13);
    cell(line, sizeof(line), c2, 13);
    cell(line, sizeof(line), c3, 9);
    cell(line, sizeof(line), c4, 0);
    len = strlen(line);
    while (len && line[len - 1] == ' ')
        line[--len] = '\0';
    printf("%s\n", line);
}

void table_print(const struct row *rows, int n)
{
    char a[32], p[64], r[32], t[64];

    printf("\n");
    print_line("", "anyk", "linux peer", "ratio", "target");
    for (int i = 0; i < n; i++) {
        const struct row *row = &rows[i];
        double ma = median(row->anyk, row->nanyk);
        double mp = median(row->peer, row->npeer);
        bool met;

        format(a, sizeof(a), row->unit, ma);
        if (row->has_peer && row->peer_na)
            bfmt(p, sizeof(p), "%s", row->peer_na);
        else if (row->has_peer)
            format(p, sizeof(p), row->unit, mp);
        else
            bfmt(p, sizeof(p), "-");
        if (row->has_peer && ma > 0 && mp > 0)
            bfmt(r, sizeof(r), ma / mp < 0.1 ? "%.3fx" : "%.2fx", ma / mp);
        else
            bfmt(r, sizeof(r), "-");
        if (row->target_ratio)
            met = ma > 0 && mp > 0 && ma / mp <= row->target_ratio;
        else if (row->target_min_ratio)
            met = ma > 0 && mp > 0 && ma / mp >= row->target_min_ratio;
        else
            met = ma >= 0 && ma < row->target_max;
        if (row->target)
            bfmt(t, sizeof(t), "%s (%s)", row->target,
                 ma < 0 || ((row->target_ratio || row->target_min_ratio) && mp < 0) ? "?"
                 : met ? "met" : "MISSED");
        else
            t[0] = '\0';
        print_line(row->name, a, p, r, t);
    }
}

void table_print_machine(void)
{
    char line[256], model[128] = "unknown CPU";
    struct utsname u;
    FILE *f = fopen("/proc/cpuinfo", "r");

    while (f && fgets(line, sizeof(line), f)) {
        char *colon = strchr(line, ':');
        if (!strncmp(line, "model name", 10) && colon) {
            bfmt(model, sizeof(model), "%s", colon + 2);
            model[strcspn(model, "\n")] = '\0';
            break;
        }
    }
    if (f)
        fclose(f);
    uname(&u);
    printf("anyk vs Linux %s, %s, %ld CPUs\n", u.release, model, sysconf(_SC_NPROCESSORS_ONLN));
}
