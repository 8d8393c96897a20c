// Machine files: TOML in, TOML out. Errors point at the key or value that is
// wrong, using the source regions toml++ keeps for every node and key.
#include "engine/machine/machine_file.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <optional>
#include <utility>

#include "engine/machine/presets.hpp"
#include "engine/machine/text_file.hpp"

namespace lockscope::engine::machine {

namespace {

using traces::ParseError;

constexpr std::array<std::string_view, 16> kRootKeys = {
    "name",       "description", "clock_ghz",   "l1_hit_ns",   "memory_ns",
    "fence_ns",   "heavy_barrier_ns", "core_group", "topology", "latency_ns",
    "latency_csv", "arbitration", "arbitration_patience", "line_hold_ns", "access", "scheduler"};
constexpr std::array<std::string_view, 13> kAccessKeys = {
    "reference_ns",      "load_modified_ns",  "load_exclusive_ns", "load_shared_ns",
    "load_memory_ns",    "store_modified_ns", "store_exclusive_ns", "store_shared_ns",
    "store_memory_ns",   "rmw_modified_ns",   "rmw_exclusive_ns",  "rmw_shared_ns",
    "rmw_memory_ns"};
// The [scheduler] key names, from machine::kSchedulerKeys.
constexpr std::array<std::string_view, kSchedulerKeys.size()> kSchedulerKeyNames = [] {
  std::array<std::string_view, kSchedulerKeys.size()> names{};
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = kSchedulerKeys[i].key;
  return names;
}();
constexpr std::array<std::string_view, 5> kTopologyKeys = {"groups", "cores_per_group", "near_ns",
                                                           "far_ns", "group_prefix"};

std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

// Edit distance, for "did you mean" on unknown keys.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0U : 1U)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Reads one table: every error carries the file and a node's position.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[nodiscard]] ParseError at(const toml::source_region& r, std::string message) const {
    return ParseError{file_, r.begin.line, r.begin.column, std::move(message)};
  }
  [[nodiscard]] ParseError whole_file(std::string message) const {
    return ParseError{file_, 0, 0, std::move(message)};
  }

  // The first key (in file order) that is not in `allowed`.
  std::expected<void, ParseError> no_unknown_keys(const toml::table& t,
                                                  std::span<const std::string_view> allowed,
                                                  std::string_view where) const {
    const toml::key* worst = nullptr;
    for (auto&& [key, node] : t) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
      if (worst == nullptr || before(key.source(), worst->source())) worst = &key;
    }
    if (worst == nullptr) return {};
    std::string_view best;
    std::size_t best_distance = 3;  // suggest only close matches
    for (std::string_view k : allowed) {
      const std::size_t d = edit_distance(worst->str(), k);
      if (d < best_distance) {
        best = k;
        best_distance = d;
      }
    }
    std::string message = fmt::format("unknown key '{}' in {}", worst->str(), where);
    if (!best.empty()) message += fmt::format(" (did you mean '{}'?)", best);
    return std::unexpected(at(worst->source(), std::move(message)));
  }

  static bool before(const toml::source_region& a, const toml::source_region& b) {
    return std::pair(a.begin.line, a.begin.column) < std::pair(b.begin.line, b.begin.column);
  }

  std::expected<double, ParseError> number(const toml::node& n, std::string_view key) const {
    double v = 0;
    if (const auto* i = n.as_integer()) {
      v = static_cast<double>(i->get());
    } else if (const auto* f = n.as_floating_point()) {
      v = f->get();
    } else {
      return std::unexpected(
          at(n.source(), fmt::format("'{}' must be a number, not {}", key, type_name(n))));
    }
    if (!std::isfinite(v)) {
      return std::unexpected(at(n.source(), fmt::format("'{}' must be a finite number", key)));
    }
    return v;
  }

  // A required number in t, with a lower bound (exclusive when `positive`).
  std::expected<double, ParseError> cost(const toml::table& t, std::string_view key, bool positive,
                                         std::string_view example) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      return std::unexpected(whole_file(fmt::format("missing key '{}' (e.g. {})", key, example)));
    }
    auto v = number(*n, key);
    if (!v) return v;
    if (positive ? *v <= 0 : *v < 0) {
      return std::unexpected(at(n->source(), fmt::format("'{}' must be {} (it is {})", key,
                                                         positive ? "positive" : "0 or more", *v)));
    }
    return v;
  }

  std::expected<std::string, ParseError> string(const toml::node& n, std::string_view key) const {
    if (const auto* s = n.as_string()) return s->get();
    return std::unexpected(
        at(n.source(), fmt::format("'{}' must be a string, not {}", key, type_name(n))));
  }

  std::expected<unsigned, ParseError> count(const toml::node& n, std::string_view key) const {
    const auto* i = n.as_integer();
    if (i == nullptr) {
      return std::unexpected(
          at(n.source(), fmt::format("'{}' must be a whole number, not {}", key, type_name(n))));
    }
    if (i->get() < 1 || i->get() > kMaxCores) {
      return std::unexpected(at(
          n.source(), fmt::format("'{}' must be between 1 and {} (it is {})", key, kMaxCores,
                                  i->get())));
    }
    return static_cast<unsigned>(i->get());
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

struct Latencies {
  std::vector<double> matrix;  // N x N
  unsigned cores = 0;
  std::vector<std::string> groups;  // empty: infer
};

std::expected<Latencies, ParseError> read_topology(const Reader& r, const toml::node& node) {
  const toml::table* t = node.as_table();
  if (t == nullptr) {
    return std::unexpected(r.at(node.source(), fmt::format("'topology' must be a table, not {} "
                                                           "(e.g. topology = {{ groups = 8, "
                                                           "cores_per_group = 8, near_ns = 22, "
                                                           "far_ns = 95 }})",
                                                           type_name(node))));
  }
  if (auto ok = r.no_unknown_keys(*t, kTopologyKeys, "topology"); !ok) {
    return std::unexpected(ok.error());
  }
  auto required = [&](std::string_view key) -> std::expected<const toml::node*, ParseError> {
    if (const toml::node* n = t->get(key)) return n;
    return std::unexpected(r.at(t->source(), fmt::format("topology: missing key '{}'", key)));
  };
  auto latency = [&](std::string_view key) -> std::expected<double, ParseError> {
    auto n = required(key);
    if (!n) return std::unexpected(n.error());
    auto v = r.number(**n, key);
    if (v && *v <= 0) {
      return std::unexpected(
          r.at((*n)->source(), fmt::format("'{}' must be positive (it is {})", key, *v)));
    }
    return v;
  };
  auto groups_node = required("groups");
  if (!groups_node) return std::unexpected(groups_node.error());
  auto groups = r.count(**groups_node, "groups");
  if (!groups) return std::unexpected(groups.error());
  auto per_group_node = required("cores_per_group");
  if (!per_group_node) return std::unexpected(per_group_node.error());
  auto per_group = r.count(**per_group_node, "cores_per_group");
  if (!per_group) return std::unexpected(per_group.error());
  auto near_ns = latency("near_ns");
  if (!near_ns) return std::unexpected(near_ns.error());
  auto far_ns = latency("far_ns");
  if (!far_ns) return std::unexpected(far_ns.error());
  std::string prefix = "group";
  if (const toml::node* n = t->get("group_prefix")) {
    auto s = r.string(*n, "group_prefix");
    if (!s) return std::unexpected(s.error());
    prefix = *s;
  }
  const std::uint64_t cores = std::uint64_t{*groups} * *per_group;
  if (cores > kMaxCores) {
    return std::unexpected(r.at(t->source(), fmt::format("topology: {} x {} = {} cores; at most "
                                                         "{} are supported",
                                                         *groups, *per_group, cores, kMaxCores)));
  }
  MachineParameters p;
  p.l1_hit_ns = 1;  // the caller rewrites the diagonal
  Machine m = uniform_topology(p, *groups, *per_group, *near_ns, *far_ns, prefix);
  return Latencies{std::move(m.latency_ns), m.cores(), std::move(m.core_group)};
}

std::expected<Latencies, ParseError> read_matrix(const Reader& r, const toml::node& node) {
  const toml::array* rows = node.as_array();
  if (rows == nullptr) {
    return std::unexpected(r.at(node.source(), fmt::format("'latency_ns' must be an array of "
                                                           "rows, not {}",
                                                           type_name(node))));
  }
  if (rows->empty()) return std::unexpected(r.at(node.source(), "'latency_ns' has no rows"));
  if (rows->size() > kMaxCores) {
    return std::unexpected(r.at(node.source(), fmt::format("'latency_ns' has {} rows; at most {} "
                                                           "cores are supported",
                                                           rows->size(), kMaxCores)));
  }
  const auto n = static_cast<unsigned>(rows->size());
  Latencies out;
  out.cores = n;
  out.matrix.reserve(static_cast<std::size_t>(n) * n);
  for (unsigned i = 0; i < n; ++i) {
    const toml::node& row_node = *rows->get(i);
    const toml::array* row = row_node.as_array();
    if (row == nullptr) {
      return std::unexpected(r.at(row_node.source(), fmt::format("latency_ns row {} must be an "
                                                                 "array of numbers, not {}",
                                                                 i, type_name(row_node))));
    }
    if (row->size() != n) {
      return std::unexpected(r.at(row_node.source(),
                                  fmt::format("latency_ns row {} has {} entries; the matrix has "
                                              "{} rows, so every row needs {} (N x N)",
                                              i, row->size(), n, n)));
    }
    for (unsigned j = 0; j < n; ++j) {
      const toml::node& cell = *row->get(j);
      auto v = r.number(cell, fmt::format("latency_ns[{}][{}]", i, j));
      if (!v) return std::unexpected(v.error());
      if (*v < 0) {
        return std::unexpected(r.at(cell.source(), fmt::format("latency_ns[{}][{}] is negative "
                                                               "({})",
                                                               i, j, *v)));
      }
      if (i != j && *v == 0) {
        return std::unexpected(r.at(cell.source(), fmt::format("latency_ns[{}][{}] is 0; a "
                                                               "transfer between two cores "
                                                               "takes time",
                                                               i, j)));
      }
      out.matrix.push_back(*v);
    }
  }
  return out;
}

std::expected<Latencies, ParseError> read_csv_reference(const Reader& r, const toml::node& node,
                                                        const MachineParameters& p) {
  auto name = r.string(node, "latency_csv");
  if (!name) return std::unexpected(name.error());
  std::filesystem::path path(*name);
  if (path.is_relative()) path = std::filesystem::path(r.file()).parent_path() / path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return std::unexpected(
        r.at(node.source(), fmt::format("latency_csv: cannot read '{}'", path.string())));
  }
  auto m = read_latency_csv(path.string(), p);
  if (!m) return std::unexpected(m.error());
  return Latencies{std::move(m->latency_ns), m->cores(), {}};
}

std::expected<std::vector<std::string>, ParseError> read_groups(const Reader& r,
                                                                const toml::node& node,
                                                                unsigned cores) {
  const toml::array* a = node.as_array();
  if (a == nullptr) {
    return std::unexpected(r.at(node.source(), fmt::format("'core_group' must be an array of "
                                                           "strings, not {}",
                                                           type_name(node))));
  }
  if (a->size() != cores) {
    return std::unexpected(r.at(node.source(), fmt::format("'core_group' names {} cores but the "
                                                           "latencies describe {}",
                                                           a->size(), cores)));
  }
  std::vector<std::string> groups;
  groups.reserve(cores);
  for (const toml::node& g : *a) {
    auto s = r.string(g, "core_group entry");
    if (!s) return std::unexpected(s.error());
    groups.push_back(std::move(*s));
  }
  return groups;
}

const toml::table* table_or_error(const Reader& r, const toml::node& node, std::string_view key,
                                  std::string_view example, std::optional<ParseError>& error) {
  const toml::table* t = node.as_table();
  if (t == nullptr) {
    error = r.at(node.source(), fmt::format("'{}' must be a table, not {} (e.g. {})", key,
                                            type_name(node), example));
  }
  return t;
}

// A positive number at `key` of `t`, or `fallback` when the key is absent.
std::expected<double, ParseError> optional_cost(const Reader& r, const toml::table& t,
                                                std::string_view key, double fallback,
                                                bool positive) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return fallback;
  auto v = r.number(*n, key);
  if (!v) return v;
  if (positive ? *v <= 0 : *v < 0) {
    return std::unexpected(r.at(n->source(), fmt::format("'{}' must be {} (it is {})", key,
                                                         positive ? "positive" : "0 or more", *v)));
  }
  return v;
}

// [access]: per-state costs (machine::AccessCosts).
std::expected<AccessCosts, ParseError> read_access(const Reader& r, const toml::node& node) {
  std::optional<ParseError> error;
  const toml::table* t = table_or_error(
      r, node, "access", "[access] with reference_ns = 25 and rmw_modified_ns = 27", error);
  if (t == nullptr) return std::unexpected(*error);
  if (auto ok = r.no_unknown_keys(*t, kAccessKeys, "[access]"); !ok) {
    return std::unexpected(ok.error());
  }
  AccessCosts a;
  if (t->get("reference_ns") == nullptr) {
    return std::unexpected(r.at(t->source(), "[access]: missing key 'reference_ns' (the "
                                             "core-to-core latency of the pair the costs were "
                                             "measured on, e.g. reference_ns = 25)"));
  }
  auto reference = optional_cost(r, *t, "reference_ns", 0, true);
  if (!reference) return std::unexpected(reference.error());
  a.reference_ns = *reference;
  for (auto [prefix, op] : {std::pair{std::string_view("load"), &a.load},
                            std::pair{std::string_view("store"), &a.store},
                            std::pair{std::string_view("rmw"), &a.rmw}}) {
    for (auto [suffix, field] : {std::pair{"modified_ns", &AccessCosts::Op::modified_ns},
                                 std::pair{"exclusive_ns", &AccessCosts::Op::exclusive_ns},
                                 std::pair{"memory_ns", &AccessCosts::Op::memory_ns}}) {
      auto v = optional_cost(r, *t, fmt::format("{}_{}", prefix, suffix), 0, true);
      if (!v) return std::unexpected(v.error());
      op->*field = *v;
    }
    const std::string shared_key = fmt::format("{}_shared_ns", prefix);
    const toml::node* shared = t->get(shared_key);
    if (shared == nullptr) continue;
    if (prefix == "load") {
      auto v = optional_cost(r, *t, shared_key, 0, true);
      if (!v) return std::unexpected(v.error());
      op->shared_ns = *v;
      continue;
    }
    // Stores and RMWs: one cost per number of sharers invalidated, k = 1, 2, ...
    const toml::array* per_k = shared->as_array();
    if (per_k == nullptr || per_k->empty()) {
      return std::unexpected(r.at(
          shared->source(), fmt::format("'{}' must be an array of costs for k = 1, 2, ... other "
                                        "sharers (e.g. {} = [30, 34]), not {}",
                                        shared_key, shared_key,
                                        per_k == nullptr ? type_name(*shared) : "an empty array")));
    }
    for (std::size_t k = 0; k < per_k->size(); ++k) {
      const toml::node& cell = *per_k->get(k);
      auto v = r.number(cell, fmt::format("{}[{}]", shared_key, k));
      if (!v) return std::unexpected(v.error());
      if (*v <= 0) {
        return std::unexpected(r.at(cell.source(), fmt::format("'{}[{}]' must be positive (it "
                                                               "is {})",
                                                               shared_key, k, *v)));
      }
      op->shared_by_ns.push_back(*v);
    }
  }
  return a;
}

// [scheduler]: how workers share a core (machine::Scheduler).
std::expected<Scheduler, ParseError> read_scheduler(const Reader& r, const toml::node& node) {
  std::optional<ParseError> error;
  const toml::table* t =
      table_or_error(r, node, "scheduler", "[scheduler] with slice_us = 3000", error);
  if (t == nullptr) return std::unexpected(*error);
  if (auto ok = r.no_unknown_keys(*t, kSchedulerKeyNames, "[scheduler]"); !ok) {
    return std::unexpected(ok.error());
  }
  Scheduler s;
  for (const SchedulerKey& k : kSchedulerKeys) {
    auto v = optional_cost(r, *t, k.key, s.*k.field, k.positive);
    if (!v) return std::unexpected(v.error());
    s.*k.field = *v;
  }
  return s;
}

std::expected<Arbitration, ParseError> read_arbitration(const Reader& r, const toml::node& node) {
  auto text = r.string(node, "arbitration");
  if (!text) return std::unexpected(text.error());
  if (auto a = parse_arbitration(*text)) return *a;
  return std::unexpected(r.at(node.source(), fmt::format("'arbitration' must be "
                                                         "\"nearest-first\", \"arrival\" or "
                                                         "\"fifo\" (it is \"{}\")",
                                                         *text)));
}

std::expected<Machine, ParseError> read_root(const Reader& r, const toml::table& root) {
  if (auto ok = r.no_unknown_keys(root, kRootKeys, "a machine file"); !ok) {
    return std::unexpected(ok.error());
  }
  MachineParameters p;
  const toml::node* name = root.get("name");
  if (name == nullptr) {
    return std::unexpected(r.whole_file("missing key 'name' (e.g. name = \"my-box\")"));
  }
  auto name_text = r.string(*name, "name");
  if (!name_text) return std::unexpected(name_text.error());
  if (name_text->empty()) return std::unexpected(r.at(name->source(), "'name' is empty"));
  p.name = *name_text;
  if (const toml::node* d = root.get("description")) {
    auto text = r.string(*d, "description");
    if (!text) return std::unexpected(text.error());
    p.description = *text;
  }
  struct CostKey {
    std::string_view key;
    double MachineParameters::*field;
    bool positive;
    std::string_view example;
  };
  for (const CostKey& c : {CostKey{"clock_ghz", &MachineParameters::clock_ghz, true,
                                   "clock_ghz = 3.5"},
                           CostKey{"l1_hit_ns", &MachineParameters::l1_hit_ns, true,
                                   "l1_hit_ns = 1.2"},
                           CostKey{"memory_ns", &MachineParameters::memory_ns, true,
                                   "memory_ns = 90"},
                           CostKey{"fence_ns", &MachineParameters::fence_ns, false, "fence_ns = 8"},
                           CostKey{"heavy_barrier_ns", &MachineParameters::heavy_barrier_ns, false,
                                   "heavy_barrier_ns = 2000"}}) {
    auto v = r.cost(root, c.key, c.positive, c.example);
    if (!v) return std::unexpected(v.error());
    p.*c.field = *v;
  }

  // Exactly one source of latencies; a second one is reported where it is.
  const toml::key* source_key = nullptr;
  const toml::node* source = nullptr;
  for (auto&& [key, node] : root) {
    if (key.str() != "topology" && key.str() != "latency_ns" && key.str() != "latency_csv") {
      continue;
    }
    if (source_key == nullptr) {
      source_key = &key;
      source = &node;
      continue;
    }
    const toml::key* later = Reader::before(key.source(), source_key->source()) ? source_key : &key;
    const toml::key* earlier = later == &key ? source_key : &key;
    return std::unexpected(r.at(later->source(), fmt::format("'{}' and '{}' both give the "
                                                             "latencies; keep one",
                                                             earlier->str(), later->str())));
  }
  if (source == nullptr) {
    return std::unexpected(r.whole_file("no latencies: give one of 'topology', 'latency_ns' or "
                                        "'latency_csv'"));
  }
  std::expected<Latencies, ParseError> lat = source_key->str() == "topology"
                                                 ? read_topology(r, *source)
                                             : source_key->str() == "latency_ns"
                                                 ? read_matrix(r, *source)
                                                 : read_csv_reference(r, *source, p);
  if (!lat) return std::unexpected(lat.error());
  std::vector<std::string> groups = std::move(lat->groups);
  if (const toml::node* g = root.get("core_group")) {
    auto named = read_groups(r, *g, lat->cores);
    if (!named) return std::unexpected(named.error());
    groups = std::move(*named);
  }
  Machine m = make_machine(p, std::move(groups), std::move(lat->matrix));
  if (const toml::node* a = root.get("arbitration")) {
    auto arbitration = read_arbitration(r, *a);
    if (!arbitration) return std::unexpected(arbitration.error());
    m.arbitration = *arbitration;
  }
  if (const toml::node* n = root.get("arbitration_patience")) {
    const auto* i = n->as_integer();
    if (i == nullptr || i->get() < 0 || i->get() > 1'000'000'000) {
      return std::unexpected(r.at(n->source(), "'arbitration_patience' must be a whole number from 0 (unbounded) "
                                               "to 1000000000"));
    }
    m.arbitration_patience = static_cast<std::uint32_t>(i->get());
  }
  auto hold = optional_cost(r, root, "line_hold_ns", m.line_hold_ns, false);
  if (!hold) return std::unexpected(hold.error());
  m.line_hold_ns = *hold;
  if (const toml::node* a = root.get("access")) {
    auto access = read_access(r, *a);
    if (!access) return std::unexpected(access.error());
    m.access = std::move(*access);
  }
  if (const toml::node* s = root.get("scheduler")) {
    auto scheduler = read_scheduler(r, *s);
    if (!scheduler) return std::unexpected(scheduler.error());
    m.scheduler = *scheduler;
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
  const Reader reader(source);
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return std::unexpected(reader.at(e.source(), std::string(e.description())));
  }
  return read_root(reader, root);
}

std::expected<Machine, ParseError> read_machine_file(const std::string& path) {
  auto text = detail::read_text_file(path);
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
  }
  return out;
}

}  // namespace lockscope::engine::machine
