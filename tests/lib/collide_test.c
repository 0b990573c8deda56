/*
 * collide_test.c - libanyk.a inside a program that defines its own memcpy and
 * printf: the program's definitions serve the program, the kernel keeps its
 * own (it calls neither), and the kernel works. Also: several host threads
 * calling in at once are serialised without corruption.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <anyk/anyk.h>
#include <anyk/errno.h>

static unsigned long memcpy_calls, printf_calls;

/* The program's own memcpy: counts its calls. */
void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    memcpy_calls++;
    while (n--)
        *d++ = *s++;
    return dst;
}

/* The program's own printf: counts, formats with vsnprintf, writes to fd 1. */
int printf(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;

    printf_calls++;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0 && write(1, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1) < 0)
        return -1;
    return n;
}

static int count;
static int failed;

static void ok(int cond, const char *what)
{
    count++;
    failed += !cond;
    printf("%sok %d - %s\n", cond ? "" : "not ", count, what);
}

static const struct anyk_api *k;

static void *writer(void *arg)
{
    long id = (long)arg;
    char path[64], data[4096], back[4096];
    int bad = 0;

    snprintf(path, sizeof(path), "/t%ld", id);
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof(data); i++)
            data[i] = (char)(id * 31 + round + i);
        int fd = k->open(path, ANYK_O_CREAT | ANYK_O_RDWR | ANYK_O_TRUNC, 0600);
        if (fd < 0 || k->write(fd, data, sizeof(data)) != (long)sizeof(data) ||
            k->pread(fd, back, sizeof(back), 0) != (long)sizeof(back)) {
            bad++;
        } else {
            for (size_t i = 0; i < sizeof(data); i++)
                bad += back[i] != data[i];
        }
        k->close(fd);
    }
    return (void *)(long)bad;
}

int main(void)
{
    static char big[1 << 20], back[1 << 20];
    pthread_t th[8];
    long total_bad = 0;

    k = anyk_boot(NULL);
    ok(k != NULL, "anyk_boot returns the API table");
    if (!k)
        return 1;
    ok(k->version == ANYK_API_VERSION && k->size == sizeof(struct anyk_api),
       "the table has this header's version and size");

    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 7 + 3);
    unsigned long before = memcpy_calls;
    int fd = k->open("/big", ANYK_O_CREAT | ANYK_O_RDWR, 0644);
    long w = k->write(fd, big, sizeof(big));
    long r = k->pread(fd, back, sizeof(back), 0);
    k->close(fd);
    ok(w == (long)sizeof(big) && r == (long)sizeof(back), "1 MiB written and read back");
    int same = 1;
    for (size_t i = 0; i < sizeof(big); i++)
        same &= big[i] == back[i];
    ok(same, "the data read back is the data written");
    ok(memcpy_calls == before, "the kernel copied 2 MiB without calling the program's memcpy");

    unsigned long p = printf_calls;
    printf("# the program%cs printf still works (%d)\n", 0x27, 1);
    ok(printf_calls == p + 1, "printf in the program is the program's own");

    ok(k->open("/nonexistent", ANYK_O_RDONLY, 0) == -ENOENT, "errors come back as -errno");
    ok(k->open((const char *)0, ANYK_O_RDONLY, 0) == -EFAULT, "a NULL path is -EFAULT");

    for (long i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, writer, (void *)i);
    for (int i = 0; i < 8; i++) {
        void *bad;
        pthread_join(th[i], &bad);
        total_bad += (long)bad;
    }
    ok(total_bad == 0, "8 host threads x 200 create/write/read rounds at once: all data intact");

    ok(anyk_halt() == 0, "anyk_halt syncs and returns 0");
    ok(k->open("/big", ANYK_O_RDONLY, 0) == -ESHUTDOWN, "after halt, calls return -ESHUTDOWN");
    ok(anyk_boot(NULL) == NULL, "a second anyk_boot is refused");
    printf("1..%d\n", count);
    return failed ? 1 : 0;
}
