/*
 * time.c - clocks, sleeping and the civil calendar. anyk keeps UTC only, so
 * localtime is gmtime and mktime is timegm. The calendar conversions use the
 * proleptic Gregorian calendar with 400-year eras (146097 days each), counted
 * from 0000-03-01 so that the leap day falls at the end of each year.
 */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "libc_impl.h"

long timezone;
int daylight;
char *tzname[2] = {"UTC", "UTC"};

int clock_gettime(clockid_t clk, struct timespec *ts)
{
    struct anyk_timespec k;
    if (__sysret(__anyk->clock_gettime(clk, &k)) < 0)
        return -1;
    ts->tv_sec = k.tv_sec;
    ts->tv_nsec = k.tv_nsec;
    return 0;
}

int clock_getres(clockid_t clk, struct timespec *ts)
{
    (void)clk;
    if (ts) {
        ts->tv_sec = 0;
        ts->tv_nsec = 1;
    }
    return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    struct anyk_timespec kr = {req->tv_sec, req->tv_nsec}, krem = {0, 0};
    int r = (int)__sysret(__anyk->nanosleep(&kr, &krem));
    if (r < 0 && rem) {
        rem->tv_sec = krem.tv_sec;
        rem->tv_nsec = krem.tv_nsec;
    }
    return r;
}

time_t time(time_t *t)
{
    struct timespec ts = {0, 0};
    clock_gettime(CLOCK_REALTIME, &ts);
    if (t)
        *t = ts.tv_sec;
    return ts.tv_sec;
}

int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
        return -1;
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
    return 0;
}

/* Processor time is not accounted per task: report monotonic time since the first call. */
clock_t clock(void)
{
    static long long start = -1;
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        return -1;
    long long us = (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    if (start < 0)
        start = us;
    return (clock_t)(us - start);
}

double difftime(time_t a, time_t b)
{
    return (double)(a - b);
}

static long long floor_div(long long a, long long b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Days since 1970-01-01 of year y, month m (1-12), day d (1-31). */
long long __days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = floor_div(y, 400);
    long long yoe = y - era * 400;                              /* 0..399 */
    long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;   /* 0..365 from March */
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;     /* 0..146096 */
    return era * 146097 + doe - 719468;
}

static int is_leap(long long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

struct tm *gmtime_r(const time_t *t, struct tm *tm)
{
    long long secs = *t;
    long long days = floor_div(secs, 86400);
    long long rem = secs - days * 86400;
    tm->tm_hour = (int)(rem / 3600);
    tm->tm_min = (int)(rem / 60 % 60);
    tm->tm_sec = (int)(rem % 60);
    tm->tm_wday = (int)((days % 7 + 11) % 7);     /* 1970-01-01 was a Thursday (4) */

    long long z = days + 719468;
    long long era = floor_div(z, 146097);
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    unsigned d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    long long y = yoe + era * 400 + (m <= 2);

    tm->tm_year = (int)(y - 1900);
    tm->tm_mon = (int)m - 1;
    tm->tm_mday = (int)d;
    tm->tm_yday = (int)(days - __days_from_civil(y, 1, 1));
    tm->tm_isdst = 0;
    tm->tm_gmtoff = 0;
    tm->tm_zone = "UTC";
    return tm;
}

struct tm *gmtime(const time_t *t)
{
    static struct tm tm;
    return gmtime_r(t, &tm);
}

struct tm *localtime_r(const time_t *t, struct tm *tm)
{
    return gmtime_r(t, tm);
}

struct tm *localtime(const time_t *t)
{
    return gmtime(t);
}

/* Normalises out-of-range fields (month 13, day 0, ...) as mktime must, then fills in the rest. */
time_t timegm(struct tm *tm)
{
    long long mon = tm->tm_mon;
    long long year = (long long)tm->tm_year + 1900 + floor_div(mon, 12);
    mon -= floor_div(mon, 12) * 12;
    long long days = __days_from_civil(year, (unsigned)mon + 1, 1) + tm->tm_mday - 1;
    time_t t = (time_t)(days * 86400 + (long long)tm->tm_hour * 3600 +
                        (long long)tm->tm_min * 60 + tm->tm_sec);
    gmtime_r(&t, tm);
    return t;
}

time_t mktime(struct tm *tm)
{
    return timegm(tm);
}

void tzset(void)
{
}

static const char *const wday_name[7] = {"Sunday", "Monday", "Tuesday", "Wednesday",
                                         "Thursday", "Friday", "Saturday"};
static const char *const mon_name[12] = {"January", "February", "March", "April", "May", "June",
                                         "July", "August", "September", "October", "November",
                                         "December"};

/* ISO 8601 week number and week-based year (for %V, %G, %g). */
static int iso_week(const struct tm *tm, long long *wyear)
{
    long long y = tm->tm_year + 1900LL;
    int wday = (tm->tm_wday + 6) % 7;       /* Monday = 0 */
    int week = (tm->tm_yday - wday + 10) / 7;
    if (week < 1) {
        y--;
        int pyd = tm->tm_yday + 365 + is_leap(y);
        week = (pyd - wday + 10) / 7;
    } else if (week == 53) {
        int ydays = 365 + is_leap(y);
        if (tm->tm_yday - wday + 3 >= ydays) {   /* Thursday of this week is next year */
            week = 1;
            y++;
        }
    }
    *wyear = y;
    return week;
}

size_t strftime(char *s, size_t n, const char *fmt, const struct tm *tm)
{
    size_t len = 0;
    char tmp[64];
    for (const char *p = fmt; *p; p++) {
        const char *add = tmp;
        if (*p != '%') {
            tmp[0] = *p;
            tmp[1] = 0;
        } else {
            p++;
            if (*p == 'E' || *p == 'O')
                p++;
            int hour12 = tm->tm_hour % 12 ? tm->tm_hour % 12 : 12;
            long long wy;
            switch (*p) {
            case 'a': snprintf(tmp, sizeof(tmp), "%.3s", wday_name[tm->tm_wday % 7]); break;
            case 'A': add = wday_name[tm->tm_wday % 7]; break;
            case 'b':
            case 'h': snprintf(tmp, sizeof(tmp), "%.3s", mon_name[tm->tm_mon % 12]); break;
            case 'B': add = mon_name[tm->tm_mon % 12]; break;
            case 'c':
                snprintf(tmp, sizeof(tmp), "%.3s %.3s %2d %02d:%02d:%02d %lld",
                         wday_name[tm->tm_wday % 7], mon_name[tm->tm_mon % 12], tm->tm_mday,
                         tm->tm_hour, tm->tm_min, tm->tm_sec, tm->tm_year + 1900LL);
                break;
            case 'C': snprintf(tmp, sizeof(tmp), "%02lld", (tm->tm_year + 1900LL) / 100); break;
            case 'd': snprintf(tmp, sizeof(tmp), "%02d", tm->tm_mday); break;
            case 'D':
                snprintf(tmp, sizeof(tmp), "%02d/%02d/%02d", tm->tm_mon + 1, tm->tm_mday,
                         (tm->tm_year + 1900) % 100);
                break;
            case 'e': snprintf(tmp, sizeof(tmp), "%2d", tm->tm_mday); break;
            case 'F':
                snprintf(tmp, sizeof(tmp), "%04lld-%02d-%02d", tm->tm_year + 1900LL,
                         tm->tm_mon + 1, tm->tm_mday);
                break;
            case 'G': iso_week(tm, &wy); snprintf(tmp, sizeof(tmp), "%lld", wy); break;
            case 'g': iso_week(tm, &wy); snprintf(tmp, sizeof(tmp), "%02lld", wy % 100); break;
            case 'H': snprintf(tmp, sizeof(tmp), "%02d", tm->tm_hour); break;
            case 'I': snprintf(tmp, sizeof(tmp), "%02d", hour12); break;
            case 'j': snprintf(tmp, sizeof(tmp), "%03d", tm->tm_yday + 1); break;
            case 'k': snprintf(tmp, sizeof(tmp), "%2d", tm->tm_hour); break;
            case 'l': snprintf(tmp, sizeof(tmp), "%2d", hour12); break;
            case 'm': snprintf(tmp, sizeof(tmp), "%02d", tm->tm_mon + 1); break;
            case 'M': snprintf(tmp, sizeof(tmp), "%02d", tm->tm_min); break;
            case 'n': add = "\n"; break;
            case 'p': add = tm->tm_hour < 12 ? "AM" : "PM"; break;
            case 'P': add = tm->tm_hour < 12 ? "am" : "pm"; break;
            case 'r':
                snprintf(tmp, sizeof(tmp), "%02d:%02d:%02d %s", hour12, tm->tm_min, tm->tm_sec,
                         tm->tm_hour < 12 ? "AM" : "PM");
                break;
            case 'R': snprintf(tmp, sizeof(tmp), "%02d:%02d", tm->tm_hour, tm->tm_min); break;
            case 's': {
                struct tm copy = *tm;
                snprintf(tmp, sizeof(tmp), "%ld", (long)timegm(&copy));
                break;
            }
            case 'S': snprintf(tmp, sizeof(tmp), "%02d", tm->tm_sec); break;
            case 't': add = "\t"; break;
            case 'T':
            case 'X':
                snprintf(tmp, sizeof(tmp), "%02d:%02d:%02d", tm->tm_hour, tm->tm_min, tm->tm_sec);
                break;
            case 'u': snprintf(tmp, sizeof(tmp), "%d", tm->tm_wday ? tm->tm_wday : 7); break;
            case 'U':
                snprintf(tmp, sizeof(tmp), "%02d", (tm->tm_yday + 7 - tm->tm_wday) / 7);
                break;
            case 'V': snprintf(tmp, sizeof(tmp), "%02d", iso_week(tm, &wy)); break;
            case 'w': snprintf(tmp, sizeof(tmp), "%d", tm->tm_wday); break;
            case 'W':
                snprintf(tmp, sizeof(tmp), "%02d", (tm->tm_yday + 7 - (tm->tm_wday + 6) % 7) / 7);
                break;
            case 'x':
                snprintf(tmp, sizeof(tmp), "%02d/%02d/%02d", tm->tm_mon + 1, tm->tm_mday,
                         (tm->tm_year + 1900) % 100);
                break;
            case 'y': snprintf(tmp, sizeof(tmp), "%02d", (tm->tm_year + 1900) % 100); break;
            case 'Y': snprintf(tmp, sizeof(tmp), "%lld", tm->tm_year + 1900LL); break;
            case 'z': add = "+0000"; break;
            case 'Z': add = "UTC"; break;
            case '%': add = "%"; break;
            case 0: p--; add = ""; break;
            default: snprintf(tmp, sizeof(tmp), "%%%c", *p); break;
            }
        }
        size_t k = strlen(add);
        if (len + k >= n)
            return 0;   /* C: 0 when the result (with its NUL) does not fit */
        memcpy(s + len, add, k);
        len += k;
    }
    if (len >= n)
        return 0;
    s[len] = 0;
    return len;
}

char *asctime(const struct tm *tm)
{
    static char buf[32];
    strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y\n", tm);
    return buf;
}

char *ctime(const time_t *t)
{
    return asctime(gmtime(t));
}
