// A sweep's plan: which runs a `lockscope sweep` makes. The runs are every
// combination of a lock, a core count and one value of each swept scenario
// key (`--set key=v1,v2`), in that nesting order (lock outermost, cores
// innermost), and the plan is checked whole before any run starts: an
// unknown lock, machine or key, or a value the scenario reader rejects, is
// one error line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <utility>
#include <vector>

namespace lockscope::engine::sweep {

// `--set key=v1,v2,...`: one scenario key and the values it takes.
struct SetAxis {
  std::string key;
  std::vector<std::string> values;
};

// Parses "key=v1,v2". Commas inside braces, brackets or quotes do not
// split, so a value may be a TOML table: `reads.cs_ns={dist="fixed",mean=5},20`.
[[nodiscard]] std::expected<SetAxis, std::string> parse_set_axis(const std::string& text);

struct SweepRun {
  std::string lock;
  std::uint32_t cores = 0;
  std::vector<std::pair<std::string, std::string>> params;  // one value per axis, in axis order
  // The scenario overrides this run applies: the axes' key=value, then
  // (unless the sweep keeps the scenario's contexts) contexts.count=cores.
  std::vector<std::string> overrides;
};

struct SweepPlanInput {
  std::string scenario;             // the scenario file
  std::vector<std::string> locks;
  std::vector<std::uint32_t> cores;
  std::vector<SetAxis> axes;
  std::vector<std::string> fixed_sets;  // plain --set key=value overrides that are not swept
  // Scale the workload with the machine: contexts.count = cores (one
  // context, so `workers_per_context` workers, per core). Off: the
  // scenario's own contexts, mapped onto however many cores there are.
  bool contexts_follow_cores = true;
};

// The most runs one sweep plans: ten times the largest cluster sweep in
// docs/sweep.md, and small enough to list and check in seconds.
inline constexpr std::size_t kMaxSweepRuns = 100'000;

// Every run, in the order results.csv lists them.
[[nodiscard]] std::vector<SweepRun> expand(const SweepPlanInput& input);

// Checks the plan before anything runs: the scenario reads, every axis key
// exists and every value is accepted (each combination is read with the
// scenario reader, so ranges are checked exactly as for one replay), locks
// are known to the simulator, core counts are positive and no larger than
// `machine_cores`. The error is one line.
[[nodiscard]] std::expected<void, std::string> validate(const SweepPlanInput& input, std::uint32_t machine_cores);

// "1,2,4" -> {1, 2, 4}; an error names the bad item.
[[nodiscard]] std::expected<std::vector<std::uint32_t>, std::string> parse_counts(const std::string& text,
                                                                                  const std::string& flag);

}  // namespace lockscope::engine::sweep
