// CostModel: what the coherence directory charges, in integer picoseconds
// (a 1-cycle access at 4 GHz is 250 ps; nanoseconds would round it away).
// Built from a machine description; the directory knows nothing else of it.
// It also carries the machine's topology (which cores share a socket, which
// share a last-level cache), which the directory ignores and the simulated
// platform hands to NUMA-aware locks (SimPlatform::current_node).
// Per-state costs (StateCosts) refine the charge of a miss by the line's
// state and the kind of access when a calibrated machine gives them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lockscope::engine::coherence {

using Picos = std::uint64_t;

// Per-state costs of one kind of access (load, store or RMW), from a
// machine's ccbench-style measurements (machine::AccessCosts). A miss that
// the plain model charges `between(from, to)` is charged that times the
// factor of the line's state; a fill from memory costs `memory` when it is
// given. The defaults (factor 1, no shared_by, memory 0) charge exactly the
// plain model.
struct StateCosts {
  double modified = 1;   // the line is M in another core
  double exclusive = 1;  // E in another core
  double shared = 1;     // loads: S in other cores only
  // Stores and RMWs on a shared line: [k - 1] when k other cores' copies are
  // invalidated (the last entry for more); empty: 1.
  std::vector<double> shared_by;
  Picos memory = 0;  // a fill from memory; 0: CostModel::memory

  [[nodiscard]] double shared_by_factor(std::size_t others) const {
    if (shared_by.empty() || others == 0) return 1;
    return shared_by[std::min(others, shared_by.size()) - 1];
  }
  friend bool operator==(const StateCosts&, const StateCosts&) = default;
};

// `base` scaled by `factor`, exactly `base` when the factor is 1.
[[nodiscard]] inline Picos scaled(Picos base, double factor) {
  if (factor == 1) return base;
  return static_cast<Picos>(std::llround(static_cast<double>(base) * factor));
}

struct CostModel {
  unsigned cores = 0;
  Picos l1_hit = 1'000;      // an access that hits in the core's own cache
  Picos memory = 90'000;     // a miss that no other core can serve
  // How long a core keeps a line that just landed before it answers another
  // core's request for it (docs/simulator.md, "Handing over").
  Picos line_hold = 0;
  std::vector<Picos> transfer;  // cores x cores, row-major: moving a line from row to column
  // Per-state costs by kind of access (docs/simulator.md, the access-cost
  // table); the defaults are the plain model.
  StateCosts load;
  StateCosts store;
  StateCosts rmw;
  // Per core, its socket and its last-level-cache domain, each a dense index
  // 0, 1, ... (machine::socket_of_cores, cache_of_cores). Empty: one node.
  std::vector<std::uint32_t> socket_of;
  std::vector<std::uint32_t> cache_of;

  [[nodiscard]] Picos between(unsigned from, unsigned to) const {
    return transfer[static_cast<std::size_t>(from) * cores + to];
  }
};

}  // namespace lockscope::engine::coherence
