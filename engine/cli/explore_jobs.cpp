#include "engine/cli/explore_jobs.hpp"

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

namespace lockscope::engine::cli {
namespace {

namespace fs = std::filesystem;
namespace ts = traces::toml_schema;

constexpr std::string_view kPlanFormat = "lockscope-explore-jobs";
constexpr std::string_view kRangeFormat = "lockscope-explore-range";
constexpr auto kMaxSeed = static_cast<double>(std::numeric_limits<std::int64_t>::max());

constexpr std::array kInputKinds = {std::string_view("trace"), std::string_view("scenario")};
constexpr std::array kMemoryModels = {std::string_view("sc"), std::string_view("tso")};
constexpr std::array kPlanKeys = {
    ts::Key{.name = "format", .type = ts::Type::string, .required = true, .choices = std::span(&kPlanFormat, 1)},
    ts::Key{.name = "version", .type = ts::Type::integer, .required = true, .range = ts::between(1, 1)},
    ts::Key{.name = "input", .type = ts::Type::string, .required = true},
    ts::Key{.name = "input_kind", .type = ts::Type::string, .required = true, .choices = kInputKinds},
    ts::Key{.name = "sets", .type = ts::Type::array, .required = true, .entries = ts::Type::string},
    ts::Key{.name = "lock", .type = ts::Type::string, .required = true},
    ts::Key{.name = "machine", .type = ts::Type::string, .required = true},
    ts::Key{.name = "cores", .type = ts::Type::integer, .required = true, .range = ts::between(0, 1 << 20)},
    // --memory-model, when it was given (absent: the machine decides).
    ts::Key{.name = "memory_model", .type = ts::Type::string, .choices = kMemoryModels},
    ts::Key{.name = "first_seed", .type = ts::Type::integer, .required = true, .range = ts::between(0, kMaxSeed)},
    ts::Key{.name = "seeds", .type = ts::Type::integer, .required = true, .range = ts::between(1, kMaxSeed)},
    ts::Key{.name = "seeds_per_job", .type = ts::Type::integer, .required = true, .range = ts::between(1, kMaxSeed)},
    ts::Key{.name = "jitter", .type = ts::kNumber, .required = true, .range = ts::between(0, 1)},
    ts::Key{.name = "jobs", .type = ts::Type::integer, .required = true, .range = ts::between(1, kMaxSeed)}};
constexpr ts::Table kPlan{kPlanKeys};

constexpr std::array kFindingKeys = {
    ts::Key{.name = "seed", .type = ts::Type::integer, .required = true, .range = ts::between(0, kMaxSeed)},
    ts::Key{.name = "what", .type = ts::Type::string, .required = true}};
constexpr ts::Table kFinding{kFindingKeys};
constexpr std::array kRangeKeys = {
    ts::Key{.name = "format", .type = ts::Type::string, .required = true, .choices = std::span(&kRangeFormat, 1)},
    ts::Key{.name = "lock", .type = ts::Type::string, .required = true},
    ts::Key{.name = "machine", .type = ts::Type::string, .required = true},
    ts::Key{.name = "cores", .type = ts::Type::integer, .required = true, .range = ts::between(1, 1 << 20)},
    // Absent: sc, what every range written before tso existed ran.
    ts::Key{.name = "memory_model", .type = ts::Type::string, .choices = kMemoryModels},
    ts::Key{.name = "first_seed", .type = ts::Type::integer, .required = true, .range = ts::between(0, kMaxSeed)},
    ts::Key{.name = "seeds", .type = ts::Type::integer, .required = true, .range = ts::between(1, kMaxSeed)},
    ts::Key{.name = "jitter", .type = ts::kNumber, .required = true, .range = ts::between(0, 1)},
    ts::Key{.name = "finding", .type = ts::Type::array, .entries = ts::Type::table, .table = &kFinding}};
constexpr ts::Table kRange{kRangeKeys};

bool is_preset(std::string_view name) {
  const auto names = machine::preset_names();
  return std::ranges::find(names, name) != names.end();
}

std::string toml_text(const toml::table& t, std::string_view comment) {
  std::ostringstream out;
  out << comment << toml::toml_formatter{t} << "\n";
  return out.str();
}

std::expected<toml::table, std::string> read_checked(const std::string& file, const ts::Table& schema) {
  auto text = traces::read_file(file, traces::kMaxTextInputBytes);
  if (!text) return std::unexpected(text.error().to_string());
  auto doc = ts::parse(*text, file);
  if (!doc) return std::unexpected(doc.error().to_string());
  if (auto ok = ts::check(*doc, schema, file); !ok) return std::unexpected(ok.error().to_string());
  return std::move(*doc);
}

std::uint64_t u64(const toml::table& t, std::string_view key) {
  return static_cast<std::uint64_t>(t[key].value_or(std::int64_t{0}));
}

// The seeds of job `index`: K at a time, the last range what is left.
std::pair<std::uint64_t, std::uint64_t> range_of(const ExplorePlan& plan, std::uint64_t per_job, std::size_t index) {
  const std::uint64_t offset = per_job * index;
  return {plan.first_seed + offset, std::min(per_job, plan.seeds - offset)};
}

std::string job_line(const ExploreJobsSpec& spec, const ExplorePlan& jobs_plan, const fs::path& dir,
                     std::size_t index) {
  const auto [first, count] = range_of(jobs_plan, spec.seeds_per_job, index);
  using sweep::shell_quote;
  std::string line = shell_quote(spec.lockscope) + " explore";
  if (!jobs_plan.input.trace.empty()) {
    line += " " + shell_quote(jobs_plan.input.trace);
  } else {
    line += " --scenario " + shell_quote(jobs_plan.input.scenario);
    for (const std::string& set : jobs_plan.input.sets) line += " --set " + shell_quote(set);
  }
  line += " --lock " + shell_quote(jobs_plan.lock) + " --machine " + shell_quote(jobs_plan.machine);
  if (jobs_plan.cores != 0) line += fmt::format(" --cores {}", jobs_plan.cores);
  if (!jobs_plan.memory_model.empty()) line += " --memory-model " + shell_quote(jobs_plan.memory_model);
  line += fmt::format(" --jitter {} --first-seed {} --seeds {}", jobs_plan.jitter, first, count);
  line += " --results " + shell_quote((dir / sweep::run_file_name(index, "toml")).string());
  return line;
}

// Is `range` the result of job `index` of `m`? Empty when it is.
std::string mismatch(const ExploreRange& range, const MergedExploration& m, std::uint64_t per_job,
                     std::size_t index) {
  const auto [first, count] = range_of(m.plan, per_job, index);
  if (range.lock != m.plan.lock) return fmt::format("lock {} where the plan has {}", range.lock, m.plan.lock);
  if (range.machine != m.machine_name) {
    return fmt::format("machine {} where the plan has {}", range.machine, m.machine_name);
  }
  if (range.first_seed != first || range.seeds != count) {
    return fmt::format("seeds {}..{} where the plan has {}..{}", range.first_seed,
                       range.first_seed + range.seeds - 1, first, first + count - 1);
  }
  if (range.jitter != m.plan.jitter) return fmt::format("jitter {} where the plan has {}", range.jitter, m.plan.jitter);
  if (range.memory_model != machine::to_string(m.memory_model)) {
    return fmt::format("memory model {} where the plan has {}", range.memory_model, machine::to_string(m.memory_model));
  }
  return {};
}

}  // namespace

std::string write_explore_range(const ExploreRange& range) {
  toml::table t;
  t.insert("format", std::string(kRangeFormat));
  t.insert("lock", range.lock);
  t.insert("machine", range.machine);
  t.insert("cores", static_cast<std::int64_t>(range.cores));
  if (range.memory_model != "sc") t.insert("memory_model", range.memory_model);
  t.insert("first_seed", static_cast<std::int64_t>(range.first_seed));
  t.insert("seeds", static_cast<std::int64_t>(range.seeds));
  t.insert("jitter", range.jitter);
  toml::array findings;
  for (const ExploreFinding& f : range.findings) {
    findings.push_back(toml::table{{"seed", static_cast<std::int64_t>(f.seed)}, {"what", f.what}});
  }
  if (!findings.empty()) t.insert("finding", std::move(findings));
  return toml_text(t, "# One seed range of a lockscope exploration (lockscope explore --results).\n");
}

std::expected<ExploreRange, std::string> read_explore_range(const std::string& file) {
  auto t = read_checked(file, kRange);
  if (!t) return std::unexpected(t.error());
  ExploreRange r;
  r.lock = (*t)["lock"].value_or(std::string());
  r.machine = (*t)["machine"].value_or(std::string());
  r.cores = static_cast<unsigned>(u64(*t, "cores"));
  r.memory_model = (*t)["memory_model"].value_or(std::string("sc"));
  r.first_seed = u64(*t, "first_seed");
  r.seeds = u64(*t, "seeds");
  r.jitter = (*t)["jitter"].value_or(0.0);
  if (const toml::array* findings = (*t)["finding"].as_array()) {
    for (const toml::node& n : *findings) {
      const toml::table& f = *n.as_table();
      r.findings.push_back({u64(f, "seed"), f["what"].value_or(std::string())});
    }
  }
  return r;
}

std::expected<std::size_t, std::string> emit_explore_jobs(const ExploreJobsSpec& spec, const std::string& dir_arg) {
  std::error_code ec;
  fs::create_directories(dir_arg, ec);
  if (ec || !fs::is_directory(dir_arg)) {
    return std::unexpected(fmt::format("--emit-jobs: cannot create the directory {}", dir_arg));
  }
  const fs::path dir = fs::canonical(dir_arg, ec);
  if (ec) return std::unexpected(fmt::format("--emit-jobs: {}: {}", dir_arg, ec.message()));
  if (fs::exists(dir / "plan.toml")) {
    return std::unexpected(fmt::format("--emit-jobs: {} already holds a plan; merge it with "
                                       "`lockscope explore --merge {}` or choose a new directory",
                                       dir.string(), dir.string()));
  }
  if (spec.slurm && std::ranges::any_of(dir.string(), [](char c) { return c == ' ' || c == '\t' || c == '\n'; })) {
    return std::unexpected(fmt::format("--emit-slurm: {} has a blank in it, which #SBATCH lines cannot quote; "
                                       "choose a directory without one",
                                       dir.string()));
  }
  const ExplorePlan& plan = spec.plan;
  if (plan.first_seed > static_cast<std::uint64_t>(kMaxSeed) - plan.seeds) {
    return std::unexpected("--emit-jobs: the seeds must stay below 2^63 to be written into plan.toml");
  }
  const std::string& source = plan.input.trace.empty() ? plan.input.scenario : plan.input.trace;
  auto bytes = traces::read_file(source);
  if (!bytes) return std::unexpected(bytes.error().to_string());

  // The jobs' own view: files inside DIR, a machine by name or frozen.
  ExplorePlan jobs_plan = plan;
  const std::string input_rel = "input/" + fs::path(source).filename().string();
  (plan.input.trace.empty() ? jobs_plan.input.scenario : jobs_plan.input.trace) = (dir / input_rel).string();
  std::string machine_rel = plan.machine;
  if (!is_preset(plan.machine)) {
    machine_rel = "machine.toml";
    jobs_plan.machine = (dir / machine_rel).string();
  }
  const std::size_t jobs = static_cast<std::size_t>((plan.seeds + spec.seeds_per_job - 1) / spec.seeds_per_job);
  std::string lines;
  for (std::size_t i = 0; i < jobs; ++i) lines += job_line(spec, jobs_plan, dir, i) + "\n";

  fs::create_directories(dir / "input", ec);
  if (!ec) fs::create_directories(dir / "runs", ec);
  if (!ec && spec.slurm) fs::create_directories(dir / "slurm", ec);
  if (ec) return std::unexpected(fmt::format("--emit-jobs: cannot create a directory in {}: {}", dir.string(), ec.message()));
  auto write = [&](const std::string& rel, std::string_view text) {
    return traces::write_file_atomically((dir / rel).string(), text);
  };
  if (auto w = write(input_rel, *bytes); !w) return std::unexpected(w.error());
  if (!is_preset(plan.machine)) {
    if (auto w = write(machine_rel, machine::write_machine_toml(spec.machine)); !w) return std::unexpected(w.error());
  }
  if (auto w = write("jobs.txt", lines); !w) return std::unexpected(w.error());
  if (spec.slurm) {
    if (auto w = write("explore.sbatch", sweep::slurm_array_script(dir.string(), jobs, "explore", "toml")); !w) {
      return std::unexpected(w.error());
    }
  }
  toml::table t;
  t.insert("format", std::string(kPlanFormat));
  t.insert("version", 1);
  t.insert("input", input_rel);
  t.insert("input_kind", plan.input.trace.empty() ? "scenario" : "trace");
  toml::array sets;
  for (const std::string& s : plan.input.sets) sets.push_back(s);
  t.insert("sets", std::move(sets));
  t.insert("lock", plan.lock);
  t.insert("machine", machine_rel);
  t.insert("cores", static_cast<std::int64_t>(plan.cores));
  if (!plan.memory_model.empty()) t.insert("memory_model", plan.memory_model);
  t.insert("first_seed", static_cast<std::int64_t>(plan.first_seed));
  t.insert("seeds", static_cast<std::int64_t>(plan.seeds));
  t.insert("seeds_per_job", static_cast<std::int64_t>(spec.seeds_per_job));
  t.insert("jitter", plan.jitter);
  t.insert("jobs", static_cast<std::int64_t>(jobs));
  // The plan last: a directory with a plan is a complete set of jobs.
  if (auto w = write("plan.toml", toml_text(t, "# A lockscope exploration split into seed ranges (lockscope explore "
                                               "--emit-jobs).\n# `lockscope explore --merge <this directory>` "
                                               "reads it and runs/.\n"));
      !w) {
    return std::unexpected(w.error());
  }
  return jobs;
}

std::expected<MergedExploration, std::string> merge_explore_jobs(const std::string& dir_arg) {
  const fs::path dir(dir_arg);
  const std::string plan_file = (dir / "plan.toml").string();
  if (!fs::exists(plan_file)) {
    return std::unexpected(fmt::format("{}: no exploration plan here (--merge takes the directory that "
                                       "`lockscope explore --emit-jobs DIR` wrote)",
                                       plan_file));
  }
  auto t = read_checked(plan_file, kPlan);
  if (!t) return std::unexpected(t.error());
  MergedExploration m;
  const std::string input = (dir / (*t)["input"].value_or(std::string())).string();
  ((*t)["input_kind"].value_or(std::string()) == "trace" ? m.plan.input.trace : m.plan.input.scenario) = input;
  for (const toml::node& s : *(*t)["sets"].as_array()) m.plan.input.sets.push_back(s.value_or(std::string()));
  m.plan.lock = (*t)["lock"].value_or(std::string());
  const std::string machine = (*t)["machine"].value_or(std::string());
  m.plan.machine = is_preset(machine) ? machine : (dir / machine).string();
  m.plan.cores = static_cast<unsigned>(u64(*t, "cores"));
  m.plan.memory_model = (*t)["memory_model"].value_or(std::string());
  m.plan.first_seed = u64(*t, "first_seed");
  m.plan.seeds = u64(*t, "seeds");
  m.plan.jitter = (*t)["jitter"].value_or(0.0);
  const std::uint64_t per_job = u64(*t, "seeds_per_job");
  m.jobs = static_cast<std::size_t>(u64(*t, "jobs"));
  if (m.jobs != (m.plan.seeds + per_job - 1) / per_job) {
    return std::unexpected(fmt::format("{}: {} seeds at {} per job make {} jobs, not `jobs = {}`", plan_file,
                                       m.plan.seeds, per_job, (m.plan.seeds + per_job - 1) / per_job, m.jobs));
  }
  auto resolved = is_preset(machine) ? machine::preset(machine) : [&]() -> std::expected<machine::Machine, std::string> {
    auto f = machine::read_machine_file(m.plan.machine);
    if (!f) return std::unexpected(f.error().to_string());
    return std::move(*f);
  }();
  if (!resolved) return std::unexpected(resolved.error());
  m.machine_name = resolved->name;
  m.machine_cores = m.plan.cores != 0 ? m.plan.cores : static_cast<unsigned>(resolved->cores());
  m.memory_model = m.plan.memory_model.empty() ? resolved->memory_model
                                               : *machine::parse_memory_model(m.plan.memory_model);

  const std::string jobs_file = (dir / "jobs.txt").string();
  auto jobs_text = traces::read_file(jobs_file);
  if (!jobs_text) return std::unexpected(jobs_text.error().to_string());
  const std::vector<std::string> lines = sweep::lines_of(*jobs_text);
  if (lines.size() != m.jobs) {
    return std::unexpected(fmt::format("{}: {} lines, but the plan has {} jobs", jobs_file, lines.size(), m.jobs));
  }
  for (std::size_t i = 0; i < m.jobs; ++i) {
    const fs::path file = dir / sweep::run_file_name(i, "toml");
    if (!fs::exists(file)) {
      m.missing.push_back(i);
      m.missing_jobs.push_back(lines[i]);
      continue;
    }
    auto range = read_explore_range(file.string());
    if (!range) return std::unexpected(range.error());
    if (const std::string why = mismatch(*range, m, per_job, i); !why.empty()) {
      return std::unexpected(fmt::format("{}: not job {} of this plan: {}", file.string(), i + 1, why));
    }
    m.seeds_done += range->seeds;
    for (ExploreFinding& f : range->findings) m.findings.push_back(std::move(f));
  }
  return m;
}

}  // namespace lockscope::engine::cli
