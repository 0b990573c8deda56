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
#define CONS_IN_MAX 4096
#define KEY_INTR (-2) /* getc: a Ctrl-C was already handled when it arrived */

static struct {
    bool tty;
    bool eof;           /* the host reported the end of input */
    bool skip_lf;       /* a CR ended the last line; swallow a following LF */
    bool intr;          /* a Ctrl-C arrived that no line reader has seen yet */
    unsigned in_line;   /* tasks inside cons_read_line (waiting or not) */
    char in[CONS_IN_MAX];
    size_t head, len;   /* unread input: in[head .. head+len) modulo CONS_IN_MAX */
    struct waitq readers;
    uint32_t lflag;     /* ANYK_ICANON, ANYK_ECHO, ANYK_ISIG for /dev/console */
    char line[CONS_LINE_MAX + 1];
    size_t line_pos, line_len; /* an edited line not yet read by a program */
} cons = { .lflag = ANYK_ICANON | ANYK_ECHO | ANYK_ISIG };

static void echo(const char *s, size_t n);

/*
 * Input from the host into the ring. On a terminal, Ctrl-C is acted on the
 * moment it arrives, as a terminal's line discipline does: pending input is
 * dropped, ^C is echoed, the foreground process group gets SIGINT, and a
 * line read in progress is cancelled (the reader prints its own newline). A terminal's input beyond the ring is
 * dropped (typed far ahead); from a pipe or file, the kernel simply reads
 * no more than fits.
 */
static void take(const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        if (cons.tty && (cons.lflag & ANYK_ISIG) && c == CTRL('C')) {
            cons.len = 0;
            /*
             * Cancels a line being read now; a program running meanwhile just gets SIGINT.
             * The line reader may be the one pulling this input (fill), so not waiting.
             */
            cons.intr = cons.in_line || !waitq_empty(&cons.readers);
            echo("^C", 2);
            if (task_fg_pgid() > 0)
                task_signal_group(task_fg_pgid(), ANYK_SIGINT);
            continue;
        }
        if (cons.len < CONS_IN_MAX) {
            cons.in[(cons.head + cons.len) % CONS_IN_MAX] = c;
            cons.len++;
        }
    }
}

/*
 * Read what the host has without waiting. The host reports console input
 * when it arrives (hyp_poll); reading until -EAGAIN is what re-arms that.
 */
static void pull(void)
{
    char tmp[256];

    while (!cons.eof) {
        size_t want = sizeof(tmp);
        long n;
        if (!cons.tty) {
            size_t room = CONS_IN_MAX - cons.len;
            if (room == 0)
                break; /* the readers will come back for the rest */
            if (want > room)
                want = room;
        }
        n = hyp_cons_read(tmp, want);
        if (n > 0) {
            take(tmp, (size_t)n);
            continue;
        }
        if (n != -EAGAIN)
            cons.eof = true;
        break;
    }
}

static void cons_event(uint32_t ev)
{
    (void)ev;
    pull();
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

/*
 * Wait until there is input (1), the end of input (0), or a signal for the
 * reading task (-EINTR).
 */
static int fill(void)
{
    for (;;) {
        if (cons.len || cons.intr)
            return 1;
        if (cons.eof)
            return 0;
        pull();
        if (cons.len || cons.intr || cons.eof)
            continue;
        if (waitq_wait_intr(&cons.readers, UINT64_MAX) == -EINTR)
            return -EINTR;
    }
}

static int pop(void)
{
    int c = (unsigned char)cons.in[cons.head];

    cons.head = (cons.head + 1) % CONS_IN_MAX;
    cons.len--;
    return c;
}

/* The next input byte, KEY_INTR, -1 at the end of input, or -EINTR. */
static int getc(void)
{
    int r = fill();

    if (r < 0)
        cons.intr = false; /* the signal that interrupts this read stands for the Ctrl-C */
    if (r <= 0)
        return r == 0 ? -1 : r;
    if (cons.intr) {
        cons.intr = false;
        return KEY_INTR;
    }
    return pop();
}

long cons_read_raw(char *buf, size_t cap)
{
    size_t n = 0;
    int r;

    if (!cap)
        return 0;
    for (;;) {
        if ((r = fill()) <= 0)
            return r;
        cons.intr = false; /* raw readers see Ctrl-C only as the signal it sent */
        if (cons.len)
            break;
    }
    while (n < cap && cons.len)
        buf[n++] = (char)pop();
    return (long)n;
}

static void echo(const char *s, size_t n)
{
    if (cons.tty && (cons.lflag & ANYK_ECHO))
        hyp_cons_write(s, n);
}

static long read_line(char *buf, size_t cap)
{
    size_t len = 0;

    for (;;) {
        int c = getc();

        if (c == -EINTR)
            return -EINTR;
        if (c == KEY_INTR)
            return -EINTR; /* echoed and signalled when it arrived */
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

long cons_read_line(char *buf, size_t cap)
{
    long r;

    cons.in_line++;
    r = read_line(buf, cap);
    cons.in_line--;
    return r;
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
    pull();
    if (cons.line_pos < cons.line_len || cons.len || cons.intr || cons.eof)
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
