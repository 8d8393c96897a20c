#include "engine/cli/generate_command.hpp"

#include <fmt/format.h>

#include <sstream>

#include "traces/atomic_output.hpp"
#include "engine/cli/workload_input.hpp"
#include "engine/scenario/scenario_reader.hpp"
#include "traces/narrative.hpp"
#include "traces/workload_writer.hpp"

namespace lockscope::engine::cli {

struct GenerateCommand {
  CLI::App* sub = nullptr;
  WorkloadInput input;
  std::string output;
  bool explain = false;
};

GenerateCommand& add_generate_command(CLI::App& app) {
  static GenerateCommand cmd;
  CLI::App* sub = app.add_subcommand("generate", "Turn a scenario file into a workload trace");
  cmd.sub = sub;
  sub->footer(
      "The trace is deterministic: the same scenario, overrides and seed give the same bytes.\n\n"
      "Examples:\n"
      "  lockscope generate scenarios/teaching/bouncing.toml -o bouncing.workload\n"
      "  lockscope generate scenarios/qemu/iothreads.toml --set contexts.count=64 -o io64.workload\n"
      "  lockscope generate scenarios/teaching/writer-storm.toml --explain");
  sub->add_option("scenario", cmd.input.scenario, "Scenario file (docs/scenarios.md)")->required();
  sub->add_option("-o,--output", cmd.output, "Write the trace to FILE ('-' for stdout)");
  sub->add_option("--set", cmd.input.sets, "Override a scenario field: key=value (repeatable)");
  sub->add_flag("--explain", cmd.explain, "Print the scenario's narrative comment");
  return cmd;
}

bool generate_selected(const GenerateCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

int run_generate_command(const GenerateCommand& cmd) {
  auto trace = load_workload(cmd.input);
  if (!trace) {
    fmt::print(stderr, "lockscope: {}\n", trace.error());
    return 2;
  }
  if (cmd.explain) fmt::print("{}\n", traces::narrative(cmd.input.scenario));
  if (cmd.output.empty()) {
    if (!cmd.explain) {
      fmt::print(stderr, "lockscope: generate: say where the trace goes (-o FILE, or -o - for stdout)\n");
      return 2;
    }
    return 0;
  }
  std::ostringstream out;
  traces::write_workload(out, *trace);
  if (auto written = traces::write_file_atomically(cmd.output, out.str()); !written) {
    fmt::print(stderr, "lockscope: {}\n", written.error());
    return 1;
  }
  if (cmd.output != "-") {
    fmt::print(stderr, "{}: {} workers, {} operations ({} acquisitions)\n", cmd.output, trace->workers.size(),
               trace->op_count(), trace->lock_op_count());
  }
  return 0;
}

}  // namespace lockscope::engine::cli
