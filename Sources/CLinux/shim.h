#ifndef GATEHOUSE_CLINUX_SHIM_H
#define GATEHOUSE_CLINUX_SHIM_H
// Linux calls in libc that Swift's Glibc module does not export: epoll, for the worker
// threads' accept wait (WorkerPool.swift), and SCHED_IDLE, for the PBKDF2 loop
// (IdleTime.swift).
#include <sys/epoll.h>
#include <linux/sched.h>
#endif
