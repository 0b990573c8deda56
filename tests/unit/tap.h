/*
 * tap.h - Test Anything Protocol output for the unit tests (host-side code).
 * Each test binary prints "ok N - what" / "not ok N - what" lines and the plan
 * "1..N" at the end; prove reads them.
 */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H

#include <stdbool.h>

/* Record one result; returns cond so callers can stop early on failure. */
bool tap_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A test that cannot run here, reported as skipped (not as passed), with the reason. */
void tap_skip(const char *reason);
/* A "# ..." diagnostic line. */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the plan; returns the exit status (0 if every test passed). */
int tap_done(void);

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)

/*
 * Every unit test defines test_main(). The harness boots the kernel first
 * (kern_init) so test_main runs as the kernel's main thread.
 */
void test_main(void);

#endif
