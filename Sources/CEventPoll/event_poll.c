#include "CEventPoll.h"

#include <errno.h>

#ifdef __linux__
#include <sys/epoll.h>

int event_poll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int event_poll_add(int set, int descriptor) {
    struct epoll_event event = {0};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.fd = descriptor;
    return epoll_ctl(set, EPOLL_CTL_ADD, descriptor, &event);
}

int event_poll_remove(int set, int descriptor) {
    struct epoll_event event = {0};
    return epoll_ctl(set, EPOLL_CTL_DEL, descriptor, &event);
}

int event_poll_ready(int set, int32_t *descriptors, uint32_t *flags, int capacity) {
    struct epoll_event events[EVENT_POLL_BATCH];
    if (capacity > EVENT_POLL_BATCH) capacity = EVENT_POLL_BATCH;
    int count;
    do {
        count = epoll_wait(set, events, capacity, 0);
    } while (count < 0 && errno == EINTR);
    for (int i = 0; i < count; i++) {
        descriptors[i] = events[i].data.fd;
        uint32_t bits = 0;
        if (events[i].events & (EPOLLIN | EPOLLRDHUP)) bits |= EVENT_POLL_INPUT;
        if (events[i].events & (EPOLLERR | EPOLLHUP)) bits |= EVENT_POLL_TROUBLE;
        flags[i] = bits;
    }
    return count;
}

#else

int event_poll_create(void) { errno = ENOSYS; return -1; }
int event_poll_add(int set, int descriptor) { (void)set; (void)descriptor; errno = ENOSYS; return -1; }
int event_poll_remove(int set, int descriptor) { (void)set; (void)descriptor; errno = ENOSYS; return -1; }
int event_poll_ready(int set, int32_t *descriptors, uint32_t *flags, int capacity) {
    (void)set; (void)descriptors; (void)flags; (void)capacity;
    errno = ENOSYS;
    return -1;
}

#endif
