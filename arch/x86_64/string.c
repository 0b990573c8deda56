/*
 * string.c - memcpy and memset for x86_64 with the string instructions.
 *
 * `rep movsb` and `rep stosb` are the fastest general copy and fill on CPUs
 * with ERMS (every x86_64 of the last decade), far ahead of the portable
 * word loops in lib/string.c, which other architectures and the sanitizer
 * builds use (ASan cannot see into inline assembly).
 */
#include "arch/x86_64/arch.h"
#include "lib/string.h"

#if ARCH_HAVE_STRING_OPS

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;

    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;

    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

#endif
