#ifndef GATEHOUSE_CEPOLL_SHIM_H
#define GATEHOUSE_CEPOLL_SHIM_H
// Linux's epoll, which Swift's Glibc module does not export: the worker threads wait for
// connections with EPOLLEXCLUSIVE (see WorkerPool.swift).
#include <sys/epoll.h>
#endif
