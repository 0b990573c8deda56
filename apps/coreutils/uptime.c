/*
 * uptime - tell how long the system has been running, from /proc/uptime:
 *   " 22:33:01 up 5 min,  0 users"  (and "up 2:03", "up 3 days,  2:03" as procps).
 * anyk has no login records or load average; users are shown as 0 and the load
 * average is left out. Option -p: "up 1 hour, 5 minutes" only.
 */
#include <time.h>

#include "common.h"

int main(int argc, char **argv)
{
    FILE *f;
    long long up;
    char buf[128];
    time_t now = time(NULL);
    struct tm tm;
    long days, hours, mins;
    int pretty = argc > 1 && strcmp(argv[1], "-p") == 0;

    progname = "uptime";
    if (!(f = fopen("/proc/uptime", "r"))) {
        warnmsg("/proc/uptime: %s", strerror(errno));
        return 1;
    }
    /* "SECONDS.FRACTION IDLE": only the whole seconds matter */
    if (!fgets(buf, sizeof(buf), f) || !isdigit((unsigned char)buf[0])) {
        warnmsg("/proc/uptime: unreadable");
        fclose(f);
        return 1;
    }
    fclose(f);
    up = (long long)strtoull(buf, NULL, 10);
    days = (long)(up / 86400);
    hours = (long)(up / 3600 % 24);
    mins = (long)(up / 60 % 60);
    if (pretty) {
        const char *sep = "";
        printf("up ");
        if (days) {
            printf("%ld day%s", days, days > 1 ? "s" : "");
            sep = ", ";
        }
        if (hours) {
            printf("%s%ld hour%s", sep, hours, hours > 1 ? "s" : "");
            sep = ", ";
        }
        if (mins || !*sep)
            printf("%s%ld minute%s", sep, mins, mins == 1 ? "" : "s");
        putchar('\n');
        return finish_stdout();
    }
    localtime_r(&now, &tm);
    printf(" %02d:%02d:%02d up ", tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (days)
        printf("%ld day%s, ", days, days > 1 ? "s" : "");
    if (hours)
        printf("%2ld:%02ld,", hours, mins);
    else
        printf("%ld min,", mins);
    printf("  0 users\n");
    return finish_stdout();
}
