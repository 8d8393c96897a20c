#include "engine/sweep/sweep_jobs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <sstream>

#include "engine/machine/machine_file.hpp"
#include "engine/machine/presets.hpp"
#include "engine/sweep/job_array.hpp"
#include "traces/atomic_output.hpp"
#include "traces/read_file.hpp"
#include "traces/toml_schema.hpp"

namespace lockscope::engine::sweep {
namespace {

namespace fs = std::filesystem;
namespace ts = traces::toml_schema;

constexpr std::string_view kFormat = "lockscope-sweep-jobs";
constexpr std::int64_t kVersion = 1;

// plan.toml's schema: what --merge needs to expand the plan again.
constexpr std::array kAxisKeys = {
    ts::Key{.name = "key", .type = ts::Type::string, .required = true},
    ts::Key{.name = "values", .type = ts::Type::array, .required = true, .entries = ts::Type::string}};
constexpr ts::Table kAxis{kAxisKeys};
constexpr std::array<std::string_view, 2> kMemoryModels = {"sc", "tso"};
constexpr std::array kPlanKeys = {
    ts::Key{.name = "format", .type = ts::Type::string, .required = true},
    ts::Key{.name = "version", .type = ts::Type::integer, .required = true, .range = ts::between(1, 1)},
    ts::Key{.name = "scenario", .type = ts::Type::string, .required = true},
    ts::Key{.name = "machine", .type = ts::Type::string, .required = true},
    // --memory-model, when it was given (absent: each run's machine decides).
    ts::Key{.name = "memory_model", .type = ts::Type::string, .choices = kMemoryModels},
    ts::Key{.name = "seed", .type = ts::Type::integer, .required = true, .range = ts::kNonNegative},
    ts::Key{.name = "keep_contexts", .type = ts::Type::boolean, .required = true},
    ts::Key{.name = "locks", .type = ts::Type::array, .required = true, .entries = ts::Type::string},
    ts::Key{.name = "cores",
            .type = ts::Type::array,
            .required = true,
            .range = ts::between(1, std::numeric_limits<std::uint32_t>::max()),
            .entries = ts::Type::integer},
    ts::Key{.name = "runs", .type = ts::Type::integer, .required = true, .range = ts::kNonNegative},
    ts::Key{.name = "axis", .type = ts::Type::array, .entries = ts::Type::table, .table = &kAxis}};
constexpr ts::Table kPlan{kPlanKeys};

bool is_preset(std::string_view name) {
  const auto names = machine::preset_names();
  return std::ranges::find(names, name) != names.end();
}

std::string job_line(const JobsSpec& spec, const SweepRun& run, const fs::path& dir, std::string_view machine_arg,
                     std::size_t index) {
  std::string line = shell_quote(spec.lockscope) + " sweep";
  line += " --scenario " + shell_quote((dir / "scenario.toml").string());
  line += " --locks " + shell_quote(run.lock);
  line += " --machine " + shell_quote(std::string(machine_arg));
  line += fmt::format(" --cores {}", run.cores);
  if (!spec.memory_model.empty()) line += " --memory-model " + shell_quote(spec.memory_model);
  for (const auto& [key, value] : run.params) line += " --set " + shell_quote(key + "=" + value);
  if (!spec.plan.contexts_follow_cores) line += " --keep-contexts";
  line += fmt::format(" --seed {} --jobs 1 --quiet", spec.seed);
  line += " --results " + shell_quote((dir / run_file_name(index)).string());
  return line;
}

std::string plan_toml(const JobsSpec& spec, std::string_view machine_arg, std::size_t runs) {
  toml::table t;
  t.insert("format", std::string(kFormat));
  t.insert("version", kVersion);
  t.insert("scenario", "scenario.toml");
  t.insert("machine", std::string(machine_arg));
  if (!spec.memory_model.empty()) t.insert("memory_model", spec.memory_model);
  t.insert("seed", static_cast<std::int64_t>(spec.seed));
  t.insert("keep_contexts", !spec.plan.contexts_follow_cores);
  toml::array locks;
  for (const std::string& l : spec.plan.locks) locks.push_back(l);
  t.insert("locks", std::move(locks));
  toml::array cores;
  for (const std::uint32_t c : spec.plan.cores) cores.push_back(static_cast<std::int64_t>(c));
  t.insert("cores", std::move(cores));
  t.insert("runs", static_cast<std::int64_t>(runs));
  toml::array axes;
  for (const SetAxis& axis : spec.plan.axes) {
    toml::array values;
    for (const std::string& v : axis.values) values.push_back(v);
    axes.push_back(toml::table{{"key", axis.key}, {"values", std::move(values)}});
  }
  if (!axes.empty()) t.insert("axis", std::move(axes));
  std::ostringstream out;
  out << "# A lockscope sweep split into jobs (lockscope sweep --emit-jobs).\n"
         "# `lockscope sweep --merge <this directory>` expands this plan again and\n"
         "# reads each run's row from runs/; jobs.txt holds one command per run.\n"
      << toml::toml_formatter{t} << "\n";
  return out.str();
}

std::expected<void, std::string> write(const fs::path& path, std::string_view bytes) {
  return traces::write_file_atomically(path.string(), bytes);
}

std::string one_line(const traces::ParseError& e) { return e.to_string(); }

// The plan as --merge reads it back, with DIR-relative files made absolute.
struct ReadPlan {
  SweepPlanInput input;
  std::string machine_name;
  std::uint64_t seed = 0;
  std::size_t runs = 0;
};

std::expected<ReadPlan, std::string> read_plan(const fs::path& dir) {
  const std::string file = (dir / "plan.toml").string();
  auto text = traces::read_file(file);
  if (!text) {
    return std::unexpected(fmt::format("{} (--merge takes the directory that `lockscope sweep --emit-jobs DIR` "
                                       "wrote)",
                                       text.error().to_string()));
  }
  auto doc = ts::parse(*text, file);
  if (!doc) return std::unexpected(one_line(doc.error()));
  if (auto ok = ts::check(*doc, kPlan, file); !ok) return std::unexpected(one_line(ok.error()));
  const toml::table& t = *doc;
  if (t["format"].value_or(std::string()) != kFormat) {
    return std::unexpected(one_line(
        ts::error_at(t.get("format")->source(), file, fmt::format("`format` must be \"{}\"", kFormat))));
  }
  ReadPlan plan;
  plan.input.scenario = (dir / t["scenario"].value_or(std::string())).string();
  plan.input.contexts_follow_cores = !t["keep_contexts"].value_or(false);
  plan.seed = static_cast<std::uint64_t>(t["seed"].value_or(std::int64_t{0}));
  plan.runs = static_cast<std::size_t>(t["runs"].value_or(std::int64_t{0}));
  for (const toml::node& l : *t["locks"].as_array()) plan.input.locks.push_back(l.value_or(std::string()));
  for (const toml::node& c : *t["cores"].as_array()) {
    plan.input.cores.push_back(static_cast<std::uint32_t>(c.value_or(std::int64_t{0})));
  }
  if (const toml::array* axes = t["axis"].as_array()) {
    for (const toml::node& a : *axes) {
      const toml::table& at = *a.as_table();
      SetAxis axis;
      axis.key = at["key"].value_or(std::string());
      for (const toml::node& v : *at["values"].as_array()) axis.values.push_back(v.value_or(std::string()));
      plan.input.axes.push_back(std::move(axis));
    }
  }
  const std::string machine = t["machine"].value_or(std::string());
  if (is_preset(machine)) {
    plan.machine_name = machine;
  } else {
    auto m = machine::read_machine_file((dir / machine).string());
    if (!m) return std::unexpected(one_line(m.error()));
    plan.machine_name = m->name;
  }
  const std::vector<SweepRun> runs = expand(plan.input);
  if (runs.size() != plan.runs) {
    return std::unexpected(fmt::format("{}: the plan expands to {} runs but says `runs = {}`", file, runs.size(),
                                       plan.runs));
  }
  return plan;
}

// Is `row` the row of `run` in this plan? Empty when it is, else what differs.
std::string mismatch(const traces::SweepRow& row, const SweepRun& run, const ReadPlan& plan) {
  if (row.lock != run.lock) return fmt::format("lock {} where the plan has {}", row.lock, run.lock);
  if (row.cores != run.cores) return fmt::format("{} cores where the plan has {}", row.cores, run.cores);
  if (row.machine != plan.machine_name) {
    return fmt::format("machine {} where the plan has {}", row.machine, plan.machine_name);
  }
  if (row.seed != plan.seed) return fmt::format("seed {} where the plan has {}", row.seed, plan.seed);
  if (row.params != run.params) return "swept values that are not this run's";
  return {};
}

}  // namespace

std::string run_file_name(std::size_t index) { return run_file_name(index, "csv"); }

std::expected<std::size_t, std::string> emit_jobs(const JobsSpec& spec, const std::string& dir_arg) {
  std::error_code ec;
  fs::create_directories(dir_arg, ec);
  if (ec || !fs::is_directory(dir_arg)) {
    return std::unexpected(fmt::format("--emit-jobs: cannot create the directory {}", dir_arg));
  }
  const fs::path dir = fs::canonical(dir_arg, ec);
  if (ec) return std::unexpected(fmt::format("--emit-jobs: {}: {}", dir_arg, ec.message()));
  if (fs::exists(dir / "plan.toml")) {
    return std::unexpected(fmt::format("--emit-jobs: {} already holds a sweep plan; merge it with "
                                       "`lockscope sweep --merge {}` or choose a new directory",
                                       dir.string(), dir.string()));
  }
  if (spec.slurm && std::ranges::any_of(dir.string(), [](char c) { return c == ' ' || c == '\t' || c == '\n'; })) {
    return std::unexpected(fmt::format("--emit-slurm: {} has a blank in it, which #SBATCH lines cannot quote; "
                                       "choose a directory without one",
                                       dir.string()));
  }
  if (spec.seed > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::unexpected("--emit-jobs: the seed must be below 2^63 to be written into plan.toml");
  }
  auto scenario = traces::read_file(spec.plan.scenario);
  if (!scenario) return std::unexpected(scenario.error().to_string());

  // A preset is a name every lockscope knows; anything else (a file, a
  // calibrated this-machine) is frozen into the directory as it resolved here.
  std::string machine_arg = spec.machine_spec;
  std::string machine_in_plan = spec.machine_spec;
  if (!is_preset(spec.machine_spec)) {
    if (auto w = write(dir / "machine.toml", machine::write_machine_toml(spec.machine)); !w) {
      return std::unexpected(w.error());
    }
    machine_arg = (dir / "machine.toml").string();
    machine_in_plan = "machine.toml";
  }

  const std::vector<SweepRun> runs = expand(spec.plan);
  std::string jobs;
  for (std::size_t i = 0; i < runs.size(); ++i) jobs += job_line(spec, runs[i], dir, machine_arg, i) + "\n";

  fs::create_directories(dir / "runs", ec);
  if (!ec && spec.slurm) fs::create_directories(dir / "slurm", ec);
  if (ec) return std::unexpected(fmt::format("--emit-jobs: cannot create {}: {}", (dir / "runs").string(), ec.message()));
  if (auto w = write(dir / "scenario.toml", *scenario); !w) return std::unexpected(w.error());
  if (auto w = write(dir / "jobs.txt", jobs); !w) return std::unexpected(w.error());
  if (spec.slurm) {
    if (auto w = write(dir / "sweep.sbatch", slurm_array_script(dir.string(), runs.size(), "sweep", "csv")); !w) return std::unexpected(w.error());
  }
  // The plan last: a directory with a plan is a complete set of jobs.
  if (auto w = write(dir / "plan.toml", plan_toml(spec, machine_in_plan, runs.size())); !w) {
    return std::unexpected(w.error());
  }
  return runs.size();
}

std::expected<MergedSweep, std::string> merge_jobs(const std::string& dir_arg) {
  const fs::path dir(dir_arg);
  auto plan = read_plan(dir);
  if (!plan) return std::unexpected(plan.error());
  const std::string jobs_file = (dir / "jobs.txt").string();
  auto jobs_text = traces::read_file(jobs_file);
  if (!jobs_text) return std::unexpected(jobs_text.error().to_string());
  const std::vector<std::string> jobs = lines_of(*jobs_text);
  if (jobs.size() != plan->runs) {
    return std::unexpected(fmt::format("{}: {} lines, but the plan has {} runs", jobs_file, jobs.size(), plan->runs));
  }

  const std::vector<SweepRun> runs = expand(plan->input);
  MergedSweep merged;
  merged.planned = runs.size();
  for (const SetAxis& axis : plan->input.axes) merged.table.param_keys.push_back(axis.key);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const fs::path file = dir / run_file_name(i);
    if (!fs::exists(file)) {
      merged.missing.push_back(i);
      merged.missing_jobs.push_back(jobs[i]);
      continue;
    }
    auto table = traces::read_sweep_csv_file(file.string());
    if (!table) return std::unexpected(one_line(table.error()));
    if (table->rows.size() != 1) {
      return std::unexpected(fmt::format("{}: {} rows; a job writes exactly one", file.string(), table->rows.size()));
    }
    if (const std::string why = mismatch(table->rows.front(), runs[i], *plan); !why.empty()) {
      return std::unexpected(fmt::format("{}: not run {} of this plan: {}", file.string(), i + 1, why));
    }
    merged.table.rows.push_back(std::move(table->rows.front()));
  }
  return merged;
}

}  // namespace lockscope::engine::sweep
