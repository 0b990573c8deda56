/*
 * tcp_output.c - building and sending TCP segments.
 *
 * tcp_output() is called whenever sending may have become possible: the
 * program wrote, an ACK opened the windows, a timer fired. It sends as much
 * new data as min(send window, congestion window) allows, in segments of at
 * most MSS bytes, holding back a small segment while data is in flight
 * (Nagle, RFC 896 / RFC 1122 4.2.3.4) unless TCP_NODELAY is set; the FIN
 * rides on the last segment. With nothing to send it still sends an ACK
 * that is owed (ack_now). A zero window with data waiting arms the persist
 * timer.
 *
 * Every segment carries the options negotiated at the handshake: timestamps
 * (RFC 7323) and, while out-of-order data waits, SACK blocks (RFC 2018) for
 * the peer. The advertised window never shrinks (RFC 9293 3.8.6.2.2) and
 * small openings are not advertised (receiver-side SWS avoidance).
 */
#include <anyk/errno.h>
#include "kern/time.h"
#include "lib/string.h"
#include "net/tcp_impl.h"

#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_MSS 2
#define OPT_WS 3
#define OPT_SACK_PERM 4
#define OPT_SACK 5
#define OPT_TS 8

#define CHALLENGE_ACKS_PER_SEC 100

static struct {
    uint64_t challenge_sec;
    unsigned challenge_count;
} out;

uint16_t tcp_calc_mss(struct tcp_pcb *pcb, uint32_t mtu)
{
    uint32_t m = mtu > 40 + 64 ? mtu - 40 : 64;

    if (pcb->user_mss && pcb->user_mss < m)
        m = pcb->user_mss;
    return (uint16_t)(m > 65495 ? 65495 : m);
}

/* Options of a SYN or SYN-ACK: MSS, then what we offer or the peer offered. */
static size_t syn_options(struct tcp_pcb *pcb, uint8_t *o, bool synack)
{
    uint32_t mtu = 1500;
    size_t n = 0;
    bool ts = !synack || pcb->ts_ok, sack = !synack || pcb->sack_ok, ws = !synack || pcb->ws_ok;

    ipv4_route(pcb->raddr, NULL, &mtu);
    o[n++] = OPT_MSS;
    o[n++] = 4;
    wr16(o + n, tcp_calc_mss(pcb, mtu));
    n += 2;
    if (sack && ts) {
        o[n++] = OPT_SACK_PERM;
        o[n++] = 2;
    } else if (sack) {
        o[n++] = OPT_NOP;
        o[n++] = OPT_NOP;
        o[n++] = OPT_SACK_PERM;
        o[n++] = 2;
    }
    if (ts) {
        if (!sack) {
            o[n++] = OPT_NOP;
            o[n++] = OPT_NOP;
        }
        o[n++] = OPT_TS;
        o[n++] = 10;
        wr32(o + n, tcp_now_ms() + pcb->ts_offset);
        wr32(o + n + 4, synack ? pcb->ts_recent : 0);
        n += 8;
    }
    if (ws) {
        o[n++] = OPT_NOP;
        o[n++] = OPT_WS;
        o[n++] = 3;
        o[n++] = pcb->rcv_wscale;
    }
    return n;
}

/* SACK blocks for our out-of-order queue; the most recent arrival's block first (RFC 2018 4). */
static size_t sack_options(struct tcp_pcb *pcb, uint8_t *o, size_t room)
{
    uint32_t blocks[4][2];
    unsigned nb = 0, max = (unsigned)((room - 4) / 8);
    struct list_node *n;
    size_t len;

    if (max > 4)
        max = 4;
    if (!max)
        return 0;
    /* Merge the queue's segments into contiguous blocks. */
    uint32_t all[16][2];
    unsigned na = 0;
    list_for_each(n, &pcb->ooo) {
        struct pkt *p = list_entry(n, struct pkt, link);
        uint32_t l = p->seq, r = p->seq + (uint32_t)p->len;
        if (na && all[na - 1][1] == l)
            all[na - 1][1] = r;
        else if (na < 16) {
            all[na][0] = l;
            all[na][1] = r;
            na++;
        }
    }
    for (unsigned i = 0; i < na; i++)
        if (SEQ_LEQ(all[i][0], pcb->last_ooo_seq) && SEQ_LT(pcb->last_ooo_seq, all[i][1])) {
            blocks[nb][0] = all[i][0];
            blocks[nb][1] = all[i][1];
            nb++;
            all[i][0] = all[i][1];
            break;
        }
    for (unsigned i = 0; i < na && nb < max; i++)
        if (all[i][0] != all[i][1]) {
            blocks[nb][0] = all[i][0];
            blocks[nb][1] = all[i][1];
            nb++;
        }
    if (!nb)
        return 0;
    o[0] = OPT_NOP;
    o[1] = OPT_NOP;
    o[2] = OPT_SACK;
    o[3] = (uint8_t)(2 + 8 * nb);
    len = 4;
    for (unsigned i = 0; i < nb; i++) {
        wr32(o + len, blocks[i][0]);
        wr32(o + len + 4, blocks[i][1]);
        len += 8;
    }
    return len;
}

/* The window to advertise now, scaled, and the right edge it makes. */
static uint16_t advertise(struct tcp_pcb *pcb, bool syn)
{
    uint32_t wnd = tcp_rcv_window(pcb), shift = syn ? 0 : pcb->rcv_wscale;
    uint32_t cap = pcb->rcv.buf ? pcb->rcv.cap : pcb->rcvbuf;
    uint32_t old = pcb->rcv_adv - pcb->rcv_nxt;

    /* Do not advertise a sliver (SWS avoidance), and never move the right edge back. */
    if (wnd < cap / 4 && wnd < pcb->mss)
        wnd = 0;
    if (SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt) && wnd < old)
        wnd = old;
    if (wnd > (65535u << shift))
        wnd = 65535u << shift;
    wnd = (wnd >> shift) << shift;
    if (SEQ_GT(pcb->rcv_nxt + wnd, pcb->rcv_adv) || syn)
        pcb->rcv_adv = pcb->rcv_nxt + wnd;
    return (uint16_t)(wnd >> shift);
}

/* Build and send one segment; data comes from the send buffer at offset off from SND.UNA. */
static void send_segment(struct tcp_pcb *pcb, uint32_t seq, uint8_t flags, uint32_t off,
                         uint32_t len)
{
    uint8_t opts[TCP_OPT_MAX];
    size_t olen = 0, hlen;
    struct pkt *p;
    uint8_t *h;
    bool syn = flags & TH_SYN;
    struct ipv4_out o = { .src = pcb->laddr, .dst = pcb->raddr, .proto = IP_PROTO_TCP };

    if (pcb->so) {
        o.ttl = pcb->so->ttl;
        o.tos = pcb->so->tos;
    }
    if (syn) {
        olen = syn_options(pcb, opts, flags & TH_ACK);
    } else {
        if (pcb->ts_ok && !(flags & TH_RST)) {
            opts[0] = OPT_NOP;
            opts[1] = OPT_NOP;
            opts[2] = OPT_TS;
            opts[3] = 10;
            wr32(opts + 4, tcp_now_ms() + pcb->ts_offset);
            wr32(opts + 8, pcb->ts_recent);
            olen = 12;
        }
        if (pcb->sack_ok && (flags & TH_ACK) && !(flags & TH_RST) && !list_empty(&pcb->ooo))
            olen += sack_options(pcb, opts + olen, TCP_OPT_MAX - olen);
    }
    hlen = TCP_HLEN + olen;
    if (!(p = pkt_alloc(hlen + len, PKT_HEADROOM)))
        return;
    h = p->data;
    wr16(h, pcb->lport);
    wr16(h + 2, pcb->rport);
    wr32(h + 4, seq);
    wr32(h + 8, (flags & TH_ACK) ? pcb->rcv_nxt : 0);
    h[12] = (uint8_t)((hlen / 4) << 4);
    h[13] = flags;
    wr16(h + 14, (flags & TH_RST) ? 0 : advertise(pcb, syn));
    wr16(h + 16, 0);
    wr16(h + 18, 0);
    memcpy(h + TCP_HLEN, opts, olen);
    if (len)
        ring_peek_at(&pcb->snd, off, h + hlen, len);
    wr16(h + 16, inet_fold(inet_sum(h, hlen + len,
                                    inet_pseudo_sum(pcb->laddr, pcb->raddr, IP_PROTO_TCP,
                                                    (uint16_t)(hlen + len)))));
    if (flags & TH_ACK) {
        pcb->last_ack_sent = pcb->rcv_nxt;
        pcb->ack_now = false;
        pcb->delack_segs = 0;
        timer_cancel(&pcb->delack_timer);
    }
    if (flags & TH_RST)
        tcp_stats.out_rsts++;
    tcp_stats.out_segs++;
    if ((len || (flags & (TH_SYN | TH_FIN))) && SEQ_LT(seq, pcb->snd_max))
        tcp_stats.retrans_segs++;
    ipv4_output(p, &o);
}

void tcp_xmit(struct tcp_pcb *pcb, uint32_t seq, uint8_t flags, uint32_t off, uint32_t len)
{
    send_segment(pcb, seq, flags, off, len);
}

void tcp_send_syn(struct tcp_pcb *pcb)
{
    bool synack = pcb->state == TCP_SYN_RECEIVED;

    send_segment(pcb, pcb->iss, (uint8_t)(TH_SYN | (synack ? TH_ACK : 0)), 0, 0);
    pcb->snd_nxt = pcb->iss + 1;
    if (SEQ_GT(pcb->snd_nxt, pcb->snd_max))
        pcb->snd_max = pcb->snd_nxt;
    tcp_arm_rtx(pcb);
}

void tcp_send_ack(struct tcp_pcb *pcb)
{
    send_segment(pcb, pcb->snd_nxt, TH_ACK, 0, 0);
}

void tcp_send_rst(struct tcp_pcb *pcb)
{
    send_segment(pcb, pcb->snd_nxt, TH_RST | TH_ACK, 0, 0);
}

void tcp_send_challenge_ack(struct tcp_pcb *pcb)
{
    uint64_t sec = ktime_now() / 1000000000ull;

    if (sec != out.challenge_sec) {
        out.challenge_sec = sec;
        out.challenge_count = 0;
    }
    if (out.challenge_count++ >= CHALLENGE_ACKS_PER_SEC)
        return;
    tcp_stats.challenge_acks++;
    tcp_send_ack(pcb);
}

void tcp_reply_rst(uint32_t src, uint32_t dst, const uint8_t *th, uint32_t seglen)
{
    struct ipv4_out o = { .src = dst, .dst = src, .proto = IP_PROTO_TCP };
    uint8_t flags = th[13];
    struct pkt *p;
    uint8_t *h;

    if (flags & TH_RST)
        return;
    if (!(p = pkt_alloc(TCP_HLEN, PKT_HEADROOM)))
        return;
    h = p->data;
    memset(h, 0, TCP_HLEN);
    wr16(h, rd16(th + 2));
    wr16(h + 2, rd16(th));
    if (flags & TH_ACK) {
        wr32(h + 4, rd32(th + 8));
        h[13] = TH_RST;
    } else {
        wr32(h + 8, rd32(th + 4) + seglen);
        h[13] = TH_RST | TH_ACK;
    }
    h[12] = 5 << 4;
    wr16(h + 16, inet_fold(inet_sum(h, TCP_HLEN,
                                    inet_pseudo_sum(dst, src, IP_PROTO_TCP, TCP_HLEN))));
    tcp_stats.out_rsts++;
    tcp_stats.out_segs++;
    ipv4_output(p, &o);
}

void tcp_retransmit_first(struct tcp_pcb *pcb)
{
    uint32_t len = pcb->snd.len < pcb->mss ? pcb->snd.len : pcb->mss;
    uint8_t flags = TH_ACK;

    if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RECEIVED) {
        tcp_send_syn(pcb);
        return;
    }
    if (pcb->fin_queued && len == pcb->snd.len && SEQ_GT(pcb->snd_max, pcb->fin_seq))
        flags |= TH_FIN;
    if (!len && !(flags & TH_FIN))
        return;
    if (len && len == pcb->snd.len)
        flags |= TH_PSH;
    send_segment(pcb, pcb->snd_una, flags, 0, len);
}

void tcp_output(struct tcp_pcb *pcb)
{
    bool sent = false;

    switch (pcb->state) {
    case TCP_CLOSED:
    case TCP_LISTEN:
        return;
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
        if (pcb->ack_now && pcb->state == TCP_SYN_RECEIVED)
            tcp_send_syn(pcb);
        return;
    case TCP_TIME_WAIT:
        if (pcb->ack_now)
            tcp_send_ack(pcb);
        return;
    default:
        break;
    }
    for (;;) {
        uint32_t off = pcb->snd_nxt - pcb->snd_una;
        uint32_t avail = pcb->snd.len > off ? pcb->snd.len - off : 0;
        /* Limited transmit (RFC 3042): the first two duplicate ACKs may each send one new
           segment, so a small window still gets to three duplicates. */
        uint32_t cwnd = pcb->cwnd + (pcb->in_recovery ? 0 : (pcb->dupacks < 2 ? pcb->dupacks : 2) *
                                                                 (uint32_t)pcb->mss);
        uint32_t wnd = pcb->snd_wnd < cwnd ? pcb->snd_wnd : cwnd;
        uint32_t usable = wnd > off ? wnd - off : 0;
        uint32_t len = avail < pcb->mss ? avail : pcb->mss;
        bool fin;
        uint8_t flags = TH_ACK;

        if (len > usable)
            len = usable;
        fin = pcb->fin_queued && off + len == pcb->snd.len && pcb->snd_nxt + len == pcb->fin_seq;
        if (!len && !fin)
            break;
        if (len < pcb->mss && len < avail && len < pcb->max_snd_wnd / 2 && off)
            break;  /* the window allows only a sliver: wait for it to open (SWS) */
        if (len < pcb->mss && off && !pcb->nodelay && !fin)
            break;  /* Nagle: a small segment waits while data is unacknowledged */
        if (len && off + len == pcb->snd.len)
            flags |= TH_PSH;
        if (fin)
            flags |= TH_FIN;
        if (len && !pcb->ts_ok && !pcb->rtt_timing && !SEQ_LT(pcb->snd_nxt, pcb->snd_max)) {
            pcb->rtt_timing = true;
            pcb->rtt_seq = pcb->snd_nxt;
            pcb->rtt_start = ktime_now();
        }
        send_segment(pcb, pcb->snd_nxt, flags, off, len);
        pcb->snd_nxt += len + (fin ? 1 : 0);
        if (SEQ_GT(pcb->snd_nxt, pcb->snd_max))
            pcb->snd_max = pcb->snd_nxt;
        if (!timer_pending(&pcb->rtx_timer) || pcb->persist) {
            pcb->persist = false;
            tcp_arm_rtx(pcb);
        }
        sent = true;
    }
    if (!sent && pcb->ack_now)
        tcp_send_ack(pcb);
    /* Data waits, the peer's window is shut, nothing is in flight: probe it (persist). */
    if (pcb->snd.len > pcb->snd_nxt - pcb->snd_una && pcb->snd_wnd == 0 &&
        pcb->snd_nxt == pcb->snd_una && !timer_pending(&pcb->rtx_timer)) {
        pcb->persist = true;
        tcp_arm_rtx(pcb);
    }
}
