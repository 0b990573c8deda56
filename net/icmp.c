/*
 * icmp.c - ICMP (RFC 792, RFC 1122 3.2.2): answer echo requests, send error
 * messages about datagrams we cannot deliver, and hand received errors to
 * the transport they are about (a refused UDP port becomes ECONNREFUSED on
 * a connected socket; TCP aborts a connection attempt on an unreachable).
 *
 * Raw sockets see every ICMP message too (ipv4.c gives them a copy first):
 * that is how ping gets its replies.
 *
 * Errors we send are rate limited by a token bucket (ICMP_RATE per second,
 * bursts of ICMP_BURST), as RFC 1812 4.3.2.8 recommends, so a flood of
 * datagrams to a closed port does not turn into a flood of answers.
 */
#include "kern/time.h"
#include "lib/string.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/netif.h"
#include "net/tcp.h"
#include "net/udp.h"

#define ICMP_RATE 100
#define ICMP_BURST 50
#define ICMP_ERR_MAX 576        /* an error datagram stays within the minimum MTU of RFC 1122 */

#define ICMP_COUNTERS(X) X(in_msgs) X(in_errors) X(in_bad_checksum) X(in_echos) \
    X(in_echo_replies) X(in_dest_unreachs) X(in_time_excds) X(in_others) X(out_msgs) \
    X(out_echo_replies) X(out_dest_unreachs) X(out_time_excds) X(out_rate_limited)

static struct {
    uint64_t tokens;            /* in units of 1/ICMP_RATE s, at most ICMP_BURST */
    uint64_t last_refill;
    struct {
        ICMP_COUNTERS(NET_COUNTER_FIELD)
    } stats;
} icmp;

static const char *const icmp_names[] = { ICMP_COUNTERS(NET_COUNTER_NAME) };

void icmp_counters(struct net_counters *c)
{
    *c = NET_COUNTERS_OF("icmp", icmp_names, icmp.stats);
}

static bool rate_ok(void)
{
    uint64_t now = ktime_now(), step = 1000000000ull / ICMP_RATE;

    if (!icmp.last_refill) {
        icmp.last_refill = now;
        icmp.tokens = ICMP_BURST;
    }
    if (now - icmp.last_refill >= step) {
        icmp.tokens += (now - icmp.last_refill) / step;
        if (icmp.tokens > ICMP_BURST)
            icmp.tokens = ICMP_BURST;
        icmp.last_refill = now;
    }
    if (!icmp.tokens)
        return false;
    icmp.tokens--;
    return true;
}

static void send_icmp(struct pkt *p, uint32_t src, uint32_t dst)
{
    struct ipv4_out o = { .src = src, .dst = dst, .proto = IP_PROTO_ICMP };

    wr16(p->data + 2, 0);
    wr16(p->data + 2, inet_fold(inet_sum(p->data, p->len, 0)));
    icmp.stats.out_msgs++;
    ipv4_output(p, &o);
}

static void echo_reply(struct pkt *req)
{
    struct pkt *p;

    /* RFC 1122 3.2.2.6 allows ignoring echo requests to broadcast addresses; Linux does. */
    if (req->bcast)
        return;
    if (!(p = pkt_alloc(req->len, PKT_HEADROOM)))
        return;
    memcpy(p->data, req->data, req->len);
    p->data[0] = ICMP_ECHOREPLY;
    p->data[1] = 0;
    icmp.stats.out_echo_replies++;
    /* From the address it was sent to, so the sender recognises the answer. */
    send_icmp(p, req->dst, req->src);
}

/* An error about a datagram we sent: find which transport endpoint it concerns. */
static void deliver_error(struct pkt *p, uint8_t type, uint8_t code)
{
    const uint8_t *inner = p->data + ICMP_HLEN;
    size_t n = p->len - ICMP_HLEN, ihl;

    /* The quoted header and the 8 bytes after it (the ports) must be there. */
    if (n < IPV4_HLEN || (inner[0] >> 4) != 4 || (ihl = (size_t)(inner[0] & 0xf) * 4) < 20 ||
        n < ihl + 8) {
        icmp.stats.in_errors++;
        return;
    }
    switch (inner[9]) {
    case IP_PROTO_UDP:
        udp_icmp_error(rd32(inner + 12), rd32(inner + 16), inner + ihl, type, code);
        break;
    case IP_PROTO_TCP:
        tcp_icmp_error(rd32(inner + 12), rd32(inner + 16), inner + ihl, type, code);
        break;
    }
}

void icmp_input(struct pkt *p)
{
    uint8_t type;

    icmp.stats.in_msgs++;
    if (p->len < ICMP_HLEN) {
        icmp.stats.in_errors++;
        goto out;
    }
    if (inet_fold(inet_sum(p->data, p->len, 0)) != 0) {
        icmp.stats.in_bad_checksum++;
        icmp.stats.in_errors++;
        goto out;
    }
    type = p->data[0];
    switch (type) {
    case ICMP_ECHO:
        icmp.stats.in_echos++;
        echo_reply(p);
        break;
    case ICMP_ECHOREPLY:
        icmp.stats.in_echo_replies++;
        break;
    case ICMP_DEST_UNREACH:
        icmp.stats.in_dest_unreachs++;
        deliver_error(p, type, p->data[1]);
        break;
    case ICMP_TIME_EXCEEDED:
        icmp.stats.in_time_excds++;
        deliver_error(p, type, p->data[1]);
        break;
    default:
        icmp.stats.in_others++;
        break;
    }
out:
    pkt_free(p);
}

void icmp_send_error(const uint8_t *iph, uint8_t type, uint8_t code, uint32_t info)
{
    size_t ihl = (size_t)(iph[0] & 0xf) * 4, tot = rd16(iph + 2), quote;
    uint32_t src = rd32(iph + 12), dst = rd32(iph + 16), from;
    struct netif *nif;
    struct pkt *p;

    /* RFC 1122 3.2.2: never about an ICMP error, a non-first fragment, a broadcast... */
    if (rd16(iph + 6) & IP_OFFMASK)
        return;
    if (iph[9] == IP_PROTO_ICMP && tot >= ihl + 1) {
        uint8_t t = iph[ihl];
        if (t != ICMP_ECHO && t != ICMP_ECHOREPLY)
            return;
    }
    if (inet_is_multicast(dst) || dst == INADDR_BROADCAST)
        return;
    /* ...and only to a single host. */
    if (!src || inet_is_multicast(src) || src == INADDR_BROADCAST)
        return;
    for (unsigned i = 1; (nif = netif_by_index(i)); i++)
        if (netif_is_broadcast(nif, dst) || netif_is_broadcast(nif, src))
            return;
    if (!rate_ok()) {
        icmp.stats.out_rate_limited++;
        return;
    }
    quote = tot < ICMP_ERR_MAX - IPV4_HLEN - ICMP_HLEN ? tot : ICMP_ERR_MAX - IPV4_HLEN - ICMP_HLEN;
    if (!(p = pkt_alloc(ICMP_HLEN + quote, PKT_HEADROOM)))
        return;
    p->data[0] = type;
    p->data[1] = code;
    wr32(p->data + 4, info);
    memcpy(p->data + ICMP_HLEN, iph, quote);
    if (type == ICMP_DEST_UNREACH)
        icmp.stats.out_dest_unreachs++;
    else if (type == ICMP_TIME_EXCEEDED)
        icmp.stats.out_time_excds++;
    /* From the address the datagram was sent to if it is ours, else the one the route picks. */
    from = ipv4_is_local(dst) ? dst : 0;
    send_icmp(p, from, src);
}
