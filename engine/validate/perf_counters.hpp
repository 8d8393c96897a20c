// A hardware counter that approximates cacheline transfers, read around a
// real run with perf_event_open(2): L1 data-cache read misses, else the
// generic cache-miss event. With a working set of a few lock lines, almost
// every such miss is a coherence miss (the line was taken by another core),
// which is what the simulator counts as a transfer.
//
// The counter covers the calling thread and the threads it creates after
// start() (inherit), user space only. Virtual machines often hide the PMU:
// then open() fails, and the reason (from errno) is one line for the user.
#pragma once

#include <cstdint>
#include <expected>
#include <string>

namespace lockscope::engine::validate {

class CacheMissCounter {
 public:
  // The first event this kernel and CPU give, or why none.
  [[nodiscard]] static std::expected<CacheMissCounter, std::string> open();

  CacheMissCounter(CacheMissCounter&& other) noexcept;
  CacheMissCounter& operator=(CacheMissCounter&& other) noexcept;
  CacheMissCounter(const CacheMissCounter&) = delete;
  CacheMissCounter& operator=(const CacheMissCounter&) = delete;
  ~CacheMissCounter();

  // Zero and enable. Threads created after this are counted too.
  void start();
  // Disable and read the count (summed over inherited threads that ended).
  // The error says why when the read fails or the kernel multiplexed the
  // event (counted part of the time only: scaling up would be a guess).
  [[nodiscard]] std::expected<std::uint64_t, std::string> stop();

  [[nodiscard]] const std::string& event() const { return event_; }

 private:
  CacheMissCounter(int fd, std::string event) : fd_(fd), event_(std::move(event)) {}
  int fd_ = -1;
  std::string event_;  // "L1D read misses" or "cache misses"
};

// Why perf_event_open failed with `err` (an errno value), for the user: one
// line, naming the likely cause (no PMU in this VM, perf_event_paranoid,
// a kernel without perf events).
[[nodiscard]] std::string counter_unavailable_reason(int err);

}  // namespace lockscope::engine::validate
