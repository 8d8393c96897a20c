#include "engine/replay/machine_costs.hpp"

#include <cmath>

namespace lockscope::engine::replay {
namespace {

coherence::Picos ps(double ns) { return static_cast<coherence::Picos>(std::llround(ns * 1000.0)); }

}  // namespace

coherence::CostModel cost_model(const machine::Machine& m) {
  coherence::CostModel c;
  c.cores = m.cores();
  c.l1_hit = ps(m.l1_hit_ns);
  c.memory = ps(m.memory_ns);
  c.transfer.reserve(m.latency_ns.size());
  for (const double ns : m.latency_ns) c.transfer.push_back(ps(ns));
  c.socket_of = machine::socket_of_cores(m);
  c.cache_of = machine::cache_of_cores(m);
  return c;
}

sim::SimCosts sim_costs(const machine::Machine& m) {
  sim::SimCosts s;
  s.fence = ps(m.fence_ns);
  s.heavy_barrier = ps(m.heavy_barrier_ns);
  // A pause instruction: ~40 cycles on current x86 cores.
  s.pause = ps(40.0 / m.clock_ghz);
  return s;
}

}  // namespace lockscope::engine::replay
