#ifndef CEVENTPOLL_H
#define CEVENTPOLL_H

#include <stdint.h>

/// A Linux epoll set of sockets watched for input, level-triggered, in a
/// shape Swift can call (the system header's packed union it cannot).
/// Elsewhere every function fails with ENOSYS.

/// A new set (close-on-exec), or -1 with errno.
int event_poll_create(void);

/// Watches `descriptor` for input, end of input, hang-up and errors;
/// 0, or -1 with errno.
int event_poll_add(int set, int descriptor);

/// Stops watching `descriptor`; 0, or -1 with errno.
int event_poll_remove(int set, int descriptor);

/// What `event_poll_ready` reports beside a descriptor.
#define EVENT_POLL_INPUT 1
/// An error or a hang-up is pending (reading tells which).
#define EVENT_POLL_TROUBLE 2

/// The most descriptors one `event_poll_ready` call reports; a larger
/// `capacity` is cut to it.
#define EVENT_POLL_BATCH 64

/// Without waiting, up to `capacity` watched descriptors that are ready,
/// each with its EVENT_POLL_* flags; the count, or -1 with errno.
int event_poll_ready(int set, int32_t *descriptors, uint32_t *flags, int capacity);

#endif
