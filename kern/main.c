/*
 * main.c - kmain: the boot sequence, the command line, and halt.
 *
 * Boot order matters: time first (log timestamps), then the command line
 * (log level), the page allocator over the host's RAM, kmalloc, the
 * scheduler (which adopts the boot stack as thread "main" and makes the idle
 * thread), the console, and last the init program.
 */
#include <anyk/hyp.h>
#include <anyk/version.h>
#include "arch/x86_64/arch.h"
#include "blk/blk.h"
#include "fs/vfs.h"
#include "kern/cons.h"
#include "kern/idle.h"
#include "kern/init.h"
#include "kern/kernel.h"
#include "kern/kexec.h"
#include "kern/kmalloc.h"
#include "kern/page.h"
#include "kern/printk.h"
#include "kern/syscall.h"
#include "kern/task.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "lib/string.h"
#include "net/net.h"

static struct kconfig config;

const struct kconfig *kern_config(void)
{
    return &config;
}

/* Parse "word word -- init args". Unknown words are logged and ignored, as Linux does. */
static void parse_cmdline(const char *cl)
{
    config.loglevel = KLOG_INFO;
    config.init[0] = '\0'; /* the default: /etc/rc and /bin/sh, or the monitor */
    config.init_args = "";
    while (cl && *cl) {
        const char *w = cl, *end;
        size_t n;

        while (*w == ' ')
            w++;
        end = w;
        while (*end && *end != ' ')
            end++;
        n = (size_t)(end - w);
        cl = end;
        if (n == 0)
            break;
        if (n == 2 && w[0] == '-' && w[1] == '-') {
            config.init_args = *end ? end + 1 : end;
            break;
        }
        if (n > 9 && !strncmp(w, "loglevel=", 9)) {
            uint64_t v;
            const char *p = parse_u64(w + 9, &v);
            if (p == end && v <= KLOG_DEBUG)
                config.loglevel = (int)v;
        } else if (n == 5 && !strncmp(w, "quiet", 5)) {
            config.loglevel = KLOG_WARN;
        } else if (n == 5 && !strncmp(w, "debug", 5)) {
            config.loglevel = KLOG_DEBUG;
        } else if (n > 10 && !strncmp(w, "blk.cache=", 10)) {
            uint64_t v;
            if (parse_u64(w + 10, &v) == end)
                blk_configure((size_t)v, blk_flush_interval());
        } else if (n > 10 && !strncmp(w, "blk.flush=", 10)) {
            uint64_t v;
            if (parse_u64(w + 10, &v) == end)
                blk_configure(0, v * NSEC_PER_MSEC);
        } else if (n > 5 && !strncmp(w, "root=", 5) && n - 5 < sizeof(config.root)) {
            memcpy(config.root, w + 5, n - 5);
            config.root[n - 5] = '\0';
        } else if (n > 11 && !strncmp(w, "rootfstype=", 11) && n - 11 < sizeof(config.rootfstype)) {
            memcpy(config.rootfstype, w + 11, n - 11);
            config.rootfstype[n - 11] = '\0';
        } else if (n == 2 && !strncmp(w, "ro", 2)) {
            config.root_ro = true;
        } else if (n == 2 && !strncmp(w, "rw", 2)) {
            config.root_ro = false;
        } else if (n > 6 && !strncmp(w, "kexec=", 6) && n - 6 < sizeof(config.kexec)) {
            memcpy(config.kexec, w + 6, n - 6);
            config.kexec[n - 6] = '\0';
        } else if (n > 5 && !strncmp(w, "init=", 5) && n - 5 < sizeof(config.init)) {
            memcpy(config.init, w + 5, n - 5);
            config.init[n - 5] = '\0';
        } else {
            kwarn("kernel command line: unknown option '%.*s' ignored", (int)n, w);
        }
    }
}

static void print_devices(void)
{
    for (uint32_t i = 0; i < config.nblk; i++) {
        struct hyp_blk_info bi;
        if (hyp_blk_info(i, &bi) == 0)
            kinfo("blk%u: %s, %llu MiB%s", i, bi.name, (unsigned long long)(bi.size >> 20),
                  bi.read_only ? ", read-only" : "");
    }
    for (uint32_t i = 0; i < config.nnet; i++) {
        struct hyp_net_info ni;
        if (hyp_net_info(i, &ni) == 0)
            kinfo("net%u: %s, mac %02x:%02x:%02x:%02x:%02x:%02x, mtu %u", i, ni.name, ni.mac[0],
                  ni.mac[1], ni.mac[2], ni.mac[3], ni.mac[4], ni.mac[5], ni.mtu);
    }
}

static void shutdown_thread(void *arg)
{
    (void)arg;
    knotice("shutting down at the host's request");
    kern_halt(0);
}

/* The host's request to shut down arrives in the idle loop, which may not block: a thread does it. */
static void shutdown_event(uint32_t ev)
{
    static bool started;

    (void)ev;
    if (!started && thread_create(NULL, "shutdown", shutdown_thread, NULL, THREAD_PRIO_HIGH) == 0)
        started = true;
}

void kern_init(const struct hyp_boot *boot)
{
    ktime_init();
    if (!boot || boot->abi_version != HYP_ABI_VERSION) {
        static const char msg[] = "anyk: host speaks a different hypercall ABI version\n";
        hyp_cons_write(msg, sizeof(msg) - 1);
        hyp_halt(PANIC_STATUS);
    }
    parse_cmdline(boot->cmdline);
    klog_set_console_level(config.loglevel);
    config.nblk = boot->nblk;
    config.nnet = boot->nnet;
    config.ram_base = (uintptr_t)boot->ram_base;
    config.ram_size = boot->ram_size;
    config.image_base = boot->image_base;
    config.host_name = boot->host_name ? boot->host_name : "unknown";

    page_init(boot->ram_base, boot->ram_size, boot->flags & HYP_BOOT_RAM_ZEROED);
    kexec_init();
    kmalloc_init();
    sched_init(boot->tick);
    cons_init(boot->flags & HYP_BOOT_CONS_TTY);
    blk_init();
    vfs_init();
    if (config.root[0]) {
        struct blkdev *d = blk_lookup(config.root);
        uint32_t fl = config.root_ro || (d && d->read_only) ? ANYK_MS_RDONLY : 0;
        const char *type = config.rootfstype[0] ? config.rootfstype : "ext2";
        int r = vfs_switch_root(config.root, type, fl);
        if (r < 0) {
            /* A bad disk or option is the user's mistake, not a kernel bug: say so and stop. */
            kerr("root: cannot mount %s (%s) as / (error %d)", config.root, type, -r);
            hyp_halt(1);
        }
        kinfo("root: %s (%s, %s)", config.root, type, fl ? "read-only" : "read-write");
    }
    if (cons_register_dev() < 0)
        kwarn("cannot create /dev/console");
    task_init();
    net_init(config.nnet);
    idle_set_handler(HYP_POLL_SHUTDOWN, shutdown_event);
    syscall_set_user_range((uintptr_t)boot->ram_base, (uintptr_t)boot->ram_base + boot->ram_size);

    kinfo("anyk %s (%s, %s host): %zu MiB RAM, %u block device%s, %u NIC%s", ANYK_VERSION,
          ARCH_NAME, config.host_name, boot->ram_size >> 20, config.nblk,
          config.nblk == 1 ? "" : "s", config.nnet, config.nnet == 1 ? "" : "s");
    print_devices();
    if (boot->initrd && boot->initrd_size && !config.root[0]) {
        int r = cpio_unpack(&task_current()->fs, boot->initrd, boot->initrd_size);
        if (r < 0)
            kerr("initramfs: unpacking failed (error %d); the root may be incomplete", -r);
        else
            kdebug("initramfs: %zu bytes unpacked", boot->initrd_size);
    }
}

void kern_halt(int status)
{
    kdebug("halting with status %d", status);
    vfs_shutdown();
    if (blk_sync(NULL) < 0)
        kerr("halt: writing the disks back failed; data may be lost");
    hyp_halt(status);
}

void kmain(const struct hyp_boot *boot)
{
    int status;

    kern_init(boot);
    if (config.kexec[0]) {
        status = kexec_run(&task_current()->fs, config.kexec);
        if (status < 0)
            kerr("kexec %s: error %d", config.kexec, -status);
        kern_halt(status < 0 ? 1 : status & 0xff);
    }
    status = init_run(config.init, config.init_args);
    kern_halt(status);
}
