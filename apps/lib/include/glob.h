/* glob.h - path name expansion with fnmatch over directories. */
#ifndef _GLOB_H
#define _GLOB_H

#include <stddef.h>

#define GLOB_ERR 0x01
#define GLOB_MARK 0x02
#define GLOB_NOSORT 0x04
#define GLOB_DOOFFS 0x08
#define GLOB_NOCHECK 0x10
#define GLOB_APPEND 0x20
#define GLOB_NOESCAPE 0x40

#define GLOB_NOSPACE 1
#define GLOB_ABORTED 2
#define GLOB_NOMATCH 3

typedef struct {
    size_t gl_pathc;
    char **gl_pathv;
    size_t gl_offs;
} glob_t;

int glob(const char *pattern, int flags, int (*errfn)(const char *path, int err), glob_t *g);
void globfree(glob_t *g);

#endif
