// CentralLock specifics: the reader count, writer preference, contexts that
// do nothing, and the contract checks that abort. The lock contract itself is
// in lock_contract_test.cpp.
#include <gtest/gtest.h>

#include <atomic>

#include "tests/lockimpl/thread_harness.hpp"

namespace lockscope::tests {
namespace {

using engine::platform::RealPlatform;
using Central = lockimpl::CentralLock<RealPlatform>;
using H = Harness<RealPlatform>;

constexpr auto kRelaxed = std::memory_order_relaxed;

// Returns once a writer is waiting for (or holds) `lock`: a try_lock_shared
// that fails. A reader-preferring lock never gets there, and the ctest timeout
// reports the hang.
void wait_for_a_waiting_writer(Central& lock) {
  H::wait_until([&lock] {
    if (!lock.try_lock_shared()) return true;
    lock.unlock_shared();
    return false;
  });
}

TEST(CentralLock, ReadersInsideCountsEveryHolder) {
  Central lock;
  EXPECT_EQ(lock.readers_inside(), 0);
  lock.lock_shared();
  EXPECT_EQ(lock.readers_inside(), 1);
  ASSERT_TRUE(lock.try_lock_shared());
  EXPECT_EQ(lock.readers_inside(), 2);
  lock.unlock_shared();
  EXPECT_EQ(lock.readers_inside(), 1);
  lock.unlock_shared();
  EXPECT_EQ(lock.readers_inside(), 0);

  // A writer is not a reader, and a refused reader leaves no count behind.
  lock.lock();
  EXPECT_EQ(lock.readers_inside(), 0);
  EXPECT_FALSE(lock.try_lock_shared());
  EXPECT_EQ(lock.readers_inside(), 0);
  lock.unlock();
  EXPECT_EQ(lock.readers_inside(), 0);
}

TEST(CentralLock, ContextsDoNotMatter) {
  Central lock;
  lock.register_context(1);
  H::enter(1);
  lock.lock_shared();
  lock.unregister_context(1);
  H::enter(500);  // never registered: nothing in this lock is per context
  lock.lock_shared();
  EXPECT_EQ(lock.readers_inside(), 2);
  lock.unlock_shared();
  lock.unlock_shared();
  EXPECT_EQ(lock.readers_inside(), 0);
  H::enter(0);
}

// Writer preference: once a writer waits, a new reader stays out, even
// though another reader is inside.
TEST(CentralLock, TryLockSharedFailsOnceAWriterWaits) {
  Central lock;
  lock.lock_shared();
  std::atomic<bool> writer_entered{false};
  H::Workers workers;
  workers.spawn(1, [&] {
    lock.lock();
    writer_entered.store(true, kRelaxed);  // relaxed: read after the join, or as a hint
    lock.unlock();
  });

  wait_for_a_waiting_writer(lock);
  EXPECT_FALSE(writer_entered.load(kRelaxed));
  EXPECT_FALSE(lock.try_lock_shared()) << "a new reader got past a waiting writer";
  EXPECT_EQ(lock.readers_inside(), 1);

  lock.unlock_shared();
  workers.join_all();
  EXPECT_TRUE(writer_entered.load(kRelaxed));
  EXPECT_TRUE(lock.try_lock_shared());
  lock.unlock_shared();
}

// The blocking form: a reader that arrives while a writer waits enters only
// after that writer has been in.
TEST(CentralLock, ReaderArrivingBehindAWaitingWriterEntersAfterIt) {
  Central lock;
  lock.lock_shared();
  std::atomic<bool> writer_done{false};
  std::atomic<bool> late_reader_started{false};
  std::atomic<bool> late_reader_entered{false};
  std::atomic<bool> late_reader_saw_writer_done{false};
  H::Workers workers;
  workers.spawn(1, [&] {
    lock.lock();
    writer_done.store(true, kRelaxed);  // relaxed: published by the lock itself
    lock.unlock();
  });
  wait_for_a_waiting_writer(lock);

  workers.spawn(2, [&] {
    late_reader_started.store(true, kRelaxed);  // relaxed: only a progress hint
    lock.lock_shared();
    // relaxed: the lock must order the writer's section before ours.
    late_reader_saw_writer_done.store(writer_done.load(kRelaxed), kRelaxed);
    late_reader_entered.store(true, kRelaxed);
    lock.unlock_shared();
  });
  H::wait_until([&] { return late_reader_started.load(kRelaxed); });
  H::give_others_a_chance();
  EXPECT_FALSE(late_reader_entered.load(kRelaxed)) << "a new reader got past a waiting writer";

  lock.unlock_shared();
  workers.join_all();
  EXPECT_TRUE(late_reader_entered.load(kRelaxed));
  EXPECT_TRUE(late_reader_saw_writer_done.load(kRelaxed));
}

class CentralLockDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(CentralLockDeathTest, UnlockSharedWithoutAReaderAborts) {
  Central lock;
  EXPECT_DEATH(lock.unlock_shared(), "unlock_shared without a reader inside");
  lock.lock();
  EXPECT_DEATH(lock.unlock_shared(), "unlock_shared without a reader inside");
  lock.unlock();
}

TEST_F(CentralLockDeathTest, UnlockWithoutTheWriteLockAborts) {
  Central lock;
  EXPECT_DEATH(lock.unlock(), "unlock without the write lock");
  lock.lock_shared();
  EXPECT_DEATH(lock.unlock(), "unlock without the write lock");
  lock.unlock_shared();
}

}  // namespace
}  // namespace lockscope::tests
