/*
 * udp.h - the User Datagram Protocol (RFC 768) and its sockets.
 */
#ifndef NET_UDP_H
#define NET_UDP_H

#include "net/inet.h"
#include "net/pkt.h"
#include "net/socket.h"

#define UDP_HLEN 8
#define UDP_MAX_PAYLOAD (65535 - 20 - UDP_HLEN)

/* A datagram (data at the UDP header, p->l3 at the IPv4 header, src/dst set). Takes p. */
void udp_input(struct pkt *p);
/* An ICMP error about a datagram we sent from src to dst; hdr: its UDP header (8 bytes). */
void udp_icmp_error(uint32_t src, uint32_t dst, const uint8_t *hdr, uint8_t type, uint8_t code);
/* Make so a UDP socket. */
int udp_attach(struct socket *so);
void udp_counters(struct net_counters *c);

/* Ephemeral ports (shared with TCP): an unused port in [PORT_EPH_LO, PORT_EPH_HI]. */
#define PORT_EPH_LO 32768
#define PORT_EPH_HI 60999

#endif
