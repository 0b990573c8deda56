/*
 * monitor.c - the built-in kernel monitor: a tiny command interpreter on the
 * console for looking inside a running kernel (threads, memory, log, time).
 * It is init until there is a file system, and stays as a debugging aid.
 */
#include <anyk/errno.h>
#include <anyk/version.h>
#include "arch/x86_64/arch.h"
#include "kern/cons.h"
#include "kern/kernel.h"
#include "kern/kmalloc.h"
#include "kern/page.h"
#include "kern/printk.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "lib/string.h"

#define LINE_MAX 256
#define ARGS_MAX 8
#define HALT_NONE (-1)

struct command {
    const char *name, *args, *help;
    int (*fn)(int argc, char **argv); /* returns HALT_NONE or a status to halt with */
};

static const struct command commands[];

static int cmd_help(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("commands (separate several with ';'):\n");
    for (const struct command *c = commands; c->name; c++)
        kprintf("  %-8s %-10s %s\n", c->name, c->args, c->help);
    kprintf("Ctrl-C cancels the line; Ctrl-D or the end of input halts with status 0.\n");
    return HALT_NONE;
}

static int cmd_version(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("anyk %s (%s, %s host)\n", ANYK_VERSION, ARCH_NAME, kern_config()->host_name);
    return HALT_NONE;
}

static void print_thread(struct thread *t, void *arg)
{
    (void)arg;
    kprintf("%4u  %-16s %-8s %4d %10llu %12llu\n", t->id, t->name, thread_state_name(t->state),
            t->prio, (unsigned long long)t->switches, (unsigned long long)t->cpu_cycles / 1000);
}

static int cmd_threads(int argc, char **argv)
{
    struct sched_stats st;

    (void)argc, (void)argv;
    kprintf("  ID  NAME             STATE    PRIO   SWITCHES   CPU(kcycles)\n");
    thread_foreach(print_thread, NULL);
    sched_stats(&st);
    kprintf("%zu threads, %llu context switches, %llu preemptions, %zu timers pending\n",
            thread_count(), (unsigned long long)st.switches, (unsigned long long)st.preemptions,
            timer_count());
    return HALT_NONE;
}

static int cmd_mem(int argc, char **argv)
{
    struct zone *z = page_zone();
    struct kmalloc_stats ks;
    size_t used_pages = z->npages - z->free_pages;
    int big = zone_largest_free(z);

    (void)argc, (void)argv;
    kmalloc_stats(&ks);
    kprintf("RAM       %8zu KiB (%zu KiB of it page metadata)\n",
            kern_config()->ram_size >> 10,
            (kern_config()->ram_size >> 10) - (z->npages << (PAGE_SHIFT - 10)));
    kprintf("pages     %8zu KiB used, %zu KiB free, largest free block %zu KiB\n",
            used_pages << (PAGE_SHIFT - 10), z->free_pages << (PAGE_SHIFT - 10),
            big < 0 ? 0 : (PAGE_SIZE << big) >> 10);
    kprintf("kmalloc   %llu allocations, %llu frees, %llu failed\n",
            (unsigned long long)ks.allocs, (unsigned long long)ks.frees,
            (unsigned long long)ks.failures);
    kprintf("  class  objects  slabs  KiB\n");
    for (int i = 0; i < KMALLOC_NCLASSES; i++) {
        if (!ks.cls[i].slabs)
            continue;
        kprintf("  %5u  %7zu  %5zu  %zu\n", ks.cls[i].size, ks.cls[i].objects, ks.cls[i].slabs,
                (ks.cls[i].slabs * ks.cls[i].slab_pages * PAGE_SIZE) >> 10);
    }
    kprintf("  large  %7zu         %zu\n", ks.large_blocks, ks.large_bytes >> 10);
    return HALT_NONE;
}

static int cmd_log(int argc, char **argv)
{
    char buf[1024];
    uint64_t seq = 0;
    size_t n;

    (void)argc, (void)argv;
    while ((n = klog_read(&seq, buf, sizeof(buf))) > 0)
        cons_write(buf, n);
    return HALT_NONE;
}

static int cmd_uptime(int argc, char **argv)
{
    uint64_t ns = ktime_since_boot();
    uint64_t s = ns / NSEC_PER_SEC;

    (void)argc, (void)argv;
    kprintf("up %llu:%02llu:%02llu.%03llu, %zu threads\n", (unsigned long long)(s / 3600),
            (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60),
            (unsigned long long)(ns / NSEC_PER_MSEC % 1000), thread_count());
    return HALT_NONE;
}

/* Seconds with an optional fraction ("2", "0.25") to ns; -EINVAL if malformed. */
static int parse_seconds(const char *s, uint64_t *ns)
{
    uint64_t whole, frac = 0, scale = NSEC_PER_SEC;
    const char *p = parse_u64(s, &whole);

    if (!p || whole > 1000000000ull)
        return -EINVAL;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++) {
            scale /= 10;
            frac += (uint64_t)(*p - '0') * scale;
        }
    }
    if (*p)
        return -EINVAL;
    *ns = whole * NSEC_PER_SEC + frac;
    return 0;
}

static int cmd_sleep(int argc, char **argv)
{
    uint64_t ns;

    if (argc != 2 || parse_seconds(argv[1], &ns) < 0) {
        kprintf("sleep: usage: sleep SECONDS (e.g. 2 or 0.5)\n");
        return HALT_NONE;
    }
    thread_sleep_ns(ns);
    return HALT_NONE;
}

static int cmd_halt(int argc, char **argv)
{
    uint64_t status = 0;

    if (argc > 2 || (argc == 2 && (parse_u64(argv[1], &status) == NULL ||
                                   *parse_u64(argv[1], &status) || status > 255))) {
        kprintf("halt: usage: halt [STATUS] (0-255)\n");
        return HALT_NONE;
    }
    return (int)status;
}

static int cmd_echo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        kprintf("%s%s", argv[i], i + 1 < argc ? " " : "");
    kprintf("\n");
    return HALT_NONE;
}

static int cmd_panic(int argc, char **argv)
{
    panic("requested from the monitor%s%s", argc > 1 ? ": " : "", argc > 1 ? argv[1] : "");
}

static const struct command commands[] = {
    { "help", "", "list the commands", cmd_help },
    { "threads", "", "list kernel threads and scheduler counters", cmd_threads },
    { "mem", "", "page allocator and kmalloc usage", cmd_mem },
    { "log", "", "print the kernel log ring", cmd_log },
    { "uptime", "", "time since boot", cmd_uptime },
    { "sleep", "SECONDS", "sleep (fractions allowed)", cmd_sleep },
    { "echo", "[WORDS]", "print the words", cmd_echo },
    { "version", "", "print the kernel version", cmd_version },
    { "halt", "[STATUS]", "stop the kernel; anyk exits with STATUS (0-255)", cmd_halt },
    { "panic", "[WORD]", "stop the kernel with a panic (tests the crash path)", cmd_panic },
    { NULL, NULL, NULL, NULL },
};

/* Split a command at blanks (in place) and run it. */
static int run_one(char *line)
{
    char *argv[ARGS_MAX + 1];
    int argc = 0;

    for (char *p = line; *p;) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (!*p)
            break;
        if (argc == ARGS_MAX) {
            kprintf("monitor: too many arguments (at most %d)\n", ARGS_MAX - 1);
            return HALT_NONE;
        }
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    argv[argc] = NULL;
    if (!argc)
        return HALT_NONE;
    for (const struct command *c = commands; c->name; c++)
        if (!strcmp(c->name, argv[0]))
            return c->fn(argc, argv);
    kprintf("monitor: %s: unknown command (try 'help')\n", argv[0]);
    return HALT_NONE;
}

/* Run a line of commands separated by ';'. */
static int run_line(char *line)
{
    for (char *cmd = line; cmd;) {
        char *semi = strchr(cmd, ';');
        int r;

        if (semi)
            *semi = '\0';
        r = run_one(cmd);
        if (r != HALT_NONE)
            return r;
        cmd = semi ? semi + 1 : NULL;
        sched_preempt_point();
    }
    return HALT_NONE;
}

int monitor_run(const char *first_command)
{
    char line[LINE_MAX];
    int r;

    if (first_command && *first_command) {
        strlcpy(line, first_command, sizeof(line));
        if ((r = run_line(line)) != HALT_NONE)
            return r;
    }
    if (cons_is_tty())
        kprintf("anyk monitor: type 'help' for commands\n");
    for (;;) {
        long n;

        if (cons_is_tty())
            kprintf("anyk> ");
        n = cons_read_line(line, sizeof(line));
        if (n == -EPIPE) {
            if (cons_is_tty())
                kprintf("\n");
            return 0;
        }
        if (n < 0) {
            if (n == -EINTR && cons_is_tty())
                kprintf("\n");
            continue; /* Ctrl-C: a fresh prompt */
        }
        if ((r = run_line(line)) != HALT_NONE)
            return r;
    }
}
