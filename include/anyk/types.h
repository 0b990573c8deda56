/*
 * Fixed-width and basic types for the freestanding core.
 *
 * The core is compiled with -ffreestanding -nostdinc, so it cannot include
 * <stdint.h>; the compiler's predefined type macros give the same types the
 * host's libc uses, so a host file that includes both this header and libc
 * headers sees identical typedefs (C11 allows the repetition).
 */
#ifndef ANYK_TYPES_H
#define ANYK_TYPES_H

#if __STDC_HOSTED__
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#else
typedef __INT8_TYPE__ int8_t;
typedef __INT16_TYPE__ int16_t;
typedef __INT32_TYPE__ int32_t;
typedef __INT64_TYPE__ int64_t;
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __INTPTR_TYPE__ intptr_t;
typedef __UINTPTR_TYPE__ uintptr_t;
typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ptrdiff_t;
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_end(ap) __builtin_va_end(ap)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_copy(d, s) __builtin_va_copy(d, s)
#define bool _Bool
#define true 1
#define false 0
#define NULL ((void *)0)
#define offsetof(t, m) __builtin_offsetof(t, m)
#define SIZE_MAX __SIZE_MAX__
#define UINT64_MAX __UINT64_MAX__
#define INT64_MAX __INT64_MAX__
#define UINT32_MAX __UINT32_MAX__
#define INT_MAX __INT_MAX__
#endif


#endif
