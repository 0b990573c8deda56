/* sys/time.h - struct timeval and gettimeofday. */
#ifndef _SYS_TIME_H
#define _SYS_TIME_H

#include <sys/types.h>
#include <time.h>

struct timeval {
    time_t tv_sec;
    suseconds_t tv_usec;
};

struct timezone {
    int tz_minuteswest, tz_dsttime;
};

int gettimeofday(struct timeval *tv, void *tz);
int utimes(const char *path, const struct timeval times[2]);

#endif
