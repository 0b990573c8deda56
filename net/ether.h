/*
 * ether.h - Ethernet II framing: the layer between a NIC and ARP/IPv4.
 */
#ifndef NET_ETHER_H
#define NET_ETHER_H

#include "net/netif.h"

#define ETH_HLEN 14
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_VLAN 0x8100

extern const uint8_t ether_broadcast[ETH_ALEN];

/* The interface ops of an Ethernet NIC: IPv4 output through ARP. */
extern const struct netif_ops ether_ip_ops;

/* A frame from nif: validate the header, drop what is not for us, dispatch. Takes p. */
void ether_input(struct netif *nif, struct pkt *p);
/* Prepend a header (dst, our address, type) to p and send it. Takes p. */
int ether_output(struct netif *nif, struct pkt *p, const uint8_t dst[ETH_ALEN], uint16_t type);

void ether_counters(struct net_counters *c);

#endif
