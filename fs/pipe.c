/*
 * pipe.c - pipes: a 64 KiB ring buffer between a reading and a writing file.
 *
 * Readers block while the pipe is empty and a writer exists; writers block
 * while it is full and a reader exists. Writes of at most PIPE_BUF bytes are
 * atomic. Both waits are interruptible by signals. When the last reader is
 * gone, writes fail with -EPIPE (the API layer adds SIGPIPE).
 */
#include <anyk/errno.h>
#include "fs/vfs.h"
#include "kern/kmalloc.h"
#include "kern/sync.h"
#include "lib/string.h"

#define PIPE_SIZE (64 * 1024)
#define PIPE_BUF 4096

struct pipe {
    char *buf;
    size_t head, len;           /* unread bytes: buf[head .. head+len) mod PIPE_SIZE */
    unsigned readers, writers;  /* open files of each end */
    struct waitq wq;            /* readers and writers both wait here */
};

static long pipe_read(struct file *f, void *buf, size_t n)
{
    struct pipe *p = f->priv;
    char *out = buf;
    size_t k;

    if (!n)
        return 0;
    while (p->len == 0) {
        if (p->writers == 0)
            return 0;
        if (f->flags & ANYK_O_NONBLOCK)
            return -EAGAIN;
        if (waitq_wait_intr(&p->wq, UINT64_MAX) == -EINTR)
            return -EINTR;
    }
    k = n < p->len ? n : p->len;
    for (size_t i = 0; i < k; i++)
        out[i] = p->buf[(p->head + i) % PIPE_SIZE];
    p->head = (p->head + k) % PIPE_SIZE;
    p->len -= k;
    waitq_wake_all(&p->wq);
    return (long)k;
}

static long pipe_write(struct file *f, const void *buf, size_t n)
{
    struct pipe *p = f->priv;
    const char *in = buf;
    size_t done = 0;

    while (done < n) {
        size_t room = PIPE_SIZE - p->len, want = n - done;
        if (p->readers == 0)
            return done ? (long)done : -EPIPE;
        /* A small write goes in whole or waits; a large one goes in pieces. */
        if (room == 0 || (n <= PIPE_BUF && room < n)) {
            if (f->flags & ANYK_O_NONBLOCK)
                return done ? (long)done : -EAGAIN;
            if (waitq_wait_intr(&p->wq, UINT64_MAX) == -EINTR)
                return done ? (long)done : -EINTR;
            continue;
        }
        size_t k = want < room ? want : room;
        size_t tail = (p->head + p->len) % PIPE_SIZE;
        for (size_t i = 0; i < k; i++)
            p->buf[(tail + i) % PIPE_SIZE] = in[done + i];
        p->len += k;
        done += k;
        waitq_wake_all(&p->wq);
    }
    return (long)done;
}

static unsigned pipe_poll(struct file *f, struct waitq **wq)
{
    struct pipe *p = f->priv;
    unsigned ev = 0;

    if (wq)
        *wq = &p->wq;
    if ((f->flags & ANYK_O_ACCMODE) == ANYK_O_RDONLY) {
        if (p->len)
            ev |= ANYK_POLLIN;
        if (!p->writers)
            ev |= ANYK_POLLHUP;
    } else {
        if (PIPE_SIZE - p->len >= PIPE_BUF)
            ev |= ANYK_POLLOUT;
        if (!p->readers)
            ev |= ANYK_POLLERR;
    }
    return ev;
}

static void pipe_close(struct file *f)
{
    struct pipe *p = f->priv;

    if ((f->flags & ANYK_O_ACCMODE) == ANYK_O_RDONLY)
        p->readers--;
    else
        p->writers--;
    waitq_wake_all(&p->wq);
    if (!p->readers && !p->writers) {
        kfree(p->buf);
        kfree(p);
    }
}

static const struct file_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll,
    .close = pipe_close,
};

int pipe_create(struct file **rd, struct file **wr)
{
    struct pipe *p = kzalloc(sizeof(*p));

    if (!p || !(p->buf = kmalloc(PIPE_SIZE)) || !(*rd = file_alloc())) {
        if (p)
            kfree(p->buf);
        kfree(p);
        return -ENFILE;
    }
    if (!(*wr = file_alloc())) {
        kfree(*rd);
        kfree(p->buf);
        kfree(p);
        return -ENFILE;
    }
    waitq_init(&p->wq);
    p->readers = p->writers = 1;
    (*rd)->ops = (*wr)->ops = &pipe_ops;
    (*rd)->priv = (*wr)->priv = p;
    (*rd)->flags = ANYK_O_RDONLY;
    (*wr)->flags = ANYK_O_WRONLY;
    return 0;
}
