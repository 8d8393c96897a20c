// Only the acquisitions a stopwatch times have their waits recorded
// (ReplayOptions::timed_acquisitions): validate compares the simulated waits
// with a real loop that times every write and one read in 16, so both sides
// must describe the same acquisitions.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "engine/replay/replay.hpp"
#include "tests/engine/replay/in_child.hpp"
#include "tests/engine/sim/sim_test_util.hpp"

namespace lockscope::engine::replay {
namespace {

using lockscope::testing::in_child;

struct Waits {
  std::uint64_t reads = 0;    // acquisitions replayed
  std::uint64_t samples = 0;  // waits recorded
  std::uint64_t max = 0;
};

// One worker reads `reads` times; its first read fills the lock's line from
// memory (90 ns), every later one hits (a few ns).
Waits replay_reads(unsigned reads, std::vector<std::vector<bool>> timed) {
  const std::string out = in_child([&] {
    ReplayOptions o;
    o.lock = "central";
    o.costs = sim::testing::two_speed(1, 1, 100'000, 100'000);
    o.timed_acquisitions = std::move(timed);
    const ReplayResult r = replay(sim::testing::saturated(1, 1, reads, 50), o);
    if (!r.error.empty()) return "error " + r.error;
    std::ostringstream s;
    s << r.read_ops << ' ' << r.read_wait_ns.samples << ' ' << r.read_wait_ns.max;
    return s.str();
  }).out;
  Waits w;
  std::istringstream in(out);
  if (!(in >> w.reads >> w.samples >> w.max)) ADD_FAILURE() << out;
  return w;
}

TEST(TimedAcquisitions, WithoutAListEveryWaitIsRecorded) {
  const Waits w = replay_reads(10, {});
  EXPECT_EQ(w.reads, 10U);
  EXPECT_EQ(w.samples, 10U);
  EXPECT_GE(w.max, 90U);  // the fill
}

TEST(TimedAcquisitions, OnlyTheMarkedAcquisitionsAreTimed) {
  std::vector<bool> every_other(10, false);
  for (std::size_t i = 0; i < every_other.size(); i += 2) every_other[i] = true;
  const Waits w = replay_reads(10, {every_other});
  EXPECT_EQ(w.reads, 10U) << "every acquisition still runs";
  EXPECT_EQ(w.samples, 5U);
  EXPECT_GE(w.max, 90U) << "the first is timed";
}

TEST(TimedAcquisitions, TheWaitsAreThoseOfTheMarkedOnes) {
  std::vector<bool> all_but_first(10, true);
  all_but_first[0] = false;
  const Waits w = replay_reads(10, {all_but_first});
  EXPECT_EQ(w.samples, 9U);
  EXPECT_LT(w.max, 90U) << "the fill is not among them";
}

TEST(TimedAcquisitions, AcquisitionsPastTheListAreNotTimed) {
  const Waits w = replay_reads(10, {{true, true, true}});
  EXPECT_EQ(w.reads, 10U);
  EXPECT_EQ(w.samples, 3U);
}

}  // namespace
}  // namespace lockscope::engine::replay
