#define _GNU_SOURCE
#include "shared_counters.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

int gatehouse_counters_create(size_t bytes) {
    int fd = memfd_create("gatehouse-metrics", 0);
    if (fd < 0) return -1;
    if (ftruncate(fd, (off_t)bytes) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

void gatehouse_counter_add(uint64_t *counter, uint64_t amount) {
    __atomic_fetch_add(counter, amount, __ATOMIC_RELAXED);
}

void gatehouse_counter_store(uint64_t *counter, uint64_t value) {
    __atomic_store_n(counter, value, __ATOMIC_RELAXED);
}

uint64_t gatehouse_counter_load(const uint64_t *counter) {
    return __atomic_load_n(counter, __ATOMIC_RELAXED);
}
