#include "engine/bench/locks/table_slots.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>

#include "engine/bench/bench_runner.hpp"
#include "engine/bench/locks/lockimpl_lock.hpp"
#include "engine/platform/real_platform.hpp"
#include "lockimpl/bravo.hpp"
#include "lockimpl/central_lock.hpp"

namespace lockscope::engine::bench {
namespace {

using platform::RealPlatform;

// central with a table size it only records: which size a run built it with.
struct SizedCentral : lockimpl::CentralLock<RealPlatform> {
  static constexpr std::uint32_t kDefaultTableSlots = 7;
  static inline std::atomic<std::uint32_t> built_with{0};
  SizedCentral(std::uint32_t contexts, std::uint32_t slots) : lockimpl::CentralLock<RealPlatform>(contexts) {
    built_with = slots;
  }
};

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
  BenchConfig cfg;
  cfg.lock = "sized-central";
  cfg.threads = 2;
  cfg.ops = 2'000;
  cfg.write_permille = 100;
  cfg.table_slots = 64;
  EXPECT_EQ(run_bench<LockimplLock<SizedCentral>>(cfg, SpinDelay(1.0)).violations, 0U);
  EXPECT_EQ(SizedCentral::built_with.load(), 64U);
  cfg.table_slots = 0;
  (void)run_bench<LockimplLock<SizedCentral>>(cfg, SpinDelay(1.0));
  EXPECT_EQ(SizedCentral::built_with.load(), SizedCentral::kDefaultTableSlots);
}

// central that notes the highest worker id that took it.
struct IdNotingCentral : lockimpl::CentralLock<RealPlatform> {
  using lockimpl::CentralLock<RealPlatform>::CentralLock;
  static inline std::atomic<std::uint32_t> highest{0};
  static void note() {
    const std::uint32_t id = RealPlatform::current_worker();
    std::uint32_t h = highest.load();
    while (id > h && !highest.compare_exchange_weak(h, id)) {
    }
  }
  void lock_shared() {
    note();
    lockimpl::CentralLock<RealPlatform>::lock_shared();
  }
  void lock() {
    note();
    lockimpl::CentralLock<RealPlatform>::lock();
  }
};

// BRAVO hashes the worker id into its table: each run numbers its workers
// from 0, so a run's slots do not depend on the runs before it.
TEST(TableSlots, EveryRunNumbersItsWorkersFromZero) {
  BenchConfig cfg;
  cfg.lock = "id-noting-central";
  cfg.threads = 2;
  cfg.ops = 1'000;
  cfg.write_permille = 100;
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
