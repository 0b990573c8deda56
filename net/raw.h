/*
 * raw.h - raw IPv4 sockets (SOCK_RAW): programs such as ping send and
 * receive whole ICMP messages themselves.
 */
#ifndef NET_RAW_H
#define NET_RAW_H

#include "net/inet.h"
#include "net/pkt.h"
#include "net/socket.h"

/*
 * Offer a received datagram of protocol proto to raw sockets (p->data at
 * the payload, p->l3 at the IPv4 header). Each matching socket gets a copy
 * of the whole datagram, header included, as on Linux; p stays the caller's.
 */
void raw_input(struct pkt *p, uint8_t proto);
/* Is any raw socket open for proto? (Then no "protocol unreachable" is sent.) */
bool raw_has_listener(uint8_t proto);
int raw_attach(struct socket *so, int proto);
void raw_counters(struct net_counters *c);

#endif
