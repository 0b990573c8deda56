/* stdarg.h - variable arguments through the compiler's builtins. */
#ifndef _STDARG_H
#define _STDARG_H

/* Spelled exactly as <anyk/types.h> spells them, so both may be included. */
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_end(ap) __builtin_va_end(ap)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_copy(d, s) __builtin_va_copy(d, s)

#endif
