#ifndef GATEHOUSE_SHARED_COUNTERS_H
#define GATEHOUSE_SHARED_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

/// Counters in memory that several processes map (the supervisor's memfd, mapped
/// MAP_SHARED by every worker). Swift's Synchronization atomics live only in memory Swift
/// allocates itself, so the adds and loads on these plain uint64_t are C11 builtins.

/// A new anonymous memory file of `bytes` zero bytes, without close-on-exec so that
/// workers started with posix_spawn inherit it; -1 (errno set) on failure.
int gatehouse_counters_create(size_t bytes);

/// Adds `amount` to `*counter` atomically (relaxed: counters order nothing).
void gatehouse_counter_add(uint64_t *counter, uint64_t amount);

/// Sets `*counter` to `value` atomically (a gauge rather than a count).
void gatehouse_counter_store(uint64_t *counter, uint64_t value);

/// Reads `*counter` atomically.
uint64_t gatehouse_counter_load(const uint64_t *counter);

#endif
