#include "engine/scenario/scenario_reader.hpp"

#include "engine/scenario/generator.hpp"
#include "traces/read_file.hpp"
#include "traces/toml_schema.hpp"
#include "traces/workload_reader.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

namespace lockscope::engine::scenario {
namespace {

using traces::ParseError;
namespace toml_schema = traces::toml_schema;

// ---- schema -----------------------------------------------------------------

using toml_schema::between;
using toml_schema::Key;
using toml_schema::Table;
using toml_schema::Type;

constexpr std::uint64_t kMaxNs = 1'000'000'000'000ULL;  // 1000 s: any single hold or think
constexpr std::uint64_t kMaxUs = 1'000'000'000ULL;      // 1000 s: durations and periods
constexpr std::uint64_t kMaxContexts = 65536;
constexpr std::uint64_t kMaxWorkers = 65536;

constexpr toml_schema::Range kNs = between(0, kMaxNs);
constexpr toml_schema::Range kPermille = between(0, 1000);

constexpr std::array<std::string_view, 3> kDistKinds = {"fixed", "uniform", "exponential"};
constexpr std::array kDistKeys = {
    Key{.name = "dist", .type = Type::string, .choices = kDistKinds},
    Key{.name = "mean", .type = Type::integer, .range = kNs},
    Key{.name = "min", .type = Type::integer, .range = kNs},
    Key{.name = "max", .type = Type::integer, .range = kNs},
};
constexpr Table kDist{kDistKeys};

// A time in ns: an integer (fixed), or a table with dist, mean, min, max.
constexpr Key dist_key(std::string_view name) {
  return Key{.name = name,
             .type = Type::integer | Type::table,
             .range = kNs,
             .table = &kDist,
             .expected = "a distribution (an integer in ns, or a table with dist, mean, min, max)"};
}

constexpr std::array kScenarioKeys = {
    Key{.name = "name", .type = Type::string},
    Key{.name = "description", .type = Type::string},
    Key{.name = "duration_us", .type = Type::integer, .range = between(1, kMaxUs)},
    Key{.name = "seed", .type = Type::integer, .range = toml_schema::kNonNegative},
};
constexpr std::array kContextsKeys = {
    Key{.name = "count", .type = Type::integer, .range = between(1, kMaxContexts)},
    Key{.name = "workers_per_context", .type = Type::integer, .range = between(1, kMaxWorkers)},
};
constexpr std::array kWorkersKeys = {dist_key("think_ns")};
constexpr std::array kReadsKeys = {dist_key("cs_ns")};
constexpr std::array kWritesKeys = {
    Key{.name = "write_permille", .type = toml_schema::kNumber, .range = kPermille},
    dist_key("cs_ns"),
    Key{.name = "writer_period_us", .type = Type::integer, .range = between(0, kMaxUs)},
    Key{.name = "writers", .type = Type::integer, .range = between(1, 4096)},
    Key{.name = "writer_jitter_ns", .type = Type::integer, .range = kNs},
    Key{.name = "writer_context", .type = Type::integer, .range = between(0, kMaxContexts)},
};
constexpr std::array kChurnKeys = {
    Key{.name = "period_us", .type = Type::integer, .range = between(0, kMaxUs)},
    Key{.name = "sections", .type = Type::integer, .range = kPermille},
    Key{.name = "orphan_permille", .type = Type::integer, .range = kPermille},
};
constexpr std::array kMigrationKeys = {Key{.name = "permille", .type = Type::integer, .range = kPermille}};

constexpr Table kScenarioSection{kScenarioKeys};
constexpr Table kContexts{kContextsKeys};
constexpr Table kWorkers{kWorkersKeys};
constexpr Table kReads{kReadsKeys};
constexpr Table kWrites{kWritesKeys};
constexpr Table kChurn{kChurnKeys};
constexpr Table kMigration{kMigrationKeys};

constexpr std::array kSectionKeys = {
    Key{.name = "scenario", .type = Type::table, .table = &kScenarioSection},
    Key{.name = "contexts", .type = Type::table, .table = &kContexts},
    Key{.name = "workers", .type = Type::table, .table = &kWorkers},
    Key{.name = "reads", .type = Type::table, .table = &kReads},
    Key{.name = "writes", .type = Type::table, .table = &kWrites},
    Key{.name = "churn", .type = Type::table, .table = &kChurn},
    Key{.name = "migration", .type = Type::table, .table = &kMigration},
};
// The whole file: tables only, each with its keys.
constexpr Table kScenario{kSectionKeys};

// ---- errors -----------------------------------------------------------------

// Thrown inside this file only; every public function returns it as a value.
struct Failure {
  ParseError error;
};

[[noreturn]] void fail_at(const std::string& file, const toml::source_region& where, std::string message) {
  throw Failure{toml_schema::error_at(where, file, std::move(message))};
}

// ---- validation ---------------------------------------------------------------

// Every key, type and range is the schema's (checked first, so the getters
// below meet only well-typed values in range); what is left here depends on
// several values at once.
class Validator {
 public:
  explicit Validator(const ScenarioDoc& doc) : doc_(doc) {}

  Scenario run() {
    if (auto ok = toml_schema::check(doc_.table, kScenario, doc_.file); !ok) throw Failure{ok.error()};
    Scenario s;
    s.source = doc_.file;
    s.name = std::filesystem::path(doc_.file).stem().string();
    if (auto v = string_of("scenario", "name")) s.name = *v;
    if (auto v = string_of("scenario", "description")) s.description = *v;
    s.duration_us = integer_of("scenario", "duration_us").value_or(s.duration_us);
    s.seed = integer_of("scenario", "seed").value_or(s.seed);
    s.contexts = narrow(integer_of("contexts", "count").value_or(s.contexts));
    s.workers_per_context = narrow(integer_of("contexts", "workers_per_context").value_or(s.workers_per_context));
    if (std::uint64_t{s.contexts} * s.workers_per_context > kMaxWorkers) {
      fail_at(doc_.file, region("contexts", "workers_per_context"),
              fmt::format("`contexts.count` * `contexts.workers_per_context` is {}; at most {} workers",
                          std::uint64_t{s.contexts} * s.workers_per_context, kMaxWorkers));
    }
    s.think_ns = dist_of("workers", "think_ns").value_or(s.think_ns);
    s.read_cs_ns = dist_of("reads", "cs_ns").value_or(s.read_cs_ns);
    s.write_permille = permille_of("writes", "write_permille").value_or(s.write_permille);
    s.write_cs_ns = dist_of("writes", "cs_ns").value_or(s.write_cs_ns);
    s.writer_period_us = integer_of("writes", "writer_period_us").value_or(s.writer_period_us);
    s.writers = narrow(integer_of("writes", "writers").value_or(s.writers));
    s.writer_jitter_ns = integer_of("writes", "writer_jitter_ns").value_or(s.writer_jitter_ns);
    s.writer_context = narrow(integer_of("writes", "writer_context").value_or(s.writer_context));
    if (s.writer_context >= s.contexts) {
      fail_at(doc_.file, region("writes", "writer_context"),
              fmt::format("`writes.writer_context` is {}, but only contexts 0 .. {} exist", s.writer_context,
                          s.contexts - 1));
    }
    s.churn_period_us = integer_of("churn", "period_us").value_or(s.churn_period_us);
    s.churn_sections = narrow(integer_of("churn", "sections").value_or(s.churn_sections));
    s.orphan_permille = narrow(integer_of("churn", "orphan_permille").value_or(s.orphan_permille));
    s.migration_permille = narrow(integer_of("migration", "permille").value_or(s.migration_permille));

    if (expected_iteration_ns(s) <= 0.0) {
      fail_at(doc_.file, region("workers", "think_ns"),
              "think and critical-section times are all 0 ns: workers would never reach `scenario.duration_us`");
    }
    const double ops = estimated_op_count(s);
    if (ops > kMaxEstimatedOps) {
      fail_at(doc_.file, region("scenario", "duration_us"),
              fmt::format("this scenario would generate about {:.0f} million ops (limit {:.0f} million); "
                          "lower `scenario.duration_us` or the worker count",
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

  std::optional<std::string> string_of(std::string_view section, std::string_view key) const {
    const toml::node* n = node(section, key);
    if (n == nullptr) return std::nullopt;
    return n->as_string()->get();
  }

  // Not negative: the schema's ranges start at 0 or 1.
  static std::uint64_t unsigned_of(const toml::node& n) { return static_cast<std::uint64_t>(n.as_integer()->get()); }

  std::optional<std::uint64_t> integer_of(std::string_view section, std::string_view key) const {
    const toml::node* n = node(section, key);
    if (n == nullptr) return std::nullopt;
    return unsigned_of(*n);
  }

  // A rate per thousand that may be fractional down to 0.001 (one in a
  // million): `write_permille = 0.1` is one write per 10,000 acquisitions.
  std::optional<double> permille_of(std::string_view section, std::string_view key) const {
    const toml::node* n = node(section, key);
    if (n == nullptr) return std::nullopt;
    if (n->is_integer()) return static_cast<double>(unsigned_of(*n));
    const double v = n->as_floating_point()->get();
    const double per_million = v * 1000.0;
    if (std::fabs(per_million - std::round(per_million)) > 1e-6) {
      fail_at(doc_.file, n->source(),
              fmt::format("`{}.{}` is {}; its resolution is 0.001 (one in a million)", section, key, v));
    }
    return std::round(per_million) / 1000.0;
  }

  std::optional<Distribution> dist_of(std::string_view section, std::string_view key) const {
    const toml::node* n = node(section, key);
    if (n == nullptr) return std::nullopt;
    const std::string path = fmt::format("{}.{}", section, key);
    if (n->is_integer()) return Distribution::fixed(unsigned_of(*n));
    const toml::table& t = *n->as_table();
    auto part = [&](std::string_view sub) -> std::optional<std::uint64_t> {
      const toml::node* p = t.get(sub);
      if (p == nullptr) return std::nullopt;
      return unsigned_of(*p);
    };
    auto where = [&](std::string_view sub) { return t.get(sub) != nullptr ? t.get(sub)->source() : t.source(); };
    auto a = [](std::string_view kind) { return fmt::format("{} {}", kind == "exponential" ? "an" : "a", kind); };
    auto reject = [&](std::string_view sub, std::string_view kind, std::string_view uses) {
      if (t.get(sub) != nullptr) {
        fail_at(doc_.file, where(sub), fmt::format("`{}.{}`: {} distribution takes only {}", path, sub, a(kind), uses));
      }
    };
    auto require = [&](std::string_view sub, std::string_view kind) {
      const auto v = part(sub);
      if (!v) fail_at(doc_.file, t.source(), fmt::format("`{}`: {} distribution needs `{}`", path, a(kind), sub));
      return *v;
    };
    std::string kind = "fixed";
    if (const toml::node* d = t.get("dist")) kind = d->as_string()->get();  // one of kDistKinds
    if (kind == "fixed") {
      reject("min", kind, "mean");
      reject("max", kind, "mean");
      return Distribution::fixed(require("mean", kind));
    }
    if (kind == "uniform") {
      reject("mean", kind, "min and max (the mean is their midpoint)");
      const std::uint64_t lo = require("min", kind);
      const std::uint64_t hi = require("max", kind);
      if (lo > hi) {
        fail_at(doc_.file, where("min"), fmt::format("`{}`: min ({}) is greater than max ({})", path, lo, hi));
      }
      return Distribution::uniform(lo, hi);
    }
    const std::uint64_t mean = require("mean", kind);
    const std::uint64_t lo = part("min").value_or(0);
    const std::uint64_t hi = part("max").value_or(Distribution::kNoMax);
    if (lo > mean) {
      fail_at(doc_.file, where("min"), fmt::format("`{}`: min ({}) is greater than mean ({})", path, lo, mean));
    }
    if (hi < mean) {
      fail_at(doc_.file, where("max"), fmt::format("`{}`: max ({}) is less than mean ({})", path, hi, mean));
    }
    return Distribution::exponential(mean, lo, hi);
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
  auto table = toml_schema::parse(text, doc.file);
  if (!table) return std::unexpected(table.error());
  doc.table = std::move(*table);
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

  // Each part is a key of the table the part before it names, as in the file.
  std::vector<const Key*> keys;
  std::string path;
  const Table* table = &kScenario;
  for (const auto& [name, column] : parts) {
    if (table == nullptr) {
      return std::unexpected(override_error(index, column, fmt::format("`{}` has no sub-keys", path)));
    }
    const Key* key = toml_schema::find(*table, name);
    if (key == nullptr) {
      return std::unexpected(
          override_error(index, column, toml_schema::unknown_key(name, *table, path, table == &kScenario)));
    }
    keys.push_back(key);
    path = toml_schema::dotted(path, key->name);
    table = key->table;
  }
  const Key& leaf = *keys.back();
  if (leaf.type == Type::table) {
    return std::unexpected(
        override_error(index, parts[0].second, fmt::format("`{}` needs a key: {}.<key>", path, path)));
  }
  if (value.empty()) {
    return std::unexpected(override_error(index, value_column, fmt::format("`{}` needs a value", path)));
  }

  std::optional<toml::table> parsed = parse_value(value, index, value_column);
  const bool typed = parsed && parsed->get("x") != nullptr && toml_schema::has_type(*parsed->get("x"), leaf.type);
  if (!typed && toml_schema::allows(leaf.type, Type::string) &&
      value.find_first_of("'\n\r") == std::string_view::npos) {
    // A bare string: quote it, keeping the value's column.
    parsed = parse_value(fmt::format("'{}'", value), index, value_column);
  }
  if (!parsed || parsed->get("x") == nullptr || !toml_schema::has_type(*parsed->get("x"), leaf.type)) {
    return std::unexpected(
        override_error(index, value_column, toml_schema::wrong_type(path, leaf, fmt::format("`{}`", value))));
  }

  // Find or create the tables on the way; one the file gives with another
  // type is the file's error, reported where the file has it.
  toml::table* target = &doc.table;
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    const Key& key = *keys[i];
    toml::node* node = target->get(key.name);
    if (node != nullptr && node->is_integer() && toml_schema::allows(key.type, Type::table)) {
      // `cs_ns = 100` is short for a fixed distribution; expand it to set one part.
      toml::table expanded;
      expanded.insert_or_assign("dist", "fixed");
      expanded.insert_or_assign("mean", node->as_integer()->get());
      target->insert_or_assign(key.name, std::move(expanded));
      node = target->get(key.name);
    }
    if (node == nullptr) {
      target->insert_or_assign(key.name, toml::table{});
      node = target->get(key.name);
    }
    if (!node->is_table()) {
      std::string at;
      for (std::size_t j = 0; j <= i; ++j) at = toml_schema::dotted(at, keys[j]->name);
      std::string message = toml_schema::wrong_type(at, key, toml_schema::type_name(*node));
      return std::unexpected(toml_schema::error_at(node->source(), doc.file, std::move(message)));
    }
    target = node->as_table();
  }
  put(*target, leaf.name, std::move(*parsed->get("x")));
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
  auto text = traces::read_file(path, traces::kMaxTextInputBytes);
  if (!text) return std::unexpected(text.error());
  return read_scenario(*text, path, overrides);
}

}  // namespace lockscope::engine::scenario
