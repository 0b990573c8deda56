/*
 * tcp_input.c - a TCP segment arrives (RFC 9293 3.10.7).
 *
 * The edge first: length, data offset and checksum are checked before any
 * field is believed; a broadcast or multicast segment is dropped. Options
 * are parsed leniently (a malformed option ends the parsing, RFC 9293
 * 3.1's robustness). Then the segment goes to its connection:
 *   no connection       RST in answer (3.10.7.1)
 *   LISTEN              a SYN makes a child in SYN_RECEIVED (backlog allowing)
 *   SYN_SENT            the handshake's second step
 *   the other states    sequence check (with PAWS, RFC 7323), RST and SYN
 *                       checks against blind attacks (RFC 5961: exact
 *                       sequence or challenge ACK), ACK processing with RTT
 *                       samples (RFC 6298), congestion control (RFC 5681,
 *                       NewReno recovery RFC 6582), window update, data in
 *                       order to the receive buffer or ahead of it to the
 *                       out-of-order queue, FIN.
 */
#include <anyk/errno.h>
#include "kern/time.h"
#include "lib/string.h"
#include "net/icmp.h"
#include "net/tcp_impl.h"

#define OOO_MAX_SEGS 256
#define TS_MAX_AGE_NS (24ull * 24 * 3600 * 1000000000ull) /* RFC 7323 5.5: 24 days */

/* One segment, as the state functions see it. */
struct seg {
    const uint8_t *th;
    uint32_t seq, ack, wnd;     /* wnd: the field as sent (unscaled) */
    uint8_t flags;
    uint32_t dlen;              /* data bytes */
    uint32_t len;               /* sequence space: data + SYN + FIN */
    struct tcp_opts o;
};

void tcp_parse_opts(const uint8_t *th, size_t hlen, struct tcp_opts *o)
{
    const uint8_t *p = th + TCP_HLEN, *end = th + hlen;

    memset(o, 0, sizeof(*o));
    while (p < end) {
        uint8_t kind = p[0], len;
        if (kind == 0)
            break;
        if (kind == 1) {
            p++;
            continue;
        }
        if (end - p < 2 || (len = p[1]) < 2 || len > end - p)
            break; /* malformed: the rest is not trusted */
        switch (kind) {
        case 2:
            if (len == 4) {
                o->mss_ok = true;
                o->mss = rd16(p + 2);
            }
            break;
        case 3:
            if (len == 3) {
                o->ws_ok = true;
                o->ws = p[2] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : p[2];
            }
            break;
        case 4:
            if (len == 2)
                o->sack_ok = true;
            break;
        case 5:
            if (len >= 10 && (len - 2) % 8 == 0)
                for (unsigned i = 0; i < (unsigned)(len - 2) / 8 && o->nsack < 4; i++, o->nsack++) {
                    o->sack[o->nsack][0] = rd32(p + 2 + 8 * i);
                    o->sack[o->nsack][1] = rd32(p + 6 + 8 * i);
                }
            break;
        case 8:
            if (len == 10) {
                o->ts_ok = true;
                o->tsval = rd32(p + 2);
                o->tsecr = rd32(p + 6);
            }
            break;
        }
        p += len;
    }
}

/* What the handshake settles: the options both sides agreed on and the segment size. */
static void negotiate(struct tcp_pcb *pcb, const struct tcp_opts *o)
{
    uint32_t mtu = 1500;

    pcb->peer_mss = o->mss_ok && o->mss >= 64 ? o->mss : TCP_DEFAULT_MSS;
    pcb->ws_ok = o->ws_ok;
    pcb->snd_wscale = o->ws_ok ? o->ws : 0;
    if (!o->ws_ok)
        pcb->rcv_wscale = 0;
    pcb->ts_ok = o->ts_ok;
    if (o->ts_ok) {
        pcb->ts_recent = o->tsval;
        pcb->ts_recent_age = ktime_now();
    }
    pcb->sack_ok = o->sack_ok;
    ipv4_route(pcb->raddr, NULL, &mtu);
    pcb->mss = tcp_calc_mss(pcb, mtu);
    if (pcb->peer_mss < pcb->mss)
        pcb->mss = pcb->peer_mss;
    if (pcb->ts_ok && pcb->mss > 64 + 12)
        pcb->mss -= 12; /* every segment carries 12 bytes of timestamp option */
}

/* RFC 6928 initial window: min(10 * MSS, max(2 * MSS, 14600)). */
static void init_congestion(struct tcp_pcb *pcb)
{
    uint32_t iw = 2u * pcb->mss > 14600 ? 2u * pcb->mss : 14600;

    pcb->cwnd = 10u * pcb->mss < iw ? 10u * pcb->mss : iw;
    pcb->ssthresh = 0x7fffffff;
    pcb->recover = pcb->iss;
}

static void rtt_from_ts(struct tcp_pcb *pcb, const struct tcp_opts *o)
{
    if (pcb->ts_ok && o->ts_ok && o->tsecr) {
        uint32_t rtt = tcp_now_ms() + pcb->ts_offset - o->tsecr;
        if (rtt < 3600 * 1000)
            tcp_rtt_sample(pcb, rtt * 1000 + 500);
    }
}

/* ---- LISTEN ------------------------------------------------------------------------ */

static void listen_input(struct tcp_pcb *l, struct pkt *p, struct seg *s)
{
    struct tcp_pcb *c;
    unsigned queued = 0;
    struct list_node *n;

    if (s->flags & TH_RST)
        return;
    if (s->flags & TH_ACK) {
        tcp_reply_rst(p->src, p->dst, s->th, s->len);
        return;
    }
    if (!(s->flags & TH_SYN))
        return;
    list_for_each(n, &l->children)
        if (list_entry(n, struct tcp_pcb, child_link)->state != TCP_SYN_RECEIVED)
            queued++;
    if (queued >= (unsigned)l->backlog) {
        tcp_stats.listen_drops++;   /* the accept queue is full: the client will retry */
        return;
    }
    if (l->nchildren >= 2u * (unsigned)l->backlog + 16) {
        tcp_stats.syn_drops++;
        return;
    }
    if (!(c = tcp_new_child(l)))
        return;
    c->laddr = p->dst;
    c->lport = l->lport;
    c->raddr = p->src;
    c->rport = rd16(s->th);
    c->irs = s->seq;
    c->rcv_nxt = s->seq + 1;
    c->rcv_adv = c->rcv_nxt;
    c->rcv_wscale = tcp_wscale_for(c->rcvbuf);
    c->iss = tcp_isn(c->laddr, c->lport, c->raddr, c->rport);
    c->ts_offset = tcp_ts_offset(c->laddr, c->lport, c->raddr, c->rport);
    c->snd_una = c->snd_nxt = c->snd_max = c->iss;
    c->snd_wnd = s->wnd;  /* never scaled in a SYN (RFC 7323 2.2) */
    c->max_snd_wnd = c->snd_wnd;
    c->snd_wl1 = s->seq;
    c->snd_wl2 = c->iss;
    negotiate(c, &s->o);
    init_congestion(c);
    tcp_set_state(c, TCP_SYN_RECEIVED);
    tcp_send_syn(c);
}

/* ---- SYN_SENT ------------------------------------------------------------------------ */

static void syn_sent_input(struct tcp_pcb *pcb, struct pkt *p, struct seg *s)
{
    bool ack = s->flags & TH_ACK;

    if (ack && (SEQ_LEQ(s->ack, pcb->iss) || SEQ_GT(s->ack, pcb->snd_max))) {
        tcp_reply_rst(p->src, p->dst, s->th, s->len);
        return;
    }
    if (s->flags & TH_RST) {
        if (ack)
            tcp_drop(pcb, -ECONNREFUSED);
        return;
    }
    if (!(s->flags & TH_SYN))
        return;
    pcb->irs = s->seq;
    pcb->rcv_nxt = s->seq + 1;
    pcb->rcv_adv = pcb->rcv_nxt;
    negotiate(pcb, &s->o);
    init_congestion(pcb);
    pcb->snd_wnd = s->wnd;
    pcb->max_snd_wnd = s->wnd;
    pcb->snd_wl1 = s->seq;
    pcb->snd_wl2 = s->ack;
    if (!ack) {
        /* Simultaneous open: both sent SYNs. */
        tcp_set_state(pcb, TCP_SYN_RECEIVED);
        tcp_send_syn(pcb);
        return;
    }
    pcb->snd_una = s->ack;
    if (SEQ_LT(pcb->snd_nxt, pcb->snd_una))
        pcb->snd_nxt = pcb->snd_una;
    tcp_stop_rtx(pcb);
    if (pcb->retries == 0)
        rtt_from_ts(pcb, &s->o);
    pcb->retries = 0;
    if (!tcp_alloc_buffers(pcb)) {
        tcp_send_rst(pcb);
        tcp_drop(pcb, -ENOMEM);
        return;
    }
    tcp_set_state(pcb, pcb->fin_queued ? TCP_FIN_WAIT_1 : TCP_ESTABLISHED);
    tcp_arm_keepalive(pcb);
    pcb->ack_now = true;
    tcp_wake(pcb);
    tcp_output(pcb);
}

/* ---- the synchronized states ------------------------------------------------------------- */

/* Is the segment's sequence range acceptable (RFC 9293 3.10.7.4, the table)? */
static bool seq_acceptable(struct tcp_pcb *pcb, const struct seg *s, uint32_t wnd)
{
    uint32_t nxt = pcb->rcv_nxt;

    if (s->len == 0) {
        if (wnd == 0)
            return s->seq == nxt;
        return SEQ_LEQ(nxt, s->seq) && SEQ_LT(s->seq, nxt + wnd);
    }
    if (wnd == 0)
        return false;
    return (SEQ_LEQ(nxt, s->seq) && SEQ_LT(s->seq, nxt + wnd)) ||
           (SEQ_LEQ(nxt, s->seq + s->len - 1) && SEQ_LT(s->seq + s->len - 1, nxt + wnd));
}

/* The peer is done sending: state changes and wake-ups (FIN at RCV.NXT). */
static void fin_received(struct tcp_pcb *pcb)
{
    pcb->rcv_nxt++;
    pcb->fin_rcvd = true;
    pcb->ack_now = true;
    switch (pcb->state) {
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
        tcp_set_state(pcb, TCP_CLOSE_WAIT);
        break;
    case TCP_FIN_WAIT_1:
        /* Our FIN not yet acknowledged, else the ACK step moved us to FIN_WAIT_2. */
        tcp_set_state(pcb, TCP_CLOSING);
        break;
    case TCP_FIN_WAIT_2:
        tcp_enter_time_wait(pcb);
        break;
    default:
        break;
    }
    tcp_wake(pcb);
}

/* Queue a segment that arrived ahead of RCV.NXT; takes p (data at the payload, p->seq set). */
static void ooo_insert(struct tcp_pcb *pcb, struct pkt *p)
{
    struct list_node *n, *tmp;
    uint32_t start, end;
    unsigned count = 0;

    list_for_each_safe(n, tmp, &pcb->ooo) {
        struct pkt *q = list_entry(n, struct pkt, link);
        uint32_t qs = q->seq, qe = q->seq + (uint32_t)q->len;
        start = p->seq;
        end = p->seq + (uint32_t)p->len;
        count++;
        if (SEQ_LEQ(qs, start) && SEQ_GEQ(qe, end) && !(p->tcpflags & TH_FIN)) {
            pkt_free(p); /* already have all of it */
            return;
        }
        if (SEQ_LEQ(start, qs) && SEQ_GEQ(end, qe)) {
            /* The new one covers q entirely. */
            p->tcpflags |= q->tcpflags;
            pcb->ooo_bytes -= (uint32_t)q->len;
            list_del(&q->link);
            pkt_free(q);
            count--;
            continue;
        }
        if (SEQ_LT(qs, start) && SEQ_GT(qe, start)) {
            uint32_t cut = qe - start; /* q holds our front */
            pkt_pull(p, cut);
            p->seq += cut;
        } else if (SEQ_LT(start, qs) && SEQ_GT(end, qs)) {
            pkt_trim(p, qs - start); /* q holds our tail */
            p->tcpflags &= (uint8_t)~TH_FIN;
        }
    }
    if (count >= OOO_MAX_SEGS || (!p->len && !(p->tcpflags & TH_FIN))) {
        if (p->len)
            tcp_stats.ooo_drops++;
        pkt_free(p);
        return;
    }
    /* Sorted by sequence. */
    list_for_each(n, &pcb->ooo)
        if (SEQ_GT(list_entry(n, struct pkt, link)->seq, p->seq))
            break;
    list_insert_between(&p->link, n->prev, n);
    pcb->ooo_bytes += (uint32_t)p->len;
    pcb->last_ooo_seq = p->seq;
    tcp_stats.ooo_segs++;
}

/* Move what the out-of-order queue now continues into the receive buffer; true on a FIN. */
static bool ooo_drain(struct tcp_pcb *pcb)
{
    struct list_node *n;

    while ((n = pcb->ooo.next) != &pcb->ooo) {
        struct pkt *q = list_entry(n, struct pkt, link);
        uint32_t qe = q->seq + (uint32_t)q->len;
        bool fin = q->tcpflags & TH_FIN;

        if (SEQ_GT(q->seq, pcb->rcv_nxt))
            break;
        list_del(&q->link);
        pcb->ooo_bytes -= (uint32_t)q->len;
        if (SEQ_GT(qe, pcb->rcv_nxt)) {
            uint32_t skip = pcb->rcv_nxt - q->seq;
            uint32_t k = ring_write(&pcb->rcv, q->data + skip, (uint32_t)q->len - skip);
            pcb->rcv_nxt += k;
            if (k < q->len - skip) {
                tcp_stats.rcvbuf_drops++;
                fin = false;
            }
        }
        pkt_free(q);
        if (fin && pcb->rcv_nxt == qe)
            return true;
    }
    return false;
}

/*
 * Data and FIN of an acceptable segment (trimmed to the window). Returns
 * DATA_KEPT if p went to the out-of-order queue, DATA_GONE if the connection
 * was dropped (and may be freed), else DATA_DONE.
 */
enum { DATA_DONE, DATA_KEPT, DATA_GONE };

static int data_input(struct tcp_pcb *pcb, struct pkt *p, struct seg *s)
{
    bool fin = s->flags & TH_FIN;
    int kept = DATA_DONE;

    if (pcb->state != TCP_ESTABLISHED && pcb->state != TCP_FIN_WAIT_1 &&
        pcb->state != TCP_FIN_WAIT_2 && pcb->state != TCP_SYN_RECEIVED) {
        return DATA_DONE; /* the peer's FIN came already: anything more is a duplicate */
    }
    if (s->dlen && !pcb->so && !pcb->parent) {
        /* Closed by the program: nobody will read this (RFC 9293 3.10.4; Linux resets). */
        tcp_send_rst(pcb);
        tcp_drop(pcb, 0);
        return DATA_GONE;
    }
    if (s->seq == pcb->rcv_nxt) {
        bool had_ooo = !list_empty(&pcb->ooo);
        if (s->dlen) {
            uint32_t k = s->dlen;
            if (pcb->rcv_closed) {
                pcb->rcv_nxt += k; /* SHUT_RD: acknowledged and thrown away */
            } else {
                k = ring_write(&pcb->rcv, p->data, s->dlen);
                pcb->rcv_nxt += k;
                if (k < s->dlen) {
                    tcp_stats.rcvbuf_drops++;
                    fin = false;
                }
            }
            if (had_ooo) {
                if (ooo_drain(pcb))
                    fin = true;
                pcb->ack_now = true; /* a hole filled: tell at once (RFC 5681 4.2) */
            } else if (++pcb->delack_segs >= 2) {
                pcb->ack_now = true; /* every second full segment (RFC 5681 4.2) */
            } else {
                tcp_arm_delack(pcb);
            }
            tcp_wake(pcb);
        }
        if (fin)
            fin_received(pcb);
    } else if (s->dlen || fin) {
        /* Ahead of RCV.NXT: keep it for later and send a duplicate ACK (with SACK). */
        p->seq = s->seq;
        p->tcpflags = fin ? TH_FIN : 0;
        ooo_insert(pcb, p);
        kept = DATA_KEPT;
        pcb->ack_now = true;
    }
    return kept;
}

/* Our FIN has been acknowledged. */
static bool fin_acked(const struct tcp_pcb *pcb)
{
    return pcb->fin_queued && SEQ_GT(pcb->snd_una, pcb->fin_seq);
}

/* New data acknowledged: congestion window, buffer, timers (RFC 5681, 6582, 6298). */
static void ack_advance(struct tcp_pcb *pcb, struct seg *s)
{
    uint32_t acked = s->ack - pcb->snd_una, data = acked < pcb->snd.len ? acked : pcb->snd.len;
    bool partial = false;

    if (pcb->ts_ok)
        rtt_from_ts(pcb, &s->o);
    else if (pcb->rtt_timing && SEQ_GT(s->ack, pcb->rtt_seq)) {
        pcb->rtt_timing = false;
        tcp_rtt_sample(pcb, (uint32_t)((ktime_now() - pcb->rtt_start) / 1000));
    }
    if (pcb->in_recovery) {
        if (SEQ_GEQ(s->ack, pcb->recover)) {
            uint32_t flight = pcb->snd_max - s->ack;
            uint32_t w = (flight > pcb->mss ? flight : pcb->mss) + pcb->mss;
            pcb->cwnd = pcb->ssthresh < w ? pcb->ssthresh : w;
            pcb->in_recovery = false;
        } else {
            partial = true;
            pcb->cwnd = pcb->cwnd > acked ? pcb->cwnd - acked : pcb->mss;
            if (acked >= pcb->mss)
                pcb->cwnd += pcb->mss;
        }
    } else if (pcb->cwnd < pcb->ssthresh) {
        pcb->cwnd += acked < pcb->mss ? acked : pcb->mss;
    } else {
        uint32_t inc = (uint32_t)((uint64_t)pcb->mss * pcb->mss / pcb->cwnd);
        pcb->cwnd += inc ? inc : 1;
    }
    if (pcb->cwnd > 64u << 20)
        pcb->cwnd = 64u << 20;
    pcb->dupacks = 0;
    ring_drop(&pcb->snd, data);
    pcb->snd_una = s->ack;
    if (SEQ_LT(pcb->snd_nxt, pcb->snd_una))
        pcb->snd_nxt = pcb->snd_una;
    pcb->retries = 0;
    pcb->soft_error = 0;
    if (partial)
        tcp_retransmit_first(pcb); /* NewReno: the next hole, at once */
    if (pcb->snd_una == pcb->snd_max)
        tcp_stop_rtx(pcb);
    else
        tcp_arm_rtx(pcb);
    tcp_wake(pcb);
}

/* A duplicate ACK: fast retransmit on the third, inflate while recovering. */
static void dup_ack(struct tcp_pcb *pcb, struct seg *s)
{
    if (++pcb->dupacks == 3 && !pcb->in_recovery) {
        uint32_t flight = pcb->snd_max - pcb->snd_una;
        if (!SEQ_GT(s->ack - 1, pcb->recover) && pcb->recover != pcb->iss)
            return; /* RFC 6582 3.2 step 2: still recovering from an earlier loss */
        pcb->ssthresh = flight / 2 > 2u * pcb->mss ? flight / 2 : 2u * pcb->mss;
        pcb->recover = pcb->snd_max;
        pcb->in_recovery = true;
        tcp_stats.fast_retransmits++;
        tcp_retransmit_first(pcb);
        pcb->cwnd = pcb->ssthresh + 3u * pcb->mss;
    } else if (pcb->in_recovery && pcb->dupacks > 3) {
        pcb->cwnd += pcb->mss;
    }
    /* The caller's tcp_output sends what limited transmit or the inflated window allows. */
}

static void synchronized_input(struct tcp_pcb *pcb, struct pkt *p, struct seg *s, bool *kept)
{
    uint32_t wnd = pcb->rcv_adv - pcb->rcv_nxt, avail = tcp_rcv_window(pcb);
    uint32_t orig_seq = s->seq;

    if (SEQ_LT(pcb->rcv_adv, pcb->rcv_nxt))
        wnd = 0;
    if (avail > wnd)
        wnd = avail;
    /* The peer's SYN again: our SYN-ACK was lost (it lies before RCV.NXT, so check first). */
    if (pcb->state == TCP_SYN_RECEIVED && (s->flags & TH_SYN) && !(s->flags & TH_ACK) &&
        s->seq == pcb->irs) {
        tcp_send_syn(pcb);
        return;
    }

    /* PAWS (RFC 7323 5): an old timestamp means an old duplicate. */
    if (pcb->ts_ok && s->o.ts_ok && !(s->flags & TH_RST) && SEQ_LT(s->o.tsval, pcb->ts_recent) &&
        ktime_now() - pcb->ts_recent_age < TS_MAX_AGE_NS) {
        tcp_stats.paws_drops++;
        tcp_send_ack(pcb);
        return;
    }
    if (!seq_acceptable(pcb, s, wnd)) {
        if (!(s->flags & TH_RST)) {
            if (pcb->state == TCP_TIME_WAIT && (s->flags & TH_FIN))
                tcp_enter_time_wait(pcb); /* the peer lost our last ACK: restart 2*MSL */
            tcp_send_ack(pcb);
        }
        return;
    }
    /* RST (RFC 5961 3.2): only the exact next sequence number resets; else challenge. */
    if (s->flags & TH_RST) {
        tcp_stats.in_rsts++;
        if (orig_seq != pcb->rcv_nxt) {
            tcp_send_challenge_ack(pcb);
            return;
        }
        switch (pcb->state) {
        case TCP_SYN_RECEIVED:
            tcp_drop(pcb, pcb->parent ? 0 : -ECONNREFUSED);
            break;
        case TCP_CLOSING:
        case TCP_LAST_ACK:
        case TCP_TIME_WAIT:
            tcp_drop(pcb, 0);
            break;
        default:
            tcp_drop(pcb, pcb->fin_rcvd && pcb->state == TCP_CLOSE_WAIT ? -EPIPE : -ECONNRESET);
            break;
        }
        return;
    }
    /* SYN in a synchronized state (RFC 5961 4.2): a challenge ACK, nothing else. */
    if (s->flags & TH_SYN) {
        tcp_send_challenge_ack(pcb);
        return;
    }
    /* Trim to the window: bytes already received in front, bytes beyond it at the end. */
    if (SEQ_LT(s->seq, pcb->rcv_nxt)) {
        uint32_t dup = pcb->rcv_nxt - s->seq;
        if (dup >= s->dlen) {
            if (dup > s->dlen || !(s->flags & TH_FIN))
                s->flags &= (uint8_t)~TH_FIN;
            dup = s->dlen;
            pcb->ack_now = true; /* a duplicate: the peer needs to hear where we are */
        }
        pkt_pull(p, dup);
        s->dlen -= dup;
        s->seq += dup;
    }
    if (SEQ_GT(s->seq + s->dlen, pcb->rcv_nxt + wnd)) {
        uint32_t keep = pcb->rcv_nxt + wnd - s->seq;
        pkt_trim(p, keep);
        s->dlen = keep;
        s->flags &= (uint8_t)~TH_FIN;
    }
    /* Timestamps: remember the newest from a segment that is not ahead of us (RFC 7323 4.3). */
    if (pcb->ts_ok && s->o.ts_ok && SEQ_LEQ(orig_seq, pcb->last_ack_sent) &&
        SEQ_GEQ(s->o.tsval, pcb->ts_recent)) {
        pcb->ts_recent = s->o.tsval;
        pcb->ts_recent_age = ktime_now();
    }
    if (!(s->flags & TH_ACK))
        return;

    if (pcb->state == TCP_SYN_RECEIVED) {
        if (!SEQ_LT(pcb->snd_una, s->ack) || SEQ_GT(s->ack, pcb->snd_max)) {
            tcp_reply_rst(p->src, p->dst, s->th, s->len);
            return;
        }
        if (!tcp_alloc_buffers(pcb)) {
            tcp_send_rst(pcb);
            tcp_drop(pcb, -ENOMEM);
            return;
        }
        pcb->snd_una = s->ack;
        if (SEQ_LT(pcb->snd_nxt, pcb->snd_una))
            pcb->snd_nxt = pcb->snd_una;
        tcp_stop_rtx(pcb);
        if (pcb->retries == 0)
            rtt_from_ts(pcb, &s->o);
        pcb->retries = 0;
        pcb->snd_wnd = s->wnd << pcb->snd_wscale;
        pcb->max_snd_wnd = pcb->snd_wnd;
        pcb->snd_wl1 = s->seq;
        pcb->snd_wl2 = s->ack;
        tcp_set_state(pcb, pcb->fin_queued ? TCP_FIN_WAIT_1 : TCP_ESTABLISHED);
        tcp_arm_keepalive(pcb);
        if (pcb->parent)
            tcp_child_established(pcb);
        tcp_wake(pcb);
    } else {
        /* Acceptable ACKs lie in [SND.UNA - MAX.SND.WND, SND.NXT] (RFC 5961 5.2). */
        if (SEQ_GT(s->ack, pcb->snd_max)) {
            tcp_send_ack(pcb);
            return;
        }
        if (SEQ_LT(s->ack, pcb->snd_una - pcb->max_snd_wnd)) {
            tcp_send_challenge_ack(pcb);
            return;
        }
        if (SEQ_GT(s->ack, pcb->snd_una)) {
            ack_advance(pcb, s);
        } else if (s->ack == pcb->snd_una && s->dlen == 0 && !(s->flags & TH_FIN) &&
                   (s->wnd << pcb->snd_wscale) == pcb->snd_wnd && pcb->snd_max != pcb->snd_una) {
            dup_ack(pcb, s);
        }
        /* The send window, from the newest segment (RFC 9293 3.10.7.4, SND.WL1/WL2). */
        if (SEQ_LT(pcb->snd_wl1, s->seq) ||
            (pcb->snd_wl1 == s->seq && SEQ_LEQ(pcb->snd_wl2, s->ack))) {
            pcb->snd_wnd = s->wnd << pcb->snd_wscale;
            pcb->snd_wl1 = s->seq;
            pcb->snd_wl2 = s->ack;
            if (pcb->snd_wnd > pcb->max_snd_wnd)
                pcb->max_snd_wnd = pcb->snd_wnd;
            if (pcb->snd_wnd && pcb->persist) {
                tcp_stop_rtx(pcb);
                pcb->retries = 0;
            }
        }
        if (pcb->persist)
            pcb->retries = 0; /* the peer answers our probes: it is alive */
        if (fin_acked(pcb)) {
            switch (pcb->state) {
            case TCP_FIN_WAIT_1:
                tcp_set_state(pcb, TCP_FIN_WAIT_2);
                tcp_arm_fin_wait_2(pcb);
                tcp_wake(pcb);
                break;
            case TCP_CLOSING:
                tcp_enter_time_wait(pcb);
                break;
            case TCP_LAST_ACK:
                tcp_drop(pcb, 0);
                return;
            default:
                break;
            }
        }
    }
    if (pcb->state == TCP_TIME_WAIT)
        return;
    switch (data_input(pcb, p, s)) {
    case DATA_GONE:
        return;
    case DATA_KEPT:
        *kept = true;
        break;
    }
    if (pcb->keepalive)
        tcp_arm_keepalive(pcb);
    tcp_output(pcb);
}

void tcp_input(struct pkt *p)
{
    uint8_t *th = p->data;
    struct tcp_pcb *pcb;
    struct seg s;
    size_t hlen;
    bool kept = false;

    tcp_stats.in_segs++;
    if (p->len < TCP_HLEN || (hlen = (size_t)(th[12] >> 4) * 4) < TCP_HLEN || hlen > p->len) {
        tcp_stats.in_bad_offset++;
        tcp_stats.in_errs++;
        goto out;
    }
    if (inet_fold(inet_sum(th, p->len,
                           inet_pseudo_sum(p->src, p->dst, IP_PROTO_TCP, (uint16_t)p->len))) != 0) {
        tcp_stats.in_csum_errors++;
        tcp_stats.in_errs++;
        goto out;
    }
    /* TCP is between two hosts; a broadcast segment is no one's (RFC 1122 4.2.3.10). */
    if (p->bcast || inet_is_multicast(p->dst) || !rd16(th) || !rd16(th + 2)) {
        tcp_stats.in_errs++;
        goto out;
    }
    s.th = th;
    s.seq = rd32(th + 4);
    s.ack = rd32(th + 8);
    s.flags = th[13];
    s.wnd = rd16(th + 14);
    s.dlen = (uint32_t)(p->len - hlen);
    s.len = s.dlen + ((s.flags & TH_SYN) ? 1 : 0) + ((s.flags & TH_FIN) ? 1 : 0);
    tcp_parse_opts(th, hlen, &s.o);
    pkt_pull(p, hlen);

    pcb = tcp_lookup(p->dst, rd16(th + 2), p->src, rd16(th));
    if (!pcb) {
        tcp_reply_rst(p->src, p->dst, th, s.len);
        goto out;
    }
    switch (pcb->state) {
    case TCP_LISTEN:
        listen_input(pcb, p, &s);
        break;
    case TCP_SYN_SENT:
        syn_sent_input(pcb, p, &s);
        break;
    case TCP_CLOSED:
        tcp_reply_rst(p->src, p->dst, th, s.len);
        break;
    default:
        synchronized_input(pcb, p, &s, &kept);
        break;
    }
out:
    if (!kept)
        pkt_free(p);
}

/* ICMP about a segment we sent (RFC 1122 4.2.3.9, RFC 5927's sequence check). */
void tcp_icmp_error(uint32_t src, uint32_t dst, const uint8_t *hdr, uint8_t type, uint8_t code)
{
    struct tcp_pcb *pcb = tcp_lookup(src, rd16(hdr), dst, rd16(hdr + 2));
    uint32_t seq = rd32(hdr + 4);
    int err;

    if (!pcb || pcb->state == TCP_LISTEN || pcb->raddr != dst)
        return;
    if (SEQ_LT(seq, pcb->snd_una) || SEQ_GT(seq, pcb->snd_max))
        return; /* not a segment in flight: forged or stale */
    if (type == ICMP_DEST_UNREACH) {
        switch (code) {
        case ICMP_PORT_UNREACH:
        case ICMP_PROT_UNREACH:
            err = -ECONNREFUSED;
            break;
        case ICMP_NET_UNREACH:
            err = -ENETUNREACH;
            break;
        case ICMP_FRAG_NEEDED:
            return; /* we let IPv4 fragment instead */
        default:
            err = -EHOSTUNREACH;
            break;
        }
    } else if (type == ICMP_TIME_EXCEEDED) {
        err = -EHOSTUNREACH;
    } else {
        return;
    }
    /* Hard errors and any error on a connection attempt end it; others are kept for a timeout. */
    if (pcb->state == TCP_SYN_SENT || err == -ECONNREFUSED)
        tcp_drop(pcb, err);
    else
        pcb->soft_error = err;
}
