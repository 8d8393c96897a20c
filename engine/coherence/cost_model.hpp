// CostModel: what the coherence directory charges, in integer picoseconds
// (a 1-cycle access at 4 GHz is 250 ps; nanoseconds would round it away).
// Built from a machine description; the directory knows nothing else of it.
// It also carries the machine's topology (which cores share a socket, which
// share a last-level cache), which the directory ignores and the simulated
// platform hands to NUMA-aware locks (SimPlatform::current_node).
#pragma once

#include <cstdint>
#include <vector>

namespace lockscope::engine::coherence {

using Picos = std::uint64_t;

struct CostModel {
  unsigned cores = 0;
  Picos l1_hit = 1'000;      // an access that hits in the core's own cache
  Picos memory = 90'000;     // a miss that no other core can serve
  std::vector<Picos> transfer;  // cores x cores, row-major: moving a line from row to column
  // Per core, its socket and its last-level-cache domain, each a dense index
  // 0, 1, ... (machine::socket_of_cores, cache_of_cores). Empty: one node.
  std::vector<std::uint32_t> socket_of;
  std::vector<std::uint32_t> cache_of;

  [[nodiscard]] Picos between(unsigned from, unsigned to) const {
    return transfer[static_cast<std::size_t>(from) * cores + to];
  }
};

}  // namespace lockscope::engine::coherence
