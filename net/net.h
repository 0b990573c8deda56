/*
 * net.h - the network stack as a whole: bringing it up, and the
 * configuration and statistics interface (the program API's netconf, and
 * /proc/net).
 *
 * The stack's files, in the order a received frame meets them:
 *   netif.c   interfaces: lo, the host's NICs, draining hyp_net_recv
 *   ether.c   Ethernet II framing
 *   arp.c     neighbours' hardware addresses (RFC 826)
 *   ipv4.c    IPv4 input and output (RFC 791), route.c, ip_frag.c
 *   icmp.c    echo and errors (RFC 792)
 *   udp.c     datagrams (RFC 768), raw.c raw sockets
 *   tcp*.c    streams (RFC 9293)
 *   socket.c  sockets as files
 * and pkt.c (packet buffers), inet.c (checksums) under all of them.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <anyk/types.h>

/* Bring up the stack with the host's nnet NICs (after the VFS: it adds /proc/net). */
void net_init(unsigned nnet);
/* The program API's netconf, on memory the API layer has checked (len bytes at arg). */
int net_conf(int op, void *arg, size_t len);

#endif
