#include "engine/scenario/scenario_reader.hpp"

#include "engine/scenario/generator.hpp"
#include "traces/workload_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

namespace lockscope::engine::scenario {
namespace {

using traces::ParseError;

// ---- schema -----------------------------------------------------------------

enum class KeyType : std::uint8_t { string, integer, number, dist };

struct KeySpec {
  std::string_view section;
  std::string_view key;
  KeyType type;
};

constexpr std::array kSections = {std::string_view{"scenario"}, std::string_view{"contexts"},
                                  std::string_view{"workers"},  std::string_view{"reads"},
                                  std::string_view{"writes"},   std::string_view{"churn"},
                                  std::string_view{"migration"}};

constexpr std::array kKeys = {
    KeySpec{"scenario", "name", KeyType::string},
    KeySpec{"scenario", "description", KeyType::string},
    KeySpec{"scenario", "duration_us", KeyType::integer},
    KeySpec{"scenario", "seed", KeyType::integer},
    KeySpec{"contexts", "count", KeyType::integer},
    KeySpec{"contexts", "workers_per_context", KeyType::integer},
    KeySpec{"workers", "think_ns", KeyType::dist},
    KeySpec{"reads", "cs_ns", KeyType::dist},
    KeySpec{"writes", "write_permille", KeyType::number},
    KeySpec{"writes", "cs_ns", KeyType::dist},
    KeySpec{"writes", "writer_period_us", KeyType::integer},
    KeySpec{"writes", "writers", KeyType::integer},
    KeySpec{"writes", "writer_jitter_ns", KeyType::integer},
    KeySpec{"writes", "writer_context", KeyType::integer},
    KeySpec{"churn", "period_us", KeyType::integer},
    KeySpec{"churn", "sections", KeyType::integer},
    KeySpec{"churn", "orphan_permille", KeyType::integer},
    KeySpec{"migration", "permille", KeyType::integer},
};

constexpr std::array kDistKeys = {KeySpec{"", "dist", KeyType::string}, KeySpec{"", "mean", KeyType::integer},
                                  KeySpec{"", "min", KeyType::integer}, KeySpec{"", "max", KeyType::integer}};

constexpr std::uint64_t kMaxNs = 1'000'000'000'000ULL;  // 1000 s: any single hold or think
constexpr std::uint64_t kMaxUs = 1'000'000'000ULL;      // 1000 s: durations and periods
constexpr std::uint64_t kMaxContexts = 65536;
constexpr std::uint64_t kMaxWorkers = 65536;

const KeySpec* find_key(std::string_view section, std::string_view key) {
  for (const KeySpec& spec : kKeys) {
    if (spec.section == section && spec.key == key) return &spec;
  }
  return nullptr;
}

const KeySpec* find_dist_key(std::string_view key) {
  for (const KeySpec& spec : kDistKeys) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

bool is_section(std::string_view name) { return std::ranges::find(kSections, name) != kSections.end(); }

std::string known_keys(std::string_view section) {
  std::string out;
  for (const KeySpec& spec : kKeys) {
    if (spec.section != section) continue;
    if (!out.empty()) out += ", ";
    out += spec.key;
  }
  return out;
}

std::string_view type_name(KeyType type) {
  switch (type) {
    case KeyType::string: return "a string";
    case KeyType::integer: return "an integer";
    case KeyType::number: return "a number";
    case KeyType::dist: return "a distribution (an integer in ns, or a table with dist, mean, min, max)";
  }
  return "?";
}

bool has_type(const toml::node& node, KeyType type) {
  switch (type) {
    case KeyType::string: return node.is_string();
    case KeyType::integer: return node.is_integer();
    case KeyType::number: return node.is_integer() || node.is_floating_point();
    case KeyType::dist: return node.is_integer() || node.is_table();
  }
  return false;
}

// ---- errors -----------------------------------------------------------------

// Thrown inside this file only; every public function returns it as a value.
struct Failure {
  ParseError error;
};

[[noreturn]] void fail_at(const std::string& file, const toml::source_region& where, std::string message) {
  ParseError error;
  error.file = where.path ? *where.path : file;
  error.line = where.begin.line;
  error.column = where.begin.column;
  error.message = std::move(message);
  throw Failure{std::move(error)};
}

// ---- validation ---------------------------------------------------------------

class Validator {
 public:
  explicit Validator(const ScenarioDoc& doc) : doc_(doc) {}

  Scenario run() {
    check_structure();
    Scenario s;
    s.source = doc_.file;
    s.name = std::filesystem::path(doc_.file).stem().string();
    if (auto v = string_of("scenario", "name")) s.name = *v;
    if (auto v = string_of("scenario", "description")) s.description = *v;
    s.duration_us = integer_of("scenario", "duration_us", 1, kMaxUs).value_or(s.duration_us);
    s.seed = integer_of("scenario", "seed", 0, UINT64_MAX).value_or(s.seed);
    s.contexts = narrow(integer_of("contexts", "count", 1, kMaxContexts).value_or(s.contexts));
    s.workers_per_context =
        narrow(integer_of("contexts", "workers_per_context", 1, kMaxWorkers).value_or(s.workers_per_context));
    if (std::uint64_t{s.contexts} * s.workers_per_context > kMaxWorkers) {
      fail_at(doc_.file, region("contexts", "workers_per_context"),
              fmt::format("contexts.count * contexts.workers_per_context is {}; at most {} workers",
                          std::uint64_t{s.contexts} * s.workers_per_context, kMaxWorkers));
    }
    s.think_ns = dist_of("workers", "think_ns").value_or(s.think_ns);
    s.read_cs_ns = dist_of("reads", "cs_ns").value_or(s.read_cs_ns);
    s.write_permille = permille_of("writes", "write_permille").value_or(s.write_permille);
    s.write_cs_ns = dist_of("writes", "cs_ns").value_or(s.write_cs_ns);
    s.writer_period_us = integer_of("writes", "writer_period_us", 0, kMaxUs).value_or(s.writer_period_us);
    s.writers = narrow(integer_of("writes", "writers", 1, 4096).value_or(s.writers));
    s.writer_jitter_ns = integer_of("writes", "writer_jitter_ns", 0, kMaxNs).value_or(s.writer_jitter_ns);
    s.writer_context = narrow(integer_of("writes", "writer_context", 0, kMaxContexts).value_or(s.writer_context));
    if (s.writer_context >= s.contexts) {
      fail_at(doc_.file, region("writes", "writer_context"),
              fmt::format("writes.writer_context is {}, but only contexts 0 .. {} exist", s.writer_context,
                          s.contexts - 1));
    }
    s.churn_period_us = integer_of("churn", "period_us", 0, kMaxUs).value_or(s.churn_period_us);
    s.churn_sections = narrow(integer_of("churn", "sections", 0, 1000).value_or(s.churn_sections));
    s.orphan_permille = narrow(integer_of("churn", "orphan_permille", 0, 1000).value_or(s.orphan_permille));
    s.migration_permille = narrow(integer_of("migration", "permille", 0, 1000).value_or(s.migration_permille));

    const double write_share = s.write_permille / 1000.0;
    const double iteration = s.think_ns.expected() + write_share * s.write_cs_ns.expected() +
                             (1.0 - write_share) * s.read_cs_ns.expected();
    if (iteration <= 0.0) {
      fail_at(doc_.file, region("workers", "think_ns"),
              "think and critical-section times are all 0 ns: workers would never reach duration_us");
    }
    const double ops = estimated_op_count(s);
    if (ops > kMaxEstimatedOps) {
      fail_at(doc_.file, region("scenario", "duration_us"),
              fmt::format("this scenario would generate about {:.0f} million ops (limit {:.0f} million); "
                          "lower scenario.duration_us or the worker count",
                          ops / 1e6, kMaxEstimatedOps / 1e6));
    }
    return s;
  }

 private:
  static std::uint32_t narrow(std::uint64_t v) { return static_cast<std::uint32_t>(v); }

  const toml::node* node(std::string_view section, std::string_view key) const {
    const toml::table* table = doc_.table[section].as_table();
    return table != nullptr ? table->get(key) : nullptr;
  }

  toml::source_region region(std::string_view section, std::string_view key) const {
    const toml::node* n = node(section, key);
    return n != nullptr ? n->source() : toml::source_region{};
  }

  void check_structure() const {
    for (auto&& [name, value] : doc_.table) {
      if (!is_section(name.str())) {
        fail_at(doc_.file, name.source(),
                fmt::format("unknown table [{}] (known: scenario, contexts, workers, reads, writes, churn, migration)",
                            name.str()));
      }
      const toml::table* section = value.as_table();
      if (section == nullptr) fail_at(doc_.file, value.source(), fmt::format("`{}` must be a table", name.str()));
      for (auto&& [key, item] : *section) {
        const KeySpec* spec = find_key(name.str(), key.str());
        if (spec == nullptr) {
          fail_at(doc_.file, key.source(),
                  fmt::format("unknown key `{}` in [{}] (known: {})", key.str(), name.str(), known_keys(name.str())));
        }
        check_type(item, *spec, fmt::format("{}.{}", name.str(), key.str()));
        if (const toml::table* dist = item.as_table(); dist != nullptr) {
          for (auto&& [sub, subitem] : *dist) {
            const KeySpec* subspec = find_dist_key(sub.str());
            if (subspec == nullptr) {
              fail_at(doc_.file, sub.source(),
                      fmt::format("unknown key `{}` in distribution {}.{} (known: dist, mean, min, max)", sub.str(),
                                  name.str(), key.str()));
            }
            check_type(subitem, *subspec, fmt::format("{}.{}.{}", name.str(), key.str(), sub.str()));
          }
        }
      }
    }
  }

  void check_type(const toml::node& item, const KeySpec& spec, const std::string& path) const {
    if (!has_type(item, spec.type)) {
      fail_at(doc_.file, item.source(), fmt::format("{} must be {}", path, type_name(spec.type)));
    }
  }

  std::optional<std::string> string_of(std::string_view section, std::string_view key) const {
    const toml::node* n = node(section, key);
    if (n == nullptr) return std::nullopt;
    return n->as_string()->get();
  }

  std::uint64_t checked(const toml::node& n, const std::string& path, std::uint64_t lo, std::uint64_t hi) const {
    const std::int64_t v = n.as_integer()->get();
    if (v < 0) fail_at(doc_.file, n.source(), fmt::format("{} is {}; it must not be negative", path, v));
    const auto u = static_cast<std::uint64_t>(v);
    if (u < lo || u > hi) {
      fail_at(doc_.file, n.source(), fmt::format("{} is {}; it must be between {} and {}", path, u, lo, hi));
    }
    return u;
  }

  std::optional<std::uint64_t> integer_of(std::string_view section, std::string_view key, std::uint64_t lo,
                                          std::uint64_t hi) const {
    const toml::node* n = node(section, key);
    if (n == nullptr) return std::nullopt;
    return checked(*n, fmt::format("{}.{}", section, key), lo, hi);
  }

  // A rate per thousand that may be fractional down to 0.001 (one in a
  // million): `write_permille = 0.1` is one write per 10,000 acquisitions.
  std::optional<double> permille_of(std::string_view section, std::string_view key) const {
    const toml::node* n = node(section, key);
    if (n == nullptr) return std::nullopt;
    const std::string path = fmt::format("{}.{}", section, key);
    if (n->is_integer()) return static_cast<double>(checked(*n, path, 0, 1000));
    const double v = n->as_floating_point()->get();
    if (!(v >= 0.0 && v <= 1000.0)) {
      fail_at(doc_.file, n->source(), fmt::format("{} is {}; it must be between 0 and 1000", path, v));
    }
    const double per_million = v * 1000.0;
    if (std::fabs(per_million - std::round(per_million)) > 1e-6) {
      fail_at(doc_.file, n->source(),
              fmt::format("{} is {}; its resolution is 0.001 (one in a million)", path, v));
    }
    return std::round(per_million) / 1000.0;
  }

  std::optional<Distribution> dist_of(std::string_view section, std::string_view key) const {
    const toml::node* n = node(section, key);
    if (n == nullptr) return std::nullopt;
    const std::string path = fmt::format("{}.{}", section, key);
    if (n->is_integer()) return Distribution::fixed(checked(*n, path, 0, kMaxNs));
    const toml::table& t = *n->as_table();
    auto part = [&](std::string_view sub) -> std::optional<std::uint64_t> {
      const toml::node* p = t.get(sub);
      if (p == nullptr) return std::nullopt;
      return checked(*p, fmt::format("{}.{}", path, sub), 0, kMaxNs);
    };
    auto where = [&](std::string_view sub) { return t.get(sub) != nullptr ? t.get(sub)->source() : t.source(); };
    auto reject = [&](std::string_view sub, std::string_view kind, std::string_view uses) {
      if (t.get(sub) != nullptr) {
        fail_at(doc_.file, where(sub),
                fmt::format("{}.{}: a {} distribution takes only {}", path, sub, kind, uses));
      }
    };
    auto require = [&](std::string_view sub, std::string_view kind) {
      const auto v = part(sub);
      if (!v) fail_at(doc_.file, t.source(), fmt::format("{}: a {} distribution needs `{}`", path, kind, sub));
      return *v;
    };
    std::string kind = "fixed";
    if (const toml::node* d = t.get("dist")) kind = d->as_string()->get();
    if (kind == "fixed") {
      reject("min", kind, "mean");
      reject("max", kind, "mean");
      return Distribution::fixed(require("mean", kind));
    }
    if (kind == "uniform") {
      reject("mean", kind, "min and max (the mean is their midpoint)");
      const std::uint64_t lo = require("min", kind);
      const std::uint64_t hi = require("max", kind);
      if (lo > hi) fail_at(doc_.file, where("min"), fmt::format("{}: min ({}) is greater than max ({})", path, lo, hi));
      return Distribution::uniform(lo, hi);
    }
    if (kind == "exponential") {
      const std::uint64_t mean = require("mean", kind);
      const std::uint64_t lo = part("min").value_or(0);
      const std::uint64_t hi = part("max").value_or(Distribution::kNoMax);
      if (lo > mean) fail_at(doc_.file, where("min"), fmt::format("{}: min ({}) is greater than mean ({})", path, lo, mean));
      if (hi < mean) fail_at(doc_.file, where("max"), fmt::format("{}: max ({}) is less than mean ({})", path, hi, mean));
      return Distribution::exponential(mean, lo, hi);
    }
    fail_at(doc_.file, where("dist"),
            fmt::format("{}.dist is \"{}\"; expected \"fixed\", \"uniform\" or \"exponential\"", path, kind));
  }

  const ScenarioDoc& doc_;
};

// ---- overrides ----------------------------------------------------------------

ParseError override_error(std::size_t index, std::size_t column, std::string message) {
  return ParseError{"--set", index, column, std::move(message)};
}

// Parses `value` as the TOML value of a one-key document laid out so that the
// value's source region is (line `index`, column `column`) of file "--set".
std::optional<toml::table> parse_value(std::string_view value, std::size_t index, std::size_t column) {
  std::string text(index - 1, '\n');
  text += 'x';
  text.append(column >= 3 ? column - 3 : 0, ' ');
  text += '=';
  text += value;
  try {
    return toml::parse(std::string_view{text}, std::string_view{"--set"});
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
}

void put(toml::table& table, std::string_view key, toml::node&& value) {
  std::move(value).visit([&](auto&& v) { table.insert_or_assign(key, std::move(v)); });
}

}  // namespace

std::expected<ScenarioDoc, ParseError> parse_scenario_doc(std::string_view text, std::string_view file) {
  ScenarioDoc doc;
  doc.file = std::string(file);
  try {
    doc.table = toml::parse(text, std::string_view{doc.file});
  } catch (const toml::parse_error& e) {
    return std::unexpected(ParseError{doc.file, e.source().begin.line, e.source().begin.column,
                                      std::string(e.description())});
  }
  return doc;
}

std::expected<void, ParseError> apply_override(ScenarioDoc& doc, std::string_view text, std::size_t index) {
  if (index == 0) index = 1;
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    return std::unexpected(override_error(index, 1, fmt::format("`{}` is not key=value", text)));
  }
  // Split the dotted key, remembering each part's column.
  std::vector<std::pair<std::string_view, std::size_t>> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= eq; ++i) {
    if (i == eq || text[i] == '.') {
      std::string_view part = text.substr(start, i - start);
      std::size_t column = start + 1;
      while (!part.empty() && part.front() == ' ') {
        part.remove_prefix(1);
        ++column;
      }
      while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
      parts.emplace_back(part, column);
      start = i + 1;
    }
  }
  std::size_t value_column = eq + 2;
  std::string_view value = text.substr(eq + 1);
  while (!value.empty() && value.front() == ' ') {
    value.remove_prefix(1);
    ++value_column;
  }
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);

  const auto [section, section_column] = parts[0];
  if (!is_section(section)) {
    return std::unexpected(override_error(
        index, section_column,
        fmt::format("unknown table `{}` (known: scenario, contexts, workers, reads, writes, churn, migration)", section)));
  }
  if (parts.size() < 2) {
    return std::unexpected(override_error(index, section_column, fmt::format("`{}` needs a key: {}.<key>", section, section)));
  }
  const KeySpec* spec = find_key(section, parts[1].first);
  if (spec == nullptr) {
    return std::unexpected(override_error(
        index, parts[1].second,
        fmt::format("unknown key `{}` in [{}] (known: {})", parts[1].first, section, known_keys(section))));
  }
  const KeySpec* leaf = spec;
  if (parts.size() >= 3) {
    if (spec->type != KeyType::dist) {
      return std::unexpected(override_error(index, parts[2].second,
                                            fmt::format("{}.{} has no sub-keys", section, spec->key)));
    }
    leaf = find_dist_key(parts[2].first);
    if (leaf == nullptr) {
      return std::unexpected(override_error(
          index, parts[2].second,
          fmt::format("unknown key `{}` in distribution {}.{} (known: dist, mean, min, max)", parts[2].first, section,
                      spec->key)));
    }
    if (parts.size() > 3) {
      return std::unexpected(override_error(index, parts[3].second, "a distribution key has no sub-keys"));
    }
  }
  const std::string path = fmt::format("{}.{}{}{}", section, spec->key, leaf != spec ? "." : "",
                                       leaf != spec ? leaf->key : "");
  if (value.empty()) {
    return std::unexpected(override_error(index, value_column, fmt::format("{} needs a value", path)));
  }

  std::optional<toml::table> parsed = parse_value(value, index, value_column);
  const bool typed = parsed && parsed->get("x") != nullptr && has_type(*parsed->get("x"), leaf->type);
  if (!typed && leaf->type == KeyType::string && value.find_first_of("'\n\r") == std::string_view::npos) {
    // A bare string: quote it, keeping the value's column.
    parsed = parse_value(fmt::format("'{}'", value), index, value_column);
  }
  if (!parsed || parsed->get("x") == nullptr || !has_type(*parsed->get("x"), leaf->type)) {
    return std::unexpected(
        override_error(index, value_column, fmt::format("`{}` is not valid for {}: expected {}", value, path,
                                                        type_name(leaf->type))));
  }

  toml::node* section_node = doc.table.get(section);
  if (section_node == nullptr) {
    doc.table.insert_or_assign(section, toml::table{});
    section_node = doc.table.get(section);
  }
  toml::table* target = section_node->as_table();
  if (target == nullptr) {
    return std::unexpected(override_error(index, section_column, fmt::format("`{}` in the scenario is not a table", section)));
  }
  if (leaf != spec) {
    toml::node* dist = target->get(spec->key);
    if (dist != nullptr && dist->is_integer()) {
      // `cs_ns = 100` is short for a fixed distribution; expand it to set one part.
      toml::table expanded;
      expanded.insert_or_assign("dist", "fixed");
      expanded.insert_or_assign("mean", dist->as_integer()->get());
      target->insert_or_assign(spec->key, std::move(expanded));
      dist = target->get(spec->key);
    }
    if (dist == nullptr) {
      target->insert_or_assign(spec->key, toml::table{});
      dist = target->get(spec->key);
    }
    if (!dist->is_table()) {
      return std::unexpected(override_error(index, parts[1].second, fmt::format("{}.{} is not a table", section, spec->key)));
    }
    target = dist->as_table();
  }
  put(*target, leaf->key, std::move(*parsed->get("x")));
  return {};
}

std::expected<Scenario, ParseError> scenario_from_doc(const ScenarioDoc& doc) {
  try {
    return Validator(doc).run();
  } catch (const Failure& failure) {
    return std::unexpected(failure.error);
  }
}

std::expected<Scenario, ParseError> read_scenario(std::string_view text, std::string_view file,
                                                  std::span<const std::string> overrides) {
  auto doc = parse_scenario_doc(text, file);
  if (!doc) return std::unexpected(doc.error());
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    if (auto applied = apply_override(*doc, overrides[i], i + 1); !applied) return std::unexpected(applied.error());
  }
  auto scenario = scenario_from_doc(*doc);
  if (!scenario) return scenario;
  scenario->overrides.assign(overrides.begin(), overrides.end());
  return scenario;
}

std::expected<Scenario, ParseError> read_scenario_file(const std::string& path, std::span<const std::string> overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(ParseError{path, 0, 0, "cannot open the scenario file"});
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return std::unexpected(ParseError{path, 0, 0, "cannot read the scenario file"});
  return read_scenario(content.view(), path, overrides);
}

}  // namespace lockscope::engine::scenario
