// Reading the clock (P::now_ns, a vDSO clock_gettime on real threads) costs
// the reader SimCosts::clock_read (machine::Machine::clock_read_ns): BRAVO
// reads it twice at every write (its scan's start and end) and on its slow
// read path.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "engine/replay/replay.hpp"
#include "engine/sim/sim_platform.hpp"
#include "engine/sim/sim_session.hpp"
#include "tests/engine/replay/in_child.hpp"
#include "tests/engine/sim/sim_test_util.hpp"

namespace lockscope::engine::sim {
namespace {

using lockscope::testing::in_child;
using testing::two_speed;

// The two times a worker reads back to back, at the start of a run.
std::string two_reads(Picos clock_read) {
  return in_child([clock_read] {
    SimCosts s;
    s.clock_read = clock_read;
    std::int64_t first = -1;
    std::int64_t second = -1;
    run_simulation(two_speed(2, 2, 50'000, 50'000), s, [&](SimWorld& /*world*/, const SimHosts& /*hosts*/) {
      first = SimPlatform::now_ns();
      second = SimPlatform::now_ns();
    });
    return std::to_string(first) + " " + std::to_string(second);
  }).out;
}

TEST(ClockRead, EveryReadCostsTheReader) {
  // Each read ends a read later; the time read is the read's end.
  EXPECT_EQ(two_reads(17'000), "17 34");
  // Free when the machine does not say (the presets).
  EXPECT_EQ(two_reads(0), "0 0");
}

// The wait of one bravo write, alone, with a clock read costing `clock_read`
// (one simulation per child: SimGrid allows one per process).
std::uint64_t one_write_wait(Picos clock_read) {
  const std::string out = in_child([clock_read] {
    traces::WorkloadTrace t;
    t.initial_contexts = 1;
    traces::WorkerPlan p;
    p.initial_context = 0;
    p.ops = {{traces::OpKind::write_acquire}, {traces::OpKind::write_release}};
    t.workers = {p};
    replay::ReplayOptions o;
    o.lock = "bravo";
    o.costs = two_speed(2, 2, 50'000, 50'000);
    o.sim_costs.clock_read = clock_read;
    const replay::ReplayResult r = replay::replay(t, o);
    if (!r.error.empty() || r.deadlock) return std::string("error ") + r.error;
    return std::to_string(r.write_wait_ns.max);
  }).out;
  if (out.starts_with("error")) ADD_FAILURE() << out;
  return out.starts_with("error") ? 0 : std::stoull(out);
}

// BRAVO's writer reads the clock at its scan's start and end: a write that
// revokes the bias waits two reads longer than with a free clock.
TEST(ClockRead, BravosRevokingWriterPaysTwoReads) {
  const std::uint64_t free_clock = one_write_wait(0);
  const std::uint64_t paid = one_write_wait(1'000'000);
  ASSERT_GT(free_clock, 0U);
  EXPECT_GE(paid, free_clock + 2000);
  EXPECT_LT(paid, free_clock + 3000);
}

}  // namespace
}  // namespace lockscope::engine::sim
