// Faulting in memory about to be written, in one system call.
//
// A recording replay writes its spans and samples into vectors reserved
// before the run (Recorder::reserve_for). Touched for the first time, each
// 4 KiB page is a page fault: on the 2-vCPU VM of docs/simulator.md, 14,000
// of them in a 400 us bouncing run at 64 cores, a fifth of the run's wall
// time. MADV_POPULATE_WRITE (Linux 5.14) maps and zeroes the same pages in
// one call, without a trap per page. Best effort: on an older kernel, or
// memory that cannot be populated, the pages fault in as before.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lockscope::engine::replay {

inline void prefault(const void* data, std::size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  // Whole pages inside the block only: a page shared with other heap
  // blocks is left to fault in when used.
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + page - 1) & ~(page - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(page - 1);
  if (end > begin) (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
  (void)data;
  (void)bytes;
#endif
}

// The whole capacity of `v`, reserved and not yet written.
template <class T>
void prefault_capacity(const std::vector<T>& v) {
  prefault(v.data(), v.capacity() * sizeof(T));
}

}  // namespace lockscope::engine::replay
