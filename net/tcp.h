/*
 * tcp.h - the Transmission Control Protocol (RFC 9293) and its sockets.
 */
#ifndef NET_TCP_H
#define NET_TCP_H

#include "net/inet.h"
#include "net/pkt.h"
#include "net/socket.h"

void tcp_init(void);
/* A segment (data at the TCP header, p->l3 at the IPv4 header, src/dst set). Takes p. */
void tcp_input(struct pkt *p);
/* An ICMP error about a segment we sent from src to dst; hdr: its first 8 bytes. */
void tcp_icmp_error(uint32_t src, uint32_t dst, const uint8_t *hdr, uint8_t type, uint8_t code);
/* Make so a TCP socket. */
int tcp_attach(struct socket *so);
/* Connections no socket holds (closing, TIME_WAIT, not yet accepted), for netstat. */
size_t tcp_list_orphans(struct anyk_sockinfo *out, size_t max);
void tcp_counters(struct net_counters *c);
/* One line per connection with its sequence variables, for /proc/net (debugging). */
size_t tcp_debug_text(char *buf, size_t cap);

#endif
