#include "engine/machine/machine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

namespace lockscope::engine::machine {

namespace {

std::expected<void, std::string> check_cost(std::string_view what, double v, bool may_be_zero) {
  if (!std::isfinite(v)) return std::unexpected(fmt::format("{} is not a finite number", what));
  if (may_be_zero ? v < 0 : v <= 0) {
    return std::unexpected(
        fmt::format("{} must be {} (it is {})", what, may_be_zero ? "0 or more" : "positive", v));
  }
  return {};
}

void widen(LatencyRange& r, double v) {
  if (r.count == 0) {
    r.min = r.max = v;
  } else {
    r.min = std::min(r.min, v);
    r.max = std::max(r.max, v);
  }
  ++r.count;
}

std::expected<void, std::string> check_access(const AccessCosts& a) {
  if (!std::isfinite(a.reference_ns) || a.reference_ns < 0) {
    return std::unexpected(fmt::format("access.reference_ns is {}; it must be a positive number",
                                       a.reference_ns));
  }
  for (auto [op, costs] : {std::pair{"load", &a.load}, std::pair{"store", &a.store},
                           std::pair{"rmw", &a.rmw}}) {
    std::vector<std::pair<std::string, double>> all = {{"modified_ns", costs->modified_ns},
                                                       {"exclusive_ns", costs->exclusive_ns},
                                                       {"shared_ns", costs->shared_ns},
                                                       {"memory_ns", costs->memory_ns}};
    for (std::size_t k = 0; k < costs->shared_by_ns.size(); ++k) {
      all.emplace_back(fmt::format("shared_ns[{}]", k), costs->shared_by_ns[k]);
      if (costs->shared_by_ns[k] <= 0) {
        return std::unexpected(
            fmt::format("access.{}_shared_ns[{}] must be positive", op, k));
      }
    }
    for (const auto& [what, v] : all) {
      if (!std::isfinite(v) || v < 0) {
        return std::unexpected(fmt::format("access.{}_{} is {}; it must be 0 (not given) or "
                                           "positive", op, what, v));
      }
      if (v > 0 && !a.given()) {
        return std::unexpected(fmt::format("access.{}_{} is given without access.reference_ns, "
                                           "the latency it was measured at", op, what));
      }
    }
  }
  if (!a.load.shared_by_ns.empty() || a.store.shared_ns != 0 || a.rmw.shared_ns != 0) {
    return std::unexpected("access: loads take one shared_ns, stores and RMWs one per sharer "
                           "count (shared_by_ns)");
  }
  return {};
}

}  // namespace

std::string_view to_string(Arbitration a) {
  switch (a) {
    case Arbitration::nearest_first: return "nearest-first";
    case Arbitration::arrival: return "arrival";
    case Arbitration::fifo: return "fifo";
  }
  return "?";
}

std::optional<Arbitration> parse_arbitration(std::string_view text) {
  if (text == "nearest-first") return Arbitration::nearest_first;
  if (text == "arrival") return Arbitration::arrival;
  if (text == "fifo") return Arbitration::fifo;
  return std::nullopt;
}

std::string_view to_string(LineHoldRule r) {
  switch (r) {
    case LineHoldRule::while_used: return "while-used";
    case LineHoldRule::fixed: return "fixed";
  }
  return "?";
}

std::optional<LineHoldRule> parse_line_hold_rule(std::string_view text) {
  if (text == "while-used") return LineHoldRule::while_used;
  if (text == "fixed") return LineHoldRule::fixed;
  return std::nullopt;
}

std::string_view to_string(MemoryModel m) {
  switch (m) {
    case MemoryModel::sc: return "sc";
    case MemoryModel::tso: return "tso";
  }
  return "?";
}

std::optional<MemoryModel> parse_memory_model(std::string_view text) {
  if (text == "sc") return MemoryModel::sc;
  if (text == "tso") return MemoryModel::tso;
  return std::nullopt;
}

namespace {

// The wake-up curve's two arrays: as long as each other, positive, the
// idle times rising.
std::expected<void, std::string> check_wake_curve(const Scheduler& s) {
  const std::vector<double>& idle = s.wake_idle_ns;
  const std::vector<double>& wake = s.wake_after_idle_ns;
  if (idle.size() != wake.size()) {
    return std::unexpected(fmt::format("scheduler.wake_idle_ns has {} points but scheduler.wake_after_idle_ns has {}; "
                                       "they pair up",
                                       idle.size(), wake.size()));
  }
  for (std::size_t i = 0; i < idle.size(); ++i) {
    if (auto ok = check_cost(fmt::format("scheduler.wake_idle_ns[{}]", i), idle[i], false); !ok) return ok;
    if (auto ok = check_cost(fmt::format("scheduler.wake_after_idle_ns[{}]", i), wake[i], false); !ok) return ok;
    if (i > 0 && !(idle[i] > idle[i - 1])) {
      return std::unexpected(fmt::format("scheduler.wake_idle_ns must rise: [{}] = {} after [{}] = {}", i, idle[i],
                                         i - 1, idle[i - 1]));
    }
  }
  return {};
}

}  // namespace

std::expected<void, std::string> validate(const Machine& m) {
  const std::size_t n = m.core_group.size();
  if (n == 0) return std::unexpected("a machine needs at least one core");
  if (n > kMaxCores) {
    return std::unexpected(fmt::format("{} cores is more than the {} supported", n, kMaxCores));
  }
  if (m.latency_ns.size() != n * n) {
    return std::unexpected(fmt::format("{} cores need {} latencies (N x N), not {}", n, n * n,
                                       m.latency_ns.size()));
  }
  for (auto [what, v, zero_ok] : {std::tuple{"clock_ghz", m.clock_ghz, false},
                                  std::tuple{"l1_hit_ns", m.l1_hit_ns, false},
                                  std::tuple{"memory_ns", m.memory_ns, false},
                                  std::tuple{"fence_ns", m.fence_ns, true},
                                  std::tuple{"heavy_barrier_ns", m.heavy_barrier_ns, true},
                                  std::tuple{"line_hold_ns", m.line_hold_ns, true},
                                  std::tuple{"clock_read_ns", m.clock_read_ns, true},
                                  std::tuple{"ooo_window_ns", m.ooo_window_ns, true},
                                  std::tuple{"heavy_barrier_alone_ns", m.heavy_barrier_alone_ns, true},
                                  std::tuple{"retire_delay_max_ns", m.retire_delay_max_ns, true}}) {
    if (auto ok = check_cost(what, v, zero_ok); !ok) return ok;
  }
  if (auto ok = check_access(m.access); !ok) return ok;
  if (m.memory_model != MemoryModel::sc && m.memory_model != MemoryModel::tso) {
    return std::unexpected(fmt::format("memory_model is {}; it must be sc or tso",
                                       static_cast<unsigned>(m.memory_model)));
  }
  if (m.store_buffer_depth < 1 || m.store_buffer_depth > kMaxStoreBufferDepth) {
    return std::unexpected(fmt::format("store_buffer_depth is {}; it must be between 1 and {}",
                                       m.store_buffer_depth, kMaxStoreBufferDepth));
  }
  for (const SchedulerKey& k : kSchedulerKeys) {
    if (auto ok = check_cost(fmt::format("scheduler.{}", k.key), m.scheduler.*k.field, !k.positive); !ok) return ok;
  }
  if (auto ok = check_wake_curve(m.scheduler); !ok) return ok;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double v = m.latency_ns[i * n + j];
      if (i == j) {
        if (v != m.l1_hit_ns) {
          return std::unexpected(fmt::format("latency[{}][{}] is {} but the diagonal must be "
                                             "l1_hit_ns ({})",
                                             i, j, v, m.l1_hit_ns));
        }
      } else if (!std::isfinite(v) || v <= 0) {
        return std::unexpected(
            fmt::format("latency[{}][{}] is {}; it must be a positive number", i, j, v));
      }
    }
  }
  return {};
}

Machine make_machine(const MachineParameters& p, std::vector<std::string> groups,
                     std::vector<double> latency_ns) {
  Machine m;
  m.name = p.name;
  m.description = p.description;
  m.clock_ghz = p.clock_ghz;
  m.l1_hit_ns = p.l1_hit_ns;
  m.memory_ns = p.memory_ns;
  m.fence_ns = p.fence_ns;
  m.heavy_barrier_ns = p.heavy_barrier_ns;
  const auto n = static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(latency_ns.size()))));
  if (n * n == latency_ns.size()) {  // otherwise validate() says what is wrong
    for (std::size_t i = 0; i < n; ++i) latency_ns[i * n + i] = p.l1_hit_ns;
  }
  m.core_group = groups.empty() ? infer_core_groups(static_cast<unsigned>(n), latency_ns)
                                : std::move(groups);
  m.latency_ns = std::move(latency_ns);
  return m;
}

std::vector<std::string> infer_core_groups(unsigned cores, const std::vector<double>& latency_ns) {
  const std::size_t n = cores;
  std::vector<std::string> names(n, "group0");
  if (n < 2 || latency_ns.size() != n * n) return names;
  double lo = std::numeric_limits<double>::infinity();
  double hi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      lo = std::min(lo, latency_ns[i * n + j]);
      hi = std::max(hi, latency_ns[i * n + j]);
    }
  }
  if (!(hi >= 2 * lo)) return names;
  const double threshold = std::sqrt(lo * hi);

  // Union-find over "faster than the threshold in either direction".
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (std::min(latency_ns[i * n + j], latency_ns[j * n + i]) < threshold) {
        const std::size_t a = find(i);
        const std::size_t b = find(j);
        parent[std::max(a, b)] = std::min(a, b);  // the root is the group's first core
      }
    }
  }
  std::vector<std::size_t> number(n, n);
  std::size_t next = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t root = find(i);
    if (number[root] == n) number[root] = next++;
    names[i] = fmt::format("group{}", number[root]);
  }
  return names;
}

namespace {

// Dense indices 0, 1, ... for keys, in order of first appearance.
std::vector<std::uint32_t> dense(const std::vector<std::string>& keys) {
  std::map<std::string, std::uint32_t> index;
  std::vector<std::uint32_t> out;
  out.reserve(keys.size());
  for (const std::string& k : keys) {
    out.push_back(index.try_emplace(k, static_cast<std::uint32_t>(index.size())).first->second);
  }
  return out;
}

// `socket12` from `socket12.ccx3`, or "" when the name has no socket.
std::string socket_token(const std::string& group) {
  const std::size_t at = group.find("socket");
  if (at == std::string::npos) return "";
  std::size_t end = at + 6;
  while (end < group.size() && group[end] >= '0' && group[end] <= '9') ++end;
  return end == at + 6 ? "" : group.substr(at, end - at);
}

bool part_of_a_package(const std::string& group) {
  return group.starts_with("ccx") || group.starts_with("ccd") || group.starts_with("die");
}

}  // namespace

std::vector<std::uint32_t> cache_of_cores(const Machine& m) { return dense(m.core_group); }

std::vector<std::uint32_t> socket_of_cores(const Machine& m) {
  std::vector<std::string> keys;
  keys.reserve(m.core_group.size());
  for (const std::string& g : m.core_group) {
    std::string token = socket_token(g);
    if (token.empty()) token = part_of_a_package(g) ? std::string("package") : g;
    keys.push_back(std::move(token));
  }
  return dense(keys);
}

std::expected<Machine, std::string> first_cores(const Machine& m, unsigned n) {
  if (n == 0) return std::unexpected("--cores must be at least 1");
  if (n > m.cores()) {
    return std::unexpected(
        fmt::format("--cores {}: machine '{}' has only {} cores", n, m.name, m.cores()));
  }
  Machine out = m;
  if (n == m.cores()) return out;
  out.description = fmt::format("{} (first {} of {} cores)", m.description, n, m.cores());
  out.core_group.resize(n);
  out.latency_ns.clear();
  out.latency_ns.reserve(static_cast<std::size_t>(n) * n);
  for (unsigned i = 0; i < n; ++i) {
    for (unsigned j = 0; j < n; ++j) out.latency_ns.push_back(m.latency(i, j));
  }
  return out;
}

LatencySummary summarize(const Machine& m) {
  LatencySummary s;
  s.groups = static_cast<unsigned>(std::set<std::string>(m.core_group.begin(), m.core_group.end()).size());
  const unsigned n = m.cores();
  for (unsigned i = 0; i < n; ++i) {
    for (unsigned j = 0; j < n; ++j) {
      if (i == j) continue;
      widen(m.core_group[i] == m.core_group[j] ? s.near : s.far, m.latency(i, j));
      if (m.latency(i, j) != m.latency(j, i)) s.symmetric = false;
    }
  }
  return s;
}

}  // namespace lockscope::engine::machine
