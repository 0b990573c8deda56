/*
 * table.h - the table every benchmark driver in bench/ prints.
 *
 * A row holds the samples of one measurement for anyk and for its Linux peer;
 * the table shows their medians, the ratio anyk / linux, and the target with
 * whether the anyk median meets it. Nothing fails on a number.
 */
#ifndef BENCH_TABLE_H
#define BENCH_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#define TABLE_SAMPLES_MAX 16

enum unit {
    U_TIME,     /* nanoseconds */
    U_RATE,     /* operations per second, shown in M/s */
    U_BYTES,    /* bytes, shown in KiB or MiB */
    U_MBPS,     /* bytes per second, shown in MB/s (10^6 bytes) */
};

struct row {
    const char *name;
    enum unit unit;
    bool has_peer;
    const char *target;         /* text, or NULL */
    double target_max;          /* met if the anyk median is below this */
    double target_ratio;        /* if nonzero instead: met if anyk / linux is at most this */
    double target_min_ratio;    /* if nonzero instead: met if anyk / linux is at least this */
    const char *peer_na;        /* if set, the peer could not run: shown in its cell */
    double anyk[TABLE_SAMPLES_MAX], peer[TABLE_SAMPLES_MAX];
    int nanyk, npeer;           /* valid samples */
};

/* A sample of anyk or of the peer; negative values (failed runs) are dropped. */
void row_add(struct row *r, bool anyk, double v);

/* The header line and one line per row, each cell the median of its samples. */
void table_print(const struct row *rows, int n);

/* "anyk vs Linux RELEASE, CPU MODEL, N CPUs" */
void table_print_machine(void);

/* snprintf that always terminates and never warns about truncation. */
void bfmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
