/*
 * socket.h - the socket layer: sockets are open files (struct file with
 * sock_file_ops) whose operations go to a protocol (UDP, raw IP, TCP)
 * through struct sock_ops.
 *
 * What all protocols share lives here: options (timeouts, buffers, the
 * error to report), the wait queue every reader, writer and poller of the
 * socket sleeps on, and the datagram receive queue UDP and raw sockets use.
 * A protocol wakes so->wq whenever something a waiter may care about
 * changed (data arrived, room appeared, an error, a connection finished).
 *
 * Lifetime: a socket lives as long as its file. When the file closes,
 * ops->close detaches the protocol's state; TCP's connection may live on
 * (FIN_WAIT, TIME_WAIT) without a socket.
 */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <anyk/api.h>
#include "fs/vfs.h"
#include "kern/sync.h"
#include "lib/list.h"
#include "net/pkt.h"

#define SOCK_RCVBUF_DEFAULT (128 * 1024)
#define SOCK_SNDBUF_DEFAULT (128 * 1024)
#define SOCK_BUF_MIN 2048
#define SOCK_BUF_MAX (4 * 1024 * 1024)

/* An IPv4 endpoint, host order. */
struct sock_addr {
    uint32_t addr;
    uint16_t port;
};

struct socket;

struct sock_ops {
    int (*bind)(struct socket *so, const struct sock_addr *a);
    /* a == NULL: dissolve the association (connect with AF_UNSPEC) */
    int (*connect)(struct socket *so, const struct sock_addr *a);
    int (*listen)(struct socket *so, int backlog);
    /* A new, connected socket (without a file yet) in *out. */
    int (*accept)(struct socket *so, struct socket **out);
    /* to == NULL: the connected peer */
    long (*send)(struct socket *so, const void *buf, size_t n, int flags,
                 const struct sock_addr *to);
    long (*recv)(struct socket *so, void *buf, size_t n, int flags, struct sock_addr *from);
    int (*shutdown)(struct socket *so, int how);
    /* ANYK_POLL* ready now */
    unsigned (*poll)(struct socket *so);
    int (*getname)(struct socket *so, struct sock_addr *a, bool peer);
    /* Options of the protocol's own levels (IPPROTO_TCP); -ENOPROTOOPT for unknown ones. */
    int (*setopt)(struct socket *so, int level, int name, const void *val, uint32_t len);
    int (*getopt)(struct socket *so, int level, int name, void *val, uint32_t *len);
    /* FIONREAD: bytes waiting */
    long (*nread)(struct socket *so);
    void (*info)(struct socket *so, struct anyk_sockinfo *si);
    /* The file closed: let go of the socket (the protocol may keep its own state). */
    void (*close)(struct socket *so);
};

struct socket {
    struct list_node link;      /* every socket, for netstat */
    int type, protocol;
    const struct sock_ops *ops;
    struct file *file;          /* NULL until accept gives it one */
    void *pcb;                  /* the protocol's state */
    struct waitq wq;
    int error;                  /* pending asynchronous error (negative errno), SO_ERROR */
    uint64_t rcvtimeo, sndtimeo; /* ns; 0: no limit */
    uint32_t rcvbuf, sndbuf;
    bool reuseaddr, broadcast, keepalive;
    bool nonblock;              /* for sockets without a file (accept): from the listener */
    bool shut_rd, shut_wr;      /* shutdown() of a datagram socket */
    struct anyk_linger linger;
    uint8_t ttl, tos;           /* IP_TTL (0: default), IP_TOS */
    /* Datagram sockets: received packets (src, sport set; data at the payload). */
    struct list_node rq;
    size_t rq_bytes;
};

/* Create a socket of the protocol that type/protocol names; it has no file yet. */
int sock_create(int domain, int type, int protocol, struct socket **out);
/*
 * A socket for a connection a listener accepted: the listener's type,
 * protocol, ops and options, no protocol state (the caller attaches it).
 */
struct socket *sock_new_child(const struct socket *listener);
/* Give so a file (the descriptor layer installs it); flags: ANYK_O_NONBLOCK. */
int sock_file(struct socket *so, int flags, struct file **out);
/* The socket behind a file, or NULL if it is not one. */
struct socket *sock_of_file(struct file *f);
void sock_free(struct socket *so);

/* Does a call on so not wait? (O_NONBLOCK on its file, or MSG_DONTWAIT) */
bool sock_nonblock(const struct socket *so, int flags);
/* The deadline a wait with timeout timeo (ns, 0 = none) started now has. */
uint64_t sock_deadline(uint64_t timeo);
/*
 * Sleep on so->wq until woken or the deadline: 0, -EAGAIN at the deadline
 * (what SO_RCVTIMEO gives on Linux) or -EINTR for a signal.
 */
int sock_wait(struct socket *so, uint64_t deadline);
/* Wake everything waiting on so (data, room, state change). */
void sock_wake(struct socket *so);
/* Take the pending error (SO_ERROR semantics): 0 or -errno, and clear it. */
int sock_take_error(struct socket *so);

/* ---- datagram receive queue (UDP, raw) ---------------------------------------------- */

/* Queue p (data at what recv returns; src and sport set). False (p not taken) when full. */
bool sock_dgram_queue(struct socket *so, struct pkt *p);
/* recvfrom on the queue: waits by the socket's rules; returns the length copied (MSG_TRUNC: the datagram's). */
long sock_dgram_recv(struct socket *so, void *buf, size_t n, int flags, struct sock_addr *from);
/* Drop everything queued. */
void sock_dgram_flush(struct socket *so);

/* Call fn for every socket (netstat). */
void sock_foreach(void (*fn)(struct socket *so, void *arg), void *arg);
size_t sock_list(struct anyk_sockinfo *out, size_t max);

/* The program API's view: calls on descriptors are in kern/syscall_net.c. */
int sock_setopt(struct socket *so, int level, int name, const void *val, uint32_t len);
int sock_getopt(struct socket *so, int level, int name, void *val, uint32_t *len);

#endif
