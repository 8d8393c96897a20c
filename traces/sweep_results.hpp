// results.csv: one row per run of a sweep (`lockscope sweep`, `lockscope
// bench --sweep`; docs/sweep.md lists the columns). Written by the sweep,
// read back by `lockscope plot` and the GUI's "Compare locks" view.
//
// The file is RFC 4180 CSV with a header row. The fixed columns come first
// (what ran), then one column per swept scenario key (named by the key, e.g.
// `writes.write_permille`), then the measurements. A reader finds columns
// by name, so any column a reader does not know is a parameter column.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "traces/parse_error.hpp"

namespace lockscope::traces {

struct SweepRow {
  // What ran.
  std::string world = "sim";  // "sim" (replay) or "bench" (real threads)
  std::string scenario;       // the scenario's name (bench: the workload description)
  std::string machine;
  std::string lock;
  std::uint32_t cores = 0;  // cores (sim) or threads (bench)
  std::vector<std::pair<std::string, std::string>> params;  // swept key=value, in the sweep's key order
  std::uint64_t seed = 0;
  // "ok"; "unhealthy" (deadlock, violation, drift: the numbers are suspect);
  // "failed" (no numbers; `error` says why).
  std::string status = "ok";
  std::string error;
  // What it measured (zero when failed).
  double sim_time_ns = 0;  // bench: elapsed wall time
  std::uint64_t lock_ops = 0;
  std::uint64_t read_ops = 0;
  std::uint64_t write_ops = 0;
  double throughput_ops_per_sec = 0;  // per simulated second (sim), per second (bench)
  std::uint64_t read_wait_p50_ns = 0;
  std::uint64_t read_wait_p99_ns = 0;
  std::uint64_t read_wait_max_ns = 0;
  std::uint64_t write_wait_p50_ns = 0;
  std::uint64_t write_wait_p99_ns = 0;
  std::uint64_t write_wait_max_ns = 0;
  std::uint64_t line_transfers = 0;  // sim only
  double transfers_per_op = 0;       // sim only
  std::uint64_t violations = 0;
  std::int64_t residual_readers = 0;
  bool deadlock = false;
  bool missed_wakeup = false;
  double wall_sec = 0;              // the run's own wall time
  double sim_ops_per_wall_sec = 0;  // the simulator's speed (sim only)

  [[nodiscard]] bool failed() const { return status == "failed"; }
  // The parameter's value, or "" when the row has no such parameter.
  [[nodiscard]] std::string param(std::string_view key) const;
};

struct SweepTable {
  std::vector<std::string> param_keys;  // the parameter columns, in order
  std::vector<SweepRow> rows;
};

// The CSV text (header + one line per row); `table.param_keys` names the
// parameter columns, and every row gives a value for each.
[[nodiscard]] std::string write_sweep_csv(const SweepTable& table);

// Parses what write_sweep_csv wrote (columns in any order; unknown columns
// become parameters). Errors carry `file`, the line and the column number.
[[nodiscard]] std::expected<SweepTable, ParseError> read_sweep_csv(std::string_view text, std::string_view file);
[[nodiscard]] std::expected<SweepTable, ParseError> read_sweep_csv_file(const std::string& path);

}  // namespace lockscope::traces
