/*
 * san.h - hooks for AddressSanitizer in `make SAN=1` builds.
 *
 * The kernel has its own allocators, which ASan cannot see into. In sanitizer
 * builds they poison memory that is free and unpoison what they hand out, so
 * that a use after free or an overflow in kernel code is reported. In normal
 * builds these compile to nothing and the core needs no outside symbol.
 */
#ifndef KERN_SAN_H
#define KERN_SAN_H

#include <anyk/types.h>

#ifdef ANYK_SAN
/* The sanitizer runtime is outside the core: its symbols keep default visibility. */
#pragma GCC visibility push(default)
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
int __asan_address_is_poisoned(void const volatile *addr);
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
                                     size_t *size_old);
#pragma GCC visibility pop
#define san_poison(p, n) __asan_poison_memory_region((const void *)(uintptr_t)(p), (n))
#define san_unpoison(p, n) __asan_unpoison_memory_region((const void *)(uintptr_t)(p), (n))
#define san_is_poisoned(p) __asan_address_is_poisoned((const void *)(p))
#define SAN_ENABLED 1
#else
#define san_poison(p, n) ((void)(p), (void)(n))
#define san_unpoison(p, n) ((void)(p), (void)(n))
#define san_is_poisoned(p) ((void)(p), 0)
#define SAN_ENABLED 0
#endif

#endif
