/*
 * cons.h - the kernel console: output, and line-edited input.
 *
 * Input editing happens here, not in the host: the host's terminal is put in
 * raw mode and every key reaches the kernel. When the console is a terminal
 * the kernel echoes what is typed; otherwise (a pipe or file) it does not.
 */
#ifndef KERN_CONS_H
#define KERN_CONS_H

#include <anyk/types.h>

/* tty: echo input and handle erase keys as a terminal user expects. */
void cons_init(bool tty);
bool cons_is_tty(void);
void cons_write(const char *buf, size_t len);

/*
 * Read one line into buf (without its newline, NUL-terminated, cut to
 * cap-1 bytes), blocking until it is complete. Returns its length, -EINTR if
 * the user pressed Ctrl-C, or -EPIPE at the end of console input (Ctrl-D on an
 * empty line, or the host's end of input) with nothing pending.
 */
long cons_read_line(char *buf, size_t cap);

/*
 * Read whatever raw bytes are available (at least one), blocking until some
 * are. Returns the count, 0 at the end of console input, or -EINTR if a
 * signal came for the reading task.
 */
long cons_read_raw(char *buf, size_t cap);

/*
 * /dev/console as an open file (devfs uses it): reads follow the console's
 * termios (ICANON: whole edited lines; ECHO; ISIG: Ctrl-C sends SIGINT to the
 * foreground process group), writes go to the host console, ioctl answers
 * TCGETS/TCSETS, TIOCGPGRP/TIOCSPGRP and TIOCGWINSZ.
 */
struct file_ops;
extern const struct file_ops cons_file_ops;
/* Create /dev/console (once devfs is mounted). */
int cons_register_dev(void);

#endif
