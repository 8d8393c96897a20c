// GraphLock specifics: the per-context counters and their bookkeeping, the
// writer flag, the padding claim, and the contract checks that abort.
// The lock contract itself is in lock_contract_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>

#include "engine/platform/real_atomic.hpp"
#include "lockimpl/indexed_array.hpp"
#include "tests/lockimpl/thread_harness.hpp"

namespace lockscope::tests {
namespace {

using engine::platform::RealPlatform;

constexpr auto kRelaxed = std::memory_order_relaxed;

// Named after the class so that the tests read GraphLock/<policy>.<Test>.
template <class L>
class GraphLock : public LockFixture<L> {};

TYPED_TEST_SUITE(GraphLock, GraphLocks<RealPlatform>, LockName);

constexpr ContextId kA = 1;
constexpr ContextId kB = 2;

TYPED_TEST(GraphLock, EachContextCountsItsOwnReaders) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(kA, 2);

  H::enter(kA);
  lock.lock_shared();
  lock.lock_shared();
  H::enter(kB);
  lock.lock_shared();
  EXPECT_EQ(lock.context_readers(kA), 2);
  EXPECT_EQ(lock.context_readers(kB), 1);
  EXPECT_EQ(lock.orphaned_readers(), 0);

  lock.unlock_shared();
  H::enter(kA);
  lock.unlock_shared();
  lock.unlock_shared();
  EXPECT_EQ(lock.context_readers(kA), 0);
  EXPECT_EQ(lock.context_readers(kB), 0);
}

TYPED_TEST(GraphLock, LockInOneContextUnlockInAnotherLeavesPlusOneAndMinusOne) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(kA, 2);

  H::enter(kA);
  lock.lock_shared();
  H::enter(kB);
  lock.unlock_shared();
  EXPECT_EQ(lock.context_readers(kA), 1);
  EXPECT_EQ(lock.context_readers(kB), -1);

  // The sum is what counts: zero readers, so a writer gets in at once.
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
}

TYPED_TEST(GraphLock, UnregisterMovesOutstandingReadersToOrphaned) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(kA, 2);

  H::enter(kA);
  lock.lock_shared();
  H::enter(kB);
  lock.unregister_context(kA);
  EXPECT_EQ(lock.orphaned_readers(), 1);
  EXPECT_EQ(lock.context_readers(kA), 0);
  EXPECT_FALSE(lock.try_lock()) << "the orphaned reader is still inside";

  lock.unlock_shared();  // in B
  EXPECT_EQ(lock.context_readers(kB), -1);
  EXPECT_EQ(lock.orphaned_readers() + lock.context_readers(kB), 0);
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();

  // Unregistering B hands its -1 to the orphaned counter as well.
  lock.unregister_context(kB);
  EXPECT_EQ(lock.orphaned_readers(), 0);
}

TYPED_TEST(GraphLock, ReregisteredContextStartsAtZero) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(kA, 2);

  H::enter(kA);
  lock.lock_shared();
  H::enter(kB);
  lock.unregister_context(kA);
  lock.register_context(kA);
  EXPECT_EQ(lock.context_readers(kA), 0);
  EXPECT_EQ(lock.orphaned_readers(), 1);

  H::enter(kA);
  lock.unlock_shared();  // the old reader leaves through the new registration
  EXPECT_EQ(lock.context_readers(kA), -1);
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
}

TYPED_TEST(GraphLock, WriterFlagIsUpWhileAWriterHolds) {
  auto& lock = this->lock();
  EXPECT_FALSE(lock.writer_flag());
  lock.lock();
  EXPECT_TRUE(lock.writer_flag());
  lock.unlock();
  EXPECT_FALSE(lock.writer_flag());
  ASSERT_TRUE(lock.try_lock());
  EXPECT_TRUE(lock.writer_flag());
  lock.unlock();
  EXPECT_FALSE(lock.writer_flag());
}

// flag_held: the state table's middle column. A waiting writer keeps the flag
// up, so new readers stay out and the writer cannot starve.
template <class L>
class GraphLockHoldingTheFlag : public LockFixture<L> {};

TYPED_TEST_SUITE(GraphLockHoldingTheFlag, GraphLocksHoldingTheFlag<RealPlatform>, LockName);

TYPED_TEST(GraphLockHoldingTheFlag, WriterFlagIsUpWhileAWriterWaits) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(kA, 3);

  H::enter(kA);
  lock.lock_shared();
  std::atomic<bool> writer_entered{false};
  typename H::Workers workers;
  workers.spawn(3, [&] {
    lock.lock();
    writer_entered.store(true, kRelaxed);  // relaxed: read after the join, or as a hint
    lock.unlock();
  });

  H::wait_until([&] { return lock.writer_flag(); });
  EXPECT_FALSE(writer_entered.load(kRelaxed));
  H::enter(kB);
  EXPECT_FALSE(lock.try_lock_shared()) << "a new reader got past a waiting writer";
  EXPECT_EQ(lock.context_readers(kB), 0) << "the failed try_lock_shared left its increment";

  H::enter(kA);
  lock.unlock_shared();
  workers.join_all();
  EXPECT_TRUE(writer_entered.load(kRelaxed));
  EXPECT_FALSE(lock.writer_flag());
}

// flag_cleared_while_polling: the note under the state table. While readers
// are inside, the writer polls with the flag down and new readers enter.
// (Whether the writer has reached its wait by the time we look cannot be
// observed; either way the flag is down and the reader gets in.)
template <class L>
class GraphLockPolling : public LockFixture<L> {};

TYPED_TEST_SUITE(GraphLockPolling, GraphLocksPollingWithTheFlagDown<RealPlatform>, LockName);

TYPED_TEST(GraphLockPolling, WriterWaitsWithTheFlagDownAndReadersStillEnter) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(kA, 3);

  H::enter(kA);
  lock.lock_shared();
  std::atomic<bool> writer_started{false};
  std::atomic<bool> writer_entered{false};
  typename H::Workers workers;
  workers.spawn(3, [&] {
    writer_started.store(true, kRelaxed);  // relaxed: only a progress hint
    lock.lock();
    writer_entered.store(true, kRelaxed);  // relaxed: read after the join, or as a hint
    lock.unlock();
  });

  H::wait_until([&] { return writer_started.load(kRelaxed); });
  H::give_others_a_chance();
  EXPECT_FALSE(lock.writer_flag());
  H::enter(kB);
  EXPECT_TRUE(lock.try_lock_shared()) << "a polling writer must let new readers in";
  EXPECT_FALSE(writer_entered.load(kRelaxed));
  lock.unlock_shared();

  H::enter(kA);
  lock.unlock_shared();
  workers.join_all();
  EXPECT_TRUE(writer_entered.load(kRelaxed));
  EXPECT_FALSE(lock.writer_flag());
}

// The layout claim "one line per context". Slot is private, so this checks the
// container GraphLock keeps its slots in, with an element shaped like Slot:
// every element starts a line, and no two share one.
TEST(GraphLockLayout, EachContextCounterHasItsOwnCacheline) {
  struct alignas(lockimpl::kCachelineBytes) SlotShape {
    explicit SlotShape(std::int32_t index)
        : readers(0, lockimpl::LineName{"test.ctx", index, ".readers"}) {}
    engine::platform::RealAtomic<std::int64_t> readers;
    bool registered = false;
  };
  static_assert(sizeof(SlotShape) == lockimpl::kCachelineBytes);

  constexpr std::size_t kSlots = 17;
  lockimpl::IndexedArray<SlotShape> slots(kSlots);
  ASSERT_EQ(slots.size(), kSlots);
  for (std::size_t i = 0; i < kSlots; ++i) {
    const auto at = reinterpret_cast<std::uintptr_t>(&slots[i].readers);
    EXPECT_EQ(at % lockimpl::kCachelineBytes, 0u) << "slot " << i;
    if (i > 0) {
      const auto before = reinterpret_cast<std::uintptr_t>(&slots[i - 1].readers);
      EXPECT_EQ(at / lockimpl::kCachelineBytes, before / lockimpl::kCachelineBytes + 1)
          << "slots " << i - 1 << " and " << i;
    }
  }
}

// Contract violations abort (lockimpl/contract.hpp). Reading in an
// unregistered context is caught on the fast path only in checked builds
// (LOCKSCOPE_CHECKED: Debug and ThreadSanitizer); unchecked builds catch it
// when the context is registered again or the lock is destroyed. The tests
// below hold in both, and say which check they expect.
// SeedPolicy stands for every policy: the checks do not depend on it.
using SeedGraphLock = lockimpl::GraphLock<RealPlatform>;

// Either message: the fast-path check's, or the destructor's.
constexpr const char* kUnregisteredRead = "read lock (was )?used in an unregistered context";

class GraphLockDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(GraphLockDeathTest, ReadLockInAnUnregisteredContextAborts) {
  EXPECT_DEATH(
      {
        SeedGraphLock lock(8);
        lock.register_context(1);
        RealPlatform::set_current_context(2);
        lock.lock_shared();
      },
      kUnregisteredRead);
  EXPECT_DEATH(
      {
        SeedGraphLock lock(8);
        lock.register_context(1);
        RealPlatform::set_current_context(2);
        (void)lock.try_lock_shared();
      },
      kUnregisteredRead);
  EXPECT_DEATH(
      {
        SeedGraphLock lock(8);
        lock.register_context(1);
        RealPlatform::set_current_context(1);
        lock.lock_shared();
        RealPlatform::set_current_context(2);
        lock.unlock_shared();
      },
      kUnregisteredRead);
}

TEST_F(GraphLockDeathTest, ReadLockAfterUnregisterAborts) {
  EXPECT_DEATH(
      {
        SeedGraphLock lock(8);
        lock.register_context(1);
        lock.unregister_context(1);
        RealPlatform::set_current_context(1);
        lock.lock_shared();
        lock.register_context(1);  // unchecked builds catch it here
      },
      "read lock (was )?used in (an unregistered context|this context while it was unregistered)");
}

TEST_F(GraphLockDeathTest, RegisteringOutOfRangeAborts) {
  SeedGraphLock lock(8);
  EXPECT_DEATH(lock.register_context(8), "context id out of range");
}

TEST_F(GraphLockDeathTest, ReadLockOutOfRangeAbortsInCheckedBuilds) {
  if constexpr (!lockimpl::kFastPathChecked) {
    GTEST_SKIP() << "unchecked build: an out-of-range context is not caught on the fast path";
  } else {
    SeedGraphLock lock(8);
    EXPECT_DEATH(
        {
          RealPlatform::set_current_context(8);
          lock.lock_shared();
        },
        "read lock used in an unregistered context");
  }
}

TEST_F(GraphLockDeathTest, RegisteringTwiceAborts) {
  SeedGraphLock lock(8);
  lock.register_context(3);
  EXPECT_DEATH(lock.register_context(3), "context registered twice");
}

TEST_F(GraphLockDeathTest, UnregisteringAnUnknownContextAborts) {
  SeedGraphLock lock(8);
  EXPECT_DEATH(lock.unregister_context(3), "unregistering a context that is not registered");
}

TEST_F(GraphLockDeathTest, UnlockWithoutTheWriteLockAborts) {
  SeedGraphLock lock(8);
  EXPECT_DEATH(lock.unlock(), "unlock without the write lock");
}

}  // namespace
}  // namespace lockscope::tests
