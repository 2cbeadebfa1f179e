#ifndef GATEHOUSE_CLINUX_SHIM_H
#define GATEHOUSE_CLINUX_SHIM_H
// Linux calls in libc that Swift's Glibc module does not export: epoll, for the worker
// threads' accept wait (WorkerPool.swift), SCHED_IDLE, for the PBKDF2 loop
// (IdleTime.swift), and FIONREAD, which Swift cannot pass through variadic ioctl
// (FastCGIRequest.swift).
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <linux/sched.h>

/// Bytes waiting in `fd`'s receive queue, or -1 when the call fails.
static inline int gatehouse_unread_bytes(int fd) {
    int count = 0;
    return ioctl(fd, FIONREAD, &count) == 0 ? count : -1;
}
#endif
