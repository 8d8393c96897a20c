#include "engine/replay/machine_costs.hpp"

#include <cmath>
#include <limits>

namespace lockscope::engine::replay {
namespace {

coherence::Picos ps(double ns) { return static_cast<coherence::Picos>(std::llround(ns * 1000.0)); }

// A machine's per-state costs for one kind of access as factors of the
// reference latency (machine::AccessCosts); what is not given stays 1.
coherence::StateCosts state_costs(const machine::AccessCosts::Op& op, double reference_ns) {
  coherence::StateCosts s;
  auto factor = [&](double ns) { return ns > 0 ? ns / reference_ns : 1.0; };
  s.modified = factor(op.modified_ns);
  s.exclusive = factor(op.exclusive_ns);
  s.shared = factor(op.shared_ns);
  for (const double ns : op.shared_by_ns) s.shared_by.push_back(factor(ns));
  s.memory = op.memory_ns > 0 ? ps(op.memory_ns) : 0;
  return s;
}

}  // namespace

coherence::CostModel cost_model(const machine::Machine& m) {
  coherence::CostModel c;
  c.cores = m.cores();
  c.l1_hit = ps(m.l1_hit_ns);
  c.memory = ps(m.memory_ns);
  c.line_hold = ps(m.line_hold_ns);
  c.transfer.reserve(m.latency_ns.size());
  for (const double ns : m.latency_ns) c.transfer.push_back(ps(ns));
  if (m.access.given()) {
    c.load = state_costs(m.access.load, m.access.reference_ns);
    c.store = state_costs(m.access.store, m.access.reference_ns);
    c.rmw = state_costs(m.access.rmw, m.access.reference_ns);
  }
  c.socket_of = machine::socket_of_cores(m);
  c.cache_of = machine::cache_of_cores(m);
  return c;
}

sim::SimCosts sim_costs(const machine::Machine& m) {
  sim::SimCosts s;
  s.fence = ps(m.fence_ns);
  s.heavy_barrier = ps(m.heavy_barrier_ns);
  s.clock_read = ps(m.clock_read_ns);
  s.ooo_window = ps(m.ooo_window_ns);
  s.heavy_barrier_alone = ps(m.heavy_barrier_alone_ns);
  // A pause instruction: ~40 cycles on current x86 cores.
  s.pause = ps(40.0 / m.clock_ghz);
  switch (m.arbitration) {
    case machine::Arbitration::nearest_first: s.arbitration = sim::Arbitration::nearest_first; break;
    case machine::Arbitration::arrival: s.arbitration = sim::Arbitration::arrival; break;
    case machine::Arbitration::fifo: s.arbitration = sim::Arbitration::fifo; break;
  }
  s.hold_while_used = m.line_hold_rule == machine::LineHoldRule::while_used;
  switch (m.memory_model) {
    case machine::MemoryModel::sc: s.memory_model = sim::MemoryModel::sc; break;
    case machine::MemoryModel::tso: s.memory_model = sim::MemoryModel::tso; break;
  }
  s.store_buffer_depth = m.store_buffer_depth;
  s.retire_delay_max = ps(m.retire_delay_max_ns);
  s.patience = m.arbitration_patience == 0 ? std::numeric_limits<std::uint32_t>::max() : m.arbitration_patience;
  s.slice = ps(m.scheduler.slice_us * 1000.0);
  s.thread_switch = ps(m.scheduler.thread_switch_ns);
  s.coroutine_switch = ps(m.scheduler.coroutine_switch_ns);
  s.wake = ps(m.scheduler.wake_ns);
  for (const double ns : m.scheduler.wake_idle_ns) s.wake_idle.push_back(ps(ns));
  for (const double ns : m.scheduler.wake_after_idle_ns) s.wake_after_idle.push_back(ps(ns));
  s.wake_call = ps(m.scheduler.wake_call_ns);
  s.syscall = ps(m.scheduler.syscall_ns);
  s.spin = ps(m.scheduler.spin_ns);
  return s;
}

}  // namespace lockscope::engine::replay
