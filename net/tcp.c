/*
 * tcp.c - TCP: not yet. Segments are counted and dropped; stream sockets
 * cannot be created.
 */
#include <anyk/errno.h>
#include "net/tcp.h"

#define TCP_COUNTERS(X) X(in_segs)

static struct {
    struct {
        TCP_COUNTERS(NET_COUNTER_FIELD)
    } stats;
} tcp;

static const char *const tcp_names[] = { TCP_COUNTERS(NET_COUNTER_NAME) };

void tcp_counters(struct net_counters *c)
{
    *c = NET_COUNTERS_OF("tcp", tcp_names, tcp.stats);
}

void tcp_init(void)
{
}

void tcp_input(struct pkt *p)
{
    tcp.stats.in_segs++;
    pkt_free(p);
}

void tcp_icmp_error(uint32_t src, uint32_t dst, const uint8_t *hdr, uint8_t type, uint8_t code)
{
    (void)src, (void)dst, (void)hdr, (void)type, (void)code;
}

int tcp_attach(struct socket *so)
{
    (void)so;
    return -EPROTONOSUPPORT;
}

size_t tcp_list_orphans(struct anyk_sockinfo *out, size_t max)
{
    (void)out, (void)max;
    return 0;
}
