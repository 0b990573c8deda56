/*
 * procfs.c - /proc: what the kernel knows, as text. Each file is generated
 * into a buffer when it is opened, so a program reading it in pieces sees
 * one consistent snapshot.
 */
#include <anyk/errno.h>
#include <anyk/version.h>
#include "arch/x86_64/arch.h"
#include "fs/flat.h"
#include "fs/procfs/procfs.h"
#include "kern/kernel.h"
#include "kern/kmalloc.h"
#include "kern/page.h"
#include "kern/printk.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define PROC_BUF_MAX (256 * 1024)

typedef size_t (*proc_gen)(char *buf, size_t cap);

static struct flat procfs;

int procfs_register(const char *name, size_t (*gen)(char *buf, size_t cap))
{
    return flat_add(&procfs, name, ANYK_S_IFREG | 0444, (const void *)gen, NULL);
}

struct snapshot {
    char *buf;
    size_t len;
};

static long snap_read(struct file *f, void *buf, size_t n)
{
    struct snapshot *s = f->priv;

    if (f->off >= (int64_t)s->len)
        return 0;
    if (n > s->len - (size_t)f->off)
        n = s->len - (size_t)f->off;
    memcpy(buf, s->buf + f->off, n);
    f->off += (int64_t)n;
    return (long)n;
}

static void snap_close(struct file *f)
{
    struct snapshot *s = f->priv;

    kfree(s->buf);
    kfree(s);
}

static const struct file_ops snap_ops = { .read = snap_read, .close = snap_close };

static int proc_open(struct vnode *vn, struct file *f)
{
    proc_gen gen = (proc_gen)flat_entry_of(vn)->ops;
    struct snapshot *s = kmalloc(sizeof(*s));
    size_t cap = 16384;

    if (!s)
        return -ENOMEM;
    /* Grow the buffer until the text fits. */
    for (;;) {
        if (!(s->buf = kmalloc(cap))) {
            kfree(s);
            return -ENOMEM;
        }
        s->len = gen(s->buf, cap);
        if (s->len < cap || cap >= PROC_BUF_MAX)
            break;
        kfree(s->buf);
        cap *= 4;
    }
    f->ops = &snap_ops;
    f->priv = s;
    return 0;
}

static const struct vnode_ops proc_vops = {
    .getattr = flat_getattr,
    .open = proc_open,
};

/* ---- the built-in files ------------------------------------------------------------- */

static size_t gen_meminfo(char *buf, size_t cap)
{
    struct zone *z = page_zone();
    struct kmalloc_stats ks;
    size_t slab = 0;

    kmalloc_stats(&ks);
    for (int i = 0; i < KMALLOC_NCLASSES; i++)
        slab += ks.cls[i].slabs * ks.cls[i].slab_pages * PAGE_SIZE;
    int n = ksnprintf(buf, cap,
                     "MemTotal:       %8zu kB\n"
                     "MemFree:        %8zu kB\n"
                     "MemAvailable:   %8zu kB\n"
                     "Slab:           %8zu kB\n"
                     "KernelLarge:    %8zu kB\n",
                     kern_config()->ram_size >> 10, (z->free_pages * PAGE_SIZE) >> 10,
                     (z->free_pages * PAGE_SIZE) >> 10, slab >> 10, ks.large_bytes >> 10);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap;
}

static size_t gen_uptime(char *buf, size_t cap)
{
    uint64_t up = ktime_since_boot();
    int n = ksnprintf(buf, cap, "%llu.%02llu 0.00\n", (unsigned long long)(up / NSEC_PER_SEC),
                     (unsigned long long)(up / (10 * NSEC_PER_MSEC) % 100));
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap;
}

static size_t gen_mounts(char *buf, size_t cap)
{
    return vfs_mounts_text(buf, cap);
}

static size_t gen_log(char *buf, size_t cap)
{
    uint64_t seq = 0;

    return klog_read(&seq, buf, cap);
}

struct gen_ctx {
    char *buf;
    size_t cap, len;
};

static void thread_line(struct thread *t, void *arg)
{
    struct gen_ctx *g = arg;
    int n = ksnprintf(g->buf + g->len, g->cap - g->len, "%u %s %s %d %llu\n", t->id, t->name,
                     thread_state_name(t->state), t->prio, (unsigned long long)t->switches);
    if (n > 0)
        g->len += (size_t)n < g->cap - g->len ? (size_t)n : g->cap - g->len;
}

/* One line per thread: "ID NAME STATE PRIO SWITCHES". */
static size_t gen_threads(char *buf, size_t cap)
{
    struct gen_ctx g = { buf, cap, 0 };

    thread_foreach(thread_line, &g);
    return g.len;
}

static size_t gen_version(char *buf, size_t cap)
{
    int n = ksnprintf(buf, cap, "anyk version %s (%s, %s host)\n", ANYK_VERSION, ARCH_NAME,
                     kern_config()->host_name);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap;
}

static int procfs_mount(struct mount *m, const char *source, const char *options)
{
    (void)source, (void)options;
    if (!procfs.file_vops) {
        procfs.file_vops = &proc_vops;
        procfs_register("meminfo", gen_meminfo);
        procfs_register("uptime", gen_uptime);
        procfs_register("mounts", gen_mounts);
        procfs_register("log", gen_log);
        procfs_register("threads", gen_threads);
        procfs_register("version", gen_version);
    }
    return flat_mount(&procfs, m);
}

const struct fs_type procfs_type = {
    .name = "procfs",
    .mount = procfs_mount,
};
