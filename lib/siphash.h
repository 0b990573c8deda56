/*
 * siphash.h - SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed hash of
 * short inputs, hard to predict without the key. TCP uses it for initial
 * sequence numbers (RFC 6528) and timestamp offsets.
 */
#ifndef LIB_SIPHASH_H
#define LIB_SIPHASH_H

#include <anyk/types.h>

struct siphash_key {
    uint64_t k0, k1;
};

uint64_t siphash(const struct siphash_key *key, const void *data, size_t len);

#endif
