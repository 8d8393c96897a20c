#include "engine/bench/locks/table_slots.hpp"

#include <gtest/gtest.h>

#include "engine/bench/bench_runner.hpp"
#include "engine/bench/locks/lockimpl_lock.hpp"
#include "engine/platform/real_platform.hpp"
#include "lockimpl/bravo.hpp"
#include "lockimpl/central_lock.hpp"
#include "tests/engine/bench/probe_locks.hpp"

namespace lockscope::engine::bench {
namespace {

using platform::RealPlatform;
using testing::IdNotingCentral;
using testing::SizedCentral;

// A short mixed run of two threads.
BenchConfig two_threads(std::uint64_t ops) {
  BenchConfig cfg;
  cfg.lock = "probe-central";
  cfg.threads = 2;
  cfg.ops = ops;
  cfg.write_permille = 100;
  return cfg;
}

TEST(TableSlots, BravoIsBuiltWithTheGivenSizeOrItsDefault) {
  using Bravo = lockimpl::BravoLock<RealPlatform>;
  EXPECT_EQ(make_sized_lock<Bravo>(4, 64).table_slots(), 64U);
  EXPECT_EQ(make_sized_lock<Bravo>(4, 3).table_slots(), 3U);
  EXPECT_EQ(make_sized_lock<Bravo>(4, 0).table_slots(), Bravo::kDefaultTableSlots);
  static_assert(kHasTable<Bravo>);
  static_assert(!kHasTable<lockimpl::CentralLock<RealPlatform>>);
}

// The size goes from the bench's config through LockimplLock to the lock.
TEST(TableSlots, ABenchRunBuildsItsLockWithTheConfigsSize) {
  BenchConfig cfg = two_threads(2'000);
  cfg.table_slots = 64;
  EXPECT_EQ(run_bench<LockimplLock<SizedCentral>>(cfg, SpinDelay(1.0)).violations, 0U);
  EXPECT_EQ(SizedCentral::built_with.load(), 64U);
  cfg.table_slots = 0;
  (void)run_bench<LockimplLock<SizedCentral>>(cfg, SpinDelay(1.0));
  EXPECT_EQ(SizedCentral::built_with.load(), SizedCentral::kDefaultTableSlots);
}

// BRAVO hashes the worker id into its table: each run numbers its workers
// from 0, so a run's slots do not depend on the runs before it.
TEST(TableSlots, EveryRunNumbersItsWorkersFromZero) {
  const BenchConfig cfg = two_threads(1'000);
  for (int run = 0; run < 3; ++run) {
    IdNotingCentral::highest = 0;
    (void)run_bench<LockimplLock<IdNotingCentral>>(cfg, SpinDelay(1.0));
    EXPECT_EQ(IdNotingCentral::highest.load(), 1U) << "run " << run;
  }
}

// Wrappers without a size (pthread_rwlock, TBB, ...) are built from the count alone.
TEST(TableSlots, AWrapperWithoutASizeTakesTheCountAlone) {
  struct CountOnly {
    explicit CountOnly(unsigned n) : count(n) {}
    unsigned count;
  };
  EXPECT_EQ(make_run_lock<CountOnly>(5, 64).count, 5U);
}

}  // namespace
}  // namespace lockscope::engine::bench
