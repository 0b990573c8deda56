/*
 * Formatted printing into a buffer, freestanding. Supports the conversions
 * the kernel uses: %d %i %u %x %X %o %p %s %c %%, the length modifiers
 * hh h l ll z t j, flags - 0 + space #, width and precision (also as *).
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <anyk/types.h>

/* As C's: returns the length the full output would have; always terminates if size > 0. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
