/*
 * hidden.h - included first in every core file (the Makefile passes -include).
 *
 * Every symbol the core declares or defines gets hidden visibility: the
 * compiler then knows that each one is resolved inside the final link, so
 * position-independent core code reaches them directly, without a GOT, and
 * the core object leaves undefined nothing but the hyp_* calls. In library
 * mode it also keeps the kernel's memcpy or printk from ever colliding with
 * the symbols of the program it is linked into.
 */
#pragma GCC visibility push(hidden)
