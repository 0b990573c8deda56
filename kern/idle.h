/* idle.h - device event dispatch from the idle loop (see idle.c). */
#ifndef KERN_IDLE_H
#define KERN_IDLE_H

#include <anyk/types.h>

typedef void (*idle_event_fn)(uint32_t event);

/* Call fn whenever hyp_poll reports event_bit (one HYP_POLL_* bit); fn must not block. */
void idle_set_handler(uint32_t event_bit, idle_event_fn fn);
void idle_stats(uint64_t *polls, uint64_t *events);

#endif
