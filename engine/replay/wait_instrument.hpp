// WaitInstrument: what a stopwatch adds to each wait it times. A real wait
// is timed with two clock reads, and what they add is not a constant: on
// this VM two steady_clock reads back to back read 20 ns apart most of the
// time and 30 ns the rest (the clock ticks in 10 ns). A simulated wait
// timed with a perfect stopwatch has no such spread, so a one-thread p99
// of 23 ns (3 ns of lock and a 20 ns floor) stood against a real 35-45 ns
// that is mostly the clock's own tail. With samples of the real
// instrument (validate measures them back to back), each recorded wait
// gets one of them added, drawn with a seeded generator: the simulated
// waits are then seen as the real ones are. Empty: the perfect stopwatch.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace lockscope::engine::replay {

class WaitInstrument {
 public:
  WaitInstrument() = default;
  WaitInstrument(std::vector<std::uint64_t> samples_ns, std::uint64_t seed)
      : samples_(std::move(samples_ns)), state_(seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL) {
    if (state_ == 0) state_ = 1;  // xorshift's one fixed point
  }

  // What the instrument adds to the next wait it times (0 without samples).
  std::uint64_t read() {
    if (samples_.empty()) return 0;
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    // Lemire's multiply-shift on the high 32 bits: uniform over up to 2^32
    // samples (bias < n / 2^32).
    const std::uint64_t n = samples_.size();
    return samples_[static_cast<std::size_t>(((state_ >> 32) * n) >> 32)];
  }

 private:
  std::vector<std::uint64_t> samples_;
  std::uint64_t state_ = 1;
};

}  // namespace lockscope::engine::replay
