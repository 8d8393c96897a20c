// From results.csv rows to plot series: one series per (lock, combination
// of swept values), points ordered by core count, for one measurement.
// Failed runs leave a gap (no point); runs with no data for the measurement
// (no writes, so no write wait; bench runs, so no transfers) too.
#pragma once

#include <string>
#include <vector>

#include "traces/sweep_results.hpp"

namespace lockscope::plot {

enum class Metric { throughput, read_wait_p99, write_wait_p99, transfers_per_op };

struct Point {
  double x = 0;
  double y = 0;
};

struct Series {
  std::string lock;
  std::string variant;        // "write_permille=0.1" (empty when nothing was swept)
  std::size_t variant_index = 0;  // which combination of swept values, in first-seen order
  std::vector<Point> points;
  [[nodiscard]] std::string label() const { return variant.empty() ? lock : lock + ", " + variant; }
};

// Series in first-seen order of (lock, variant); the variant names the
// parameter columns whose value differs between rows. Series with no point
// are kept (the legend still lists the lock) unless `drop_empty`.
[[nodiscard]] std::vector<Series> build_series(const traces::SweepTable& table, Metric metric,
                                               bool drop_empty = false);

// The value a row gives for a metric, or nothing.
[[nodiscard]] bool metric_value(const traces::SweepRow& row, Metric metric, double& out);

}  // namespace lockscope::plot
