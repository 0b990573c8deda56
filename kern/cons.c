/*
 * cons.c - console input buffering and the line discipline.
 *
 * Bytes come from hyp_cons_read into a small buffer; readers block on a wait
 * queue that the idle loop wakes when the host says console input is ready.
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "kern/cons.h"
#include "kern/idle.h"
#include "kern/sync.h"
#include "kern/thread.h"

#define CTRL(c) ((c) & 0x1f)

static struct {
    bool tty;
    bool eof;           /* the host reported the end of input */
    bool skip_lf;       /* a CR ended the last line; swallow a following LF */
    char buf[256];
    size_t head, len;   /* unread bytes: buf[head .. head+len) */
    struct waitq readers;
} cons;

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

/* Refill the buffer if it is empty, blocking; false at the end of input. */
static bool fill(void)
{
    while (cons.len == 0) {
        long n;
        if (cons.eof)
            return false;
        n = hyp_cons_read(cons.buf, sizeof(cons.buf));
        if (n > 0) {
            cons.head = 0;
            cons.len = (size_t)n;
        } else if (n == 0 || n != -EAGAIN) {
            cons.eof = true;
        } else {
            waitq_wait(&cons.readers, UINT64_MAX);
        }
    }
    return true;
}

static int getc(void)
{
    if (!fill())
        return -1;
    cons.len--;
    return (unsigned char)cons.buf[cons.head++];
}

long cons_read_raw(char *buf, size_t cap)
{
    size_t n;

    if (!cap || !fill())
        return 0;
    n = cons.len < cap ? cons.len : cap;
    for (size_t i = 0; i < n; i++)
        buf[i] = cons.buf[cons.head + i];
    cons.head += n;
    cons.len -= n;
    return (long)n;
}

static void echo(const char *s, size_t n)
{
    if (cons.tty)
        hyp_cons_write(s, n);
}

long cons_read_line(char *buf, size_t cap)
{
    size_t len = 0;

    for (;;) {
        int c = getc();

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
