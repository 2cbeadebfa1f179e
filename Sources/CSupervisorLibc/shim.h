#ifndef GATEHOUSE_SUPERVISOR_LIBC_SHIM_H
#define GATEHOUSE_SUPERVISOR_LIBC_SHIM_H
// libc for `gatehouse-supervisor`, which is built as Embedded Swift (no Swift runtime, so
// the process stays about 1.5 MB) and so cannot import Swift's Glibc module. The inline
// functions stand in for what Glibc's Swift overlay adds: errno, a macro here, environ,
// global mutable state, and open and fcntl, which are variadic.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline int gatehouse_errno(void) { return errno; }
static inline char **gatehouse_environ(void) {
    extern char **environ;
    return environ;
}
static inline int gatehouse_open_readonly(const char *path) { return open(path, O_RDONLY | O_CLOEXEC); }
static inline int gatehouse_set_cloexec(int fd) { return fcntl(fd, F_SETFD, FD_CLOEXEC); }
#endif
