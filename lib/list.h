/*
 * Intrusive circular doubly-linked lists. A struct list_node is embedded in
 * the element; the list head is a node that links to itself when empty.
 */
#ifndef LIB_LIST_H
#define LIB_LIST_H

#include <anyk/types.h>

struct list_node {
    struct list_node *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }
#define container_of(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_for_each(pos, head) \
    for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define list_for_each_safe(pos, tmp, head) \
    for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); \
         (pos) = (tmp), (tmp) = (pos)->next)

static inline void list_init(struct list_node *h)
{
    h->next = h->prev = h;
}

static inline bool list_empty(const struct list_node *h)
{
    return h->next == h;
}

/* A node that is on no list points at itself (after list_init or list_del). */
static inline bool list_linked(const struct list_node *n)
{
    return n->next != n;
}

static inline void list_insert_between(struct list_node *n, struct list_node *prev,
                                       struct list_node *next)
{
    n->prev = prev;
    n->next = next;
    prev->next = n;
    next->prev = n;
}

static inline void list_add_head(struct list_node *h, struct list_node *n)
{
    list_insert_between(n, h, h->next);
}

static inline void list_add_tail(struct list_node *h, struct list_node *n)
{
    list_insert_between(n, h->prev, h);
}

static inline void list_del(struct list_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = n;
}

static inline struct list_node *list_pop_head(struct list_node *h)
{
    struct list_node *n = h->next;

    if (n == h)
        return NULL;
    list_del(n);
    return n;
}

#endif
