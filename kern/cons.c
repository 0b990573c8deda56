/*
 * cons.c - console input buffering and the line discipline.
 *
 * Bytes come from hyp_cons_read into a small buffer; readers block on a wait
 * queue that the idle loop wakes when the host says console input is ready.
 */
#include <anyk/api.h>
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "fs/devfs/devfs.h"
#include "fs/vfs.h"
#include "kern/cons.h"
#include "kern/idle.h"
#include "kern/sync.h"
#include "kern/task.h"
#include "kern/thread.h"

#define CTRL(c) ((c) & 0x1f)
#define CONS_LINE_MAX 1024

static struct {
    bool tty;
    bool eof;           /* the host reported the end of input */
    bool skip_lf;       /* a CR ended the last line; swallow a following LF */
    char buf[256];
    size_t head, len;   /* unread bytes: buf[head .. head+len) */
    struct waitq readers;
    uint32_t lflag;     /* ANYK_ICANON, ANYK_ECHO, ANYK_ISIG for /dev/console */
    char line[CONS_LINE_MAX + 1];
    size_t line_pos, line_len; /* an edited line not yet read by a program */
} cons = { .lflag = ANYK_ICANON | ANYK_ECHO | ANYK_ISIG };

static void cons_event(uint32_t ev)
{
    (void)ev;
    waitq_wake_all(&cons.readers);
}

void cons_init(bool tty)
{
    cons.tty = tty;
    waitq_init(&cons.readers);
    idle_set_handler(HYP_POLL_CONS, cons_event);
}

bool cons_is_tty(void)
{
    return cons.tty;
}

void cons_write(const char *buf, size_t len)
{
    hyp_cons_write(buf, len);
}

/* Take what the host has without waiting; false if nothing is there. */
static bool fill_nowait(void)
{
    long n;

    if (cons.len || cons.eof)
        return cons.len != 0;
    n = hyp_cons_read(cons.buf, sizeof(cons.buf));
    if (n > 0) {
        cons.head = 0;
        cons.len = (size_t)n;
    } else if (n != -EAGAIN) {
        cons.eof = true;
    }
    return cons.len != 0;
}

/*
 * Refill the buffer if it is empty, blocking: 1 when there is input, 0 at the
 * end of input, -EINTR if a signal came for the reading task.
 */
static int fill(void)
{
    while (!fill_nowait()) {
        if (cons.eof)
            return 0;
        if (waitq_wait_intr(&cons.readers, UINT64_MAX) == -EINTR)
            return -EINTR;
    }
    return 1;
}

/* The next input byte, -1 at the end of input, or -EINTR. */
static int getc(void)
{
    int r = fill();

    if (r <= 0)
        return r == 0 ? -1 : r;
    cons.len--;
    return (unsigned char)cons.buf[cons.head++];
}

long cons_read_raw(char *buf, size_t cap)
{
    size_t n;
    int r;

    if (!cap)
        return 0;
    if ((r = fill()) <= 0)
        return r;
    n = cons.len < cap ? cons.len : cap;
    for (size_t i = 0; i < n; i++)
        buf[i] = cons.buf[cons.head + i];
    cons.head += n;
    cons.len -= n;
    return (long)n;
}

static void echo(const char *s, size_t n)
{
    if (cons.tty && (cons.lflag & ANYK_ECHO))
        hyp_cons_write(s, n);
}

long cons_read_line(char *buf, size_t cap)
{
    size_t len = 0;

    for (;;) {
        int c = getc();

        if (c == -EINTR)
            return -EINTR;
        if (c < 0)
            return len ? (long)len : -EPIPE;
        if (cons.skip_lf) {
            cons.skip_lf = false;
            if (c == '\n')
                continue;
        }
        if (c == '\r' || c == '\n') {
            cons.skip_lf = c == '\r';
            echo("\n", 1);
            buf[len] = '\0';
            return (long)len;
        }
        if (c == CTRL('C')) {
            echo("^C\n", 3);
            /* With ISIG the foreground programs get SIGINT; the reader gets the line cancelled. */
            if ((cons.lflag & ANYK_ISIG) && task_fg_pgid() > 0)
                task_signal_group(task_fg_pgid(), ANYK_SIGINT);
            return -EINTR;
        }
        if (c == CTRL('D')) {
            if (len == 0)
                return -EPIPE;
            continue;
        }
        if (c == 0x7f || c == CTRL('H')) {
            if (len) {
                len--;
                echo("\b \b", 3);
            }
            continue;
        }
        if (c == CTRL('U')) {
            while (len) {
                len--;
                echo("\b \b", 3);
            }
            continue;
        }
        if (c == 0x1b) {
            /* Skip an escape sequence (arrow and function keys): ESC [ params final. */
            int c2 = getc();
            if (c2 == '[' || c2 == 'O')
                while ((c2 = getc()) >= 0 && !(c2 >= 0x40 && c2 <= 0x7e))
                    ;
            continue;
        }
        if (c < 0x20 && c != '\t')
            continue; /* other control keys are ignored */
        if (len + 1 < cap) {
            buf[len++] = (char)c;
            char ch = (char)c;
            echo(&ch, 1);
        }
    }
}

/* ---- /dev/console ------------------------------------------------------------ */

static long cons_file_read(struct file *f, void *buf, size_t n)
{
    char *out = buf;
    long r;

    (void)f;
    if (!n)
        return 0;
    if (!(cons.lflag & ANYK_ICANON))
        return cons_read_raw(buf, n);
    if (cons.line_pos == cons.line_len) {
        r = cons_read_line(cons.line, sizeof(cons.line) - 1);
        if (r == -EPIPE)
            return 0; /* Ctrl-D on an empty line, or the end of input: end of file */
        if (r < 0)
            return r;
        cons.line[r] = '\n';
        cons.line_pos = 0;
        cons.line_len = (size_t)r + 1;
    }
    size_t k = cons.line_len - cons.line_pos < n ? cons.line_len - cons.line_pos : n;
    for (size_t i = 0; i < k; i++)
        out[i] = cons.line[cons.line_pos + i];
    cons.line_pos += k;
    return (long)k;
}

static long cons_file_write(struct file *f, const void *buf, size_t n)
{
    (void)f;
    return hyp_cons_write(buf, n);
}

static unsigned cons_file_poll(struct file *f, struct waitq **wq)
{
    (void)f;
    if (wq)
        *wq = &cons.readers;
    if (cons.line_pos < cons.line_len || fill_nowait() || cons.eof)
        return ANYK_POLLIN | ANYK_POLLOUT;
    return ANYK_POLLOUT;
}

static int cons_file_ioctl(struct file *f, unsigned long req, void *arg)
{
    (void)f;
    /* A console that is a pipe or a file on the host is no terminal here either. */
    if (!cons.tty)
        return -ENOTTY;
    switch (req) {
    case ANYK_TCGETS: {
        struct anyk_termios *t = arg;
        if (!t)
            return -EFAULT;
        t->c_iflag = t->c_oflag = t->c_cflag = 0;
        t->c_lflag = cons.lflag;
        return 0;
    }
    case ANYK_TCSETS: {
        const struct anyk_termios *t = arg;
        if (!t)
            return -EFAULT;
        cons.lflag = t->c_lflag & (ANYK_ICANON | ANYK_ECHO | ANYK_ISIG);
        return 0;
    }
    case ANYK_TIOCGPGRP:
        if (!arg)
            return -EFAULT;
        *(int *)arg = task_fg_pgid();
        return 0;
    case ANYK_TIOCSPGRP:
        if (!arg || *(const int *)arg < 0)
            return arg ? -EINVAL : -EFAULT;
        task_set_fg_pgid(*(const int *)arg);
        return 0;
    case ANYK_TIOCGWINSZ: {
        struct anyk_winsize *w = arg;
        if (!w)
            return -EFAULT;
        /* The boundary does not carry the host terminal's size; assume the classic one. */
        w->ws_row = 24;
        w->ws_col = 80;
        w->ws_xpixel = w->ws_ypixel = 0;
        return 0;
    }
    default:
        return -ENOTTY;
    }
}

const struct file_ops cons_file_ops = {
    .read = cons_file_read,
    .write = cons_file_write,
    .poll = cons_file_poll,
    .ioctl = cons_file_ioctl,
};

int cons_register_dev(void)
{
    return devfs_register("console", ANYK_S_IFCHR | 0620, &cons_file_ops, NULL);
}
