/*
 * tcp.c - TCP connections and their socket calls (RFC 9293 3.10.1-3.10.6:
 * OPEN, SEND, RECEIVE, CLOSE, ABORT), ports, initial sequence numbers
 * (RFC 6528), and the byte rings of the send and receive buffers.
 *
 * Segment arrival is tcp_input.c, sending tcp_output.c, timers tcp_timer.c.
 * A program's call runs without interruption until it waits (sock_wait);
 * after every wait it checks the connection again, because segments and
 * timers may have changed anything meanwhile.
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "kern/kmalloc.h"
#include "kern/printk.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "lib/fmt.h"
#include "lib/siphash.h"
#include "lib/string.h"
#include "net/tcp_impl.h"
#include "net/udp.h"

struct tcp_stats tcp_stats;
struct list_node tcp_pcbs = LIST_INIT(tcp_pcbs);

static struct {
    struct siphash_key isn_key, ts_key;
    uint16_t next_port;
} tcp;

static const char *const tcp_names[] = { TCP_COUNTERS(NET_COUNTER_NAME) };

static const struct sock_ops tcp_ops;

void tcp_counters(struct net_counters *c)
{
    *c = NET_COUNTERS_OF("tcp", tcp_names, tcp_stats);
}

void tcp_init(void)
{
    hyp_random(&tcp.isn_key, sizeof(tcp.isn_key));
    hyp_random(&tcp.ts_key, sizeof(tcp.ts_key));
}

/* ---- rings ------------------------------------------------------------------------- */

uint32_t ring_write(struct tcp_ring *r, const void *src, uint32_t n)
{
    const uint8_t *s = src;
    uint32_t room = r->cap - r->len, tail, first;

    if (n > room)
        n = room;
    tail = (r->head + r->len) % r->cap;
    first = r->cap - tail < n ? r->cap - tail : n;
    memcpy(r->buf + tail, s, first);
    memcpy(r->buf, s + first, n - first);
    r->len += n;
    return n;
}

void ring_peek_at(const struct tcp_ring *r, uint32_t off, void *dst, uint32_t n)
{
    uint8_t *d = dst;
    uint32_t start = (r->head + off) % r->cap;
    uint32_t first = r->cap - start < n ? r->cap - start : n;

    memcpy(d, r->buf + start, first);
    memcpy(d + first, r->buf, n - first);
}

void ring_drop(struct tcp_ring *r, uint32_t n)
{
    if (n > r->len)
        n = r->len;
    r->head = (r->head + n) % r->cap;
    r->len -= n;
    if (!r->len)
        r->head = 0;
}

uint32_t ring_read(struct tcp_ring *r, void *dst, uint32_t n, bool peek)
{
    if (n > r->len)
        n = r->len;
    ring_peek_at(r, 0, dst, n);
    if (!peek)
        ring_drop(r, n);
    return n;
}

/* ---- sequence numbers, clocks ------------------------------------------------------ */

struct tuple {
    uint32_t laddr, raddr;
    uint16_t lport, rport;
};

/* RFC 6528: ISN = M + F(4-tuple, secret), M a clock ticking every 4 microseconds. */
uint32_t tcp_isn(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
    struct tuple t = { laddr, raddr, lport, rport };

    return (uint32_t)(ktime_now() / 4000) + (uint32_t)siphash(&tcp.isn_key, &t, sizeof(t));
}

/* RFC 7323 5.4: timestamps start at a random offset per connection. */
uint32_t tcp_ts_offset(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
    struct tuple t = { laddr, raddr, lport, rport };

    return (uint32_t)siphash(&tcp.ts_key, &t, sizeof(t));
}

uint32_t tcp_now_ms(void)
{
    return (uint32_t)(ktime_now() / 1000000);
}

uint8_t tcp_wscale_for(uint32_t n)
{
    uint8_t s = 0;

    while (s < TCP_MAX_WSCALE && (n >> s) > 65535)
        s++;
    return s;
}

uint32_t tcp_rcv_window(const struct tcp_pcb *pcb)
{
    if (pcb->rcv_closed)
        return pcb->rcv.buf ? pcb->rcv.cap : pcb->rcvbuf;
    if (!pcb->rcv.buf)
        return pcb->rcvbuf;
    return pcb->rcv.cap - pcb->rcv.len;
}

/* ---- connections ---------------------------------------------------------------------- */

struct tcp_pcb *tcp_pcb_new(struct socket *so)
{
    struct tcp_pcb *pcb = kzalloc(sizeof(*pcb));

    if (!pcb)
        return NULL;
    pcb->so = so;
    pcb->state = TCP_CLOSED;
    list_init(&pcb->children);
    list_init(&pcb->child_link);
    list_init(&pcb->ooo);
    pcb->rto = TCP_RTO_INIT_MS;
    pcb->mss = TCP_DEFAULT_MSS;
    pcb->peer_mss = TCP_DEFAULT_MSS;
    pcb->keep_idle = TCP_KEEPIDLE_S;
    pcb->keep_intvl = TCP_KEEPINTVL_S;
    pcb->keep_cnt = TCP_KEEPCNT;
    pcb->rcvbuf = so ? so->rcvbuf : SOCK_RCVBUF_DEFAULT;
    tcp_timers_init(pcb);
    list_add_tail(&tcp_pcbs, &pcb->link);
    return pcb;
}

void tcp_set_state(struct tcp_pcb *pcb, enum tcp_state st)
{
    pcb->state = st;
    if (st == TCP_ESTABLISHED)
        pcb->ever_connected = true;
}

bool tcp_alloc_buffers(struct tcp_pcb *pcb)
{
    uint32_t sndcap = pcb->so ? pcb->so->sndbuf : SOCK_SNDBUF_DEFAULT;

    if (!pcb->rcv.buf) {
        if (!(pcb->rcv.buf = kmalloc(pcb->rcvbuf)))
            return false;
        pcb->rcv.cap = pcb->rcvbuf;
    }
    if (!pcb->snd.buf) {
        if (!(pcb->snd.buf = kmalloc(sndcap)))
            return false;
        pcb->snd.cap = sndcap;
    }
    return true;
}

void tcp_wake(struct tcp_pcb *pcb)
{
    if (pcb->so)
        sock_wake(pcb->so);
    if (pcb->parent && pcb->parent->so)
        sock_wake(pcb->parent->so);
}

void tcp_free(struct tcp_pcb *pcb)
{
    struct list_node *n;

    tcp_timers_stop(pcb);
    /* A listener's children that no one accepted go with it. */
    while ((n = list_pop_head(&pcb->children))) {
        struct tcp_pcb *c = list_entry(n, struct tcp_pcb, child_link);
        c->parent = NULL;
        if (c->state != TCP_CLOSED)
            tcp_send_rst(c);
        tcp_free(c);
    }
    if (pcb->parent) {
        list_del(&pcb->child_link);
        pcb->parent->nchildren--;
        pcb->parent = NULL;
    }
    pkt_free_queue(&pcb->ooo);
    list_del(&pcb->link);
    kfree(pcb->rcv.buf);
    kfree(pcb->snd.buf);
    kfree(pcb);
}

void tcp_drop(struct tcp_pcb *pcb, int err)
{
    bool was_open = pcb->state == TCP_ESTABLISHED || pcb->state == TCP_CLOSE_WAIT;

    if (err && was_open)
        tcp_stats.estab_resets++;
    if (err && (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RECEIVED))
        tcp_stats.attempt_fails++;
    tcp_set_state(pcb, TCP_CLOSED);
    tcp_timers_stop(pcb);
    pkt_free_queue(&pcb->ooo);
    pcb->ooo_bytes = 0;
    if (err)
        pcb->error = err;
    if (pcb->so) {
        if (err)
            pcb->so->error = err;
        sock_wake(pcb->so);
        return;
    }
    tcp_free(pcb);
}

void tcp_child_established(struct tcp_pcb *child)
{
    tcp_stats.passive_opens++;
    if (child->parent && child->parent->so)
        sock_wake(child->parent->so);
}

struct tcp_pcb *tcp_lookup(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
    struct tcp_pcb *listener = NULL;
    struct list_node *n;

    list_for_each(n, &tcp_pcbs) {
        struct tcp_pcb *p = list_entry(n, struct tcp_pcb, link);
        if (p->lport != lport)
            continue;
        if (p->state == TCP_LISTEN) {
            if (!p->laddr || p->laddr == laddr) {
                if (!listener || (p->laddr && !listener->laddr))
                    listener = p;
            }
            continue;
        }
        if (p->state != TCP_CLOSED && p->rport == rport && p->raddr == raddr &&
            p->laddr == laddr)
            return p;
    }
    return listener;
}

/* ---- ports ---------------------------------------------------------------------------- */

/* May self take (addr, port)? Linux's rules: SO_REUSEADDR on both sides, and no listener. */
static bool port_conflict(const struct tcp_pcb *self, uint32_t addr, uint16_t port)
{
    struct list_node *n;

    list_for_each(n, &tcp_pcbs) {
        const struct tcp_pcb *p = list_entry(n, struct tcp_pcb, link);
        if (p == self || p->lport != port || (p->laddr && addr && p->laddr != addr))
            continue;
        if (self->reuse && p->state == TCP_TIME_WAIT)
            continue;
        if (self->reuse && p->reuse && p->state != TCP_LISTEN)
            continue;
        return true;
    }
    return false;
}

static int pick_port(struct tcp_pcb *pcb, uint32_t addr)
{
    unsigned span = PORT_EPH_HI - PORT_EPH_LO + 1;

    if (!tcp.next_port) {
        uint16_t r;
        hyp_random(&r, sizeof(r));
        tcp.next_port = (uint16_t)(PORT_EPH_LO + r % span);
    }
    for (unsigned i = 0; i < span; i++) {
        uint16_t port = tcp.next_port;
        struct list_node *n;
        bool used = false;

        tcp.next_port = port == PORT_EPH_HI ? PORT_EPH_LO : (uint16_t)(port + 1);
        /* An automatic port is one nobody has, whatever the addresses. */
        list_for_each(n, &tcp_pcbs)
            if (list_entry(n, struct tcp_pcb, link)->lport == port)
                used = true;
        if (!used && !port_conflict(pcb, addr, port)) {
            pcb->lport = port;
            return 0;
        }
    }
    return -EADDRINUSE;
}

/* ---- socket calls --------------------------------------------------------------------- */

static struct tcp_pcb *pcb_of(struct socket *so)
{
    return so->pcb;
}

static int tcp_bind(struct socket *so, const struct sock_addr *a)
{
    struct tcp_pcb *pcb = pcb_of(so);

    if (pcb->lport || pcb->state != TCP_CLOSED)
        return -EINVAL;
    if (a->addr && !ipv4_is_local(a->addr))
        return -EADDRNOTAVAIL;
    pcb->reuse = so->reuseaddr;
    if (a->port) {
        if (port_conflict(pcb, a->addr, a->port))
            return -EADDRINUSE;
        pcb->lport = a->port;
    } else {
        int r = pick_port(pcb, a->addr);
        if (r < 0)
            return r;
    }
    pcb->laddr = a->addr;
    return 0;
}

static int tcp_listen(struct socket *so, int backlog)
{
    struct tcp_pcb *pcb = pcb_of(so);
    int r;

    if (pcb->state != TCP_CLOSED && pcb->state != TCP_LISTEN)
        return -EINVAL;
    if (pcb->ever_connected)
        return -EINVAL;
    if (!pcb->lport) {
        pcb->reuse = so->reuseaddr;
        if ((r = pick_port(pcb, 0)) < 0)
            return r;
    } else if (pcb->state == TCP_CLOSED) {
        /* Another listener may have appeared on the port since bind. */
        struct list_node *n;
        list_for_each(n, &tcp_pcbs) {
            struct tcp_pcb *p = list_entry(n, struct tcp_pcb, link);
            if (p != pcb && p->state == TCP_LISTEN && p->lport == pcb->lport &&
                (!p->laddr || !pcb->laddr || p->laddr == pcb->laddr))
                return -EADDRINUSE;
        }
    }
    if (backlog < 1)
        backlog = 1;
    pcb->backlog = backlog > TCP_BACKLOG_MAX ? TCP_BACKLOG_MAX : backlog;
    pcb->rcvbuf = so->rcvbuf;
    tcp_set_state(pcb, TCP_LISTEN);
    return 0;
}

static bool connected_state(enum tcp_state s)
{
    return s == TCP_ESTABLISHED || s == TCP_CLOSE_WAIT || s == TCP_FIN_WAIT_1 ||
           s == TCP_FIN_WAIT_2 || s == TCP_CLOSING || s == TCP_LAST_ACK || s == TCP_TIME_WAIT;
}

static bool connecting(enum tcp_state s)
{
    return s == TCP_SYN_SENT || s == TCP_SYN_RECEIVED;
}

/* Reset a socket's connection so that it can connect again (connect with AF_UNSPEC). */
static void tcp_disconnect(struct tcp_pcb *pcb)
{
    if (pcb->state != TCP_CLOSED && pcb->state != TCP_LISTEN && pcb->state != TCP_SYN_SENT)
        tcp_send_rst(pcb);
    tcp_timers_stop(pcb);
    pkt_free_queue(&pcb->ooo);
    pcb->ooo_bytes = 0;
    pcb->rcv.len = pcb->rcv.head = 0;
    pcb->snd.len = pcb->snd.head = 0;
    pcb->raddr = 0;
    pcb->rport = 0;
    pcb->fin_queued = pcb->fin_rcvd = pcb->rcv_closed = false;
    pcb->ever_connected = false;
    pcb->error = 0;
    tcp_set_state(pcb, TCP_CLOSED);
}

static int tcp_connect(struct socket *so, const struct sock_addr *a)
{
    struct tcp_pcb *pcb = pcb_of(so);
    uint64_t deadline;
    uint32_t src, mtu, dst;
    int r;

    if (!a) {
        if (pcb->state == TCP_LISTEN) {
            return -EINVAL;
        }
        tcp_disconnect(pcb);
        return 0;
    }
    if (pcb->state == TCP_LISTEN)
        return -EISCONN;
    if (connecting(pcb->state))
        return sock_nonblock(so, 0) ? -EALREADY : -EALREADY;
    if (connected_state(pcb->state))
        return -EISCONN;
    if (pcb->ever_connected)
        return -EISCONN; /* closed after a connection: Linux says the same */
    if (!a->port)
        return -ECONNREFUSED;
    dst = a->addr ? a->addr : INADDR_LOOPBACK;
    if (inet_is_multicast(dst) || dst == INADDR_BROADCAST)
        return -ENETUNREACH;
    if ((r = ipv4_route(dst, &src, &mtu)) < 0)
        return r;
    if (!pcb->laddr)
        pcb->laddr = src;
    pcb->raddr = dst;
    pcb->rport = a->port;
    if (!pcb->lport) {
        pcb->reuse = so->reuseaddr;
        if ((r = pick_port(pcb, pcb->laddr)) < 0) {
            pcb->raddr = 0;
            pcb->rport = 0;
            return r;
        }
    } else {
        /* The same four numbers as another connection would mix their segments. */
        struct list_node *n;
        list_for_each(n, &tcp_pcbs) {
            struct tcp_pcb *p = list_entry(n, struct tcp_pcb, link);
            if (p != pcb && p->lport == pcb->lport && p->rport == pcb->rport &&
                p->raddr == pcb->raddr && p->laddr == pcb->laddr && p->state != TCP_CLOSED) {
                pcb->raddr = 0;
                pcb->rport = 0;
                return -EADDRNOTAVAIL;
            }
        }
    }
    pcb->rcvbuf = so->rcvbuf;
    pcb->rcv_wscale = tcp_wscale_for(pcb->rcvbuf);
    pcb->iss = tcp_isn(pcb->laddr, pcb->lport, pcb->raddr, pcb->rport);
    pcb->ts_offset = tcp_ts_offset(pcb->laddr, pcb->lport, pcb->raddr, pcb->rport);
    pcb->snd_una = pcb->snd_nxt = pcb->snd_max = pcb->iss;
    pcb->mss = tcp_calc_mss(pcb, mtu);
    pcb->error = 0;
    so->error = 0;
    tcp_set_state(pcb, TCP_SYN_SENT);
    tcp_stats.active_opens++;
    tcp_send_syn(pcb);
    if (sock_nonblock(so, 0))
        return -EINPROGRESS;
    deadline = sock_deadline(so->sndtimeo);
    while (connecting(pcb->state)) {
        r = sock_wait(so, deadline);
        if (r == -EAGAIN)
            return -EINPROGRESS;
        if (r < 0)
            return r;
    }
    if (pcb->state == TCP_CLOSED) {
        so->error = 0;
        return pcb->error ? pcb->error : -ECONNREFUSED;
    }
    return 0;
}

static int tcp_accept(struct socket *so, struct socket **out)
{
    struct tcp_pcb *pcb = pcb_of(so);
    uint64_t deadline = sock_deadline(so->rcvtimeo);
    struct socket *nso;
    int r;

    for (;;) {
        struct list_node *n;
        struct tcp_pcb *child = NULL;

        if (pcb->state != TCP_LISTEN)
            return -EINVAL;
        list_for_each(n, &pcb->children) {
            struct tcp_pcb *c = list_entry(n, struct tcp_pcb, child_link);
            if (c->state != TCP_SYN_RECEIVED) {
                child = c;
                break;
            }
        }
        if (child) {
            if (!(nso = sock_new_child(so)))
                return -ENOMEM;
            list_del(&child->child_link);
            pcb->nchildren--;
            child->parent = NULL;
            child->so = nso;
            child->accepted = true;
            nso->pcb = child;
            /* The socket's buffer sizes hold from now on (allocated at establishment). */
            if (child->keepalive)
                tcp_arm_keepalive(child);
            if (child->state == TCP_CLOSED && child->error)
                nso->error = child->error;
            *out = nso;
            return 0;
        }
        if (sock_nonblock(so, 0))
            return -EAGAIN;
        if ((r = sock_wait(so, deadline)) < 0)
            return r;
    }
}

static long tcp_send(struct socket *so, const void *buf, size_t n, int flags,
                     const struct sock_addr *to)
{
    struct tcp_pcb *pcb = pcb_of(so);
    uint64_t deadline = sock_deadline(so->sndtimeo);
    const uint8_t *src = buf;
    size_t done = 0;
    int r;

    (void)to;
    while (done < n || n == 0) {
        if (pcb->state == TCP_LISTEN)
            return -ENOTCONN;
        if (so->error)
            return done ? (long)done : sock_take_error(so);
        if (pcb->state == TCP_CLOSED && !pcb->ever_connected && !pcb->error)
            return -ENOTCONN;
        if (pcb->fin_queued || pcb->state == TCP_CLOSED || pcb->state == TCP_FIN_WAIT_1 ||
            pcb->state == TCP_FIN_WAIT_2 || pcb->state == TCP_CLOSING ||
            pcb->state == TCP_LAST_ACK || pcb->state == TCP_TIME_WAIT)
            return done ? (long)done : -EPIPE;
        if (!connecting(pcb->state)) {
            if (n == 0)
                return 0;
            uint32_t k = ring_write(&pcb->snd, src + done,
                                    n - done > UINT32_MAX ? UINT32_MAX : (uint32_t)(n - done));
            if (k) {
                done += k;
                tcp_output(pcb);
                continue;
            }
        }
        if (sock_nonblock(so, flags))
            return done ? (long)done : -EAGAIN;
        if ((r = sock_wait(so, deadline)) < 0)
            return done ? (long)done : r;
    }
    return (long)done;
}

/* After the program read: tell the peer if the window opened enough to matter (RFC 1122 4.2.3.3). */
static void window_update(struct tcp_pcb *pcb)
{
    uint32_t wnd = tcp_rcv_window(pcb), adv = pcb->rcv_adv - pcb->rcv_nxt;

    if (pcb->state == TCP_CLOSED || pcb->state == TCP_LISTEN || connecting(pcb->state))
        return;
    if (wnd > adv && (wnd - adv >= 2u * pcb->mss || wnd - adv >= pcb->rcv.cap / 2)) {
        pcb->ack_now = true;
        tcp_output(pcb);
    }
}

static long tcp_recv(struct socket *so, void *buf, size_t n, int flags, struct sock_addr *from)
{
    struct tcp_pcb *pcb = pcb_of(so);
    uint64_t deadline = sock_deadline(so->rcvtimeo);
    uint8_t *dst = buf;
    size_t done = 0;
    int r;

    (void)from;
    if (pcb->state == TCP_LISTEN)
        return -ENOTCONN;
    for (;;) {
        if (pcb->rcv.len && n > done) {
            uint32_t want = n - done > UINT32_MAX ? UINT32_MAX : (uint32_t)(n - done);
            uint32_t k = ring_read(&pcb->rcv, dst + done, want, flags & ANYK_MSG_PEEK);
            done += k;
            if (!(flags & ANYK_MSG_PEEK))
                window_update(pcb);
            if (done == n || !(flags & ANYK_MSG_WAITALL) || (flags & ANYK_MSG_PEEK))
                return (long)done;
            continue;
        }
        if (n == 0)
            return 0;
        if (so->error)
            return done ? (long)done : sock_take_error(so);
        if (pcb->fin_rcvd || pcb->rcv_closed || (pcb->state == TCP_CLOSED && pcb->ever_connected))
            return (long)done;
        if (pcb->state == TCP_CLOSED)
            return done ? (long)done : (pcb->error ? 0 : -ENOTCONN);
        if (sock_nonblock(so, flags))
            return done ? (long)done : -EAGAIN;
        if ((r = sock_wait(so, deadline)) < 0)
            return done ? (long)done : r;
    }
}

static void queue_fin(struct tcp_pcb *pcb)
{
    if (pcb->fin_queued)
        return;
    pcb->fin_queued = true;
    pcb->fin_seq = pcb->snd_una + pcb->snd.len;
    /* (Before the handshake ends the FIN waits; tcp_input moves on to FIN_WAIT_1.) */
    if (pcb->state == TCP_SYN_RECEIVED)
        pcb->fin_seq = pcb->iss + 1;
    else if (pcb->state == TCP_ESTABLISHED)
        tcp_set_state(pcb, TCP_FIN_WAIT_1);
    else if (pcb->state == TCP_CLOSE_WAIT)
        tcp_set_state(pcb, TCP_LAST_ACK);
    tcp_output(pcb);
}

static int tcp_shutdown(struct socket *so, int how)
{
    struct tcp_pcb *pcb = pcb_of(so);

    if (pcb->state == TCP_LISTEN || pcb->state == TCP_CLOSED || pcb->state == TCP_SYN_SENT)
        return -ENOTCONN;
    if (how == ANYK_SHUT_RD || how == ANYK_SHUT_RDWR) {
        pcb->rcv_closed = true;
        if (pcb->rcv.buf)
            ring_drop(&pcb->rcv, pcb->rcv.len);
    }
    if (how == ANYK_SHUT_WR || how == ANYK_SHUT_RDWR)
        queue_fin(pcb);
    sock_wake(so);
    return 0;
}

static unsigned tcp_poll(struct socket *so)
{
    struct tcp_pcb *pcb = pcb_of(so);
    unsigned ev = 0;

    if (so->error)
        ev |= ANYK_POLLERR;
    if (pcb->state == TCP_LISTEN) {
        struct list_node *n;
        list_for_each(n, &pcb->children)
            if (list_entry(n, struct tcp_pcb, child_link)->state != TCP_SYN_RECEIVED)
                return ev | ANYK_POLLIN;
        return ev;
    }
    if (pcb->state == TCP_CLOSED) {
        /* Never connected: writable and hung up, as Linux reports a fresh socket. */
        ev |= ANYK_POLLOUT | ANYK_POLLHUP;
        if (pcb->ever_connected || pcb->error)
            ev |= ANYK_POLLIN;
        return ev;
    }
    if (connecting(pcb->state))
        return ev;
    if (pcb->rcv.len || pcb->fin_rcvd || pcb->rcv_closed)
        ev |= ANYK_POLLIN;
    if (pcb->fin_rcvd && pcb->fin_queued)
        ev |= ANYK_POLLHUP;
    if (!pcb->fin_queued && pcb->snd.buf && pcb->snd.cap - pcb->snd.len >= pcb->snd.cap / 4)
        ev |= ANYK_POLLOUT;
    return ev;
}

static int tcp_getname(struct socket *so, struct sock_addr *a, bool peer)
{
    struct tcp_pcb *pcb = pcb_of(so);

    if (peer) {
        if (!connected_state(pcb->state) && pcb->state != TCP_SYN_RECEIVED)
            return -ENOTCONN;
        a->addr = pcb->raddr;
        a->port = pcb->rport;
    } else {
        a->addr = pcb->laddr;
        a->port = pcb->lport;
    }
    return 0;
}

static int get_int(const void *val, uint32_t len, int *v)
{
    if (len < sizeof(int))
        return -EINVAL;
    memcpy(v, val, sizeof(int));
    return 0;
}

static int put_int(void *val, uint32_t *len, int v)
{
    uint32_t n = *len < sizeof(int) ? *len : (uint32_t)sizeof(int);

    memcpy(val, &v, n);
    *len = n;
    return 0;
}

static int tcp_setopt(struct socket *so, int level, int name, const void *val, uint32_t len)
{
    struct tcp_pcb *pcb = pcb_of(so);
    int v, r;

    if ((r = get_int(val, len, &v)) < 0)
        return r;
    if (level == ANYK_SOL_SOCKET) {
        if (name == ANYK_SO_KEEPALIVE) {
            pcb->keepalive = v != 0;
            tcp_arm_keepalive(pcb);
        }
        return 0;
    }
    if (level != ANYK_IPPROTO_TCP)
        return -ENOPROTOOPT;
    switch (name) {
    case ANYK_TCP_NODELAY:
        pcb->nodelay = v != 0;
        if (pcb->nodelay)
            tcp_output(pcb);
        return 0;
    case ANYK_TCP_MAXSEG:
        if (v < 88 || v > 65535 - 40)
            return -EINVAL;
        pcb->user_mss = (uint16_t)v;
        return 0;
    case ANYK_TCP_KEEPIDLE:
    case ANYK_TCP_KEEPINTVL:
        if (v < 1 || v > 32767)
            return -EINVAL;
        if (name == ANYK_TCP_KEEPIDLE)
            pcb->keep_idle = (unsigned)v;
        else
            pcb->keep_intvl = (unsigned)v;
        tcp_arm_keepalive(pcb);
        return 0;
    case ANYK_TCP_KEEPCNT:
        if (v < 1 || v > 127)
            return -EINVAL;
        pcb->keep_cnt = (unsigned)v;
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

static int tcp_getopt(struct socket *so, int level, int name, void *val, uint32_t *len)
{
    struct tcp_pcb *pcb = pcb_of(so);

    if (level == ANYK_SOL_SOCKET && name == ANYK_SO_ACCEPTCONN)
        return put_int(val, len, pcb->state == TCP_LISTEN);
    if (level != ANYK_IPPROTO_TCP)
        return -ENOPROTOOPT;
    switch (name) {
    case ANYK_TCP_NODELAY: return put_int(val, len, pcb->nodelay);
    case ANYK_TCP_MAXSEG:
        return put_int(val, len, connected_state(pcb->state) ? pcb->mss
                                 : pcb->user_mss ? pcb->user_mss : TCP_DEFAULT_MSS);
    case ANYK_TCP_KEEPIDLE: return put_int(val, len, (int)pcb->keep_idle);
    case ANYK_TCP_KEEPINTVL: return put_int(val, len, (int)pcb->keep_intvl);
    case ANYK_TCP_KEEPCNT: return put_int(val, len, (int)pcb->keep_cnt);
    default: return -ENOPROTOOPT;
    }
}

static long tcp_nread(struct socket *so)
{
    struct tcp_pcb *pcb = pcb_of(so);

    if (pcb->state == TCP_LISTEN)
        return -EINVAL;
    return pcb->rcv.len;
}

static void pcb_info(const struct tcp_pcb *pcb, struct anyk_sockinfo *si)
{
    si->type = ANYK_SOCK_STREAM;
    si->protocol = ANYK_IPPROTO_TCP;
    si->laddr = net_htonl(pcb->laddr);
    si->lport = net_htons(pcb->lport);
    si->raddr = net_htonl(pcb->raddr);
    si->rport = net_htons(pcb->rport);
    si->state = pcb->state;
    si->rx_queue = pcb->rcv.len;
    si->tx_queue = pcb->snd.len;
    if (pcb->state == TCP_LISTEN) {
        si->rx_queue = pcb->nchildren;
        si->tx_queue = (uint32_t)pcb->backlog;
    }
}

static void tcp_info(struct socket *so, struct anyk_sockinfo *si)
{
    pcb_info(pcb_of(so), si);
}

size_t tcp_list_orphans(struct anyk_sockinfo *out, size_t max)
{
    struct list_node *n;
    size_t i = 0;

    list_for_each(n, &tcp_pcbs) {
        struct tcp_pcb *p = list_entry(n, struct tcp_pcb, link);
        if (p->so)
            continue;
        if (i < max) {
            memset(&out[i], 0, sizeof(out[i]));
            pcb_info(p, &out[i]);
        }
        i++;
    }
    return i;
}

size_t tcp_debug_text(char *buf, size_t cap)
{
    struct list_node *n;
    size_t len = 0;

    list_for_each(n, &tcp_pcbs) {
        struct tcp_pcb *p = list_entry(n, struct tcp_pcb, link);
        int k;
        if (len >= cap)
            break;
        k = ksnprintf(buf + len, cap - len,
                      "tcp %u:%u-%u st %d una %u nxt +%u max +%u wnd %u cwnd %u ssth %u "
                      "rnxt %u radv +%u rq %u sq %u ooo %u rto %u rtx %d%s ka %d dack %d "
                      "mss %u ws %u/%u ts %d sack %d fin %d/%d\n",
                      p->laddr & 0xff, p->lport, p->rport, p->state, p->snd_una,
                      p->snd_nxt - p->snd_una, p->snd_max - p->snd_una, p->snd_wnd, p->cwnd,
                      p->ssthresh, p->rcv_nxt, p->rcv_adv - p->rcv_nxt, p->rcv.len, p->snd.len,
                      p->ooo_bytes, p->rto, timer_pending(&p->rtx_timer), p->persist ? "p" : "",
                      timer_pending(&p->keep_timer), timer_pending(&p->delack_timer), p->mss,
                      p->snd_wscale, p->rcv_wscale, p->ts_ok, p->sack_ok, p->fin_queued,
                      p->fin_rcvd);
        len += (size_t)k < cap - len ? (size_t)k : cap - len;
    }
    return len;
}

static void tcp_close(struct socket *so)
{
    struct tcp_pcb *pcb = pcb_of(so);

    /* SO_LINGER with a time: wait (if this context may) for the data to be acknowledged. */
    if (so->linger.l_onoff && so->linger.l_linger > 0 && !sched_in_callback() &&
        connected_state(pcb->state) && pcb->state != TCP_TIME_WAIT) {
        uint64_t deadline = ktime_now() + (uint64_t)so->linger.l_linger * 1000000000ull;
        queue_fin(pcb);
        while ((pcb->snd.len || (pcb->fin_queued && SEQ_LT(pcb->snd_una, pcb->fin_seq + 1))) &&
               pcb->state != TCP_CLOSED && ktime_now() < deadline)
            if (sock_wait(so, deadline) == -EINTR)
                break;
    }
    pcb->so = NULL;
    so->pcb = NULL;
    sock_free(so);
    switch (pcb->state) {
    case TCP_CLOSED:
    case TCP_LISTEN:
    case TCP_SYN_SENT:
        tcp_free(pcb);
        return;
    default:
        break;
    }
    /* Data the program never read, or SO_LINGER 0: abort with RST (RFC 9293 3.10.4, Linux). */
    if ((pcb->rcv.len && !pcb->rcv_closed) || !list_empty(&pcb->ooo) ||
        (so->linger.l_onoff && so->linger.l_linger == 0)) {
        tcp_send_rst(pcb);
        tcp_drop(pcb, 0);
        return;
    }
    queue_fin(pcb);
    if (pcb->state == TCP_FIN_WAIT_2)
        tcp_arm_fin_wait_2(pcb);
}

static const struct sock_ops tcp_ops = {
    .bind = tcp_bind,
    .connect = tcp_connect,
    .listen = tcp_listen,
    .accept = tcp_accept,
    .send = tcp_send,
    .recv = tcp_recv,
    .shutdown = tcp_shutdown,
    .poll = tcp_poll,
    .getname = tcp_getname,
    .setopt = tcp_setopt,
    .getopt = tcp_getopt,
    .nread = tcp_nread,
    .info = tcp_info,
    .close = tcp_close,
};

int tcp_attach(struct socket *so)
{
    struct tcp_pcb *pcb = tcp_pcb_new(so);

    if (!pcb)
        return -ENOMEM;
    so->pcb = pcb;
    so->ops = &tcp_ops;
    return 0;
}

struct tcp_pcb *tcp_new_child(struct tcp_pcb *l)
{
    struct tcp_pcb *c = tcp_pcb_new(NULL);

    if (!c)
        return NULL;
    c->parent = l;
    c->reuse = l->reuse;
    c->rcvbuf = l->rcvbuf;
    c->nodelay = l->nodelay;
    c->keepalive = l->so ? l->so->keepalive : false;
    c->keep_idle = l->keep_idle;
    c->keep_intvl = l->keep_intvl;
    c->keep_cnt = l->keep_cnt;
    c->user_mss = l->user_mss;
    list_add_tail(&l->children, &c->child_link);
    l->nchildren++;
    return c;
}
