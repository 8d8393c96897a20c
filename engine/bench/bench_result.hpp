// What one bench run measured.
#pragma once

#include <cstdint>
#include <string>

#include "engine/bench/bench_config.hpp"
#include "engine/stats/latency_histogram.hpp"
#include "traces/workload.hpp"

namespace lockscope::engine::bench {

using stats::LatencySummary;

struct BenchResult {
  BenchConfig config;
  double elapsed_sec = 0;
  double ops_per_sec = 0;          // aggregate acquisitions per second
  std::uint64_t read_ops = 0;
  std::uint64_t write_ops = 0;
  LatencySummary read_latency_ns;  // acquire latency, sampled (see docs/bench.md)
  LatencySummary write_latency_ns; // acquire latency, every write
  std::uint64_t violations = 0;
  bool readers_checked = true;     // false for urcu: readers overlap writers by design
  std::string note;                // e.g. why graph-asym ran as graph
  traces::WorkloadTrace workload;  // what the workers did, when config.record
};

}  // namespace lockscope::engine::bench
