/* Freestanding string and memory helpers for the core (same meanings as C's). */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <anyk/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copy at most size-1 bytes and always NUL-terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * Parse an unsigned decimal number from s; on success store it in *out and
 * return a pointer past its digits, or NULL if there is no digit or it
 * overflows.
 */
const char *parse_u64(const char *s, uint64_t *out);

#endif
