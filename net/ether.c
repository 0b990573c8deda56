/*
 * ether.c - Ethernet II: check each received frame's header and pass its
 * payload to ARP or IPv4; frame outgoing packets.
 *
 * Accepted: frames to our address, to broadcast, and to IPv4 multicast
 * addresses (01:00:5e:...), of at least the 14-byte header. 802.1Q-tagged
 * frames, other ethertypes and 802.3 length-field frames are counted and
 * dropped. The minimum frame size is the sender's business: short frames are
 * passed on (the TAP has no padding) and the layers above check their own
 * lengths; padding beyond a datagram's length is trimmed by IPv4.
 */
#include <anyk/errno.h>
#include "lib/string.h"
#include "net/arp.h"
#include "net/ether.h"
#include "net/ipv4.h"

#define ETHER_COUNTERS(X) X(in_frames) X(in_runts) X(in_not_ours) X(in_unknown_type) \
    X(in_vlan) X(out_frames)

static struct {
    struct {
        ETHER_COUNTERS(NET_COUNTER_FIELD)
    } stats;
} ether;

static const char *const ether_names[] = { ETHER_COUNTERS(NET_COUNTER_NAME) };

const uint8_t ether_broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void ether_counters(struct net_counters *c)
{
    *c = NET_COUNTERS_OF("ether", ether_names, ether.stats);
}

static bool for_us(const struct netif *nif, const uint8_t *dst)
{
    if (!memcmp(dst, nif->mac, ETH_ALEN) || !memcmp(dst, ether_broadcast, ETH_ALEN))
        return true;
    return dst[0] == 0x01 && dst[1] == 0x00 && dst[2] == 0x5e; /* IPv4 multicast */
}

void ether_input(struct netif *nif, struct pkt *p)
{
    const uint8_t *h = p->data;
    uint16_t type;

    ether.stats.in_frames++;
    if (p->len < ETH_HLEN) {
        ether.stats.in_runts++;
        nif->stats.rx_errors++;
        pkt_free(p);
        return;
    }
    if (!for_us(nif, h)) {
        ether.stats.in_not_ours++;
        pkt_free(p);
        return;
    }
    p->bcast = h[0] & 1;
    type = rd16(h + 12);
    pkt_pull(p, ETH_HLEN);
    switch (type) {
    case ETH_TYPE_IPV4:
        ipv4_input(nif, p);
        return;
    case ETH_TYPE_ARP:
        arp_input(nif, p);
        return;
    case ETH_TYPE_VLAN:
        ether.stats.in_vlan++;
        break;
    default:
        ether.stats.in_unknown_type++;
        break;
    }
    nif->stats.rx_dropped++;
    pkt_free(p);
}

int ether_output(struct netif *nif, struct pkt *p, const uint8_t dst[ETH_ALEN], uint16_t type)
{
    uint8_t *h = pkt_push(p, ETH_HLEN);

    memcpy(h, dst, ETH_ALEN);
    memcpy(h + 6, nif->mac, ETH_ALEN);
    wr16(h + 12, type);
    ether.stats.out_frames++;
    return netif_xmit(nif, p);
}

/* IPv4 out of an Ethernet NIC: broadcasts go to ff:ff:.., multicast to 01:00:5e:.., the rest via ARP. */
static int ether_ip_output(struct netif *nif, struct pkt *p, uint32_t nexthop)
{
    uint8_t dst[ETH_ALEN];

    if (netif_is_broadcast(nif, nexthop))
        return ether_output(nif, p, ether_broadcast, ETH_TYPE_IPV4);
    if (inet_is_multicast(nexthop)) {
        dst[0] = 0x01;
        dst[1] = 0x00;
        dst[2] = 0x5e;
        dst[3] = (uint8_t)((nexthop >> 16) & 0x7f);
        dst[4] = (uint8_t)(nexthop >> 8);
        dst[5] = (uint8_t)nexthop;
        return ether_output(nif, p, dst, ETH_TYPE_IPV4);
    }
    return arp_output(nif, p, nexthop);
}

const struct netif_ops ether_ip_ops = { .output = ether_ip_output };
