/*
 * tcp_timer.c - the timers of a TCP connection.
 *
 *   rtx_timer    retransmission (RFC 6298: RTO from the smoothed RTT, doubled on
 *                every timeout, between TCP_RTO_MIN_MS and TCP_RTO_MAX_MS), also
 *                SYN and SYN-ACK retries and zero-window probes (persist)
 *   delack_timer the delayed ACK (RFC 1122 4.2.3.2, RFC 5681 4.2)
 *   keep_timer   keepalive probes (RFC 1122 4.2.3.6), when SO_KEEPALIVE is on
 *   wait_timer   TIME_WAIT's 2*MSL, and the life of an orphaned FIN_WAIT_2
 *
 * Callbacks run in the idle loop or a preemption point: they never block,
 * and one may free the connection (then it touches nothing afterwards).
 */
#include <anyk/errno.h>
#include "kern/time.h"
#include "net/tcp_impl.h"

static void rtx_fire(struct timer *t, void *arg);
static void delack_fire(struct timer *t, void *arg);
static void keep_fire(struct timer *t, void *arg);
static void wait_fire(struct timer *t, void *arg);

void tcp_timers_init(struct tcp_pcb *pcb)
{
    timer_init(&pcb->rtx_timer, rtx_fire, pcb);
    timer_init(&pcb->delack_timer, delack_fire, pcb);
    timer_init(&pcb->keep_timer, keep_fire, pcb);
    timer_init(&pcb->wait_timer, wait_fire, pcb);
}

void tcp_timers_stop(struct tcp_pcb *pcb)
{
    timer_cancel(&pcb->rtx_timer);
    timer_cancel(&pcb->delack_timer);
    timer_cancel(&pcb->keep_timer);
    timer_cancel(&pcb->wait_timer);
}

void tcp_arm_rtx(struct tcp_pcb *pcb)
{
    timer_arm(&pcb->rtx_timer, ktime_now() + (uint64_t)pcb->rto * 1000000ull, 0);
}

void tcp_stop_rtx(struct tcp_pcb *pcb)
{
    timer_cancel(&pcb->rtx_timer);
    pcb->persist = false;
}

void tcp_arm_delack(struct tcp_pcb *pcb)
{
    if (!timer_pending(&pcb->delack_timer))
        timer_arm(&pcb->delack_timer, ktime_now() + TCP_DELACK_MS * 1000000ull, 0);
}

void tcp_arm_keepalive(struct tcp_pcb *pcb)
{
    bool open = pcb->state == TCP_ESTABLISHED || pcb->state == TCP_CLOSE_WAIT ||
                pcb->state == TCP_FIN_WAIT_1 || pcb->state == TCP_FIN_WAIT_2;

    pcb->keep_probes = 0;
    if (pcb->keepalive && open)
        timer_arm(&pcb->keep_timer, ktime_now() + (uint64_t)pcb->keep_idle * 1000000000ull, 0);
    else
        timer_cancel(&pcb->keep_timer);
}

void tcp_enter_time_wait(struct tcp_pcb *pcb)
{
    tcp_set_state(pcb, TCP_TIME_WAIT);
    tcp_stop_rtx(pcb);
    timer_cancel(&pcb->keep_timer);
    timer_arm(&pcb->wait_timer, ktime_now() + 2 * TCP_MSL_NS, 0);
    tcp_wake(pcb);
}

void tcp_arm_fin_wait_2(struct tcp_pcb *pcb)
{
    if (!pcb->so)
        timer_arm(&pcb->wait_timer, ktime_now() + TCP_FIN_TIMEOUT_NS, 0);
}

void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t r)
{
    uint32_t var4, rto;

    if (!r)
        r = 1;
    if (!pcb->rtt_valid) {
        pcb->srtt = r;
        pcb->rttvar = r / 2;
        pcb->rtt_valid = true;
    } else {
        uint32_t diff = pcb->srtt > r ? pcb->srtt - r : r - pcb->srtt;
        pcb->rttvar = pcb->rttvar - pcb->rttvar / 4 + diff / 4;
        pcb->srtt = pcb->srtt - pcb->srtt / 8 + r / 8;
    }
    /* RTO = SRTT + max(G, 4 * RTTVAR), G being one millisecond here. */
    var4 = 4 * pcb->rttvar > 1000 ? 4 * pcb->rttvar : 1000;
    rto = (pcb->srtt + var4 + 999) / 1000;
    if (rto < TCP_RTO_MIN_MS)
        rto = TCP_RTO_MIN_MS;
    if (rto > TCP_RTO_MAX_MS)
        rto = TCP_RTO_MAX_MS;
    pcb->rto = rto;
}

static void backoff(struct tcp_pcb *pcb)
{
    pcb->rto = pcb->rto * 2 > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : pcb->rto * 2;
}

static void rtx_fire(struct timer *t, void *arg)
{
    struct tcp_pcb *pcb = arg;
    uint32_t flight;

    (void)t;
    if (pcb->persist) {
        /* Zero window: an old byte's sequence number makes the peer answer with its window. */
        if (++pcb->retries > TCP_DATA_RETRIES) {
            tcp_drop(pcb, -ETIMEDOUT);
            return;
        }
        tcp_stats.window_probes++;
        tcp_xmit(pcb, pcb->snd_una - 1, TH_ACK, 0, 0);
        backoff(pcb);
        tcp_arm_rtx(pcb);
        return;
    }
    switch (pcb->state) {
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
        if (++pcb->retries > (pcb->state == TCP_SYN_SENT ? TCP_SYN_RETRIES : TCP_SYNACK_RETRIES)) {
            tcp_drop(pcb, pcb->soft_error ? pcb->soft_error : -ETIMEDOUT);
            return;
        }
        tcp_stats.timeouts++;
        backoff(pcb);
        tcp_send_syn(pcb);
        return;
    case TCP_CLOSED:
    case TCP_LISTEN:
    case TCP_TIME_WAIT:
        return;
    default:
        break;
    }
    if (pcb->snd_una == pcb->snd_max)
        return;
    if (++pcb->retries > TCP_DATA_RETRIES) {
        tcp_send_rst(pcb);
        tcp_drop(pcb, pcb->soft_error ? pcb->soft_error : -ETIMEDOUT);
        return;
    }
    /* RFC 5681 3.1 and RFC 6298 5.4-5.6: halve, restart from one segment, back off. */
    tcp_stats.timeouts++;
    flight = pcb->snd_max - pcb->snd_una;
    pcb->ssthresh = flight / 2 > 2u * pcb->mss ? flight / 2 : 2u * pcb->mss;
    pcb->cwnd = pcb->mss;
    pcb->dupacks = 0;
    pcb->in_recovery = false;
    pcb->recover = pcb->snd_max;
    pcb->rtt_timing = false; /* Karn: no sample from a retransmitted segment */
    backoff(pcb);
    /* Go back: resend the first segment; later ones follow as ACKs open the window. */
    tcp_retransmit_first(pcb);
    {
        uint32_t len = pcb->snd.len < pcb->mss ? pcb->snd.len : pcb->mss;
        bool fin = pcb->fin_queued && len == pcb->snd.len && SEQ_GT(pcb->snd_max, pcb->fin_seq);
        pcb->snd_nxt = pcb->snd_una + len + (fin ? 1 : 0);
    }
    tcp_arm_rtx(pcb);
}

static void delack_fire(struct timer *t, void *arg)
{
    struct tcp_pcb *pcb = arg;

    (void)t;
    if (pcb->state == TCP_CLOSED || pcb->state == TCP_LISTEN)
        return;
    tcp_stats.delayed_acks++;
    tcp_send_ack(pcb);
}

static void keep_fire(struct timer *t, void *arg)
{
    struct tcp_pcb *pcb = arg;

    (void)t;
    if (!pcb->keepalive)
        return;
    if (pcb->keep_probes >= pcb->keep_cnt) {
        tcp_send_rst(pcb);
        tcp_drop(pcb, -ETIMEDOUT);
        return;
    }
    pcb->keep_probes++;
    tcp_stats.keepalive_probes++;
    /* SEG.SEQ = SND.NXT - 1 with no data: the peer must answer with an ACK (RFC 1122 4.2.3.6). */
    tcp_xmit(pcb, pcb->snd_una - 1, TH_ACK, 0, 0);
    timer_arm(&pcb->keep_timer, ktime_now() + (uint64_t)pcb->keep_intvl * 1000000000ull, 0);
}

static void wait_fire(struct timer *t, void *arg)
{
    struct tcp_pcb *pcb = arg;

    (void)t;
    if (pcb->state == TCP_TIME_WAIT && pcb->so) {
        tcp_set_state(pcb, TCP_CLOSED);
        tcp_wake(pcb);
        return;
    }
    tcp_drop(pcb, 0);
}
