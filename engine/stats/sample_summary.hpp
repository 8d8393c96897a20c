// Exact p50 / p99 / max of a list of samples, with the same rank rule as
// LatencyHistogram::quantile (the smallest value with at least q of the
// samples at or below it). For per-lock tables, where most locks have few
// samples and a histogram per lock would cost more than the samples.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/stats/latency_histogram.hpp"

namespace lockscope::engine::stats {

// Takes the samples by value: it reorders them.
[[nodiscard]] LatencySummary summarize_samples(std::vector<std::uint64_t> samples);

// "p50 / p99" for a table cell, "-" without samples.
[[nodiscard]] std::string p50_p99_text(const LatencySummary& s);

}  // namespace lockscope::engine::stats
