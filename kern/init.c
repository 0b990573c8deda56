/*
 * init.c - what the kernel runs once it is up: the first programs.
 *
 * By default: /etc/rc (if present) with /bin/sh, then an interactive /bin/sh
 * on the console in the foreground; when that shell ends, the kernel halts
 * with its status. `init=PROG` runs PROG instead (init's arguments after
 * "--" become its argv); `init=monitor`, or a root without /bin/sh, gives the
 * built-in monitor. The kernel task (pid 0) holds the console on descriptors
 * 0, 1 and 2, which the first programs inherit.
 */
#include <anyk/errno.h>
#include "kern/init.h"
#include "kern/kernel.h"
#include "kern/printk.h"
#include "kern/task.h"
#include "lib/string.h"

#define INIT_ARGS_MAX 32

static char *const init_env[] = {
    "PATH=/bin", "HOME=/", "SHELL=/bin/sh", "USER=root", "TERM=vt100", NULL,
};

static int open_console(void)
{
    struct task *k = task_current();

    for (int fd = 0; fd < 3; fd++) {
        struct file *f;
        int r = vfs_open(&k->fs, "/dev/console", ANYK_O_RDWR, 0, &f);
        if (r < 0)
            return r;
        task_fd_replace(k, fd, f);
    }
    return 0;
}

/* Spawn and wait; returns the exit code as a shell reports it (128+N for signal N). */
static int run(const char *path, char *const argv[], bool foreground)
{
    struct anyk_spawn_attr attr = { ANYK_SPAWN_SETPGROUP | (foreground ? ANYK_SPAWN_FOREGROUND : 0), 0 };
    int pid, st = 0;

    pid = task_spawn(path, argv, init_env, NULL, 0, &attr);
    if (pid == -ENOENT) {
        kerr("init: %s: not found", path);
        return 127;
    }
    if (pid < 0) {
        kerr("init: cannot run %s (error %d)", path, -pid);
        return 126;
    }
    while (task_wait(pid, &st, 0) == -EINTR)
        ;
    if (foreground)
        task_set_fg_pgid(0);
    return (st & 0x7f) ? 128 + (st & 0x7f) : (st >> 8) & 0xff;
}

static bool exists(const char *path)
{
    struct anyk_stat st;

    return vfs_stat(&task_current()->fs, path, &st, true) == 0;
}

/*
 * Split init's arguments (in place) into argv[1..]: words separated by
 * blanks; a double-quoted word may hold blanks, and a backslash inside
 * quotes takes the next character literally (the host quotes that way).
 */
static int split(char *args, char **argv, int max)
{
    int n = 1;
    char *p = args, *w;

    while (*p && n < max - 1) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        argv[n++] = w = p;
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1])
                    p++;
                *w++ = *p;
            }
            if (*p)
                p++;
        } else {
            while (*p && *p != ' ')
                *w++ = *p++;
        }
        if (*p)
            p++;
        *w = '\0';
    }
    argv[n] = NULL;
    return n;
}

/* argv[1..] joined by single blanks, for a command line (sh -c, the monitor). */
static char *join(char **argv, char *buf, size_t cap)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 1; argv[i] && len + 1 < cap; i++) {
        if (i > 1)
            buf[len++] = ' ';
        len += strlcpy(buf + len, argv[i], cap - len);
        if (len >= cap)
            len = cap - 1;
    }
    buf[len] = '\0';
    return buf;
}

int init_run(const char *init, const char *args)
{
    /* As long as the host's whole command line (4 KiB), so no init argument is cut. */
    static char argbuf[4096], line[4096];
    char *argv[INIT_ARGS_MAX];

    if (strlcpy(argbuf, args, sizeof(argbuf)) >= sizeof(argbuf)) {
        kerr("init: its arguments are longer than %zu bytes; not starting it", sizeof(argbuf));
        return 2;
    }
    argv[0] = *init ? (char *)init : "sh";
    split(argbuf, argv, INIT_ARGS_MAX);
    if (!strcmp(init, "monitor") || (!*init && !exists("/bin/sh")))
        return monitor_run(join(argv, line, sizeof(line)));
    if (open_console() < 0)
        kwarn("init: no /dev/console; programs start without a console");
    if (*init)
        return run(init, argv, true);
    if (exists("/etc/rc")) {
        char *rc[] = { "sh", "/etc/rc", NULL };
        int st = run("/bin/sh", rc, true);
        if (st)
            kwarn("init: /etc/rc exited with status %d", st);
    }
    if (argv[1]) {
        char *sh[] = { "sh", "-c", join(argv, line, sizeof(line)), NULL };
        return run("/bin/sh", sh, true);
    }
    char *sh[] = { "sh", NULL };
    return run("/bin/sh", sh, true);
}
