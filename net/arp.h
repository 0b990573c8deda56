/*
 * arp.h - the Address Resolution Protocol (RFC 826) for IPv4 over Ethernet:
 * a cache of neighbours' hardware addresses with expiry, and a short queue
 * of packets per neighbour waiting for its answer.
 */
#ifndef NET_ARP_H
#define NET_ARP_H

#include <anyk/api.h>
#include "net/netif.h"

#define ARP_ENTRIES 64
#define ARP_QUEUE_MAX 8             /* packets held per unresolved neighbour */
#define ARP_TRIES 3                 /* requests before giving up */
#define ARP_RETRY_NS (1000ull * 1000 * 1000)
#define ARP_TTL_NS (60ull * 1000 * 1000 * 1000)

void arp_init(void);
/* An ARP packet from nif (data at the ARP header). Takes p. */
void arp_input(struct netif *nif, struct pkt *p);
/* Send IPv4 packet p to neighbour nexthop, resolving it first if needed. Takes p. */
int arp_output(struct netif *nif, struct pkt *p, uint32_t nexthop);
/* Gratuitous ARP: tell the link that nif's address is at nif's MAC (address set, link up). */
void arp_announce(struct netif *nif);
/* Forget every neighbour of nif (address changed, link down), dropping what waited. */
void arp_flush(struct netif *nif);
/* Copy out up to max entries; returns how many there are. */
size_t arp_list(struct anyk_arpinfo *out, size_t max);
void arp_counters(struct net_counters *c);

#endif
