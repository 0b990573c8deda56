/* init.h - the first programs the kernel runs (kern/init.c). */
#ifndef KERN_INIT_H
#define KERN_INIT_H

/*
 * Run init: "" for the default (/etc/rc, then /bin/sh; the monitor if there
 * is no /bin/sh), "monitor", or a program path. Returns the status to halt with.
 */
int init_run(const char *init, const char *args);

#endif
