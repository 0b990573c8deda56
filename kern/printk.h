/*
 * printk.h - kernel messages: levels, the log ring, panic and assertions.
 *
 * Every message goes into a ring buffer that can be read back (the monitor's
 * "log", later /proc/log); messages at or above the console level are also
 * written to the console as they happen.
 */
#ifndef KERN_PRINTK_H
#define KERN_PRINTK_H

#include <anyk/types.h>

enum klog_level {
    KLOG_EMERG = 0,
    KLOG_ALERT = 1,
    KLOG_CRIT = 2,
    KLOG_ERR = 3,
    KLOG_WARN = 4,
    KLOG_NOTICE = 5,
    KLOG_INFO = 6,
    KLOG_DEBUG = 7,
};

void printk(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vprintk(int level, const char *fmt, va_list ap);

#define kerr(...) printk(KLOG_ERR, __VA_ARGS__)
#define kwarn(...) printk(KLOG_WARN, __VA_ARGS__)
#define knotice(...) printk(KLOG_NOTICE, __VA_ARGS__)
#define kinfo(...) printk(KLOG_INFO, __VA_ARGS__)
#define kdebug(...) printk(KLOG_DEBUG, __VA_ARGS__)

/* Write formatted text to the console only (not the log): for interactive output. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Messages with level <= this go to the console too (default KLOG_INFO). */
void klog_set_console_level(int level);
int klog_console_level(void);

/*
 * Read log records in order, starting at sequence number *seq (0 = oldest
 * kept). Each record is formatted as "[   s.uuuuuu] text\n". Copies whole
 * records while they fit, advances *seq past them and returns the bytes
 * written; 0 when there is nothing newer. Records older than the ring keeps
 * are skipped silently.
 */
size_t klog_read(uint64_t *seq, char *buf, size_t len);

/* Counters for the log ring. */
struct klog_stats {
    uint64_t next_seq;  /* records written since boot */
    uint64_t first_seq; /* oldest record still in the ring */
    size_t bytes_used, bytes_total;
};
void klog_stats(struct klog_stats *st);

/* Stop the kernel because of a kernel bug: message, backtrace, halt. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Exit status of the host process after a panic (EX_SOFTWARE of sysexits.h). */
#define PANIC_STATUS 70

/* Print a backtrace of the current thread's kernel frames at the given level. */
void backtrace_print(int level);

#define KASSERT(cond)                                                              \
    do {                                                                           \
        if (__builtin_expect(!(cond), 0))                                          \
            panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);      \
    } while (0)

#endif
