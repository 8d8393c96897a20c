#include "engine/sweep/sweep_plan.hpp"

#include <fmt/format.h>

#include <charconv>

#include "engine/replay/replay.hpp"
#include "engine/scenario/scenario_reader.hpp"
#include "traces/read_file.hpp"

namespace lockscope::engine::sweep {
namespace {

// Splits at commas that are outside braces, brackets and double quotes.
std::vector<std::string> split_top_level(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  int depth = 0;
  bool quoted = false;
  for (const char c : text) {
    if (quoted) {
      if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(std::move(item));
      item.clear();
      continue;
    }
    item += c;
  }
  out.push_back(std::move(item));
  return out;
}

std::string contexts_override(std::uint32_t cores) {
  std::string s = "contexts.count=";
  s += std::to_string(cores);
  return s;
}

}  // namespace

std::expected<SetAxis, std::string> parse_set_axis(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return std::unexpected(fmt::format("--set {}: expected key=value[,value...]", text));
  }
  SetAxis axis;
  axis.key = text.substr(0, eq);
  for (std::string& v : split_top_level(text.substr(eq + 1))) {
    if (v.empty()) return std::unexpected(fmt::format("--set {}: an empty value", text));
    axis.values.push_back(std::move(v));
  }
  return axis;
}

std::expected<std::vector<std::uint32_t>, std::string> parse_counts(const std::string& text, const std::string& flag) {
  std::vector<std::uint32_t> out;
  for (const std::string& item : split_top_level(text)) {
    std::uint32_t v = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || ec != std::errc{} || end != item.data() + item.size() || v == 0) {
      return std::unexpected(fmt::format("{}: '{}' is not a positive whole number", flag, item));
    }
    out.push_back(v);
  }
  return out;
}

std::vector<SweepRun> expand(const SweepPlanInput& input) {
  // Every combination of axis values, the last axis varying fastest.
  std::vector<std::vector<std::pair<std::string, std::string>>> combos{{}};
  for (const SetAxis& axis : input.axes) {
    std::vector<std::vector<std::pair<std::string, std::string>>> next;
    for (const auto& combo : combos) {
      for (const std::string& v : axis.values) {
        auto c = combo;
        c.emplace_back(axis.key, v);
        next.push_back(std::move(c));
      }
    }
    combos = std::move(next);
  }
  std::vector<SweepRun> runs;
  for (const std::string& lock : input.locks) {
    for (const auto& combo : combos) {
      for (const std::uint32_t cores : input.cores) {
        SweepRun run{lock, cores, combo, input.fixed_sets};
        for (const auto& [k, v] : combo) run.overrides.push_back(k + "=" + v);
        if (input.contexts_follow_cores) run.overrides.push_back(contexts_override(cores));
        runs.push_back(std::move(run));
      }
    }
  }
  return runs;
}

std::expected<void, std::string> validate(const SweepPlanInput& input, std::uint32_t machine_cores) {
  if (input.locks.empty()) return std::unexpected("--locks: no lock named");
  for (const std::string& lock : input.locks) {
    if (const std::string problem = replay::sim_lock_problem(lock); !problem.empty()) {
      return std::unexpected("--locks: " + problem);
    }
  }
  if (input.cores.empty()) return std::unexpected("--cores: no core count given");
  for (const std::uint32_t c : input.cores) {
    if (c == 0 || c > machine_cores) {
      return std::unexpected(fmt::format("--cores: {} is not between 1 and the machine's {} cores", c, machine_cores));
    }
  }
  for (std::size_t i = 0; i < input.axes.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (input.axes[i].key == input.axes[j].key) {
        return std::unexpected(fmt::format("--set: {} is swept twice; list its values in one --set", input.axes[i].key));
      }
    }
    if (input.contexts_follow_cores && input.axes[i].key == "contexts.count") {
      return std::unexpected("--set contexts.count: the sweep sets it from --cores; add --keep-contexts to sweep it");
    }
  }

  // Counted before anything is expanded: a plan of millions of runs would
  // take minutes and gigabytes just to list.
  double runs = static_cast<double>(input.locks.size()) * static_cast<double>(input.cores.size());
  for (const SetAxis& axis : input.axes) runs *= static_cast<double>(axis.values.size());
  if (runs > static_cast<double>(kMaxSweepRuns)) {
    return std::unexpected(fmt::format("the sweep has {:.0f} runs (locks x core counts x --set values); at most {} "
                                       "in one sweep: split it into several",
                                       runs, kMaxSweepRuns));
  }

  const auto text = traces::read_file(input.scenario);
  if (!text) return std::unexpected(fmt::format("--scenario: {}", text.error().to_string()));
  auto doc = scenario::parse_scenario_doc(*text, input.scenario);
  if (!doc) return std::unexpected(doc.error().to_string());

  // Each run's overrides, on a copy of the document, read like one replay's.
  // Lock names do not change what the scenario reads, so one lock suffices.
  SweepPlanInput one = input;
  one.locks.resize(1);
  for (const SweepRun& run : expand(one)) {
    scenario::ScenarioDoc copy = *doc;
    std::size_t index = 0;
    for (const std::string& o : run.overrides) {
      if (auto applied = scenario::apply_override(copy, o, ++index); !applied) {
        return std::unexpected(fmt::format("--set {}: {}", o, applied.error().message));
      }
    }
    if (auto s = scenario::scenario_from_doc(copy); !s) {
      std::string where;
      for (const std::string& o : run.overrides) where += " " + o;
      return std::unexpected(fmt::format("{} (with{})", s.error().message, where));
    }
  }
  return {};
}

}  // namespace lockscope::engine::sweep
