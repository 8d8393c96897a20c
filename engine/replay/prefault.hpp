// Faulting in memory about to be written, without a trap per page.
//
// A recording replay writes its spans and samples into vectors reserved
// before the run (Recorder::reserve_for). Touched for the first time, each
// 4 KiB page is a page fault: on the 2-vCPU VM of docs/simulator.md, 14,000
// of them in a 400 us bouncing run at 64 cores. MADV_POPULATE_WRITE
// (Linux 5.14) maps and zeroes pages in one call instead. Best effort: on
// an older kernel, or memory that cannot be populated, the pages fault in
// when written, as before.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <thread>
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

// Faults blocks in on a thread of its own while the caller goes on writing
// them from their starts: a slice of each block in turn, so that it keeps
// ahead of writes spread over all of them (a recording's lanes). The
// zeroing is the kernel's either way; here it runs beside the simulation
// (which is one thread) instead of in it. The thread only makes system
// calls on address ranges: a block the caller frees or outgrows meanwhile
// is at worst populated for nothing.
class BackgroundPrefault {
 public:
  BackgroundPrefault() = default;
  BackgroundPrefault(const BackgroundPrefault&) = delete;
  BackgroundPrefault& operator=(const BackgroundPrefault&) = delete;
  ~BackgroundPrefault() { wait(); }

  template <class T>
  void add(const std::vector<T>& v) {
    if (v.capacity() != 0) blocks_.push_back({v.data(), v.capacity() * sizeof(T)});
  }
  void start() {
    if (blocks_.empty() || std::thread::hardware_concurrency() < 2) {
      for (const Block& b : blocks_) prefault(b.data, b.bytes);  // one core: now, still one call each
      return;
    }
    thread_ = std::thread([blocks = blocks_] {
      constexpr std::size_t kSlice = std::size_t{256} << 10;
      for (std::size_t done = 0;; done += kSlice) {
        bool more = false;
        for (const Block& b : blocks) {
          if (done >= b.bytes) continue;
          more = true;
          prefault(static_cast<const char*>(b.data) + done, std::min(kSlice, b.bytes - done));
        }
        if (!more) break;
      }
    });
  }
  // Before the blocks are handed on (or freed for good).
  void wait() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  struct Block {
    const void* data;
    std::size_t bytes;
  };
  std::vector<Block> blocks_;
  std::thread thread_;
};

}  // namespace lockscope::engine::replay
