// What recording costs a program: examples/record_overhead (uncontended
// rdlock+unlock pairs on one thread, the fastest of fifty rounds) run twice
// in a row, plain and under the interposer, and
// the recording it left decoded for its size. `lockscope bench --suite
// record-overhead` prints this.
#pragma once

#include <cstdint>
#include <expected>
#include <string>

namespace lockscope::engine::record {

struct RecordOverheadOptions {
  std::string benchmark;    // the record_overhead binary (find_overhead_benchmark)
  std::string interposer;   // liblockscope_record.so (find_interposer)
  std::string raw_path;     // where the recorded run's raw file goes (removed afterwards unless keep_raw)
  std::uint64_t pairs = 5'000'000;
  bool keep_raw = false;
};

struct RecordOverhead {
  std::uint64_t pairs = 0;
  double plain_ns = 0;              // per pair, the thread's CPU time in its fastest round
  double recorded_ns = 0;
  double plain_wall_ns = 0;         // per pair, wall time of the fastest round (preemption shows here)
  double recorded_wall_ns = 0;
  double plain_process_ns = 0;      // per pair, the whole process's CPU time
  double recorded_process_ns = 0;   //   (recorded: includes the writer thread's encoding)
  std::uint64_t raw_bytes = 0;      // the recording's size on disk
  std::uint64_t recorded_events = 0;  // lock and unlock calls in it

  [[nodiscard]] double added_ns() const { return recorded_ns - plain_ns; }
  [[nodiscard]] double ratio() const { return plain_ns > 0 ? recorded_ns / plain_ns : 0; }
  [[nodiscard]] double bytes_per_event() const {
    return recorded_events > 0 ? static_cast<double>(raw_bytes) / static_cast<double>(recorded_events) : 0;
  }
};

[[nodiscard]] std::expected<RecordOverhead, std::string> measure_record_overhead(const RecordOverheadOptions& options);

// The record_overhead binary for a lockscope binary at `self_exe`: an
// install's ../lib/lockscope/record_overhead, the build tree's
// ../../examples/record_overhead, then the path the build put it at.
[[nodiscard]] std::expected<std::string, std::string> find_overhead_benchmark(const std::string& self_exe);

}  // namespace lockscope::engine::record
