/*
 * api.h - the program API: what programs running on anyk call.
 *
 * The kernel hands every program it starts a pointer to one struct anyk_api
 * (as the first argument of its entry point, see ANYK_ENTRY below); library
 * mode returns the same table from anyk_boot(). Every entry has the meaning
 * of the POSIX call of the same name, with three differences:
 *   - errors come back as negative errno values (Linux numbering, see
 *     <anyk/errno.h>), never through a global errno;
 *   - calls that return a pointer (mmap) return (void *)-errno on error;
 *   - there is no fork: programs are started with spawn and collected with
 *     wait, as posix_spawn and waitpid do.
 * Constants and structures use Linux's x86_64 values and layouts where Linux
 * has them, so code written for Linux reads the same.
 *
 * Compatibility: the table only grows. A program checks api->version >=
 * the version that introduced what it needs; api->size tells how many bytes
 * of the table the kernel provides.
 */
#ifndef ANYK_API_H
#define ANYK_API_H

#include <anyk/types.h>

#define ANYK_API_VERSION 2

/* ---- open flags (Linux values) ---------------------------------------- */
#define ANYK_O_RDONLY 00
#define ANYK_O_WRONLY 01
#define ANYK_O_RDWR 02
#define ANYK_O_ACCMODE 03
#define ANYK_O_CREAT 0100
#define ANYK_O_EXCL 0200
#define ANYK_O_NOCTTY 0400
#define ANYK_O_TRUNC 01000
#define ANYK_O_APPEND 02000
#define ANYK_O_NONBLOCK 04000
#define ANYK_O_DIRECTORY 0200000
#define ANYK_O_NOFOLLOW 0400000
#define ANYK_O_CLOEXEC 02000000

/* ---- *at()-less paths: AT_FDCWD is implied; these are for utimens -------- */
#define ANYK_UTIME_NOW ((1l << 30) - 1l)
#define ANYK_UTIME_OMIT ((1l << 30) - 2l)

/* ---- file types and modes (Linux values) ---------------------------------- */
#define ANYK_S_IFMT 0170000
#define ANYK_S_IFSOCK 0140000
#define ANYK_S_IFLNK 0120000
#define ANYK_S_IFREG 0100000
#define ANYK_S_IFBLK 0060000
#define ANYK_S_IFDIR 0040000
#define ANYK_S_IFCHR 0020000
#define ANYK_S_IFIFO 0010000

/* ---- lseek ------------------------------------------------------------------ */
#define ANYK_SEEK_SET 0
#define ANYK_SEEK_CUR 1
#define ANYK_SEEK_END 2

/* ---- dirent types (Linux DT_*) ----------------------------------------------- */
#define ANYK_DT_UNKNOWN 0
#define ANYK_DT_FIFO 1
#define ANYK_DT_CHR 2
#define ANYK_DT_DIR 4
#define ANYK_DT_BLK 6
#define ANYK_DT_REG 8
#define ANYK_DT_LNK 10

/* ---- poll -------------------------------------------------------------------- */
#define ANYK_POLLIN 0x001
#define ANYK_POLLPRI 0x002
#define ANYK_POLLOUT 0x004
#define ANYK_POLLERR 0x008
#define ANYK_POLLHUP 0x010
#define ANYK_POLLNVAL 0x020

/* ---- fcntl ------------------------------------------------------------------- */
#define ANYK_F_DUPFD 0
#define ANYK_F_GETFD 1
#define ANYK_F_SETFD 2
#define ANYK_F_GETFL 3
#define ANYK_F_SETFL 4
#define ANYK_FD_CLOEXEC 1

/* ---- ioctl on terminals (the console) ---------------------------------------- */
#define ANYK_TCGETS 0x5401   /* arg: struct anyk_termios * */
#define ANYK_TCSETS 0x5402   /* arg: const struct anyk_termios * */
#define ANYK_TIOCGPGRP 0x540f /* arg: int *: the foreground process group */
#define ANYK_TIOCSPGRP 0x5410 /* arg: const int * */
#define ANYK_TIOCGWINSZ 0x5413 /* arg: struct anyk_winsize * */

/* c_lflag bits that the console honours (Linux values) */
#define ANYK_ISIG 0000001   /* Ctrl-C sends SIGINT to the foreground group */
#define ANYK_ICANON 0000002 /* line editing; reads return whole lines */
#define ANYK_ECHO 0000010   /* echo input (only when the console is a terminal) */

/* ---- mmap ------------------------------------------------------------------------ */
#define ANYK_PROT_NONE 0
#define ANYK_PROT_READ 1
#define ANYK_PROT_WRITE 2
#define ANYK_PROT_EXEC 4
#define ANYK_MAP_SHARED 0x01
#define ANYK_MAP_PRIVATE 0x02
#define ANYK_MAP_FIXED 0x10
#define ANYK_MAP_ANONYMOUS 0x20

/* ---- signals (Linux numbers) ----------------------------------------------------- */
#define ANYK_SIGHUP 1
#define ANYK_SIGINT 2
#define ANYK_SIGQUIT 3
#define ANYK_SIGKILL 9
#define ANYK_SIGPIPE 13
#define ANYK_SIGALRM 14
#define ANYK_SIGTERM 15
#define ANYK_SIGCHLD 17
#define ANYK_NSIG 32
#define ANYK_SIG_DFL ((void (*)(int))0)
#define ANYK_SIG_IGN ((void (*)(int))1)

/* ---- wait --------------------------------------------------------------------- */
#define ANYK_WNOHANG 1
/* Status words use Linux's encoding: exited: (code << 8); killed: signal number. */

/* ---- clocks ---------------------------------------------------------------------- */
#define ANYK_CLOCK_REALTIME 0
#define ANYK_CLOCK_MONOTONIC 1

/* ---- mount flags (Linux values) -------------------------------------------------- */
#define ANYK_MS_RDONLY 1
#define ANYK_MS_SYNCHRONOUS 16

/* ---- sockets (since version 2; Linux values) ----------------------------------- */
#define ANYK_AF_UNSPEC 0
#define ANYK_AF_INET 2
#define ANYK_SOCK_STREAM 1
#define ANYK_SOCK_DGRAM 2
#define ANYK_SOCK_RAW 3
#define ANYK_SOCK_NONBLOCK ANYK_O_NONBLOCK  /* or'ed into socket()'s type, and accept's flags */
#define ANYK_SOCK_CLOEXEC ANYK_O_CLOEXEC
#define ANYK_IPPROTO_IP 0
#define ANYK_IPPROTO_ICMP 1
#define ANYK_IPPROTO_TCP 6
#define ANYK_IPPROTO_UDP 17

/* setsockopt/getsockopt levels and names */
#define ANYK_SOL_SOCKET 1
#define ANYK_SO_REUSEADDR 2     /* int */
#define ANYK_SO_TYPE 3          /* int, read-only */
#define ANYK_SO_ERROR 4         /* int, read-only; reading clears it */
#define ANYK_SO_BROADCAST 6     /* int */
#define ANYK_SO_SNDBUF 7        /* int, bytes */
#define ANYK_SO_RCVBUF 8        /* int, bytes */
#define ANYK_SO_KEEPALIVE 9     /* int */
#define ANYK_SO_LINGER 13       /* struct anyk_linger */
#define ANYK_SO_RCVTIMEO 20     /* struct anyk_timeval; 0 waits for ever */
#define ANYK_SO_SNDTIMEO 21     /* struct anyk_timeval */
#define ANYK_SO_ACCEPTCONN 30   /* int, read-only */
#define ANYK_IP_TOS 1           /* level ANYK_IPPROTO_IP, int */
#define ANYK_IP_TTL 2           /* int, 1..255 */
#define ANYK_TCP_NODELAY 1      /* level ANYK_IPPROTO_TCP, int: no Nagle */
#define ANYK_TCP_MAXSEG 2       /* int */
#define ANYK_TCP_KEEPIDLE 4     /* int, seconds */
#define ANYK_TCP_KEEPINTVL 5    /* int, seconds */
#define ANYK_TCP_KEEPCNT 6      /* int */

/* send/recv flags */
#define ANYK_MSG_PEEK 0x2
#define ANYK_MSG_TRUNC 0x20     /* recv: return the datagram's real length */
#define ANYK_MSG_DONTWAIT 0x40
#define ANYK_MSG_WAITALL 0x100
#define ANYK_MSG_NOSIGNAL 0x4000

#define ANYK_SHUT_RD 0
#define ANYK_SHUT_WR 1
#define ANYK_SHUT_RDWR 2

/* ioctl on sockets */
#define ANYK_FIONREAD 0x541b    /* arg: int *: bytes (stream) or next datagram's size waiting */
#define ANYK_FIONBIO 0x5421     /* arg: const int *: non-blocking on or off */

/* Addresses and ports are in network byte order, as in Linux's struct sockaddr_in. */
struct anyk_sockaddr_in {
    uint16_t sin_family;    /* ANYK_AF_INET */
    uint16_t sin_port;
    uint32_t sin_addr;
    uint8_t sin_zero[8];
};

struct anyk_timeval {
    int64_t tv_sec;
    int64_t tv_usec;
};

struct anyk_linger {
    int l_onoff;
    int l_linger;           /* seconds */
};

/* ---- network configuration: netconf(op, arg, len) (since version 2) -------------- */
/*
 * List operations fill arg with as many records as fit in len bytes and return
 * how many records there are in all (call again with more room if that is
 * more); the others take one record and return 0 or -errno.
 */
#define ANYK_NET_IFLIST 1       /* struct anyk_ifinfo[]: interfaces and their counters */
#define ANYK_NET_IFSET 2        /* const struct anyk_ifreq *: address, up/down, mtu */
#define ANYK_NET_RTLIST 3       /* struct anyk_route[]: the routing table */
#define ANYK_NET_RTADD 4        /* const struct anyk_route *: -EEXIST, -ENETUNREACH */
#define ANYK_NET_RTDEL 5        /* const struct anyk_route *: dest and netmask say which; -ESRCH */
#define ANYK_NET_SOCKLIST 6     /* struct anyk_sockinfo[]: every socket */
#define ANYK_NET_COUNTERS 7     /* struct anyk_counter[]: every protocol counter */
#define ANYK_NET_ARPLIST 8      /* struct anyk_arpinfo[]: the ARP cache */

#define ANYK_IFNAMSIZ 16
#define ANYK_IFF_UP 0x1
#define ANYK_IFF_BROADCAST 0x2
#define ANYK_IFF_LOOPBACK 0x8
#define ANYK_IFF_RUNNING 0x40

struct anyk_ifinfo {
    char name[ANYK_IFNAMSIZ];   /* "lo", "eth0", ... */
    uint32_t flags;             /* ANYK_IFF_* */
    uint32_t mtu;
    uint8_t mac[6];             /* zero for lo */
    uint16_t index;
    uint32_t addr, netmask, broadcast;  /* network order; 0 if no address */
    uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
    uint64_t tx_packets, tx_bytes, tx_errors, tx_dropped;
    char host_name[32];         /* the host's name for the device ("anyktap0") */
};

#define ANYK_IFSET_ADDR 0x1     /* addr and netmask (addr 0 removes the address) */
#define ANYK_IFSET_FLAGS 0x2    /* flags & ANYK_IFF_UP: up or down */
#define ANYK_IFSET_MTU 0x4

struct anyk_ifreq {
    char name[ANYK_IFNAMSIZ];
    uint32_t set;               /* ANYK_IFSET_*: which fields below count */
    uint32_t addr, netmask;     /* network order */
    uint32_t flags;
    uint32_t mtu;
};

#define ANYK_RTF_UP 0x1
#define ANYK_RTF_GATEWAY 0x2
#define ANYK_RTF_HOST 0x4

struct anyk_route {
    uint32_t dest, netmask;     /* network order; 0/0 is the default route */
    uint32_t gateway;           /* network order; 0: the destination is on the link */
    char ifname[ANYK_IFNAMSIZ]; /* RTADD: "" picks the interface that reaches the gateway */
    uint32_t flags;             /* ANYK_RTF_* */
    uint32_t metric;
};

/* TCP states, Linux's numbers (as in /proc/net/tcp) */
#define ANYK_TCP_ESTABLISHED 1
#define ANYK_TCP_SYN_SENT 2
#define ANYK_TCP_SYN_RECV 3
#define ANYK_TCP_FIN_WAIT1 4
#define ANYK_TCP_FIN_WAIT2 5
#define ANYK_TCP_TIME_WAIT 6
#define ANYK_TCP_CLOSE 7
#define ANYK_TCP_CLOSE_WAIT 8
#define ANYK_TCP_LAST_ACK 9
#define ANYK_TCP_LISTEN 10
#define ANYK_TCP_CLOSING 11

struct anyk_sockinfo {
    int type;                   /* ANYK_SOCK_* */
    int protocol;               /* ANYK_IPPROTO_* */
    uint32_t laddr, raddr;      /* network order */
    uint16_t lport, rport;      /* network order */
    int state;                  /* ANYK_TCP_* for TCP, 0 otherwise */
    uint32_t rx_queue, tx_queue; /* bytes waiting */
};

struct anyk_counter {
    char name[32];              /* "proto.counter": "ip.in_receives", "udp.no_ports" */
    uint64_t value;
};

struct anyk_arpinfo {
    uint32_t addr;              /* network order */
    uint8_t mac[6];
    uint16_t state;             /* 1: resolved, 2: waiting for a reply */
    char ifname[ANYK_IFNAMSIZ];
    uint32_t expires_ms;        /* until it must be resolved again */
};

struct anyk_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

struct anyk_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks;      /* 512-byte units */
    struct anyk_timespec st_atim, st_mtim, st_ctim;
};

/* Records returned by getdents, packed back to back (as Linux's dirent64). */
struct anyk_dirent {
    uint64_t d_ino;
    int64_t d_off;          /* position of the next record, for lseek */
    uint16_t d_reclen;      /* bytes in this record, a multiple of 8 */
    uint8_t d_type;         /* ANYK_DT_* */
    char d_name[];          /* NUL-terminated */
};

struct anyk_statfs {
    int64_t f_type;         /* magic of the file system (tmpfs: 0x01021994, ext2: 0xef53) */
    int64_t f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail;
    uint64_t f_files, f_ffree;
    int64_t f_namelen;
    int64_t f_flags;        /* ANYK_MS_* it is mounted with */
};

struct anyk_pollfd {
    int fd;
    short events;
    short revents;
};

struct anyk_termios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
};

struct anyk_winsize {
    uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* File actions applied in the child by spawn, in order (as posix_spawn_file_actions). */
enum anyk_spawn_op {
    ANYK_SPAWN_OPEN = 1,    /* open(path, flags, mode) and put it on fd */
    ANYK_SPAWN_DUP2,        /* dup2(newfd = fd, from = src_fd) */
    ANYK_SPAWN_CLOSE,       /* close(fd) */
    ANYK_SPAWN_CHDIR,       /* chdir(path) */
};

struct anyk_spawn_action {
    int op;                 /* enum anyk_spawn_op */
    int fd;                 /* the descriptor the action sets up or closes */
    int src_fd;             /* DUP2: the descriptor copied onto fd */
    int flags;              /* OPEN */
    uint32_t mode;          /* OPEN */
    const char *path;       /* OPEN, CHDIR */
};

#define ANYK_SPAWN_SETPGROUP 0x1 /* put the child in process group attr->pgroup (0: its own) */
#define ANYK_SPAWN_FOREGROUND 0x2 /* and make that group the console's foreground group */

struct anyk_spawn_attr {
    uint32_t flags;
    int pgroup;
};

struct anyk_sigaction {
    void (*handler)(int);   /* ANYK_SIG_DFL, ANYK_SIG_IGN or a function */
    uint32_t flags;         /* reserved, 0 */
};

struct anyk_api {
    uint32_t version;       /* ANYK_API_VERSION of the kernel */
    uint32_t size;          /* sizeof(struct anyk_api) of the kernel */

    /* console, as DuskBSD: emit one character; key waits for one (-1 at end of input) */
    void (*emit)(int c);
    int (*key)(void);

    /* files */
    int (*open)(const char *path, int flags, uint32_t mode);
    int (*close)(int fd);
    long (*read)(int fd, void *buf, size_t n);
    long (*write)(int fd, const void *buf, size_t n);
    long (*pread)(int fd, void *buf, size_t n, int64_t off);
    long (*pwrite)(int fd, const void *buf, size_t n, int64_t off);
    int64_t (*lseek)(int fd, int64_t off, int whence);
    int (*stat)(const char *path, struct anyk_stat *st);
    int (*lstat)(const char *path, struct anyk_stat *st);
    int (*fstat)(int fd, struct anyk_stat *st);
    int (*mkdir)(const char *path, uint32_t mode);
    int (*rmdir)(const char *path);
    int (*unlink)(const char *path);
    int (*rename)(const char *from, const char *to);
    int (*link)(const char *target, const char *path);
    int (*symlink)(const char *target, const char *path);
    long (*readlink)(const char *path, char *buf, size_t n);
    int (*chmod)(const char *path, uint32_t mode);
    int (*chown)(const char *path, uint32_t uid, uint32_t gid);
    /* times[0] atime, times[1] mtime; NULL means now; tv_nsec may be ANYK_UTIME_NOW/OMIT */
    int (*utimens)(const char *path, const struct anyk_timespec times[2]);
    int (*truncate)(const char *path, int64_t len);
    int (*ftruncate)(int fd, int64_t len);
    int (*fsync)(int fd);
    long (*getdents)(int fd, void *buf, size_t n);
    int (*statfs)(const char *path, struct anyk_statfs *st);
    int (*dup)(int fd);
    int (*dup2)(int fd, int newfd);
    int (*fcntl)(int fd, int cmd, long arg);
    int (*ioctl)(int fd, unsigned long req, void *arg);
    int (*pipe)(int fds[2]);
    int (*chdir)(const char *path);
    long (*getcwd)(char *buf, size_t n);   /* length including the NUL */
    int (*mount)(const char *source, const char *target, const char *fstype,
                 unsigned long flags, const char *options);
    int (*umount)(const char *target);
    int (*sync)(void);
    /* timeout_ms < 0 waits for ever; returns how many entries have revents */
    int (*poll)(struct anyk_pollfd *fds, unsigned nfds, int timeout_ms);

    /* tasks */
    int (*spawn)(const char *path, char *const argv[], char *const envp[],
                 const struct anyk_spawn_action *actions, unsigned nactions,
                 const struct anyk_spawn_attr *attr);      /* returns the child's pid */
    int (*wait)(int pid, int *status, int options);        /* pid -1: any child */
    void (*exit)(int status) __attribute__((noreturn));
    int (*getpid)(void);
    int (*getppid)(void);
    int (*kill)(int pid, int sig);                         /* pid < 0: process group -pid */
    int (*sigaction)(int sig, const struct anyk_sigaction *act, struct anyk_sigaction *old);
    int (*setpgid)(int pid, int pgid);
    int (*getpgid)(int pid);

    /* time */
    int (*clock_gettime)(int clock, struct anyk_timespec *ts);
    int (*nanosleep)(const struct anyk_timespec *req, struct anyk_timespec *rem);

    /* memory for program heaps: anonymous mappings only (no MMU is assumed) */
    void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd, int64_t off);
    int (*munmap)(void *addr, size_t len);

    /* the kernel */
    long (*klog_read)(uint64_t *seq, char *buf, size_t n);  /* as /proc/log, from record *seq */
    int (*halt)(int status);                                 /* sync, unmount, stop */
    int (*kexec)(const char *path);                          /* run a raw payload, see docs */

    /* since version 1, continued */
    uint32_t (*umask)(uint32_t mask);   /* set the creation mask; returns the old one */

    /*
     * since version 2: sockets (AF_INET: SOCK_STREAM, SOCK_DGRAM, SOCK_RAW with
     * IPPROTO_ICMP), descriptors like any other: read, write, poll, fcntl,
     * close and dup work on them. Addresses are struct anyk_sockaddr_in and
     * their lengths; accept takes accept4's flags (ANYK_SOCK_NONBLOCK,
     * ANYK_SOCK_CLOEXEC); *addrlen is in/out as in POSIX.
     */
    int (*socket)(int domain, int type, int protocol);
    int (*bind)(int fd, const void *addr, uint32_t addrlen);
    int (*connect)(int fd, const void *addr, uint32_t addrlen);
    int (*listen)(int fd, int backlog);
    int (*accept)(int fd, void *addr, uint32_t *addrlen, int flags);
    long (*sendto)(int fd, const void *buf, size_t n, int flags, const void *addr,
                   uint32_t addrlen);
    long (*recvfrom)(int fd, void *buf, size_t n, int flags, void *addr, uint32_t *addrlen);
    int (*shutdown)(int fd, int how);
    int (*getsockname)(int fd, void *addr, uint32_t *addrlen);
    int (*getpeername)(int fd, void *addr, uint32_t *addrlen);
    int (*setsockopt)(int fd, int level, int name, const void *val, uint32_t len);
    int (*getsockopt)(int fd, int level, int name, void *val, uint32_t *len);
    /* interfaces, routes, sockets and counters: ANYK_NET_* above */
    int (*netconf)(int op, void *arg, size_t len);
};

/*
 * A program's entry point: the kernel calls it on the program's own stack,
 * with the API table and the initial stack block (argc, argv..., NULL,
 * envp..., NULL, then auxiliary words), and exits the task with its return
 * value if it returns.
 */
typedef int (*anyk_entry_fn)(const struct anyk_api *api, long *sp);

#endif
