/*
 * expand.h - what expand.c and glob.c share: a field with a mark per
 * character saying whether it was quoted, and the pattern helpers.
 */
#ifndef SH_EXPAND_H
#define SH_EXPAND_H

#include "sh.h"

struct field {
    char *s;                /* characters */
    char *m;                /* marks: 1 quoted, 0 unquoted text, 2 unquoted expansion */
    size_t len;
    int exists;
};

const char *skip_to(const char *p, int close);
/* An fnmatch pattern from marked characters: quoted ones are escaped. */
char *pattern_of(const char *s, const char *m, size_t n);
/* Pathname expansion of one field, pushed on out (itself if nothing matches). */
void glob_field(struct strv *out, const char *s, const char *m, size_t n);

#endif
