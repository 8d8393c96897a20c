#include "engine/stats/sample_summary.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace lockscope::engine::stats {
namespace {

std::uint64_t at_quantile(std::vector<std::uint64_t>& s, double q) {
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(s.size())));
  const std::size_t index = rank == 0 ? 0 : static_cast<std::size_t>(rank - 1);
  std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(index), s.end());
  return s[index];
}

}  // namespace

LatencySummary summarize_samples(std::vector<std::uint64_t> samples) {
  if (samples.empty()) return {};
  LatencySummary out;
  out.samples = samples.size();
  out.max = *std::max_element(samples.begin(), samples.end());
  out.p50 = at_quantile(samples, 0.50);
  out.p99 = at_quantile(samples, 0.99);
  return out;
}

std::string p50_p99_text(const LatencySummary& s) {
  return s.samples == 0 ? std::string("-") : fmt::format("{} / {}", s.p50, s.p99);
}

}  // namespace lockscope::engine::stats
