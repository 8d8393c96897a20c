// The fuzz harnesses: one function per reader of outside input, shared by
// the libFuzzer targets (fuzz_main.cpp, clang, build-fuzz/) and by the
// regression test that replays every kept input in the ordinary build
// (tests/fuzz/). A harness feeds its bytes to the reader and returns what
// the reader decided; a crash, a sanitizer report, or a broken round trip
// (a reader accepting what its writer then refuses, checked with
// require()) is the finding.
//
// Targets and the input each one reads (fuzz/README.md says how to run them):
//   workload     a workload trace, any version, plain or gzip (traces/workload_reader)
//   scenario     a scenario file; lines after a `#--set` line are --set overrides
//   machine      a machine file (engine/machine/machine_file)
//   latency_csv  a core-to-core latency CSV (parse_latency_csv)
//   timeline     a binary timeline (.lstl); also decoded with its checksum fixed
//   sweep_csv    a sweep's results.csv (traces/sweep_results)
//   raw_recording  `lockscope record`'s raw recording (record/raw_reader); the
//                paths in its maps record are moved off the disk first
#pragma once

#include "traces/parse_error.hpp"

#include <expected>
#include <string>
#include <string_view>

namespace lockscope::fuzz {

enum class Verdict { accepted, rejected };

using Harness = Verdict (*)(std::string_view bytes);

Verdict fuzz_workload(std::string_view bytes);
Verdict fuzz_scenario(std::string_view bytes);
Verdict fuzz_machine(std::string_view bytes);
Verdict fuzz_latency_csv(std::string_view bytes);
Verdict fuzz_timeline(std::string_view bytes);
Verdict fuzz_sweep_csv(std::string_view bytes);
Verdict fuzz_raw_recording(std::string_view bytes);

struct Target {
  std::string_view name;  // the folder under fuzz/corpus/ and fuzz/regressions/
  Harness run;
};

inline constexpr Target kTargets[] = {
    {"workload", fuzz_workload}, {"scenario", fuzz_scenario},   {"machine", fuzz_machine},
    {"latency_csv", fuzz_latency_csv}, {"timeline", fuzz_timeline}, {"sweep_csv", fuzz_sweep_csv},
    {"raw_recording", fuzz_raw_recording},
};

// Aborts with `what` when `ok` is false: a property the readers promise
// (for instance, what the reader accepts its writer writes back) is broken.
void require(bool ok, std::string_view what);

// The error a reader returned, for require()'s message ("" when it read).
template <typename T>
std::string error_of(const std::expected<T, traces::ParseError>& result) {
  return result ? std::string() : result.error().to_string();
}

}  // namespace lockscope::fuzz
