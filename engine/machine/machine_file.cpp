// Machine files: TOML in, TOML out. The schema (traces/toml_schema.hpp)
// checks every key, type and range; errors point at the key or value that is
// wrong, using the source regions toml++ keeps for every node and key.
#include "engine/machine/machine_file.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <toml++/toml.h>

#include <array>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "engine/machine/presets.hpp"
#include "traces/read_file.hpp"
#include "traces/toml_schema.hpp"

namespace lockscope::engine::machine {

namespace {

using traces::ParseError;
using traces::toml_schema::between;
using traces::toml_schema::Key;
using traces::toml_schema::kNonNegative;
using traces::toml_schema::kNumber;
using traces::toml_schema::kPositive;
using traces::toml_schema::Table;
using traces::toml_schema::Type;
namespace schema = traces::toml_schema;

// ---- schema -------------------------------------------------------------------

constexpr std::array kTopologyKeys = {
    Key{.name = "groups", .type = Type::integer, .required = true, .range = between(1, kMaxCores),
        .example = "groups = 8"},
    Key{.name = "cores_per_group", .type = Type::integer, .required = true, .range = between(1, kMaxCores),
        .example = "cores_per_group = 8"},
    Key{.name = "near_ns", .type = kNumber, .required = true, .range = kPositive, .example = "near_ns = 22"},
    Key{.name = "far_ns", .type = kNumber, .required = true, .range = kPositive, .example = "far_ns = 95"},
    Key{.name = "group_prefix", .type = Type::string},
};
constexpr Table kTopology{kTopologyKeys};

// [access]: per-state costs (machine::AccessCosts), every one positive.
constexpr Key access_cost(std::string_view name) { return Key{.name = name, .type = kNumber, .range = kPositive}; }
// An array of positive numbers: `expected` says what each one is.
constexpr Key positive_numbers(std::string_view name, std::string_view expected, std::string_view example) {
  return Key{.name = name,
             .type = Type::array,
             .range = kPositive,
             .entries = kNumber,
             .expected = expected,
             .example = example};
}
// A store's or RMW's cost on a Shared line, one per number of sharers it invalidates.
constexpr Key per_sharer_costs(std::string_view name, std::string_view example) {
  return positive_numbers(name, "an array of costs for k = 1, 2, ... other sharers", example);
}
constexpr std::array kAccessKeys = {
    Key{.name = "reference_ns", .type = kNumber, .required = true, .range = kPositive,
        .example = "reference_ns = 25, the core-to-core latency of the pair the costs were measured on"},
    access_cost("load_modified_ns"),
    access_cost("load_exclusive_ns"),
    access_cost("load_shared_ns"),
    access_cost("load_memory_ns"),
    access_cost("store_modified_ns"),
    access_cost("store_exclusive_ns"),
    per_sharer_costs("store_shared_ns", "store_shared_ns = [30, 34]"),
    access_cost("store_memory_ns"),
    access_cost("rmw_modified_ns"),
    access_cost("rmw_exclusive_ns"),
    per_sharer_costs("rmw_shared_ns", "rmw_shared_ns = [30, 34]"),
    access_cost("rmw_memory_ns"),
};
constexpr Table kAccess{kAccessKeys};

// [scheduler]: how workers share a core, from machine::kSchedulerKeys.
// Then the wake-up curve (Scheduler::wake_idle_ns, wake_after_idle_ns).
constexpr Key wake_curve(std::string_view name, std::string_view example) {
  return positive_numbers(name, "an array of nanoseconds, one per idle time", example);
}
constexpr std::array<Key, kSchedulerKeys.size() + 2> kSchedulerSchemaKeys = [] {
  std::array<Key, kSchedulerKeys.size() + 2> keys{};
  for (std::size_t i = 0; i < kSchedulerKeys.size(); ++i) {
    keys[i] = Key{.name = kSchedulerKeys[i].key,
                  .type = kNumber,
                  .range = kSchedulerKeys[i].positive ? kPositive : kNonNegative};
  }
  keys[kSchedulerKeys.size()] = wake_curve("wake_idle_ns", "wake_idle_ns = [5000, 50000, 1000000]");
  keys[kSchedulerKeys.size() + 1] = wake_curve("wake_after_idle_ns", "wake_after_idle_ns = [11000, 18000, 32000]");
  return keys;
}();
constexpr Table kScheduler{kSchedulerSchemaKeys};

constexpr std::array<std::string_view, 3> kArbitrations = {"nearest-first", "arrival", "fifo"};
constexpr std::array<std::string_view, 2> kMemoryModels = {"sc", "tso"};
constexpr std::array<std::string_view, 2> kLineHoldRules = {"while-used", "fixed"};

constexpr std::array kRootKeys = {
    Key{.name = "name", .type = Type::string, .required = true, .example = "name = \"my-box\""},
    Key{.name = "description", .type = Type::string},
    Key{.name = "clock_ghz", .type = kNumber, .required = true, .range = kPositive, .example = "clock_ghz = 3.5"},
    Key{.name = "l1_hit_ns", .type = kNumber, .required = true, .range = kPositive, .example = "l1_hit_ns = 1.2"},
    Key{.name = "memory_ns", .type = kNumber, .required = true, .range = kPositive, .example = "memory_ns = 90"},
    Key{.name = "fence_ns", .type = kNumber, .required = true, .range = kNonNegative, .example = "fence_ns = 8"},
    Key{.name = "heavy_barrier_ns", .type = kNumber, .required = true, .range = kNonNegative,
        .example = "heavy_barrier_ns = 2000"},
    Key{.name = "core_group", .type = Type::array, .entries = Type::string},
    // One of topology, latency_ns and latency_csv (read_root checks that).
    Key{.name = "topology", .type = Type::table, .table = &kTopology,
        .example = "topology = { groups = 8, cores_per_group = 8, near_ns = 22, far_ns = 95 }"},
    Key{.name = "latency_ns", .type = Type::array, .entries = Type::array,
        .expected = "an array of rows (arrays of numbers)"},
    Key{.name = "latency_csv", .type = Type::string},
    Key{.name = "arbitration", .type = Type::string, .choices = kArbitrations},
    Key{.name = "arbitration_patience", .type = Type::integer, .range = between(0, 1'000'000'000)},
    Key{.name = "line_hold_ns", .type = kNumber, .range = kNonNegative},
    Key{.name = "line_hold_rule", .type = Type::string, .choices = kLineHoldRules},
    Key{.name = "clock_read_ns", .type = kNumber, .range = kNonNegative},
    Key{.name = "ooo_window_ns", .type = kNumber, .range = kNonNegative},
    Key{.name = "heavy_barrier_alone_ns", .type = kNumber, .range = kNonNegative},
    Key{.name = "memory_model", .type = Type::string, .choices = kMemoryModels},
    Key{.name = "store_buffer_depth", .type = Type::integer, .range = between(1, kMaxStoreBufferDepth)},
    Key{.name = "retire_delay_max_ns", .type = kNumber, .range = kNonNegative},
    Key{.name = "access", .type = Type::table, .table = &kAccess,
        .example = "[access] with reference_ns = 25 and rmw_modified_ns = 27"},
    Key{.name = "scheduler", .type = Type::table, .table = &kScheduler, .example = "[scheduler] with slice_us = 3000"},
};
// The whole file.
constexpr Table kMachineFile{kRootKeys};

// ---- reading --------------------------------------------------------------------
// Everything below meets only what the schema let through: each key has its
// type and is in its range. What is left depends on several values.

double number(const toml::node& n) {
  if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
  return n.as_floating_point()->get();
}

double number_or(const toml::table& t, std::string_view key, double fallback) {
  const toml::node* n = t.get(key);
  return n != nullptr ? number(*n) : fallback;
}

struct Latencies {
  std::vector<double> matrix;  // N x N
  unsigned cores = 0;
  std::vector<std::string> groups;  // empty: infer
};

std::expected<Latencies, ParseError> read_topology(const std::string& file, const toml::table& t) {
  const auto groups = static_cast<unsigned>(t["groups"].as_integer()->get());
  const auto per_group = static_cast<unsigned>(t["cores_per_group"].as_integer()->get());
  const std::uint64_t cores = std::uint64_t{groups} * per_group;
  if (cores > kMaxCores) {
    return std::unexpected(schema::error_at(
        t.source(), file,
        fmt::format("[topology]: {} x {} = {} cores; at most {} are supported", groups, per_group, cores, kMaxCores)));
  }
  MachineParameters p;
  p.l1_hit_ns = 1;  // the caller rewrites the diagonal
  Machine m = uniform_topology(p, groups, per_group, number(*t.get("near_ns")), number(*t.get("far_ns")),
                               t["group_prefix"].value_or(std::string("group")));
  return Latencies{std::move(m.latency_ns), m.cores(), std::move(m.core_group)};
}

std::expected<Latencies, ParseError> read_matrix(const std::string& file, const toml::node& node) {
  const toml::array& rows = *node.as_array();
  if (rows.empty()) return std::unexpected(schema::error_at(node.source(), file, "`latency_ns` has no rows"));
  if (rows.size() > kMaxCores) {
    return std::unexpected(schema::error_at(
        node.source(), file,
        fmt::format("`latency_ns` has {} rows; at most {} cores are supported", rows.size(), kMaxCores)));
  }
  // The diagonal is ignored, so it may be 0; a transfer takes time.
  constexpr Key kCell{.name = "latency_ns", .type = kNumber, .range = kNonNegative};
  const auto n = static_cast<unsigned>(rows.size());
  Latencies out;
  out.cores = n;
  out.matrix.reserve(static_cast<std::size_t>(n) * n);
  for (unsigned i = 0; i < n; ++i) {
    const toml::node& row_node = *rows.get(i);
    const toml::array& row = *row_node.as_array();
    if (row.size() != n) {
      return std::unexpected(schema::error_at(
          row_node.source(), file,
          fmt::format("`latency_ns` row {} has {} entries; the matrix has {} rows, so every row needs {} (N x N)", i,
                      row.size(), n, n)));
    }
    for (unsigned j = 0; j < n; ++j) {
      const toml::node& cell = *row.get(j);
      const std::string path = fmt::format("latency_ns[{}][{}]", i, j);
      if (auto ok = schema::check_value(cell, kCell, path, file); !ok) return std::unexpected(ok.error());
      const double v = number(cell);
      if (i != j && v == 0) {
        return std::unexpected(schema::error_at(
            cell.source(), file, fmt::format("`{}` is 0; a transfer between two cores takes time", path)));
      }
      out.matrix.push_back(v);
    }
  }
  return out;
}

std::expected<Latencies, ParseError> read_csv_reference(const std::string& file, const toml::node& node,
                                                        const MachineParameters& p) {
  std::filesystem::path path(node.as_string()->get());
  if (path.is_relative()) path = std::filesystem::path(file).parent_path() / path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return std::unexpected(schema::error_at(
        node.source(), file, fmt::format("`latency_csv`: cannot read \"{}\"", schema::printable(path.string()))));
  }
  auto m = read_latency_csv(path.string(), p);
  if (!m) return std::unexpected(m.error());
  return Latencies{std::move(m->latency_ns), m->cores(), {}};
}

std::expected<std::vector<std::string>, ParseError> read_groups(const std::string& file, const toml::node& node,
                                                                unsigned cores) {
  const toml::array& a = *node.as_array();
  if (a.size() != cores) {
    return std::unexpected(schema::error_at(
        node.source(), file,
        fmt::format("`core_group` names {} cores but the latencies describe {}", a.size(), cores)));
  }
  std::vector<std::string> groups;
  groups.reserve(cores);
  for (const toml::node& g : a) groups.push_back(g.as_string()->get());
  return groups;
}

std::expected<AccessCosts, ParseError> read_access(const std::string& file, const toml::table& t) {
  AccessCosts a;
  a.reference_ns = number(*t.get("reference_ns"));
  for (auto [prefix, op] : {std::pair{std::string_view("load"), &a.load},
                            std::pair{std::string_view("store"), &a.store},
                            std::pair{std::string_view("rmw"), &a.rmw}}) {
    for (auto [suffix, field] : {std::pair{"modified_ns", &AccessCosts::Op::modified_ns},
                                 std::pair{"exclusive_ns", &AccessCosts::Op::exclusive_ns},
                                 std::pair{"memory_ns", &AccessCosts::Op::memory_ns}}) {
      op->*field = number_or(t, fmt::format("{}_{}", prefix, suffix), 0);
    }
    const std::string shared_key = fmt::format("{}_shared_ns", prefix);
    const toml::node* shared = t.get(shared_key);
    if (shared == nullptr) continue;
    if (prefix == "load") {
      op->shared_ns = number(*shared);
      continue;
    }
    // Stores and RMWs: one cost per number of sharers invalidated, k = 1, 2, ...
    const toml::array& per_k = *shared->as_array();
    if (per_k.empty()) {
      return std::unexpected(schema::error_at(
          shared->source(), file,
          fmt::format("`access.{}` is an empty array; it needs a cost for k = 1, 2, ... other sharers (e.g. {} = "
                      "[30, 34])",
                      shared_key, shared_key)));
    }
    for (const toml::node& cost : per_k) op->shared_by_ns.push_back(number(cost));
  }
  return a;
}

std::expected<Scheduler, ParseError> read_scheduler(const std::string& file, const toml::table& t) {
  Scheduler s;
  for (const SchedulerKey& k : kSchedulerKeys) s.*k.field = number_or(t, k.key, s.*k.field);
  const toml::node* idle = t.get("wake_idle_ns");
  const toml::node* wake = t.get("wake_after_idle_ns");
  if ((idle == nullptr) != (wake == nullptr)) {
    const toml::node& given = idle != nullptr ? *idle : *wake;
    return std::unexpected(schema::error_at(
        given.source(), file,
        fmt::format("`scheduler.{}` needs `scheduler.{}` beside it: the wake-up at each idle time",
                    idle != nullptr ? "wake_idle_ns" : "wake_after_idle_ns",
                    idle != nullptr ? "wake_after_idle_ns" : "wake_idle_ns")));
  }
  if (idle == nullptr) return s;
  for (const toml::node& v : *idle->as_array()) s.wake_idle_ns.push_back(number(v));
  for (const toml::node& v : *wake->as_array()) s.wake_after_idle_ns.push_back(number(v));
  if (s.wake_idle_ns.empty() || s.wake_idle_ns.size() != s.wake_after_idle_ns.size()) {
    return std::unexpected(schema::error_at(
        wake->source(), file,
        fmt::format("`scheduler.wake_after_idle_ns` has {} entries and `scheduler.wake_idle_ns` {}; they pair up, "
                    "at least one each",
                    s.wake_after_idle_ns.size(), s.wake_idle_ns.size())));
  }
  for (std::size_t i = 1; i < s.wake_idle_ns.size(); ++i) {
    if (!(s.wake_idle_ns[i] > s.wake_idle_ns[i - 1])) {
      return std::unexpected(schema::error_at(idle->as_array()->get(i)->source(), file,
                                              "`scheduler.wake_idle_ns` must rise: each idle time longer "
                                              "than the one before"));
    }
  }
  return s;
}

std::expected<Machine, ParseError> read_root(const std::string& file, const toml::table& root) {
  if (auto ok = schema::check(root, kMachineFile, file); !ok) return std::unexpected(ok.error());
  MachineParameters p;
  const toml::node& name = *root.get("name");
  p.name = name.as_string()->get();
  if (p.name.empty()) return std::unexpected(schema::error_at(name.source(), file, "`name` is empty"));
  p.description = root["description"].value_or(std::string());
  p.clock_ghz = number(*root.get("clock_ghz"));
  p.l1_hit_ns = number(*root.get("l1_hit_ns"));
  p.memory_ns = number(*root.get("memory_ns"));
  p.fence_ns = number(*root.get("fence_ns"));
  p.heavy_barrier_ns = number(*root.get("heavy_barrier_ns"));

  // Exactly one source of latencies; a second one is reported where it is.
  const toml::key* source_key = nullptr;
  const toml::node* source = nullptr;
  for (auto&& [key, node] : root) {
    if (key.str() != "topology" && key.str() != "latency_ns" && key.str() != "latency_csv") continue;
    if (source_key == nullptr) {
      source_key = &key;
      source = &node;
      continue;
    }
    const bool later_is_key = std::pair(source_key->source().begin.line, source_key->source().begin.column) <
                              std::pair(key.source().begin.line, key.source().begin.column);
    const toml::key* later = later_is_key ? &key : source_key;
    const toml::key* earlier = later_is_key ? source_key : &key;
    return std::unexpected(schema::error_at(
        later->source(), file,
        fmt::format("`{}` and `{}` both give the latencies; keep one", earlier->str(), later->str())));
  }
  if (source == nullptr) {
    return std::unexpected(schema::error_at(root.source(), file,
                                            "no latencies: give one of `topology`, `latency_ns` or `latency_csv`"));
  }
  std::expected<Latencies, ParseError> lat;
  if (source_key->str() == "topology") {
    lat = read_topology(file, *source->as_table());
  } else if (source_key->str() == "latency_ns") {
    lat = read_matrix(file, *source);
  } else {
    lat = read_csv_reference(file, *source, p);
  }
  if (!lat) return std::unexpected(lat.error());
  std::vector<std::string> groups = std::move(lat->groups);
  if (const toml::node* g = root.get("core_group")) {
    auto named = read_groups(file, *g, lat->cores);
    if (!named) return std::unexpected(named.error());
    groups = std::move(*named);
  }
  Machine m = make_machine(p, std::move(groups), std::move(lat->matrix));
  if (const toml::node* a = root.get("arbitration")) m.arbitration = *parse_arbitration(a->as_string()->get());
  if (const toml::node* n = root.get("arbitration_patience")) {
    m.arbitration_patience = static_cast<std::uint32_t>(n->as_integer()->get());
  }
  m.line_hold_ns = number_or(root, "line_hold_ns", m.line_hold_ns);
  if (const toml::node* r = root.get("line_hold_rule")) m.line_hold_rule = *parse_line_hold_rule(r->as_string()->get());
  m.clock_read_ns = number_or(root, "clock_read_ns", m.clock_read_ns);
  m.ooo_window_ns = number_or(root, "ooo_window_ns", m.ooo_window_ns);
  m.heavy_barrier_alone_ns = number_or(root, "heavy_barrier_alone_ns", m.heavy_barrier_alone_ns);
  if (const toml::node* n = root.get("memory_model")) m.memory_model = *parse_memory_model(n->as_string()->get());
  if (const toml::node* n = root.get("store_buffer_depth")) {
    m.store_buffer_depth = static_cast<std::uint32_t>(n->as_integer()->get());
  }
  m.retire_delay_max_ns = number_or(root, "retire_delay_max_ns", m.retire_delay_max_ns);
  if (const toml::table* a = root["access"].as_table()) {
    auto access = read_access(file, *a);
    if (!access) return std::unexpected(access.error());
    m.access = std::move(*access);
  }
  if (const toml::table* s = root["scheduler"].as_table()) {
    auto scheduler = read_scheduler(file, *s);
    if (!scheduler) return std::unexpected(scheduler.error());
    m.scheduler = std::move(*scheduler);
  }
  return m;
}

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace

std::expected<Machine, ParseError> parse_machine_toml(std::string_view text,
                                                      const std::string& source) {
  auto root = schema::parse(text, source);
  if (!root) return std::unexpected(root.error());
  return read_root(source, *root);
}

std::expected<Machine, ParseError> read_machine_file(const std::string& path) {
  auto text = traces::read_file(path, traces::kMaxTextInputBytes);
  if (!text) return std::unexpected(text.error());
  return parse_machine_toml(*text, path);
}

std::string write_machine_toml(const Machine& m) {
  std::string out;
  out += "# lockscope machine file; docs/machines.md describes every key.\n";
  out += fmt::format("name = {}\n", toml_string(m.name));
  out += fmt::format("description = {}\n", toml_string(m.description));
  out += fmt::format("clock_ghz = {}\n", m.clock_ghz);
  out += fmt::format("l1_hit_ns = {}\n", m.l1_hit_ns);
  out += fmt::format("memory_ns = {}\n", m.memory_ns);
  out += fmt::format("fence_ns = {}\n", m.fence_ns);
  out += fmt::format("heavy_barrier_ns = {}\n", m.heavy_barrier_ns);
  if (m.arbitration != Arbitration::nearest_first) {
    out += fmt::format("arbitration = {}\n", toml_string(to_string(m.arbitration)));
  }
  if (m.arbitration_patience != Machine{}.arbitration_patience) {
    out += fmt::format("arbitration_patience = {}\n", m.arbitration_patience);
  }
  if (m.line_hold_ns != 0) out += fmt::format("line_hold_ns = {}\n", m.line_hold_ns);
  if (m.line_hold_rule != Machine{}.line_hold_rule) {
    out += fmt::format("line_hold_rule = {}\n", toml_string(to_string(m.line_hold_rule)));
  }
  if (m.clock_read_ns != 0) out += fmt::format("clock_read_ns = {}\n", m.clock_read_ns);
  if (m.ooo_window_ns != 0) out += fmt::format("ooo_window_ns = {}\n", m.ooo_window_ns);
  if (m.heavy_barrier_alone_ns != 0) out += fmt::format("heavy_barrier_alone_ns = {}\n", m.heavy_barrier_alone_ns);
  if (m.memory_model != Machine{}.memory_model) {
    out += fmt::format("memory_model = {}\n", toml_string(to_string(m.memory_model)));
  }
  if (m.store_buffer_depth != Machine{}.store_buffer_depth) {
    out += fmt::format("store_buffer_depth = {}\n", m.store_buffer_depth);
  }
  if (m.retire_delay_max_ns != 0) out += fmt::format("retire_delay_max_ns = {}\n", m.retire_delay_max_ns);
  out += "core_group = [";
  for (unsigned i = 0; i < m.cores(); ++i) {
    out += i % 8 == 0 ? "\n  " : " ";
    out += toml_string(m.core_group[i]) + ",";
  }
  out += "\n]\n";
  out += "# latency_ns[from][to]: a line held by core `from` reaching core `to`, one way, in ns.\n";
  out += "latency_ns = [\n";
  for (unsigned i = 0; i < m.cores(); ++i) {
    out += "  [";
    for (unsigned j = 0; j < m.cores(); ++j) {
      if (j != 0) out += ", ";
      out += fmt::format("{}", m.latency(i, j));
    }
    out += "],\n";
  }
  out += "]\n";
  // Only what differs from the defaults, so that a machine without them
  // prints as it always did.
  if (m.access.given()) {
    const AccessCosts& a = m.access;
    out += "\n# Per-state access costs (ccbench), measured at one pair of cores whose\n"
           "# latency is reference_ns; the model scales latency(from, to) by cost /\n"
           "# reference_ns. docs/machines.md, \"Per-state access costs\".\n";
    out += "[access]\n";
    out += fmt::format("reference_ns = {}\n", a.reference_ns);
    for (auto [prefix, op] : {std::pair{"load", &a.load}, std::pair{"store", &a.store},
                              std::pair{"rmw", &a.rmw}}) {
      if (op->modified_ns > 0) out += fmt::format("{}_modified_ns = {}\n", prefix, op->modified_ns);
      if (op->exclusive_ns > 0) {
        out += fmt::format("{}_exclusive_ns = {}\n", prefix, op->exclusive_ns);
      }
      if (op->shared_ns > 0) out += fmt::format("{}_shared_ns = {}\n", prefix, op->shared_ns);
      if (!op->shared_by_ns.empty()) {
        out += fmt::format("{}_shared_ns = [{}]\n", prefix, fmt::join(op->shared_by_ns, ", "));
      }
      if (op->memory_ns > 0) out += fmt::format("{}_memory_ns = {}\n", prefix, op->memory_ns);
    }
  }
  if (m.scheduler != Scheduler{}) {
    out += "\n[scheduler]\n";
    for (const SchedulerKey& k : kSchedulerKeys) out += fmt::format("{} = {}\n", k.key, m.scheduler.*k.field);
    if (!m.scheduler.wake_idle_ns.empty()) {
      out += fmt::format("wake_idle_ns = [{}]\n", fmt::join(m.scheduler.wake_idle_ns, ", "));
      out += fmt::format("wake_after_idle_ns = [{}]\n", fmt::join(m.scheduler.wake_after_idle_ns, ", "));
    }
  }
  return out;
}

}  // namespace lockscope::engine::machine
