/*
 * env.c - the environment. environ starts as the block the kernel passed;
 * the first change copies the pointer array to the heap (owned_env), after
 * which it is grown with realloc. Strings given to putenv are used in place,
 * as POSIX requires; setenv's strings are allocated and never freed (a
 * program may still hold a pointer from getenv).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libc_impl.h"

static char **owned_env;

/* Index of NAME in environ, or -1; namelen is the length of NAME. */
static int find(const char *name, size_t namelen)
{
    if (!environ)
        return -1;
    for (int i = 0; environ[i]; i++)
        if (!strncmp(environ[i], name, namelen) && environ[i][namelen] == '=')
            return i;
    return -1;
}

char *getenv(const char *name)
{
    int i = find(name, strlen(name));
    return i < 0 ? NULL : environ[i] + strlen(name) + 1;
}

static size_t env_count(void)
{
    size_t n = 0;
    while (environ && environ[n])
        n++;
    return n;
}

/* Put str in place of entry i, or append it when i < 0. */
static int env_put(int i, char *str)
{
    if (i >= 0) {
        environ[i] = str;
        return 0;
    }
    size_t n = env_count();
    char **env;
    if (environ == owned_env) {
        env = realloc(owned_env, (n + 2) * sizeof(char *));
    } else {
        env = malloc((n + 2) * sizeof(char *));
        if (env && n)
            memcpy(env, environ, n * sizeof(char *));
    }
    if (!env)
        return -1;
    env[n] = str;
    env[n + 1] = NULL;
    environ = owned_env = env;
    return 0;
}

static int name_ok(const char *name)
{
    if (!name || !*name || strchr(name, '=')) {
        errno = EINVAL;
        return 0;
    }
    return 1;
}

int setenv(const char *name, const char *value, int overwrite)
{
    if (!name_ok(name))
        return -1;
    size_t nl = strlen(name), vl = strlen(value);
    int i = find(name, nl);
    if (i >= 0 && !overwrite)
        return 0;
    char *s = malloc(nl + vl + 2);
    if (!s)
        return -1;
    memcpy(s, name, nl);
    s[nl] = '=';
    memcpy(s + nl + 1, value, vl + 1);
    return env_put(i, s);
}

int putenv(char *str)
{
    char *eq = strchr(str, '=');
    if (!eq)
        return unsetenv(str);
    return env_put(find(str, (size_t)(eq - str)), str);
}

int unsetenv(const char *name)
{
    if (!name_ok(name))
        return -1;
    size_t nl = strlen(name);
    int i;
    while ((i = find(name, nl)) >= 0) {
        /* Removing shifts the pointers in place, which is fine even in the kernel's block. */
        for (; environ[i]; i++)
            environ[i] = environ[i + 1];
    }
    return 0;
}

int clearenv(void)
{
    static char *empty[1];
    environ = empty;
    return 0;
}
