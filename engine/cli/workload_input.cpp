#include "engine/cli/workload_input.hpp"

#include "engine/scenario/generator.hpp"
#include "engine/scenario/scenario_reader.hpp"
#include "traces/workload_reader.hpp"

namespace lockscope::engine::cli {

std::expected<traces::WorkloadTrace, std::string> load_workload(const WorkloadInput& input) {
  if (!input.trace.empty() && !input.scenario.empty()) {
    return std::unexpected("give a trace file or --scenario, not both");
  }
  if (!input.trace.empty()) {
    if (!input.sets.empty()) return std::unexpected("--set applies to --scenario, not to a trace file");
    auto trace = traces::read_workload_file(input.trace);
    if (!trace) return std::unexpected(trace.error().to_string());
    return std::move(*trace);
  }
  if (input.scenario.empty()) return std::unexpected("no workload: give a trace file or --scenario FILE");
  auto scenario = scenario::read_scenario_file(input.scenario, input.sets);
  if (!scenario) return std::unexpected(scenario.error().to_string());
  return scenario::generate(*scenario);
}

}  // namespace lockscope::engine::cli
