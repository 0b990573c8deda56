/*
 * icmp.h - the Internet Control Message Protocol (RFC 792, RFC 1122 3.2.2):
 * echo, and the error messages this host sends and hands to the transports.
 */
#ifndef NET_ICMP_H
#define NET_ICMP_H

#include "net/pkt.h"
#include "net/inet.h"

#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_SOURCE_QUENCH 4
#define ICMP_REDIRECT 5
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12

/* codes of ICMP_DEST_UNREACH */
#define ICMP_NET_UNREACH 0
#define ICMP_HOST_UNREACH 1
#define ICMP_PROT_UNREACH 2
#define ICMP_PORT_UNREACH 3
#define ICMP_FRAG_NEEDED 4
/* codes of ICMP_TIME_EXCEEDED */
#define ICMP_EXC_TTL 0
#define ICMP_EXC_FRAGTIME 1

#define ICMP_HLEN 8

/* An ICMP message (data past the IPv4 header, p->l3 at it). Takes p. */
void icmp_input(struct pkt *p);
/*
 * Report a problem with the datagram whose IPv4 header is at iph (the whole
 * datagram, rd16(iph + 2) bytes, is readable there) to its sender: unless
 * RFC 1122 forbids it (about an ICMP error, a broadcast, a non-first
 * fragment, a source that is no single host) or the rate limit says no.
 */
void icmp_send_error(const uint8_t *iph, uint8_t type, uint8_t code, uint32_t info);
void icmp_counters(struct net_counters *c);

#endif
