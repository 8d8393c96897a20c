#include "engine/machine/published_presets.hpp"

#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

namespace lockscope::engine::machine {

unsigned sosp13_xeon_hops(unsigned socket_a, unsigned socket_b) {
  if (socket_a == socket_b) return 0;
  const unsigned n = Sosp13Xeon::kSockets;
  const unsigned d = (socket_a + n - socket_b) % n;
  const unsigned ring = d < n - d ? d : n - d;  // 1..4 steps round the ring
  return ring == 1 || ring == n / 2 ? 1 : 2;
}

Machine xeon_80_sosp13() {
  using X = Sosp13Xeon;
  MachineParameters p;
  p.name = "xeon-80-sosp13";
  p.description =
      "8 x 10-core Xeon E7-8867L at 2.13 GHz, rebuilt from David, Guerraoui, Trigonakis, SOSP 2013, "
      "Table 2 (load from Modified: 109 / 289 / 400 cycles same die / one hop / two hops)";
  p.clock_ghz = X::kClockGhz;
  p.l1_hit_ns = X::ns(X::kL1Cycles);
  p.memory_ns = X::ns(X::kMemoryCycles);
  // The study gives no standalone fence: its store and CAS latencies already
  // include the drain (ccbench fences its stores on this Xeon) and reach the
  // model through the per-state costs below.
  p.fence_ns = 0;
  p.heavy_barrier_ns = MachineParameters{}.heavy_barrier_ns;  // not in the study: the default
  const unsigned n = X::kSockets * X::kCoresPerSocket;
  std::vector<std::string> groups;
  groups.reserve(n);
  for (unsigned c = 0; c < n; ++c) groups.push_back(fmt::format("socket{}", c / X::kCoresPerSocket));
  std::vector<double> lat(static_cast<std::size_t>(n) * n, p.l1_hit_ns);
  for (unsigned i = 0; i < n; ++i) {
    for (unsigned j = 0; j < n; ++j) {
      if (i == j) continue;
      const unsigned hops = sosp13_xeon_hops(i / X::kCoresPerSocket, j / X::kCoresPerSocket);
      lat[static_cast<std::size_t>(i) * n + j] = X::ns(X::kLoadModified[hops]);
    }
  }
  Machine m = make_machine(p, std::move(groups), std::move(lat));
  // Per-state costs measured, as ccbench does, between two cores of one die.
  m.access.reference_ns = X::ns(X::kLoadModified[0]);
  m.access.load.modified_ns = X::ns(X::kLoadModified[0]);
  m.access.load.memory_ns = X::ns(X::kMemoryCycles);
  m.access.store.modified_ns = X::ns(X::kStoreModified[0]);
  m.access.rmw.modified_ns = X::ns(X::kCasModified[0]);
  return m;
}

}  // namespace lockscope::engine::machine
