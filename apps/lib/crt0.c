/*
 * crt0.c - program start and end.
 *
 * The kernel (or, for tests on Linux, tests/apps/linux_shim.c) loads the
 * static-PIE program, applies its relocations, and calls _start as a plain C
 * function on a fresh 16-byte-aligned stack: _start(api, sp), where sp points
 * at argc, the argv pointers, NULL, the envp pointers, NULL (see
 * anyk_entry_fn in <anyk/api.h>). _start keeps the table for the libc, sets
 * up environ and stdio, runs the .init_array constructors, calls main, and
 * leaves through exit(), which never returns.
 */
#include <stdlib.h>
#include <sys/anyk.h>
#include <unistd.h>

#include "libc_impl.h"

const struct anyk_api *__anyk;
char **environ;
int errno;

int main(int argc, char **argv, char **envp);

/* Provided by the linker's default script; hidden, so reached PC-relative. */
extern void (*__init_array_start[])(int, char **, char **) __attribute__((weak));
extern void (*__init_array_end[])(int, char **, char **) __attribute__((weak));
extern void (*__fini_array_start[])(void) __attribute__((weak));
extern void (*__fini_array_end[])(void) __attribute__((weak));

#define ATEXIT_MAX 32
static void (*atexit_fns[ATEXIT_MAX])(void);
static int atexit_count;

const struct anyk_api *anyk_api(void)
{
    return __anyk;
}

int _start(const struct anyk_api *api, long *sp);
int _start(const struct anyk_api *api, long *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);

    __anyk = api;
    environ = argv + argc + 1;
    __stdio_init();
    size_t n = (size_t)(__init_array_end - __init_array_start);
    for (size_t i = 0; i < n; i++)
        __init_array_start[i](argc, argv, environ);
    exit(main(argc, argv, environ));
}

int atexit(void (*fn)(void))
{
    if (atexit_count == ATEXIT_MAX)
        return -1;
    atexit_fns[atexit_count++] = fn;
    return 0;
}

/* atexit handlers in reverse order of registration, then destructors, then stdio. */
void exit(int status)
{
    while (atexit_count > 0)
        atexit_fns[--atexit_count]();
    size_t n = (size_t)(__fini_array_end - __fini_array_start);
    while (n > 0)
        __fini_array_start[--n]();
    __stdio_flush_all();
    __anyk->exit(status);
}

void _Exit(int status)
{
    __anyk->exit(status);
}

void _exit(int status)
{
    __anyk->exit(status);
}
