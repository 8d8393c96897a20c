// The wake-up queue's hand-over (engine/sim/wake_queue.hpp) changes how
// fast a simulation runs, never what it simulates: replays with it and
// without it (SimCosts::hand_over) must agree to the picosecond, spans and
// transfers included, whatever blocks on SimGrid meanwhile: sleeping locks,
// tso's store-buffer drains, workers taking turns on a core.
#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>

#include "engine/replay/replay.hpp"
#include "traces/fnv1a.hpp"
#include "traces/timeline_file.hpp"
#include "tests/engine/replay/in_child.hpp"
#include "tests/engine/sim/sim_test_util.hpp"

namespace lockscope::engine::sim {
namespace {

using lockscope::testing::in_child;
using testing::two_speed;
using traces::OpKind;

// The saturated readers of sim_test_util.hpp, but every fifth operation of
// worker 0 and worker 1 a write, and short, uneven holds and thinks.
traces::WorkloadTrace mixed(unsigned workers, unsigned contexts, unsigned ops) {
  traces::WorkloadTrace t = testing::saturated(workers, contexts, ops);
  for (unsigned w = 0; w < workers; ++w) {
    for (unsigned i = 0; i < ops; ++i) {
      traces::Op* op = &t.workers[w].ops[std::size_t{i} * 4];  // acquire, hold, release, think
      if (w < 2 && i % 5 == w) {
        op[0].kind = OpKind::write_acquire;
        op[2].kind = OpKind::write_release;
      }
      op[1].value = 3 + (w * 7 + i * 13) % 40;
      op[3].value = 1 + (w * 11 + i * 5) % 60;
    }
  }
  return t;
}

struct Case {
  const char* lock;
  unsigned workers, contexts, cores;
  MemoryModel model;
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.lock << ", " << c.workers << " workers in " << c.contexts << " contexts on " << c.cores << " cores"
       << (c.model == MemoryModel::tso ? ", tso" : "");
}

// Everything a replay reports that the simulation decides, and a hash of
// its timeline's file.
std::string replayed(const Case& c, bool hand_over) {
  return in_child([&c, hand_over] {
           replay::ReplayOptions o;
           o.lock = c.lock;
           o.costs = two_speed(c.cores, 4, 25'000, 90'000);
           o.sim_costs.memory_model = c.model;
           o.sim_costs.hand_over = hand_over;
           o.record_timeline = true;
           const replay::ReplayResult r = replay::replay(mixed(c.workers, c.contexts, 60), o);
           // The whole timeline, spans, transfers and counters, as its file would hold it.
           const auto file = traces::encode_timeline(r.timeline);
           const std::string h = file ? std::to_string(traces::fnv1a64(*file)) : "unencodable: " + file.error();
           std::ostringstream out;
           out << r.sim_time_ps << ' ' << r.lock_ops() << ' ' << r.sleeps << ' ' << r.violations << ' '
               << r.deadlock << ' ' << r.transfers_per_op() << ' ' << h << ' ' << r.error;
           return out.str();
         })
      .out;
}

class HandOverReplay : public ::testing::TestWithParam<Case> {};

TEST_P(HandOverReplay, GivesTheSameRunAsSimGridsTimers) {
  const std::string with = replayed(GetParam(), true);
  const std::string without = replayed(GetParam(), false);
  EXPECT_EQ(with, without);
  EXPECT_FALSE(with.empty());
  EXPECT_EQ(with.find("unencodable"), std::string::npos) << with;
}

INSTANTIATE_TEST_SUITE_P(
    Locks, HandOverReplay,
    ::testing::Values(Case{"graph", 8, 8, 8, MemoryModel::sc}, Case{"central", 12, 12, 12, MemoryModel::sc},
                      Case{"glibc-rwlock", 6, 6, 6, MemoryModel::sc}, Case{"pflock", 6, 6, 6, MemoryModel::sc},
                      Case{"bravo", 6, 6, 6, MemoryModel::sc}, Case{"graph", 6, 6, 6, MemoryModel::tso},
                      Case{"percpu", 6, 6, 6, MemoryModel::tso}, Case{"graph", 12, 3, 4, MemoryModel::sc},
                      Case{"glibc-rwlock", 10, 10, 4, MemoryModel::sc}),
    [](const ::testing::TestParamInfo<Case>& param) {
      std::string name = param.param.lock;
      for (char& ch : name) {
        if (ch == '-') ch = '_';
      }
      return name + "_w" + std::to_string(param.param.workers) + "_c" + std::to_string(param.param.cores) +
             (param.param.model == MemoryModel::tso ? "_tso" : "");
    });

}  // namespace
}  // namespace lockscope::engine::sim
