/*
 * syscall_net.h - the program API's socket and network configuration
 * entries (kern/syscall_net.c), for the table in kern/syscall.c.
 */
#ifndef KERN_SYSCALL_NET_H
#define KERN_SYSCALL_NET_H

#include <anyk/api.h>

int api_socket(int domain, int type, int protocol);
int api_bind(int fd, const void *addr, uint32_t addrlen);
int api_connect(int fd, const void *addr, uint32_t addrlen);
int api_listen(int fd, int backlog);
int api_accept(int fd, void *addr, uint32_t *addrlen, int flags);
long api_sendto(int fd, const void *buf, size_t n, int flags, const void *addr, uint32_t addrlen);
long api_recvfrom(int fd, void *buf, size_t n, int flags, void *addr, uint32_t *addrlen);
int api_shutdown(int fd, int how);
int api_getsockname(int fd, void *addr, uint32_t *addrlen);
int api_getpeername(int fd, void *addr, uint32_t *addrlen);
int api_setsockopt(int fd, int level, int name, const void *val, uint32_t len);
int api_getsockopt(int fd, int level, int name, void *val, uint32_t *len);
int api_netconf(int op, void *arg, size_t len);

#endif
