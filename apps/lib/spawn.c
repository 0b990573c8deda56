/*
 * spawn.c - posix_spawn over the kernel's spawn, which takes the file actions
 * and attributes in its own form (struct anyk_spawn_action/attr). There is no
 * fork on anyk, so this is the only way to start a program. posix_spawnp
 * searches PATH here, in the libc, as POSIX places that job.
 */
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libc_impl.h"

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
    fa->__n = fa->__cap = 0;
    fa->__actions = NULL;
    return 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
    struct anyk_spawn_action *a = fa->__actions;
    for (int i = 0; i < fa->__n; i++)
        free((char *)a[i].path);
    free(a);
    fa->__actions = NULL;
    fa->__n = fa->__cap = 0;
    return 0;
}

/* Append one action; path (if any) is copied, as POSIX requires. */
static int add_action(posix_spawn_file_actions_t *fa, const struct anyk_spawn_action *act)
{
    if (act->fd < 0 || (act->op == ANYK_SPAWN_DUP2 && act->src_fd < 0))
        return EBADF;
    if (fa->__n == fa->__cap) {
        int cap = fa->__cap ? fa->__cap * 2 : 4;
        void *na = realloc(fa->__actions, (size_t)cap * sizeof(struct anyk_spawn_action));
        if (!na)
            return ENOMEM;
        fa->__actions = na;
        fa->__cap = cap;
    }
    struct anyk_spawn_action *a = (struct anyk_spawn_action *)fa->__actions + fa->__n;
    *a = *act;
    if (act->path && !(a->path = strdup(act->path)))
        return ENOMEM;
    fa->__n++;
    return 0;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path,
                                     int flags, mode_t mode)
{
    struct anyk_spawn_action a = {.op = ANYK_SPAWN_OPEN, .fd = fd, .flags = flags,
                                  .mode = mode, .path = path};
    return add_action(fa, &a);
}

/* POSIX's argument order is (fildes, newfildes): newfildes becomes a copy of fildes. */
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd)
{
    struct anyk_spawn_action a = {.op = ANYK_SPAWN_DUP2, .fd = newfd, .src_fd = fd};
    return add_action(fa, &a);
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd)
{
    struct anyk_spawn_action a = {.op = ANYK_SPAWN_CLOSE, .fd = fd};
    return add_action(fa, &a);
}

int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *fa, const char *path)
{
    struct anyk_spawn_action a = {.op = ANYK_SPAWN_CHDIR, .fd = 0, .path = path};
    return add_action(fa, &a);
}

int posix_spawnattr_init(posix_spawnattr_t *a)
{
    memset(a, 0, sizeof(*a));
    return 0;
}

int posix_spawnattr_destroy(posix_spawnattr_t *a)
{
    (void)a;
    return 0;
}

int posix_spawnattr_setflags(posix_spawnattr_t *a, short flags)
{
    a->__flags = flags;
    return 0;
}

int posix_spawnattr_getflags(const posix_spawnattr_t *a, short *flags)
{
    *flags = a->__flags;
    return 0;
}

int posix_spawnattr_setpgroup(posix_spawnattr_t *a, pid_t pgroup)
{
    a->__pgroup = pgroup;
    return 0;
}

int posix_spawnattr_getpgroup(const posix_spawnattr_t *a, pid_t *pgroup)
{
    *pgroup = a->__pgroup;
    return 0;
}

/* Signal masks and defaults are accepted for portability; anyk children start with defaults. */
int posix_spawnattr_setsigdefault(posix_spawnattr_t *a, const sigset_t *set)
{
    a->__sigdef = *set;
    return 0;
}

int posix_spawnattr_setsigmask(posix_spawnattr_t *a, const sigset_t *set)
{
    a->__sigmask = *set;
    return 0;
}

/* Returns 0 or an error number (posix_spawn does not use errno). */
int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    struct anyk_spawn_attr ka = {0, 0};
    if (attr) {
        if (attr->__flags & POSIX_SPAWN_SETPGROUP)
            ka.flags |= ANYK_SPAWN_SETPGROUP;
        if (attr->__flags & POSIX_SPAWN_ANYK_FOREGROUND)
            ka.flags |= ANYK_SPAWN_SETPGROUP | ANYK_SPAWN_FOREGROUND;
        ka.pgroup = attr->__pgroup;
    }
    int r = __anyk->spawn(path, argv, envp ? envp : environ,
                          fa ? fa->__actions : NULL, fa ? (unsigned)fa->__n : 0,
                          attr ? &ka : NULL);
    if (r < 0)
        return -r;
    if (pid)
        *pid = r;
    return 0;
}

int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
                 const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    if (strchr(file, '/'))
        return posix_spawn(pid, file, fa, attr, argv, envp);
    if (!*file)
        return ENOENT;
    const char *path = getenv("PATH");
    if (!path)
        path = "/bin:/usr/bin";
    size_t flen = strlen(file);
    int err = ENOENT;
    for (const char *p = path;; p++) {
        const char *q = p;
        while (*q && *q != ':')
            q++;
        size_t dlen = (size_t)(q - p);
        char full[4096];
        if (dlen + flen + 2 <= sizeof(full)) {
            /* an empty PATH element means the current directory */
            size_t n = 0;
            if (dlen) {
                memcpy(full, p, dlen);
                n = dlen;
                full[n++] = '/';
            }
            memcpy(full + n, file, flen + 1);
            int r = posix_spawn(pid, full, fa, attr, argv, envp);
            if (r == 0)
                return 0;
            /* keep looking past missing files; remember a more telling error */
            if (r != ENOENT && r != ENOTDIR)
                err = r;
            if (r != ENOENT && r != ENOTDIR && r != EACCES)
                return r;
        }
        if (!*q)
            break;
        p = q;
    }
    return err;
}
