// Counters read around a real run with perf_event_open(2), for what the
// simulator reports beside them:
//   - cache misses (open_cache_misses): L1 data-cache read misses, else the
//     generic cache-miss event, user space only. With a working set of a few
//     lock lines, almost every such miss is a coherence miss (the line was
//     taken by another core), which is what the simulator counts as a
//     transfer. Virtual machines often hide the PMU: then opening fails.
//   - context switches (open_context_switches): a software event, so a VM
//     has it. A thread that sleeps in a futex and is woken switches out
//     once; the simulator counts such sleeps (ReplayResult::sleeps).
//     Preemptions count too (nothing else runs on validate's CPUs).
//
// A counter covers the calling thread and the threads it creates after
// start() (inherit). When one cannot be opened, the reason (from errno) is
// one line for the user.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace lockscope::engine::validate {

class PerfCounter {
 public:
  // The first cache-miss event this kernel and CPU give, or why none.
  [[nodiscard]] static std::expected<PerfCounter, std::string> open_cache_misses();
  // Context switches, or why not.
  [[nodiscard]] static std::expected<PerfCounter, std::string> open_context_switches();

  PerfCounter(PerfCounter&& other) noexcept;
  PerfCounter& operator=(PerfCounter&& other) noexcept;
  PerfCounter(const PerfCounter&) = delete;
  PerfCounter& operator=(const PerfCounter&) = delete;
  ~PerfCounter();

  // Zero and enable. Threads created after this are counted too.
  void start();
  // Disable and read the count (summed over inherited threads that ended).
  // The error says why when the read fails or the kernel multiplexed the
  // event (counted part of the time only: scaling up would be a guess).
  [[nodiscard]] std::expected<std::uint64_t, std::string> stop();

  [[nodiscard]] const std::string& event() const { return event_; }

 private:
  PerfCounter(int fd, std::string event) : fd_(fd), event_(std::move(event)) {}
  int fd_ = -1;
  std::string event_;  // "L1D read misses", "cache misses", "context switches"
  std::array<std::uint64_t, 3> base_{};  // the reading at start(): value, time enabled, time running
};

// Why perf_event_open failed with `err` (an errno value), for the user: one
// line, "<figure>: n/a: <cause>" (no PMU in this VM, perf_event_paranoid,
// a kernel without perf events), `figure` naming what goes missing.
[[nodiscard]] std::string counter_unavailable_reason(int err,
                                                     std::string_view figure = "transfers per operation");

}  // namespace lockscope::engine::validate
