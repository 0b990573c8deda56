/*
 * task.c - tasks: spawn, exit, wait, signals, process groups, memory.
 *
 * A task runs on its own kernel thread whose stack also holds the program's
 * initial argument block. Every page block a task gets (its image, its
 * stack, its mmaps) is on task->mem, so exit returns all of it whatever the
 * way out. Task 0 is the kernel itself (the boot thread): it owns the console
 * descriptors that the first programs inherit and is the parent of init.
 *
 * Signals are delivered when the task's thread leaves the kernel (the API
 * exit path, kern/syscall.c); a blocked task is woken from interruptible
 * waits (waitq_wait_intr) with -EINTR so that it reaches that path.
 */
#include <anyk/errno.h>
#include "fs/procfs/procfs.h"
#include "kern/exec.h"
#include "kern/kmalloc.h"
#include "kern/page.h"
#include "kern/printk.h"
#include "kern/syscall.h"
#include "kern/task.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define TASK_STACK_ORDER 6     /* 256 KiB program stacks */
#define ARGS_MAX (64 * 1024)   /* argv + envp strings and pointers */

struct task_mem {
    struct list_node link;
    void *base;                /* page block */
    size_t size;
};

static struct {
    struct list_node all;
    int next_pid;
    struct task kernel;        /* task 0 */
    int fg_pgid;               /* the console's foreground process group (0: none) */
    size_t count;
} tasks;

const char *task_state_name(enum task_state s)
{
    return s == TASK_RUNNING ? "running" : "zombie";
}

struct task *task_current(void)
{
    struct thread *t = thread_self();

    return t && t->task ? t->task : &tasks.kernel;
}

struct task *task_find(int pid)
{
    struct list_node *n;

    list_for_each(n, &tasks.all) {
        struct task *t = list_entry(n, struct task, link);
        if (t->pid == pid)
            return t;
    }
    return NULL;
}

void task_foreach(void (*fn)(struct task *t, void *arg), void *arg)
{
    struct list_node *n;

    list_for_each(n, &tasks.all)
        fn(list_entry(n, struct task, link), arg);
}

int task_fg_pgid(void)
{
    return tasks.fg_pgid;
}

void task_set_fg_pgid(int pgid)
{
    tasks.fg_pgid = pgid;
}

/* ---- memory ------------------------------------------------------------------ */

void *task_mem_alloc(struct task *t, size_t size)
{
    unsigned order = page_order_for(size);
    struct task_mem *m;
    void *p;

    if (order > PAGE_MAX_ORDER || !(m = kmalloc(sizeof(*m))))
        return NULL;
    if (!(p = page_alloc(order))) {
        kfree(m);
        return NULL;
    }
    m->base = p;
    m->size = PAGE_SIZE << order;
    list_add_tail(&t->mem, &m->link);
    t->mem_bytes += m->size;
    return p;
}

/* Free the block that starts at p; -EINVAL if the task has no such block. */
int task_mem_free(struct task *t, void *p, size_t len)
{
    struct list_node *n;

    list_for_each(n, &t->mem) {
        struct task_mem *m = list_entry(n, struct task_mem, link);
        if (m->base == p && len <= m->size) {
            list_del(&m->link);
            t->mem_bytes -= m->size;
            page_free(m->base);
            kfree(m);
            return 0;
        }
    }
    return -EINVAL;
}

/* Record a block allocated elsewhere (the image) as the task's. */
static int task_mem_adopt(struct task *t, void *base, size_t size)
{
    struct task_mem *m = kmalloc(sizeof(*m));

    if (!m)
        return -ENOMEM;
    m->base = base;
    m->size = size;
    list_add_tail(&t->mem, &m->link);
    t->mem_bytes += size;
    return 0;
}

static void task_mem_release(struct task *t)
{
    struct list_node *n;

    while ((n = list_pop_head(&t->mem))) {
        struct task_mem *m = list_entry(n, struct task_mem, link);
        page_free(m->base);
        kfree(m);
    }
    t->mem_bytes = 0;
}

/* ---- descriptors ---------------------------------------------------------------- */

struct file *task_fd(struct task *t, int fd)
{
    if (fd < 0 || fd >= TASK_NOFILE)
        return NULL;
    return t->fd[fd];
}

int task_fd_install(struct task *t, struct file *f, int min, bool cloexec)
{
    for (int fd = min < 0 ? 0 : min; fd < TASK_NOFILE; fd++) {
        if (!t->fd[fd]) {
            t->fd[fd] = f;
            if (cloexec)
                t->cloexec |= 1ull << fd;
            else
                t->cloexec &= ~(1ull << fd);
            return fd;
        }
    }
    return -EMFILE;
}

int task_fd_close(struct task *t, int fd)
{
    struct file *f = task_fd(t, fd);

    if (!f)
        return -EBADF;
    t->fd[fd] = NULL;
    t->cloexec &= ~(1ull << fd);
    file_put(f);
    return 0;
}

/* Put f on descriptor fd, closing what was there; takes over the caller's reference. */
int task_fd_replace(struct task *t, int fd, struct file *f)
{
    if (fd < 0 || fd >= TASK_NOFILE)
        return -EBADF;
    if (t->fd[fd])
        file_put(t->fd[fd]);
    t->fd[fd] = f;
    t->cloexec &= ~(1ull << fd);
    return fd;
}

static void task_close_all(struct task *t)
{
    for (int fd = 0; fd < TASK_NOFILE; fd++)
        if (t->fd[fd])
            task_fd_close(t, fd);
}

/* ---- creation ---------------------------------------------------------------------- */

static struct task *task_new(struct task *parent, const char *name)
{
    struct task *t = kzalloc(sizeof(*t));
    const char *base = name;

    if (!t)
        return NULL;
    for (const char *p = name; *p; p++)
        if (*p == '/' && p[1])
            base = p + 1;
    strlcpy(t->name, base, sizeof(t->name));
    t->pid = tasks.next_pid++;
    t->parent = parent;
    t->ppid = parent->pid;
    t->pgid = parent->pgid;
    t->state = TASK_RUNNING;
    list_init(&t->children);
    list_init(&t->mem);
    waitq_init(&t->child_wq);
    t->start_ns = ktime_now();
    t->umask = parent->umask;
    t->fs.root = parent->fs.root;
    t->fs.cwd = parent->fs.cwd;
    vnode_get(t->fs.root);
    vnode_get(t->fs.cwd);
    /* Inherited descriptors, except close-on-exec ones. */
    for (int fd = 0; fd < TASK_NOFILE; fd++) {
        if (parent->fd[fd] && !(parent->cloexec & (1ull << fd))) {
            t->fd[fd] = parent->fd[fd];
            file_get(t->fd[fd]);
        }
    }
    /* Handlers do not survive into a new program; ignored signals stay ignored. */
    for (int s = 0; s < ANYK_NSIG; s++)
        t->sig_handler[s] = parent->sig_handler[s] == ANYK_SIG_IGN ? ANYK_SIG_IGN : ANYK_SIG_DFL;
    return t;
}

/* Undo task_new for a task that never ran. */
static void task_destroy(struct task *t)
{
    task_close_all(t);
    vnode_put(t->fs.root);
    vnode_put(t->fs.cwd);
    task_mem_release(t);
    kfree(t);
}

static int apply_actions(struct task *t, const struct anyk_spawn_action *a, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct file *f;
        struct vnode *dir;
        int r;

        switch (a[i].op) {
        case ANYK_SPAWN_OPEN:
            if ((r = vfs_open(&t->fs, a[i].path, a[i].flags & ~ANYK_O_CLOEXEC, a[i].mode, &f)) < 0)
                return r;
            if ((r = task_fd_replace(t, a[i].fd, f)) < 0) {
                file_put(f);
                return r;
            }
            break;
        case ANYK_SPAWN_DUP2:
            if (!(f = task_fd(t, a[i].src_fd)))
                return -EBADF;
            if (a[i].fd == a[i].src_fd) {
                t->cloexec &= ~(1ull << a[i].fd);
                break;
            }
            file_get(f);
            if ((r = task_fd_replace(t, a[i].fd, f)) < 0) {
                file_put(f);
                return r;
            }
            break;
        case ANYK_SPAWN_CLOSE:
            if (task_fd(t, a[i].fd))
                task_fd_close(t, a[i].fd);
            break;
        case ANYK_SPAWN_CHDIR:
            if ((r = vfs_lookup_dir(&t->fs, a[i].path, &dir)) < 0)
                return r;
            vnode_put(t->fs.cwd);
            t->fs.cwd = dir;
            break;
        default:
            return -EINVAL;
        }
    }
    return 0;
}

/*
 * Lay out argc, argv, envp and an auxiliary vector at the top of the stack
 * block, the strings above the pointers, as the System V ABI's process stack.
 * Returns the initial stack pointer (16-byte aligned) or NULL if it does not fit.
 */
static long *build_args(char *stack, size_t size, char *const argv[], char *const envp[],
                        uintptr_t entry)
{
    size_t argc = 0, envc = 0, strbytes = 0;
    char *top = stack + size, *s;
    long *sp, *p;

    while (argv && argv[argc])
        strbytes += strlen(argv[argc++]) + 1;
    while (envp && envp[envc])
        strbytes += strlen(envp[envc++]) + 1;
    size_t words = 1 + argc + 1 + envc + 1 + 6;
    if (strbytes + words * sizeof(long) + 64 > ARGS_MAX)
        return NULL;
    s = top - ((strbytes + 15) & ~(size_t)15);
    sp = (long *)(void *)(((uintptr_t)s - words * sizeof(long)) & ~(uintptr_t)15);
    p = sp;
    *p++ = (long)argc;
    for (size_t i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]) + 1;
        memcpy(s, argv[i], n);
        *p++ = (long)(uintptr_t)s;
        s += n;
    }
    *p++ = 0;
    for (size_t i = 0; i < envc; i++) {
        size_t n = strlen(envp[i]) + 1;
        memcpy(s, envp[i], n);
        *p++ = (long)(uintptr_t)s;
        s += n;
    }
    *p++ = 0;
    *p++ = 6;  /* AT_PAGESZ */
    *p++ = (long)PAGE_SIZE;
    *p++ = 9;  /* AT_ENTRY */
    *p++ = (long)entry;
    *p++ = 0;  /* AT_NULL */
    *p++ = 0;
    return sp;
}

static void task_main(void *arg)
{
    struct task *t = arg;
    anyk_entry_fn entry = (anyk_entry_fn)t->entry;

    task_exit(entry(syscall_api(), t->initial_sp) & 0xff);
}

/* Read a whole regular file into kernel memory for the loader. */
static int read_program(struct task *parent, const char *path, void **buf, size_t *len)
{
    struct anyk_stat st;
    struct file *f;
    long n;
    int r;

    if ((r = vfs_open(&parent->fs, path, ANYK_O_RDONLY, 0, &f)) < 0)
        return r;
    if ((r = file_fstat(f, &st)) < 0)
        goto out;
    r = -EACCES;
    if ((st.st_mode & ANYK_S_IFMT) != ANYK_S_IFREG || !(st.st_mode & 0111))
        goto out;
    r = -ENOEXEC;
    if (st.st_size <= 0 || (uint64_t)st.st_size > EXEC_FILE_MAX) {
        kwarn("exec: %s: %lld bytes is not a program size anyk accepts", path,
              (long long)st.st_size);
        goto out;
    }
    r = -ENOMEM;
    if (!(*buf = kmalloc((size_t)st.st_size)))
        goto out;
    n = file_pread(f, *buf, (size_t)st.st_size, 0);
    if (n != st.st_size) {
        kfree(*buf);
        r = n < 0 ? (int)n : -EIO;
        goto out;
    }
    *len = (size_t)n;
    r = 0;
out:
    file_put(f);
    return r;
}

int task_spawn(const char *path, char *const argv[], char *const envp[],
               const struct anyk_spawn_action *actions, unsigned nactions,
               const struct anyk_spawn_attr *attr)
{
    struct task *parent = task_current(), *t;
    struct exec_image img = { 0 };
    void *file = NULL, *stack;
    size_t len = 0, ssize = PAGE_SIZE << TASK_STACK_ORDER;
    struct thread *th;
    int r;

    if ((r = read_program(parent, path, &file, &len)) < 0)
        return r;
    r = exec_load(path, file, len, &img);
    kfree(file);
    if (r < 0)
        return r;
    if (!(t = task_new(parent, path))) {
        exec_free(&img);
        return -ENOMEM;
    }
    if ((r = task_mem_adopt(t, img.base, img.size)) < 0) {
        exec_free(&img);
        goto fail;
    }
    if ((r = apply_actions(t, actions, nactions)) < 0)
        goto fail;
    if (attr && (attr->flags & ANYK_SPAWN_SETPGROUP))
        t->pgid = attr->pgroup > 0 ? attr->pgroup : t->pid;
    r = -ENOMEM;
    if (!(stack = page_alloc(TASK_STACK_ORDER)))
        goto fail;
    t->entry = img.entry;
    t->initial_sp = build_args(stack, ssize, argv, envp, img.entry);
    if (!t->initial_sp) {
        page_free(stack);
        r = -E2BIG;
        goto fail;
    }
    /* The thread owns the stack and frees it when it is reaped, after exit. */
    r = thread_create_on_stack(&th, t->name, task_main, t, THREAD_PRIO_NORMAL, stack, ssize,
                               t->initial_sp);
    if (r < 0) {
        page_free(stack);
        goto fail;
    }
    thread_detach(th);
    th->task = t;
    t->thread = th;
    list_add_tail(&tasks.all, &t->link);
    list_add_tail(&parent->children, &t->sibling);
    tasks.count++;
    if (attr && (attr->flags & ANYK_SPAWN_FOREGROUND))
        tasks.fg_pgid = t->pgid;
    return t->pid;
fail:
    task_destroy(t);
    return r;
}

/* ---- exit and wait ------------------------------------------------------------------ */

static void task_reap(struct task *t)
{
    list_del(&t->link);
    list_del(&t->sibling);
    tasks.count--;
    kfree(t);
}

void task_exit_status(int wstatus)
{
    struct task *t = task_current();
    struct list_node *n, *tmp;

    if (t == &tasks.kernel)
        panic("task_exit: the kernel task cannot exit");
    task_close_all(t);
    vnode_put(t->fs.root);
    vnode_put(t->fs.cwd);
    t->fs.root = t->fs.cwd = NULL;
    task_mem_release(t);
    /* Orphans go to the kernel task, which collects them at once when they end. */
    list_for_each_safe(n, tmp, &t->children) {
        struct task *c = list_entry(n, struct task, sibling);
        list_del(&c->sibling);
        c->parent = &tasks.kernel;
        c->ppid = 0;
        if (c->state == TASK_ZOMBIE) {
            list_init(&c->sibling);
            list_del(&c->link);
            tasks.count--;
            kfree(c);
        } else {
            list_add_tail(&tasks.kernel.children, &c->sibling);
        }
    }
    t->exit_status = wstatus;
    t->state = TASK_ZOMBIE;
    t->thread->task = NULL;
    t->thread = NULL;
    waitq_wake_all(&t->parent->child_wq);
    thread_exit(NULL);
}

void task_exit(int code)
{
    task_exit_status((code & 0xff) << 8);
}

static bool wait_matches(const struct task *self, const struct task *c, int pid)
{
    if (pid > 0)
        return c->pid == pid;
    if (pid == -1)
        return true;
    return c->pgid == (pid == 0 ? self->pgid : -pid);
}

int task_wait(int pid, int *wstatus, int options)
{
    struct task *self = task_current();

    if (options & ~ANYK_WNOHANG)
        return -EINVAL;
    for (;;) {
        struct list_node *n;
        bool any = false;

        list_for_each(n, &self->children) {
            struct task *c = list_entry(n, struct task, sibling);
            if (!wait_matches(self, c, pid))
                continue;
            any = true;
            if (c->state == TASK_ZOMBIE) {
                int cpid = c->pid;
                if (wstatus)
                    *wstatus = c->exit_status;
                task_reap(c);
                return cpid;
            }
        }
        if (!any)
            return -ECHILD;
        if (options & ANYK_WNOHANG)
            return 0;
        if (waitq_wait_intr(&self->child_wq, UINT64_MAX) == -EINTR)
            return -EINTR;
    }
}

/* ---- signals ------------------------------------------------------------------------- */

static bool sig_deliverable(const struct task *t, int sig)
{
    if (sig == ANYK_SIGKILL)
        return true;
    if (t->sig_handler[sig] == ANYK_SIG_IGN)
        return false;
    /* SIGCHLD's default is to ignore it. */
    return !(sig == ANYK_SIGCHLD && t->sig_handler[sig] == ANYK_SIG_DFL);
}

static void task_post(struct task *t, int sig)
{
    if (t->state != TASK_RUNNING || !t->thread || !sig_deliverable(t, sig))
        return;
    t->sig_pending |= 1u << sig;
    t->thread->sig_pending = true;
    if (t->thread->state == THREAD_BLOCKED && t->thread->intr_wait)
        sched_wake(t->thread, -EINTR);
}

int task_signal(int pid, int sig)
{
    struct task *t;

    if (sig < 0 || sig >= ANYK_NSIG)
        return -EINVAL;
    if (pid <= 0 || !(t = task_find(pid)) || t->state != TASK_RUNNING)
        return -ESRCH;
    if (sig)
        task_post(t, sig);
    return 0;
}

int task_signal_group(int pgid, int sig)
{
    struct list_node *n;
    bool found = false;

    if (sig < 0 || sig >= ANYK_NSIG)
        return -EINVAL;
    list_for_each(n, &tasks.all) {
        struct task *t = list_entry(n, struct task, link);
        if (t->pgid == pgid && t->state == TASK_RUNNING) {
            found = true;
            if (sig)
                task_post(t, sig);
        }
    }
    return found ? 0 : -ESRCH;
}

void task_deliver_signals(void)
{
    struct task *t = task_current();

    while (t->sig_pending) {
        int sig = __builtin_ctz(t->sig_pending);
        void (*h)(int) = t->sig_handler[sig];

        t->sig_pending &= ~(1u << sig);
        if (sig == ANYK_SIGKILL || h == ANYK_SIG_DFL) {
            if (sig_deliverable(t, sig))
                task_exit_status(sig);
        } else if (h != ANYK_SIG_IGN) {
            thread_self()->sig_pending = t->sig_pending != 0;
            h(sig);
        }
    }
    thread_self()->sig_pending = false;
}

int task_sigaction(int sig, const struct anyk_sigaction *act, struct anyk_sigaction *old)
{
    struct task *t = task_current();

    if (sig <= 0 || sig >= ANYK_NSIG)
        return -EINVAL;
    if (old) {
        old->handler = t->sig_handler[sig];
        old->flags = 0;
    }
    if (act) {
        if (sig == ANYK_SIGKILL || act->flags)
            return -EINVAL;
        t->sig_handler[sig] = act->handler;
        if (act->handler == ANYK_SIG_IGN)
            t->sig_pending &= ~(1u << sig);
    }
    return 0;
}

int task_setpgid(int pid, int pgid)
{
    struct task *self = task_current();
    struct task *t = pid == 0 ? self : task_find(pid);

    if (pgid < 0)
        return -EINVAL;
    if (!t || (t != self && t->parent != self))
        return -ESRCH;
    t->pgid = pgid == 0 ? t->pid : pgid;
    return 0;
}

int task_getpgid(int pid)
{
    struct task *t = pid == 0 ? task_current() : task_find(pid);

    return t ? t->pgid : -ESRCH;
}

/* ---- /proc/tasks and setup -------------------------------------------------------- */

struct gen {
    char *buf;
    size_t cap, len;
};

static void task_line(struct task *t, void *arg)
{
    struct gen *g = arg;
    int n;

    if (g->len >= g->cap)
        return;
    n = ksnprintf(g->buf + g->len, g->cap - g->len, "%d %d %d %c %zu %s\n", t->pid, t->ppid,
                 t->pgid, t->state == TASK_RUNNING ? 'R' : 'Z', t->mem_bytes >> 10, t->name);
    g->len += n > 0 ? (size_t)n : 0;
    if (g->len > g->cap)
        g->len = g->cap;
}

/* One line per task: "PID PPID PGID STATE MEM_KIB NAME". */
static size_t tasks_text(char *buf, size_t cap)
{
    struct gen g = { buf, cap, 0 };

    task_foreach(task_line, &g);
    return g.len;
}

size_t task_count(void)
{
    return tasks.count;
}

void task_init(void)
{
    struct task *k = &tasks.kernel;

    list_init(&tasks.all);
    list_init(&k->children);
    list_init(&k->mem);
    waitq_init(&k->child_wq);
    strlcpy(k->name, "kernel", sizeof(k->name));
    k->pid = 0;
    k->pgid = 0;
    k->umask = 022;
    k->fs.root = vfs_root();
    k->fs.cwd = vfs_root();
    tasks.next_pid = 1;
    procfs_register("tasks", tasks_text);
}
