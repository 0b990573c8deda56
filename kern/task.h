/*
 * task.h - tasks: running programs.
 *
 * A task is one kernel thread running a program loaded by kern/exec.c, with
 * what POSIX gives a process: a pid, a parent, a process group, a file
 * table, a root and current directory, an environment, signal dispositions,
 * the memory it allocated (every byte returns when it exits), and an exit
 * status collected by its parent's wait. All tasks share the one address
 * space; there is no fork.
 */
#ifndef KERN_TASK_H
#define KERN_TASK_H

#include <anyk/api.h>
#include <anyk/types.h>
#include "fs/vfs.h"
#include "kern/sync.h"
#include "lib/list.h"

#define TASK_NOFILE 64
#define TASK_NAME_MAX 32

enum task_state {
    TASK_RUNNING,
    TASK_ZOMBIE,    /* exited; its parent has not collected the status yet */
};

struct task {
    int pid, ppid, pgid;
    char name[TASK_NAME_MAX];          /* basename of the program */
    enum task_state state;
    struct thread *thread;             /* NULL for the kernel's own pseudo-task 0 */
    struct task *parent;
    struct list_node link;             /* all tasks */
    struct list_node children;
    struct list_node sibling;
    struct waitq child_wq;             /* woken when a child exits */

    struct file *fd[TASK_NOFILE];
    uint64_t cloexec;                  /* bit n: fd n closes on spawn */
    uint32_t umask;                    /* permission bits cleared on create (022) */
    struct vfs_ctx fs;                 /* root and cwd, with references */

    struct list_node mem;              /* struct task_mem regions: image, stack, mmaps */
    size_t mem_bytes;

    uint32_t sig_pending;              /* bit n: signal n */
    void (*sig_handler[ANYK_NSIG])(int); /* ANYK_SIG_DFL, ANYK_SIG_IGN or a function */
    int exit_status;                   /* wait status word (Linux encoding) */
    uint64_t start_ns;
    uintptr_t entry;                   /* the program's entry point */
    long *initial_sp;                  /* argc, argv, envp, auxv */
};

/* Create task 0 (the kernel) once the VFS is up; registers /proc/tasks. */
void task_init(void);
size_t task_count(void);

/* The running task (task 0 when the caller is a kernel thread). */
struct task *task_current(void);
struct task *task_find(int pid);
void task_foreach(void (*fn)(struct task *t, void *arg), void *arg);
const char *task_state_name(enum task_state s);

/*
 * Start the program at path as a child of the current task, as posix_spawn:
 * descriptors are inherited except close-on-exec ones, then the actions are
 * applied in order; signal handlers reset to default. Returns the pid, or
 * -ENOENT, -EACCES, -ENOEXEC (with a log line saying why), -ENOMEM, -E2BIG,
 * or the error of a failed action.
 */
int task_spawn(const char *path, char *const argv[], char *const envp[],
               const struct anyk_spawn_action *actions, unsigned nactions,
               const struct anyk_spawn_attr *attr);
/* End the current task with exit code code (0-255) or a raw wait status. Never return. */
void task_exit(int code) __attribute__((noreturn));
void task_exit_status(int wstatus) __attribute__((noreturn));
/* waitpid: pid > 0 that child, -1 any, 0 or < -1 a process group. */
int task_wait(int pid, int *wstatus, int options);

/* Descriptor table of a task. */
struct file *task_fd(struct task *t, int fd);
/* Lowest free descriptor >= min for f (takes over the caller's reference), or -EMFILE. */
int task_fd_install(struct task *t, struct file *f, int min, bool cloexec);
int task_fd_replace(struct task *t, int fd, struct file *f);
int task_fd_close(struct task *t, int fd);

/* Memory that belongs to a task and returns when it exits (mmap). */
void *task_mem_alloc(struct task *t, size_t size);
int task_mem_free(struct task *t, void *p, size_t len);

/* Run the current task's pending signals (the API exit path calls it). */
void task_deliver_signals(void);
int task_sigaction(int sig, const struct anyk_sigaction *act, struct anyk_sigaction *old);
int task_setpgid(int pid, int pgid);
int task_getpgid(int pid);
/* The console's foreground process group (0: none). */
int task_fg_pgid(void);
void task_set_fg_pgid(int pgid);

/* Send a signal to a task, or to every task of a process group; -ESRCH if none. */
int task_signal(int pid, int sig);
int task_signal_group(int pgid, int sig);

#endif
