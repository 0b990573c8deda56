/*
 * printk.c - the kernel log ring and console messages.
 *
 * The ring is a byte array holding variable-length records (a fixed header
 * followed by the text); records may wrap around its end. When a new record
 * does not fit, the oldest ones are dropped. Single virtual CPU: no locking.
 */
#include <anyk/hyp.h>
#include "kern/printk.h"
#include "kern/time.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define KLOG_RING_SIZE (64 * 1024)
#define KLOG_LINE_MAX 512

struct klog_hdr {
    uint64_t ts_ns;  /* monotonic time since boot */
    uint16_t len;    /* text bytes that follow */
    uint8_t level;
    uint8_t pad[5];
};

static struct {
    char ring[KLOG_RING_SIZE];
    size_t head;        /* offset of the oldest record */
    size_t used;        /* bytes in use */
    uint64_t first_seq; /* sequence number of the record at head */
    uint64_t next_seq;
    int console_level;
} klog = { .console_level = KLOG_INFO };

static void ring_copy_in(size_t off, const void *src, size_t n)
{
    size_t first = KLOG_RING_SIZE - off < n ? KLOG_RING_SIZE - off : n;

    memcpy(klog.ring + off, src, first);
    memcpy(klog.ring, (const char *)src + first, n - first);
}

static void ring_copy_out(void *dst, size_t off, size_t n)
{
    size_t first = KLOG_RING_SIZE - off < n ? KLOG_RING_SIZE - off : n;

    memcpy(dst, klog.ring + off, first);
    memcpy((char *)dst + first, klog.ring, n - first);
}

static void ring_drop_oldest(void)
{
    struct klog_hdr h;
    size_t sz;

    ring_copy_out(&h, klog.head, sizeof(h));
    sz = sizeof(h) + h.len;
    klog.head = (klog.head + sz) % KLOG_RING_SIZE;
    klog.used -= sz;
    klog.first_seq++;
}

static void ring_append(int level, const char *text, size_t len)
{
    struct klog_hdr h = { .ts_ns = ktime_since_boot(), .len = (uint16_t)len, .level = (uint8_t)level };
    size_t sz = sizeof(h) + len;

    while (KLOG_RING_SIZE - klog.used < sz)
        ring_drop_oldest();
    size_t tail = (klog.head + klog.used) % KLOG_RING_SIZE;
    ring_copy_in(tail, &h, sizeof(h));
    ring_copy_in((tail + sizeof(h)) % KLOG_RING_SIZE, text, len);
    klog.used += sz;
    klog.next_seq++;
}

static int format_record(char *buf, size_t cap, uint64_t ts, const char *text, size_t len)
{
    return ksnprintf(buf, cap, "[%5llu.%06llu] %.*s\n", (unsigned long long)(ts / 1000000000),
                    (unsigned long long)(ts / 1000 % 1000000), (int)len, text);
}

void vprintk(int level, const char *fmt, va_list ap)
{
    char text[KLOG_LINE_MAX];
    int n = kvsnprintf(text, sizeof(text), fmt, ap);
    size_t len = n < 0 ? 0 : (size_t)n >= sizeof(text) ? sizeof(text) - 1 : (size_t)n;

    /* One record per message; a trailing newline is implied. */
    if (len && text[len - 1] == '\n')
        len--;
    if (level < KLOG_EMERG)
        level = KLOG_EMERG;
    if (level > KLOG_DEBUG)
        level = KLOG_DEBUG;
    ring_append(level, text, len);
    if (level <= klog.console_level) {
        char line[KLOG_LINE_MAX + 32];
        int m = format_record(line, sizeof(line), ktime_since_boot(), text, len);
        hyp_cons_write(line, (size_t)m < sizeof(line) ? (size_t)m : sizeof(line) - 1);
    }
}

void printk(int level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(level, fmt, ap);
    va_end(ap);
}

void kprintf(const char *fmt, ...)
{
    char buf[KLOG_LINE_MAX * 2];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0)
        hyp_cons_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void klog_set_console_level(int level)
{
    klog.console_level = level;
}

int klog_console_level(void)
{
    return klog.console_level;
}

size_t klog_read(uint64_t *seq, char *buf, size_t len)
{
    size_t off = klog.head, done = 0;
    uint64_t s = klog.first_seq;

    if (*seq < klog.first_seq)
        *seq = klog.first_seq;
    for (; s < klog.next_seq; s++) {
        struct klog_hdr h;
        char text[KLOG_LINE_MAX];

        ring_copy_out(&h, off, sizeof(h));
        if (s >= *seq) {
            char line[KLOG_LINE_MAX + 32];
            ring_copy_out(text, (off + sizeof(h)) % KLOG_RING_SIZE, h.len);
            int n = format_record(line, sizeof(line), h.ts_ns, text, h.len);
            if ((size_t)n >= sizeof(line))
                n = sizeof(line) - 1;
            if (done + (size_t)n > len)
                break;
            memcpy(buf + done, line, (size_t)n);
            done += (size_t)n;
            *seq = s + 1;
        }
        off = (off + sizeof(h) + h.len) % KLOG_RING_SIZE;
    }
    return done;
}

void klog_stats(struct klog_stats *st)
{
    st->next_seq = klog.next_seq;
    st->first_seq = klog.first_seq;
    st->bytes_used = klog.used;
    st->bytes_total = KLOG_RING_SIZE;
}
