// ContextCounters: what lockimpl/context_counters.hpp promises. One counter
// per context on a cacheline of its own; registration brings a context into
// the sum; unregistering moves its count into the orphaned count, so that
//   orphaned + sum(counter(c) for registered c)
// stays the number of readers counted, exactly; and a counter used while its
// context was unregistered is caught at re-registration or destruction.
//
// Compiled into both lock binaries: on real threads (and the ThreadSanitizer
// twin) the bookkeeping and a concurrent count; on the simulated platform
// (each test in a simulation of its own) readers that move between contexts.
#include <gtest/gtest.h>

#include <cstdint>

#include "lockimpl/context_counters.hpp"
#include "tests/lockimpl/thread_harness.hpp"
#if defined(LOCKSCOPE_LOCKIMPL_SIM)
#include "tests/lockimpl/sim_harness.hpp"
#endif

namespace lockscope::tests {
namespace {

using lockimpl::memory_order_relaxed;
using lockimpl::memory_order_release;

constexpr std::uint32_t kContexts = 8;

#if defined(LOCKSCOPE_LOCKIMPL_SIM)

using engine::sim::SimPlatform;
using H = Harness<SimPlatform>;

// simulate<L> builds its L with no arguments; the counters' registration
// is a later member, as in the locks.
struct SimCounters : lockimpl::ContextCounters<SimPlatform> {
  SimCounters() : ContextCounters(kContexts, "cc.ctx", registration) {}
  Registration registration{kContexts, "cc.orphaned"};
};

// Readers enter in one context and leave in another, and one context is
// unregistered with a moved reader's count in it: the sum stays exact.
TEST(ContextCounters, TheSumCountsReadersThatMovedAndOrphanedCounts) {
  H::simulate<SimCounters>([](SimCounters& counters) {
    for (ContextId c = 0; c < 6; ++c) counters.register_context(c);
    H::Workers workers;
    for (ContextId c = 1; c <= 2; ++c) {
      workers.spawn(c, [&counters, c] {
        counters.current().fetch_add(1, memory_order_relaxed);
        H::enter(c + 2);  // enters in c, leaves in c + 2
        counters.current().fetch_sub(1, memory_order_release);
        counters.current().fetch_add(1, memory_order_relaxed);  // a second reader, still inside
      });
    }
    workers.join_all();
    EXPECT_EQ(counters.sum(), 2);
    EXPECT_EQ(counters.context_readers(1), 1);
    EXPECT_EQ(counters.context_readers(3), 0);  // -1 left, +1 entered
    EXPECT_EQ(counters.context_readers(2), 1);
    counters.unregister_context(1);
    EXPECT_EQ(counters.orphaned(), 1);
    EXPECT_EQ(counters.sum(), 2) << "unregistering must not lose a count";
    // The two readers leave in context 0.
    H::enter(0);
    counters.current().fetch_sub(2, memory_order_release);
    EXPECT_EQ(counters.sum(), 0);
  });
}

#else  // RealPlatform

using Platform = engine::platform::RealPlatform;
using Counters = lockimpl::ContextCounters<Platform>;

// The counters with their registration, as a lock holds them.
template <bool kPadded = true>
struct OwnedCounters : lockimpl::ContextCounters<Platform, kPadded> {
  using Base = lockimpl::ContextCounters<Platform, kPadded>;
  OwnedCounters() : Base(kContexts, "cc.ctx", registration) {}
  typename Base::Registration registration{kContexts, "cc.orphaned"};
};

TEST(ContextCounters, ANewSetSumsToZeroAndReportsItsCapacity) {
  OwnedCounters<> counters;
  EXPECT_EQ(counters.capacity(), kContexts);
  EXPECT_EQ(counters.sum(), 0);
  EXPECT_EQ(counters.orphaned(), 0);
  for (ContextId c = 0; c < kContexts; ++c) EXPECT_EQ(counters.context_readers(c), 0) << c;
}

TEST(ContextCounters, OneCachelinePerContext) {
  OwnedCounters<> counters;
  for (ContextId c = 0; c < 3; ++c) counters.register_context(c);
  Platform::set_current_context(0);
  const auto* first = reinterpret_cast<const char*>(&counters.current());
  Platform::set_current_context(1);
  const auto* second = reinterpret_cast<const char*>(&counters.current());
  Platform::set_current_context(2);
  const auto* third = reinterpret_cast<const char*>(&counters.current());
  Platform::set_current_context(0);
  EXPECT_GE(second - first, static_cast<std::ptrdiff_t>(lockimpl::kCachelineBytes));
  EXPECT_EQ(third - second, second - first);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % lockimpl::kCachelineBytes, 0U);
}

// Packed (graph-packed's layout, as QEMU allocates its counters): neighbouring
// contexts' counters share a line.
TEST(ContextCounters, PackedCountersShareLines) {
  OwnedCounters<false> counters;
  for (ContextId c = 0; c < 2; ++c) counters.register_context(c);
  Platform::set_current_context(0);
  const auto* first = reinterpret_cast<const char*>(&counters.current());
  Platform::set_current_context(1);
  const auto* second = reinterpret_cast<const char*>(&counters.current());
  Platform::set_current_context(0);
  EXPECT_LT(second - first, static_cast<std::ptrdiff_t>(lockimpl::kCachelineBytes));
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % lockimpl::kCachelineBytes, 0U);
}

// current() is the calling context's counter; the sum covers the registered
// contexts only, plus the orphaned count.
TEST(ContextCounters, TheSumIsTheOrphanedCountPlusEveryRegisteredContext) {
  OwnedCounters<> counters;
  for (ContextId c = 0; c < 4; ++c) counters.register_context(c);
  Platform::set_current_context(1);
  counters.current().fetch_add(2, memory_order_relaxed);  // two readers enter in 1
  Platform::set_current_context(3);
  counters.current().fetch_sub(1, memory_order_release);  // one of them leaves in 3
  Platform::set_current_context(0);
  EXPECT_EQ(counters.context_readers(1), 2);
  EXPECT_EQ(counters.context_readers(3), -1) << "a counter goes negative when a reader moved";
  EXPECT_EQ(counters.sum(), 1);

  counters.unregister_context(1);
  EXPECT_EQ(counters.orphaned(), 2);
  EXPECT_EQ(counters.context_readers(1), 0) << "an unregistered context reads as 0";
  EXPECT_EQ(counters.sum(), 1) << "the orphaned count keeps the sum exact";
  counters.unregister_context(3);
  EXPECT_EQ(counters.orphaned(), 1);
  EXPECT_EQ(counters.sum(), 1);

  // Re-registered, a context starts from 0; the orphaned count stays.
  counters.register_context(1);
  EXPECT_EQ(counters.context_readers(1), 0);
  EXPECT_EQ(counters.sum(), 1);
  counters.current().fetch_sub(1, memory_order_release);  // the last reader leaves in 0
  EXPECT_EQ(counters.sum(), 0);
}

// Each context's owner updates its own counter concurrently; the sum after
// they finish is exact.
TEST(ContextCounters, ConcurrentOwnersSumExactly) {
  OwnedCounters<> counters;
  for (ContextId c = 0; c < 4; ++c) counters.register_context(c);
  const int rounds = 20'000 / kSanitizerSlowdown;
  {
    Harness<Platform>::Workers workers;
    for (ContextId c = 1; c < 4; ++c) {
      workers.spawn(c, [&counters, rounds] {
        for (int i = 0; i < rounds; ++i) {
          counters.current().fetch_add(1, memory_order_relaxed);
          if (i % 2 == 0) counters.current().fetch_sub(1, memory_order_release);
        }
      });
    }
  }
  EXPECT_EQ(counters.sum(), 3 * (rounds / 2));
  counters.unregister_context(2);
  EXPECT_EQ(counters.sum(), 3 * (rounds / 2));
  Platform::set_current_context(0);
  counters.current().fetch_sub(3 * (rounds / 2), memory_order_release);
  EXPECT_EQ(counters.sum(), 0);
}

class ContextCountersDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(ContextCountersDeathTest, RegistrationMistakesAbort) {
  OwnedCounters<> counters;
  counters.register_context(0);
  EXPECT_DEATH(counters.register_context(0), "context registered twice");
  EXPECT_DEATH(counters.register_context(kContexts), "context id out of range");
  EXPECT_DEATH(counters.unregister_context(1), "unregistering a context that is not registered");
}

// A context id past the array is caught in every build (one compare), for
// every lock built on the counters: before, release builds of percpu and
// graph-fair read and wrote past the array.
TEST_F(ContextCountersDeathTest, AContextIdOutOfRangeAbortsInEveryBuild) {
  OwnedCounters<> counters;
  counters.register_context(0);
  EXPECT_DEATH(
      {
        Platform::set_current_context(kContexts);
        (void)counters.current();
      },
      "context id out of range");
  EXPECT_DEATH((void)counters.context_readers(kContexts + 1000), "context id out of range");
}

// A counter used while its context was unregistered is caught at
// re-registration (or, in a LOCKSCOPE_CHECKED build, at current() already).
TEST_F(ContextCountersDeathTest, UseInAnUnregisteredContextIsCaught) {
  EXPECT_DEATH(
      {
        OwnedCounters<> counters;
        Platform::set_current_context(5);
        counters.current().fetch_add(1, memory_order_relaxed);
        counters.register_context(5);
      },
      "unregistered");
  EXPECT_DEATH(
      {
        OwnedCounters<> counters;
        Platform::set_current_context(5);
        counters.current().fetch_add(1, memory_order_relaxed);
      },  // the destructor catches it
      "unregistered");
}

#endif

}  // namespace
}  // namespace lockscope::tests
