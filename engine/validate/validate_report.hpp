// What `lockscope validate` reports: per case and metric, the real figure,
// the simulated one, and the error (sim - real) / real in percent; as
// validate.csv, as a terminal table, and as mean absolute errors.
//
// validate.csv, one row per case and metric:
//   case,lock,threads,write_permille,cs_ns,think_ns,metric,unit,real,simulated,error_pct,note
// `n/a` where a side has no figure (no writes sampled, no hardware counter,
// a failed replay) or the real figure is 0; `note` says why a case failed.
#pragma once

#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/validate/validate_run.hpp"

namespace lockscope::engine::validate {

// sleeps_per_op: real, context switches per acquisition; simulated,
// blocking waits that slept (ReplayResult::sleeps) per acquisition.
enum class Metric {
  throughput,
  read_wait_p50,
  read_wait_p99,
  write_wait_p50,
  write_wait_p99,
  transfers_per_op,
  sleeps_per_op
};

inline constexpr std::array<Metric, 7> kMetrics = {
    Metric::throughput,     Metric::read_wait_p50,    Metric::read_wait_p99, Metric::write_wait_p50,
    Metric::write_wait_p99, Metric::transfers_per_op, Metric::sleeps_per_op};

// The CSV's name for it ("throughput", "read_wait_p99", ...), and its unit.
[[nodiscard]] std::string_view metric_name(Metric m);
[[nodiscard]] std::string_view metric_unit(Metric m);

struct MetricRow {
  ValidateCase what;
  Metric metric = Metric::throughput;
  std::optional<double> real;
  std::optional<double> simulated;
  std::string note;
  [[nodiscard]] std::optional<double> error_pct() const;
};

// (sim - real) / real * 100; empty when either is missing or real is 0.
[[nodiscard]] std::optional<double> error_percent(std::optional<double> real, std::optional<double> simulated);

// Throughput and read waits for every case, write waits for cases with
// writes, transfers per operation for every case (the real side n/a without
// a counter). A failed case keeps its real figures; its simulated ones are
// n/a and `note` says why.
// The real waits are timed with two clock reads; the simulated ones are
// timed the same way inside the replay (RunOptions::clock_floor_samples),
// not here. `wait_note` (what the simulated waits include, the
// floor_note text) goes on every wait row.
[[nodiscard]] std::vector<MetricRow> metric_rows(const std::vector<CaseResult>& results,
                                                 const std::string& wait_note = "");

// "simulated includes the 20 ns clock floor (one of 10001 back-to-back
// reads per wait; p99 31 ns)": read back by --real-from (the median).
[[nodiscard]] std::string floor_note(const std::vector<std::uint64_t>& sorted_floor);

[[nodiscard]] std::string validate_csv(const std::vector<MetricRow>& rows);

// Mean absolute error per metric, over the rows that have one, and how many
// p99 waits fall within +-35% (the target).
struct MetricError {
  std::size_t rows = 0;  // rows with an error figure
  double mean_abs_pct = 0;
};
struct ErrorSummary {
  std::array<MetricError, kMetrics.size()> by_metric{};
  std::size_t p99_rows = 0;
  std::size_t p99_within_35 = 0;
  [[nodiscard]] const MetricError& of(Metric m) const { return by_metric[static_cast<std::size_t>(m)]; }
};
[[nodiscard]] ErrorSummary summarize(const std::vector<MetricRow>& rows);

// One line per case: throughput real, simulated and error, the error of
// each wait percentile, transfers per operation both ways; then the mean
// absolute errors. `—` where a metric does not apply.
void print_validate_table(std::FILE* out, const std::vector<MetricRow>& rows);

}  // namespace lockscope::engine::validate
