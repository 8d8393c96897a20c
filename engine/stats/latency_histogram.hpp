// LatencyHistogram: a log-linear histogram of nanosecond latencies (bench
// acquire times, simulated wait times), in the
// spirit of HdrHistogram: exact below 64 ns, then 32 sub-buckets per power of
// two (relative error under 3.2%), up to 2^63 ns. Recording is a few integer
// operations and one increment, cheap enough for a bench loop; each worker
// keeps its own and they are merged at the end.
#pragma once

#include <array>
#include <cstdint>


namespace lockscope::engine::stats {

struct LatencySummary {
  std::uint64_t samples = 0;
  std::uint64_t p50 = 0;
  std::uint64_t p99 = 0;
  std::uint64_t max = 0;
};

class LatencyHistogram {
 public:
  static constexpr unsigned kSubBits = 5;  // 32 sub-buckets per octave
  static constexpr unsigned kLinear = 64;  // values below this are exact

  void record(std::uint64_t ns) {
    ++counts_[bucket_of(ns)];
    ++samples_;
    if (ns > max_) max_ = ns;
  }
  void merge(const LatencyHistogram& other);

  [[nodiscard]] std::uint64_t samples() const { return samples_; }
  [[nodiscard]] std::uint64_t max() const { return max_; }
  // The smallest recorded bucket value v such that at least q of the samples
  // are <= v (q in [0, 1]); reported as the bucket's upper bound, clamped to
  // max(). 0 when empty.
  [[nodiscard]] std::uint64_t quantile(double q) const;
  [[nodiscard]] LatencySummary summary() const;

  static unsigned bucket_of(std::uint64_t ns);
  static std::uint64_t bucket_upper(unsigned bucket);

 private:
  static constexpr unsigned kBuckets = kLinear + (64 - 6) * (1U << kSubBits);
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t samples_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace lockscope::engine::stats
