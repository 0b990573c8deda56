/*
 * pipe_test.c - pipes (fs/pipe.c) behave as POSIX and Linux pipes do.
 *
 * Checks: bytes flow from a writer thread to a reader thread in order, for a
 * transfer of 8 MiB (128 times the 64 KiB buffer) in odd-sized pieces; read
 * returns 0 once the writer is gone and blocked readers wake for it; a write
 * with no reader is EPIPE, also for a writer blocked on a full pipe when the
 * reader goes; O_NONBLOCK gives EAGAIN on an empty pipe and on a full one,
 * the capacity is 65536 bytes, a small write that does not fit is refused
 * whole; writes of at most PIPE_BUF (4096) bytes from several writers are
 * never split between reads of two readers (POSIX's atomicity); file_poll
 * readiness (POLLIN, POLLOUT, POLLHUP, POLLERR) and its wait queue wakes a
 * waiter; pipes are not seekable; everything is freed when both ends close.
 *
 * The Linux values (capacity 65536, poll bits, ESPIPE, S_IFIFO) were checked
 * on the host with a throwaway python3 script using os.pipe and select.poll.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <anyk/errno.h>
#include "fs/vfs.h"
#include "kern/kmalloc.h"
#include "kern/page.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "tests/unit/tap.h"

#define MS NSEC_PER_MSEC

/* ---- helpers ---------------------------------------------------------------------- */

struct mem {
    size_t free_slab_pages, objects, large; /* free + slab pages: see vfs_test.c */
};

static struct mem mem_now(void)
{
    struct kmalloc_stats ks;
    struct mem m = { page_zone()->free_pages, 0, 0 };

    kmalloc_stats(&ks);
    for (int i = 0; i < KMALLOC_NCLASSES; i++) {
        m.objects += ks.cls[i].objects;
        m.free_slab_pages += ks.cls[i].slabs * ks.cls[i].slab_pages;
    }
    m.large = ks.large_blocks;
    return m;
}

/* The byte at position i of the stream: no short period, so a misplaced piece shows. */
static unsigned char pattern(uint64_t i)
{
    uint32_t x = (uint32_t)i ^ (uint32_t)(i >> 17);

    x *= 0x9e3779b1u;
    return (unsigned char)(x >> 24);
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

/* ---- a large transfer in order -------------------------------------------------------- */

#define STREAM (8u << 20)

struct stream {
    struct file *rd, *wr;
    uint64_t written, read;
    long write_err;
    uint64_t first_bad;     /* position of the first wrong byte, or UINT64_MAX */
    long last_read;         /* what the read after the end returned */
    int blocked_reads;      /* reads that found the pipe empty (so the reader waited) */
};

static void stream_writer(void *arg)
{
    struct stream *s = arg;
    static unsigned char buf[100000];

    while (s->written < STREAM) {
        /* Sizes from 1 byte to more than the whole buffer (100,000 > 65,536). */
        size_t n = rnd() % 4 == 0 ? 1 + rnd() % 100000 : 1 + rnd() % 5000;
        if (n > STREAM - s->written)
            n = STREAM - s->written;
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern(s->written + i);
        long r = file_write(s->wr, buf, n);
        if (r != (long)n) {
            s->write_err = r;
            break;
        }
        s->written += n;
    }
    file_put(s->wr); /* the only writer goes: the reader then sees end of file */
}

static void stream_reader(void *arg)
{
    struct stream *s = arg;
    static unsigned char buf[100000];
    long r;

    for (;;) {
        size_t n = 1 + rnd() % sizeof(buf);
        if (!(file_poll(s->rd, NULL) & ANYK_POLLIN))
            s->blocked_reads++;
        if ((r = file_read(s->rd, buf, n)) <= 0)
            break;
        for (long i = 0; i < r; i++)
            if (buf[i] != pattern(s->read + (uint64_t)i) && s->first_bad == UINT64_MAX)
                s->first_bad = s->read + (uint64_t)i;
        s->read += (uint64_t)r;
    }
    s->last_read = r;
}

static void test_stream(void)
{
    struct stream s = { .first_bad = UINT64_MAX, .last_read = 99 };
    struct thread *w, *r;
    struct anyk_stat st;
    char c;

    ok(pipe_create(&s.rd, &s.wr) == 0, "pipe_create");
    ok((s.rd->flags & ANYK_O_ACCMODE) == ANYK_O_RDONLY &&
           (s.wr->flags & ANYK_O_ACCMODE) == ANYK_O_WRONLY,
       "the read end is O_RDONLY and the write end O_WRONLY");
    ok(file_fstat(s.rd, &st) == 0 && (st.st_mode & ANYK_S_IFMT) == ANYK_S_IFIFO,
       "fstat says S_IFIFO");
    ok(file_lseek(s.rd, 0, ANYK_SEEK_SET) == -ESPIPE, "lseek on a pipe: ESPIPE");
    ok(file_pread(s.rd, &c, 1, 0) == -ESPIPE, "pread on a pipe: ESPIPE");
    ok(file_pwrite(s.wr, &c, 1, 0) == -ESPIPE, "pwrite on a pipe: ESPIPE");
    ok(file_read(s.wr, &c, 1) == -EBADF, "read of the write end: EBADF");
    ok(file_write(s.rd, &c, 1) == -EBADF, "write of the read end: EBADF");
    ok(file_read(s.rd, &c, 0) == 0, "a read of 0 bytes returns 0 at once");

    thread_create(&r, "reader", stream_reader, &s, THREAD_PRIO_NORMAL);
    thread_create(&w, "writer", stream_writer, &s, THREAD_PRIO_NORMAL);
    thread_join(w, NULL);
    thread_join(r, NULL);
    ok(s.write_err == 0 && s.written == STREAM, "the writer wrote %u bytes (error %ld)",
       STREAM, s.write_err);
    ok(s.read == STREAM, "the reader read all %llu of them", (unsigned long long)s.read);
    ok(s.first_bad == UINT64_MAX, "every byte arrived in order (first wrong at %lld)",
       s.first_bad == UINT64_MAX ? -1ll : (long long)s.first_bad);
    ok(s.last_read == 0, "then read returns 0: the writer closed its end (got %ld)", s.last_read);
    tap_diag("the reader found the pipe empty %d times", s.blocked_reads);
    ok(file_read(s.rd, &c, 1) == 0, "and keeps returning 0");
    file_put(s.rd);
}

/* ---- readers and writers that go away -------------------------------------------------- */

struct blocker {
    struct file *f;
    long result;
    bool done;
    size_t n;
};

static void blocked_read(void *arg)
{
    struct blocker *b = arg;
    char buf[16];

    b->result = file_read(b->f, buf, sizeof(buf));
    b->done = true;
}

static void blocked_write(void *arg)
{
    struct blocker *b = arg;
    static char buf[8192];

    b->result = file_write(b->f, buf, b->n);
    b->done = true;
}

/* Fill the pipe without blocking; returns the bytes it took. */
static long fill(struct file *wr)
{
    static char buf[4096];
    long total = 0, r;
    int saved = wr->flags;

    wr->flags |= ANYK_O_NONBLOCK;
    while ((r = file_write(wr, buf, sizeof(buf))) > 0)
        total += r;
    wr->flags = saved;
    return r == -EAGAIN ? total : r;
}

static void test_ends(void)
{
    struct file *rd, *wr;
    struct thread *t;
    struct blocker b = { 0 };
    char c = 'c';

    pipe_create(&rd, &wr);
    file_put(rd);
    ok(file_write(wr, &c, 1) == -EPIPE, "write with no reader: EPIPE");
    ok(file_write(wr, &c, 0) == 0, "a write of 0 bytes with no reader returns 0 (as Linux)");
    ok(file_poll(wr, NULL) & ANYK_POLLERR, "the write end polls POLLERR without a reader");
    file_put(wr);

    /* A reader blocked on an empty pipe wakes with 0 when the writer closes. */
    pipe_create(&rd, &wr);
    b = (struct blocker){ rd, 99, false, 0 };
    thread_create(&t, "rd", blocked_read, &b, THREAD_PRIO_NORMAL);
    thread_sleep_ns(10 * MS);
    ok(!b.done, "a read of an empty pipe blocks while a writer exists");
    file_write(wr, "ab", 2);
    thread_join(t, NULL);
    ok(b.done && b.result == 2, "it wakes with the data when some is written (got %ld)",
       b.result);
    b = (struct blocker){ rd, 99, false, 0 };
    thread_create(&t, "rd", blocked_read, &b, THREAD_PRIO_NORMAL);
    thread_sleep_ns(10 * MS);
    ok(!b.done, "blocked again on the empty pipe");
    file_put(wr);
    thread_join(t, NULL);
    ok(b.done && b.result == 0, "it wakes with 0 when the writer closes (got %ld)", b.result);
    ok(file_poll(rd, NULL) & ANYK_POLLHUP, "the read end polls POLLHUP without a writer");
    file_put(rd);

    /* A writer blocked on a full pipe wakes with EPIPE when the reader goes. */
    pipe_create(&rd, &wr);
    ok(fill(wr) == 65536, "the pipe holds 65536 bytes (as Linux's default)");
    b = (struct blocker){ wr, 99, false, 10 };
    thread_create(&t, "wr", blocked_write, &b, THREAD_PRIO_NORMAL);
    thread_sleep_ns(10 * MS);
    ok(!b.done, "a write to a full pipe blocks while a reader exists");
    file_put(rd);
    thread_join(t, NULL);
    ok(b.done && b.result == -EPIPE, "it wakes with EPIPE when the reader closes (got %ld)",
       b.result);
    file_put(wr);

    /* A blocked writer goes on once the reader makes room. */
    pipe_create(&rd, &wr);
    fill(wr);
    b = (struct blocker){ wr, 99, false, 8192 };
    thread_create(&t, "wr", blocked_write, &b, THREAD_PRIO_NORMAL);
    thread_sleep_ns(10 * MS);
    static char sink[65536];
    ok(!b.done, "a large write to a full pipe blocks");
    ok(file_read(rd, sink, sizeof(sink)) == 65536, "the reader drains 65536 bytes");
    thread_join(t, NULL);
    ok(b.done && b.result == 8192, "the writer completes its 8192 bytes (got %ld)", b.result);
    ok(file_read(rd, sink, sizeof(sink)) == 8192, "and they are there to read");
    file_put(rd);
    file_put(wr);
}

/* ---- O_NONBLOCK -------------------------------------------------------------------------- */

static void test_nonblock(void)
{
    static char buf[65536 + 10];
    struct file *rd, *wr;
    long r;

    pipe_create(&rd, &wr);
    rd->flags |= ANYK_O_NONBLOCK;
    wr->flags |= ANYK_O_NONBLOCK;
    ok(file_read(rd, buf, 10) == -EAGAIN, "O_NONBLOCK read of an empty pipe: EAGAIN");
    ok(file_write(wr, buf, 65536) == 65536, "O_NONBLOCK write of 65536 bytes fits");
    ok(file_write(wr, buf, 1) == -EAGAIN, "then a 1-byte write: EAGAIN");
    ok(file_read(rd, buf, 100) == 100, "read 100 bytes");
    ok(file_write(wr, buf, 4096) == -EAGAIN,
       "a 4096-byte (PIPE_BUF) write with 100 bytes of room: EAGAIN, never split");
    r = file_write(wr, buf, 5000);
    /* POSIX lets a write of more than PIPE_BUF take what fits; Linux, with its page-sized
       slots, says EAGAIN here. Either way no more than the room. */
    ok(r == 100 || r == -EAGAIN, "a 5000-byte write with 100 bytes of room: 100 or EAGAIN (%ld)",
       r);
    ok(file_read(rd, buf, sizeof(buf)) == (r == 100 ? 65536 : 65436),
       "a read drains exactly what the writes put in");
    ok(file_read(rd, buf, 1) == -EAGAIN, "then the pipe is empty again: EAGAIN");
    file_put(rd);
    file_put(wr);
}

/* ---- atomic writes ------------------------------------------------------------------------ */

enum { NWRITERS = 4, NREADERS = 2, NRECORDS = 300 };

struct atomic {
    struct file *rd, *wr;
    size_t rec;                         /* record size, <= PIPE_BUF */
    int seen[NWRITERS][NRECORDS];       /* times each record was read */
    int short_reads, torn, bad_writes;
    int reads_by[NREADERS];
};

struct atomic_arg {
    struct atomic *a;
    int id;
};

/* Record seq of writer id: every byte says who wrote it and which record it is. */
static unsigned char rec_byte(int id, int seq, size_t i)
{
    return (unsigned char)(id * 61 + seq * 7 + (int)i * 13);
}

static void atomic_writer(void *arg)
{
    struct atomic_arg *aa = arg;
    struct atomic *a = aa->a;
    unsigned char buf[4096];

    for (int seq = 0; seq < NRECORDS; seq++) {
        buf[0] = (unsigned char)aa->id;
        buf[1] = (unsigned char)(seq & 0xff);
        buf[2] = (unsigned char)(seq >> 8);
        for (size_t i = 3; i < a->rec; i++)
            buf[i] = rec_byte(aa->id, seq, i);
        if (file_write(a->wr, buf, a->rec) != (long)a->rec)
            a->bad_writes++;
        if (seq % 7 == 0)
            thread_yield(); /* mix the writers up */
    }
}

static void atomic_reader(void *arg)
{
    struct atomic_arg *aa = arg;
    struct atomic *a = aa->a;
    unsigned char buf[4096];
    long r;

    /* Each read asks for exactly one record's size. */
    while ((r = file_read(a->rd, buf, a->rec)) > 0) {
        aa->a->reads_by[aa->id]++;
        if ((size_t)r != a->rec) {
            a->short_reads++;
            continue;
        }
        int id = buf[0], seq = buf[1] | buf[2] << 8;
        bool whole = id < NWRITERS && seq < NRECORDS;
        for (size_t i = 3; whole && i < a->rec; i++)
            whole = buf[i] == rec_byte(id, seq, i);
        if (!whole) {
            a->torn++;
            continue;
        }
        a->seen[id][seq]++;
        if (a->reads_by[aa->id] % 5 == 0)
            thread_yield();
    }
}

static void test_atomic(size_t rec)
{
    static struct atomic a;
    struct atomic_arg wa[NWRITERS], ra[NREADERS];
    struct thread *w[NWRITERS], *r[NREADERS];
    bool once = true;

    memset(&a, 0, sizeof(a));
    a.rec = rec;
    pipe_create(&a.rd, &a.wr);
    for (int i = 0; i < NREADERS; i++) {
        ra[i] = (struct atomic_arg){ &a, i };
        thread_create(&r[i], "reader", atomic_reader, &ra[i], THREAD_PRIO_NORMAL);
    }
    for (int i = 0; i < NWRITERS; i++) {
        wa[i] = (struct atomic_arg){ &a, i };
        thread_create(&w[i], "writer", atomic_writer, &wa[i], THREAD_PRIO_NORMAL);
    }
    for (int i = 0; i < NWRITERS; i++)
        thread_join(w[i], NULL);
    file_put(a.wr); /* all writers done: the readers see the end */
    for (int i = 0; i < NREADERS; i++)
        thread_join(r[i], NULL);
    file_put(a.rd);
    for (int i = 0; i < NWRITERS; i++)
        for (int s = 0; s < NRECORDS; s++)
            once &= a.seen[i][s] == 1;
    ok(a.bad_writes == 0, "%zu-byte records: every write took its whole record", rec);
    ok(a.short_reads == 0 && a.torn == 0,
       "%zu-byte records: every %zu-byte read got one whole record (%d short, %d torn)", rec,
       rec, a.short_reads, a.torn);
    ok(once, "%zu-byte records: each of %d x %d records was read exactly once", rec, NWRITERS,
       NRECORDS);
    ok(a.reads_by[0] > 0 && a.reads_by[1] > 0, "both readers took records (%d and %d)",
       a.reads_by[0], a.reads_by[1]);
}

/* ---- poll ---------------------------------------------------------------------------------- */

struct poller {
    struct file *f;
    unsigned events;
    bool woken_by_queue;
};

static void poll_waiter(void *arg)
{
    struct poller *p = arg;
    struct waitq *wq;
    uint64_t deadline = ktime_now() + 2000 * MS;

    /* What poll(2) does inside: check, then sleep on the queue poll names until a change. */
    while (!((p->events = file_poll(p->f, &wq)) & ANYK_POLLIN)) {
        if (!wq || waitq_wait(wq, deadline) == -ETIMEDOUT)
            return;
        p->woken_by_queue = true;
    }
}

static void test_poll(void)
{
    static char buf[65536];
    struct file *rd, *wr;
    struct waitq *wq = NULL;
    struct thread *t;
    struct poller p = { 0 };

    pipe_create(&rd, &wr);
    ok(file_poll(rd, &wq) == 0 && wq != NULL,
       "empty pipe: the read end is not ready, and poll names a wait queue");
    ok(file_poll(wr, NULL) == ANYK_POLLOUT, "empty pipe: the write end polls POLLOUT only");
    file_write(wr, "x", 1);
    ok(file_poll(rd, NULL) == ANYK_POLLIN, "after a write: the read end polls POLLIN");
    file_read(rd, buf, 1);
    fill(wr);
    ok(!(file_poll(wr, NULL) & ANYK_POLLOUT), "full pipe: the write end is not POLLOUT");
    file_read(rd, buf, 100);
    ok(!(file_poll(wr, NULL) & ANYK_POLLOUT),
       "100 bytes of room: still not POLLOUT (a PIPE_BUF write would block)");
    file_read(rd, buf, 4000);
    ok(file_poll(wr, NULL) & ANYK_POLLOUT, "4100 bytes of room: POLLOUT");
    file_read(rd, buf, sizeof(buf));

    p.f = rd;
    thread_create(&t, "poller", poll_waiter, &p, THREAD_PRIO_NORMAL);
    thread_sleep_ns(10 * MS);
    file_write(wr, "y", 1);
    thread_join(t, NULL);
    ok((p.events & ANYK_POLLIN) && p.woken_by_queue,
       "a thread sleeping on the poll wait queue wakes when data arrives");
    file_put(wr);
    ok(file_poll(rd, NULL) == (ANYK_POLLIN | ANYK_POLLHUP),
       "writer gone with data left: POLLIN|POLLHUP (as Linux)");
    file_read(rd, buf, 1);
    ok(file_poll(rd, NULL) == ANYK_POLLHUP, "writer gone, pipe empty: POLLHUP");
    file_put(rd);
}

void test_main(void)
{
    struct mem before = mem_now(), after;

    test_stream();
    test_ends();
    test_nonblock();
    test_atomic(4096);
    test_atomic(3001);
    test_atomic(3);
    test_poll();
    after = mem_now();
    ok(before.free_slab_pages == after.free_slab_pages && before.objects == after.objects &&
           before.large == after.large,
       "all pipes closed: their memory is back (pages %zu -> %zu, objects %zu -> %zu)",
       before.free_slab_pages, after.free_slab_pages, before.objects, after.objects);
}
