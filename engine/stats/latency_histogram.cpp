#include "engine/stats/latency_histogram.hpp"

#include <bit>
#include <cmath>

namespace lockscope::engine::stats {

unsigned LatencyHistogram::bucket_of(std::uint64_t ns) {
  if (ns < kLinear) return static_cast<unsigned>(ns);
  const unsigned octave = static_cast<unsigned>(std::bit_width(ns)) - 1;  // >= 6
  const unsigned sub = static_cast<unsigned>((ns >> (octave - kSubBits)) & ((1U << kSubBits) - 1));
  return kLinear + (octave - 6) * (1U << kSubBits) + sub;
}

std::uint64_t LatencyHistogram::bucket_upper(unsigned bucket) {
  if (bucket < kLinear) return bucket;
  const unsigned rel = bucket - kLinear;
  const unsigned octave = 6 + rel / (1U << kSubBits);
  const std::uint64_t sub = rel % (1U << kSubBits);
  const unsigned shift = octave - kSubBits;
  const std::uint64_t low = (std::uint64_t{1} << octave) + (sub << shift);
  return low + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (unsigned i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  samples_ += other.samples_;
  if (other.max_ > max_) max_ = other.max_;
}

std::uint64_t LatencyHistogram::quantile(double q) const {
  if (samples_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(samples_)));
  const std::uint64_t target = rank == 0 ? 1 : rank;
  std::uint64_t seen = 0;
  for (unsigned i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= target) {
      const std::uint64_t upper = bucket_upper(i);
      return upper < max_ ? upper : max_;
    }
  }
  return max_;
}

LatencySummary LatencyHistogram::summary() const {
  return LatencySummary{samples_, quantile(0.50), quantile(0.99), max_};
}

}  // namespace lockscope::engine::stats
