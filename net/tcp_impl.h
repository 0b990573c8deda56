/*
 * tcp_impl.h - what the TCP files share (tcp.c: connections and the socket
 * calls; tcp_input.c: segment arrival; tcp_output.c: sending; tcp_timer.c:
 * retransmission, delayed ACKs, keepalive, TIME_WAIT). Nothing outside
 * net/tcp*.c includes it.
 *
 * Sequence numbers are compared modulo 2^32 (SEQ_LT and friends). A
 * connection's send buffer holds every byte from SND.UNA on (sent and not
 * yet acknowledged, then not yet sent); its receive buffer holds bytes in
 * order that the program has not read; segments that arrived ahead of
 * RCV.NXT wait in the out-of-order queue.
 *
 * Lifetime: a tcp_pcb belongs to its socket while one is attached (so !=
 * NULL); after close it is an orphan that lives until its closing
 * handshake, TIME_WAIT or an abort ends it, then tcp_free() releases it.
 * A connection reset while its socket is open stays (state CLOSED) until the
 * socket is closed.
 */
#ifndef NET_TCP_IMPL_H
#define NET_TCP_IMPL_H

#include <anyk/api.h>
#include "kern/timer.h"
#include "net/inet.h"
#include "net/ipv4.h"
#include "net/socket.h"
#include "net/tcp.h"

#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)

/* Header flags */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

#define TCP_HLEN 20
#define TCP_OPT_MAX 40
#define TCP_DEFAULT_MSS 536         /* without an MSS option (RFC 9293 3.7.1) */
#define TCP_MSL_NS (30ull * 1000000000ull)
#define TCP_RTO_INIT_MS 1000        /* RFC 6298 2.1 */
#define TCP_RTO_MIN_MS 200          /* below RFC 6298's 1 s, as Linux (the RFC allows it) */
#define TCP_RTO_MAX_MS 60000        /* RFC 6298 2.5 */
#define TCP_SYN_RETRIES 6
#define TCP_SYNACK_RETRIES 5
#define TCP_DATA_RETRIES 12
#define TCP_DELACK_MS 40            /* well under RFC 1122's 500 ms */
#define TCP_FIN_TIMEOUT_NS (60ull * 1000000000ull) /* orphaned FIN_WAIT_2 */
#define TCP_KEEPIDLE_S 7200         /* RFC 1122 4.2.3.6 */
#define TCP_KEEPINTVL_S 75
#define TCP_KEEPCNT 9
#define TCP_BACKLOG_MAX 4096
#define TCP_MAX_WSCALE 14           /* RFC 7323 2.3 */

/* Connection states (RFC 9293 3.3.2), numbered as Linux reports them. */
enum tcp_state {
    TCP_ESTABLISHED = ANYK_TCP_ESTABLISHED,
    TCP_SYN_SENT = ANYK_TCP_SYN_SENT,
    TCP_SYN_RECEIVED = ANYK_TCP_SYN_RECV,
    TCP_FIN_WAIT_1 = ANYK_TCP_FIN_WAIT1,
    TCP_FIN_WAIT_2 = ANYK_TCP_FIN_WAIT2,
    TCP_TIME_WAIT = ANYK_TCP_TIME_WAIT,
    TCP_CLOSED = ANYK_TCP_CLOSE,
    TCP_CLOSE_WAIT = ANYK_TCP_CLOSE_WAIT,
    TCP_LAST_ACK = ANYK_TCP_LAST_ACK,
    TCP_LISTEN = ANYK_TCP_LISTEN,
    TCP_CLOSING = ANYK_TCP_CLOSING,
};

/* A byte ring: the send and receive buffers. */
struct tcp_ring {
    uint8_t *buf;
    uint32_t cap, head, len;    /* bytes buf[head .. head+len) mod cap */
};

/* Options of one segment, parsed (tcp_input.c) or to send. */
struct tcp_opts {
    bool mss_ok, ws_ok, ts_ok, sack_ok;
    uint16_t mss;
    uint8_t ws;
    uint32_t tsval, tsecr;
    unsigned nsack;
    uint32_t sack[4][2];        /* received SACK blocks: left, right edges */
};

struct tcp_pcb {
    struct list_node link;      /* every connection */
    struct socket *so;          /* NULL: orphaned (closed by the program) or not accepted yet */
    enum tcp_state state;
    uint32_t laddr, raddr;
    uint16_t lport, rport;

    /* listening */
    struct tcp_pcb *parent;     /* the listener of a connection not yet accepted */
    struct list_node children;  /* listener: its connections, SYN_RECEIVED or in accept queue */
    struct list_node child_link;
    int backlog;
    unsigned nchildren;
    bool accepted;              /* a child that accept() has taken */

    /* send sequence space (RFC 9293 3.3.1) */
    uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
    uint32_t max_snd_wnd;       /* largest window the peer offered (RFC 5961 5.2) */
    uint32_t fin_seq;           /* our FIN's sequence number, once queued */
    /* receive sequence space */
    uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: the right edge we advertised */
    uint32_t rcvbuf;            /* receive buffer size, for the window before it exists */

    struct tcp_ring snd, rcv;
    struct list_node ooo;       /* out-of-order segments (p->seq, data, tcpflags) by sequence */
    uint32_t ooo_bytes;
    uint32_t last_ooo_seq;      /* start of the most recent out-of-order arrival (SACK order) */

    /* negotiated options */
    uint16_t mss;               /* largest segment we send (data, without options) */
    uint16_t user_mss;          /* TCP_MAXSEG, 0 if not set */
    uint16_t peer_mss;
    uint8_t snd_wscale, rcv_wscale;
    bool ws_ok, ts_ok, sack_ok;
    uint32_t ts_recent, ts_offset;
    uint64_t ts_recent_age;     /* when ts_recent was set, ns */
    uint32_t last_ack_sent;

    /* retransmission (RFC 6298): srtt and rttvar in microseconds, rto in ms */
    uint32_t srtt, rttvar, rto;
    bool rtt_valid;
    bool rtt_timing;            /* timing one segment (no timestamps): Karn's algorithm */
    uint32_t rtt_seq;
    uint64_t rtt_start;
    unsigned retries;           /* consecutive timeouts */
    bool persist;               /* the retransmission timer is probing a zero window */

    /* congestion control: slow start, avoidance (RFC 5681), NewReno recovery (RFC 6582) */
    uint32_t cwnd, ssthresh;
    unsigned dupacks;
    bool in_recovery;
    uint32_t recover;

    /* what is owed */
    bool ack_now;               /* send an ACK at the next tcp_output */
    unsigned delack_segs;       /* full segments received since the last ACK */
    bool fin_queued;            /* the program is done sending (shutdown or close) */
    bool fin_rcvd;              /* the peer is done sending: reads return 0 after the data */
    bool reuse;                 /* SO_REUSEADDR when bound */
    bool ever_connected;
    bool rcv_closed;            /* SHUT_RD: data that arrives is thrown away */
    bool nodelay;
    bool keepalive;
    unsigned keep_idle, keep_intvl, keep_cnt, keep_probes; /* seconds, count */
    int error;                  /* why it closed: -ECONNRESET, -ETIMEDOUT, ... (0: normally) */
    int soft_error;             /* an ICMP error seen while retrying */

    struct timer rtx_timer;     /* retransmission, persist, SYN and SYN-ACK */
    struct timer delack_timer;
    struct timer keep_timer;
    struct timer wait_timer;    /* TIME_WAIT, orphaned FIN_WAIT_2 */
};

#define TCP_COUNTERS(X) X(active_opens) X(passive_opens) X(attempt_fails) X(estab_resets)    \
    X(in_segs) X(out_segs) X(retrans_segs) X(in_errs) X(in_csum_errors) X(in_bad_offset) \
    X(out_rsts) X(in_rsts) X(fast_retransmits) X(timeouts) X(challenge_acks) X(paws_drops) \
    X(ooo_segs) X(ooo_drops) X(syn_drops) X(keepalive_probes) X(window_probes)           \
    X(delayed_acks) X(rcvbuf_drops) X(listen_drops)

struct tcp_stats {
    TCP_COUNTERS(NET_COUNTER_FIELD)
};

extern struct tcp_stats tcp_stats;

/* tcp.c */
extern struct list_node tcp_pcbs;
struct tcp_pcb *tcp_pcb_new(struct socket *so);
void tcp_set_state(struct tcp_pcb *pcb, enum tcp_state st);
/* End a connection: state CLOSED, error recorded, timers stopped; freed if orphaned. */
void tcp_drop(struct tcp_pcb *pcb, int err);
void tcp_free(struct tcp_pcb *pcb);
/* The connection a segment belongs to: exact match first, then a listener. */
struct tcp_pcb *tcp_lookup(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport);
uint32_t tcp_isn(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport);
uint32_t tcp_ts_offset(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport);
uint32_t tcp_now_ms(void);
/* A listener's new child for a SYN that arrived (SYN_RECEIVED is for the caller to set). */
struct tcp_pcb *tcp_new_child(struct tcp_pcb *listener);
/* Allocate the buffers of a connection that reached ESTABLISHED; false if out of memory. */
bool tcp_alloc_buffers(struct tcp_pcb *pcb);
/* A listener's child reached ESTABLISHED: queue it for accept. */
void tcp_child_established(struct tcp_pcb *child);
void tcp_wake(struct tcp_pcb *pcb);
/* Our receive window now (bytes, unscaled). */
uint32_t tcp_rcv_window(const struct tcp_pcb *pcb);
/* Window scale shift for a buffer of n bytes. */
uint8_t tcp_wscale_for(uint32_t n);

/* rings */
uint32_t ring_write(struct tcp_ring *r, const void *src, uint32_t n);
uint32_t ring_read(struct tcp_ring *r, void *dst, uint32_t n, bool peek);
void ring_peek_at(const struct tcp_ring *r, uint32_t off, void *dst, uint32_t n);
void ring_drop(struct tcp_ring *r, uint32_t n);

/* tcp_output.c */
/* Send whatever the windows, Nagle and the state allow, and any owed ACK. */
void tcp_output(struct tcp_pcb *pcb);
void tcp_send_ack(struct tcp_pcb *pcb);
/* SYN (active open) or SYN-ACK (passive). */
void tcp_send_syn(struct tcp_pcb *pcb);
/* Send one segment: data from the send buffer at offset off (from SND.UNA), len bytes. */
void tcp_xmit(struct tcp_pcb *pcb, uint32_t seq, uint8_t flags, uint32_t off, uint32_t len);
/* Resend the first unacknowledged segment (fast retransmit, partial ACK). */
void tcp_retransmit_first(struct tcp_pcb *pcb);
/* RST for a connection being aborted. */
void tcp_send_rst(struct tcp_pcb *pcb);
/* RST in answer to a segment no connection wants (RFC 9293 3.10.7.1). */
void tcp_reply_rst(uint32_t src, uint32_t dst, const uint8_t *th, uint32_t seglen);
/* An ACK in answer to an unacceptable segment, rate limited (RFC 5961 challenge ACK). */
void tcp_send_challenge_ack(struct tcp_pcb *pcb);
/* The effective send MSS for a route MTU and the negotiated options. */
uint16_t tcp_calc_mss(struct tcp_pcb *pcb, uint32_t mtu);

/* tcp_input.c */
void tcp_parse_opts(const uint8_t *th, size_t hlen, struct tcp_opts *o);

/* tcp_timer.c */
void tcp_timers_init(struct tcp_pcb *pcb);
void tcp_timers_stop(struct tcp_pcb *pcb);
void tcp_arm_rtx(struct tcp_pcb *pcb);
void tcp_stop_rtx(struct tcp_pcb *pcb);
void tcp_arm_delack(struct tcp_pcb *pcb);
void tcp_arm_keepalive(struct tcp_pcb *pcb);
void tcp_enter_time_wait(struct tcp_pcb *pcb);
void tcp_arm_fin_wait_2(struct tcp_pcb *pcb);
/* A new RTT sample in microseconds (RFC 6298 2.2, 2.3). */
void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t rtt_us);

#endif
