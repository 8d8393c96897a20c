// Seeds that `lockscope explore` once found wrong, replayed as explore
// replays them (strict timing, jitter 0.5), each in a child of its own.
//
// The reader-queue deadlocks of 2026-12: on the bouncing scenario with 5%
// writes and 8 contexts on laptop-8, percpu, glibc-rwlock and
// glibc-rwlock-wp deadlocked with workers asleep "in the reader queue"
// (and percpu's writer waiting for a reader that had been granted the lock
// and never woke). The locks were right: the simulated wait queue lost a
// notify that came as a futex_wait finished entering the kernel
// (tests/engine/sim/wait_queue_test.cpp pins the primitive).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "engine/machine/presets.hpp"
#include "engine/replay/forked_replay.hpp"
#include "engine/replay/machine_costs.hpp"
#include "engine/scenario/generator.hpp"
#include "engine/scenario/scenario_reader.hpp"

namespace lockscope::engine::replay {
namespace {

std::string what_went_wrong(const ReplayResult& r) {
  std::ostringstream out;
  out << r.error;
  if (r.deadlock) out << (r.missed_wakeup ? " deadlock (missed wakeup):" : " deadlock:");
  for (const BlockedWorker& b : r.blocked) out << " worker " << b.worker << " in " << b.waiting_in << ';';
  if (r.violations != 0) out << ' ' << r.violations << " exclusion violations";
  if (r.residual_readers != 0) out << " reader count drifted by " << r.residual_readers;
  return out.str();
}

void expect_healthy(const std::string& lock, const std::vector<std::uint64_t>& seeds) {
  const std::vector<std::string> sets = {"writes.write_permille=50", "contexts.count=8"};
  auto scenario = scenario::read_scenario_file(std::string(LOCKSCOPE_SOURCE_DIR) + "/scenarios/teaching/bouncing.toml",
                                               sets);
  ASSERT_TRUE(scenario.has_value()) << scenario.error().to_string();
  const traces::WorkloadTrace trace = scenario::generate(*scenario);
  auto machine = machine::preset("laptop-8");
  ASSERT_TRUE(machine.has_value()) << machine.error();
  ReplayOptions o;
  o.lock = lock;
  o.machine = machine->name;
  o.costs = cost_model(*machine);
  o.sim_costs = sim_costs(*machine);
  o.jitter = 0.5;
  o.strict = true;
  o.record_timeline = false;
  for (const std::uint64_t seed : seeds) {
    o.seed = seed;
    const ReplayResult r = replay_in_child(trace, o, "");
    EXPECT_TRUE(r.healthy()) << lock << " seed " << seed << ":" << what_went_wrong(r);
  }
}

TEST(ExploreSeeds, PercpuNoLongerSleepsInTheReaderQueue) { expect_healthy("percpu", {1, 7, 18}); }

TEST(ExploreSeeds, GlibcRwlockNoLongerSleepsInTheReaderQueue) { expect_healthy("glibc-rwlock", {10, 19}); }

TEST(ExploreSeeds, GlibcRwlockWriterPreferringNoLongerSleepsInTheReaderQueue) {
  expect_healthy("glibc-rwlock-wp", {3, 4});
}

}  // namespace
}  // namespace lockscope::engine::replay
