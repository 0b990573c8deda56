/*
 * ipv4.h - the Internet Protocol, version 4 (RFC 791, RFC 1122): input
 * validation and dispatch, output with routing and fragmentation, and the
 * reassembly of fragments (ip_frag.c).
 *
 * This host does not forward: a datagram that is not addressed to one of its
 * addresses (or a broadcast) is counted and dropped.
 */
#ifndef NET_IPV4_H
#define NET_IPV4_H

#include "net/netif.h"

#define IPV4_HLEN 20
#define IPV4_MIN_MTU 68
#define IPV4_MAX_LEN 65535
#define IPV4_DEFAULT_TTL 64

#define IP_PROTO_ICMP 1
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17

/* Header fields (byte offsets) */
#define IP_FLAG_DF 0x4000
#define IP_FLAG_MF 0x2000
#define IP_OFFMASK 0x1fff

void ipv4_init(void);
/* A datagram from nif (data at the IPv4 header). Takes p. */
void ipv4_input(struct netif *nif, struct pkt *p);

struct ipv4_out {
    uint32_t src;               /* 0: the outgoing interface's address */
    uint32_t dst;
    uint8_t proto;
    uint8_t ttl;                /* 0: the default */
    uint8_t tos;
    bool df;                    /* don't fragment: -EMSGSIZE if too long */
    bool broadcast_ok;          /* SO_BROADCAST: sending to a broadcast address is allowed */
};

/*
 * Send p (data at the transport header) with an IPv4 header made from o.
 * Takes p in every case. Returns 0 or -ENETUNREACH, -EMSGSIZE, -EACCES
 * (broadcast without permission), -ENOBUFS, -ENETDOWN.
 */
int ipv4_output(struct pkt *p, const struct ipv4_out *o);

/*
 * What sending to dst would use: the source address and the path MTU.
 * Returns 0 or -ENETUNREACH.
 */
int ipv4_route(uint32_t dst, uint32_t *src, uint32_t *mtu);
/* Is addr one of ours (an interface address, 127/8, or a broadcast we accept)? */
bool ipv4_is_local(uint32_t addr);

/* Reassembly (ip_frag.c): a fragment (data at its header, validated). Returns the whole
 * datagram (data at its header) or NULL while pieces are missing. Takes p. */
struct pkt *ipv4_reassemble(struct pkt *p);
void ipv4_frag_init(void);
size_t ipv4_frag_pending(void);

void ipv4_counters(struct net_counters *c);
/* Counters ip_frag.c keeps in ipv4's table. */
void ipv4_count_reasm(int what);
enum { REASM_REQD, REASM_OK, REASM_FAILS, REASM_TIMEOUT, REASM_OVERLAP, REASM_LIMIT };

#endif
