/* stddef.h - basic types for programs on anyk (the compiler's own headers are not used). */
#ifndef _STDDEF_H
#define _STDDEF_H

/* Spelled exactly as <anyk/types.h> spells them, so both may be included. */
typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ptrdiff_t;
#ifndef __cplusplus
typedef __WCHAR_TYPE__ wchar_t;
#endif
typedef struct {
    long long __ll __attribute__((aligned(__alignof__(long long))));
    long double __ld __attribute__((aligned(__alignof__(long double))));
} max_align_t;

#define NULL ((void *)0)
#define offsetof(t, m) __builtin_offsetof(t, m)

#endif
