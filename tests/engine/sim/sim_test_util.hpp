// Machines and workloads the simulator tests share: a two-group machine (a
// line moves fast inside a group, slowly across) and a saturated counter
// (every worker reads the lock back to back, so its counter line is always
// wanted).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "engine/coherence/cost_model.hpp"
#include "traces/timeline.hpp"
#include "traces/workload.hpp"

namespace lockscope::engine::sim::testing {

// `cores` cores in groups of `group`: `near_ps` inside a group, `far_ps`
// across; 1 ns L1.
inline coherence::CostModel two_speed(unsigned cores, unsigned group, coherence::Picos near_ps,
                                      coherence::Picos far_ps) {
  coherence::CostModel c;
  c.cores = cores;
  c.l1_hit = 1'000;
  c.memory = 90'000;
  c.transfer.resize(std::size_t{cores} * cores);
  for (unsigned a = 0; a < cores; ++a) {
    for (unsigned b = 0; b < cores; ++b) {
      c.transfer[std::size_t{a} * cores + b] = a == b ? 1'000 : (a / group == b / group ? near_ps : far_ps);
    }
    c.socket_of.push_back(a / group);
    c.cache_of.push_back(a / group);
  }
  return c;
}

// `workers` workers in `contexts` contexts (worker w in context w mod
// contexts), each reading `reads` times with `think_ns` between reads.
inline traces::WorkloadTrace saturated(unsigned workers, unsigned contexts, unsigned reads,
                                       std::uint64_t think_ns = 1) {
  traces::WorkloadTrace t;
  t.initial_contexts = contexts;
  for (unsigned w = 0; w < workers; ++w) {
    traces::WorkerPlan p;
    p.initial_context = w % contexts;
    for (unsigned i = 0; i < reads; ++i) {
      p.ops.push_back({traces::OpKind::read_acquire});
      p.ops.push_back({traces::OpKind::hold, 1});  // a span the timeline keeps
      p.ops.push_back({traces::OpKind::read_release});
      p.ops.push_back({traces::OpKind::think, think_ns});
    }
    t.workers.push_back(std::move(p));
  }
  return t;
}

// Per worker, the read sections it entered before the first worker finished:
// while every worker still competes, who got the lock how often.
inline std::vector<std::uint64_t> reads_while_all_compete(const traces::Timeline& t) {
  std::uint64_t first_finish = std::numeric_limits<std::uint64_t>::max();
  for (const traces::TimelineWorker& w : t.workers) {
    if (!w.spans.empty()) first_finish = std::min(first_finish, w.spans.back().end);
  }
  std::vector<std::uint64_t> counts;
  for (const traces::TimelineWorker& w : t.workers) {
    counts.push_back(static_cast<std::uint64_t>(std::count_if(w.spans.begin(), w.spans.end(), [&](const traces::Span& s) {
      return s.state == traces::WorkerState::reading && s.start < first_finish;
    })));
  }
  return counts;
}

}  // namespace lockscope::engine::sim::testing
