// Where a replay's workload comes from: a trace file, or a scenario file
// (with --set overrides) generated on the fly. Shared by replay, explore
// and demo.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "traces/workload.hpp"

namespace lockscope::engine::cli {

struct WorkloadInput {
  std::string trace;              // a trace file, or
  std::string scenario;           // a scenario file
  std::vector<std::string> sets;  // key=value overrides for the scenario
};

// The error is one line: `file:line:column: message`.
std::expected<traces::WorkloadTrace, std::string> load_workload(const WorkloadInput& input);

}  // namespace lockscope::engine::cli
