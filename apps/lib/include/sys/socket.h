/* sys/socket.h - sockets (AF_INET only), with Linux's constants and layouts. */
#ifndef _SYS_SOCKET_H
#define _SYS_SOCKET_H

#include <sys/types.h>
#include <anyk/api.h>

typedef unsigned int socklen_t;
typedef unsigned short sa_family_t;

struct sockaddr {
    sa_family_t sa_family;
    char sa_data[14];
};

struct sockaddr_storage {
    sa_family_t ss_family;
    char __ss_pad[126];
} __attribute__((aligned(8)));

struct linger {
    int l_onoff;
    int l_linger;
};

struct iovec;
struct msghdr {
    void *msg_name;
    socklen_t msg_namelen;
    struct iovec *msg_iov;
    size_t msg_iovlen;
    void *msg_control;
    size_t msg_controllen;
    int msg_flags;
};

#define AF_UNSPEC ANYK_AF_UNSPEC
#define AF_INET ANYK_AF_INET
#define PF_UNSPEC AF_UNSPEC
#define PF_INET AF_INET
#define AF_INET6 10
#define AF_UNIX 1
#define AF_LOCAL AF_UNIX

#define SOCK_STREAM ANYK_SOCK_STREAM
#define SOCK_DGRAM ANYK_SOCK_DGRAM
#define SOCK_RAW ANYK_SOCK_RAW
#define SOCK_NONBLOCK ANYK_SOCK_NONBLOCK
#define SOCK_CLOEXEC ANYK_SOCK_CLOEXEC

#define SOL_SOCKET ANYK_SOL_SOCKET
#define SO_REUSEADDR ANYK_SO_REUSEADDR
#define SO_TYPE ANYK_SO_TYPE
#define SO_ERROR ANYK_SO_ERROR
#define SO_BROADCAST ANYK_SO_BROADCAST
#define SO_SNDBUF ANYK_SO_SNDBUF
#define SO_RCVBUF ANYK_SO_RCVBUF
#define SO_KEEPALIVE ANYK_SO_KEEPALIVE
#define SO_LINGER ANYK_SO_LINGER
#define SO_RCVTIMEO ANYK_SO_RCVTIMEO
#define SO_SNDTIMEO ANYK_SO_SNDTIMEO
#define SO_ACCEPTCONN ANYK_SO_ACCEPTCONN

#define MSG_PEEK ANYK_MSG_PEEK
#define MSG_TRUNC ANYK_MSG_TRUNC
#define MSG_DONTWAIT ANYK_MSG_DONTWAIT
#define MSG_WAITALL ANYK_MSG_WAITALL
#define MSG_NOSIGNAL ANYK_MSG_NOSIGNAL

#define SHUT_RD ANYK_SHUT_RD
#define SHUT_WR ANYK_SHUT_WR
#define SHUT_RDWR ANYK_SHUT_RDWR

#define SOMAXCONN 4096

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *addr, socklen_t *len);
int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
ssize_t send(int fd, const void *buf, size_t n, int flags);
ssize_t recv(int fd, void *buf, size_t n, int flags);
ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr,
               socklen_t len);
ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr, socklen_t *len);
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);
int shutdown(int fd, int how);
int getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int getsockopt(int fd, int level, int name, void *val, socklen_t *len);

#endif
