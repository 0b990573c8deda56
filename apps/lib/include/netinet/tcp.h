/* netinet/tcp.h - TCP socket options. */
#ifndef _NETINET_TCP_H
#define _NETINET_TCP_H

#include <anyk/api.h>

#define TCP_NODELAY ANYK_TCP_NODELAY
#define TCP_MAXSEG ANYK_TCP_MAXSEG
#define TCP_KEEPIDLE ANYK_TCP_KEEPIDLE
#define TCP_KEEPINTVL ANYK_TCP_KEEPINTVL
#define TCP_KEEPCNT ANYK_TCP_KEEPCNT

#endif
