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
    struct vfs_ctx fs;                 /* root and cwd, with references */

    struct list_node mem;              /* struct task_mem regions: image, stack, mmaps */
    size_t mem_bytes;

    uint32_t sig_pending;              /* bit n: signal n */
    void (*sig_handler[ANYK_NSIG])(int);
    int exit_status;                   /* wait status word (Linux encoding) */
    uint64_t start_ns;
};

struct task *task_current(void);
struct task *task_find(int pid);
void task_foreach(void (*fn)(struct task *t, void *arg), void *arg);
const char *task_state_name(enum task_state s);

/* Send a signal to a task, or to every task of a process group; -ESRCH if none. */
int task_signal(int pid, int sig);
int task_signal_group(int pgid, int sig);

#endif
