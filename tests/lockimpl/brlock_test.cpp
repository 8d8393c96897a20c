// BrLock specifics: the state table in lockimpl/brlock.hpp, readers that
// move between contexts (a slot may go negative, the writer waits for the
// sum), the high water that keeps an unregistered context in the scan, and
// the contract checks. The lock contract itself is in lock_contract_test.cpp.
//
// Compiled into both lock binaries: on real threads (and the ThreadSanitizer
// twin) the single-threaded rows of the table and a writer that must wait
// for a reader; on the simulated platform (each test in a simulation of its
// own, see sim_harness.hpp) the rows where someone spins, deterministically.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "tests/lockimpl/thread_harness.hpp"
#if defined(LOCKSCOPE_LOCKIMPL_SIM)
#include "tests/lockimpl/sim_harness.hpp"
#endif

namespace lockscope::tests {
namespace {

#if defined(LOCKSCOPE_LOCKIMPL_SIM)

using engine::sim::SimPlatform;
using Br = lockimpl::BrLock<SimPlatform>;
using H = Harness<SimPlatform>;

// Row "rdlock, writer waiting": a reader that meets the flag spins until the
// writer is done, and the writer (row "wrlock, w=0") spins until R = 0.
TEST(BrLock, WriterWaitsForTheReaderAndShutsOutNewReaders) {
  H::simulate<Br>([](Br& lock) {
    std::vector<std::string> order;  // actors switch only at simcalls: no race
    for (ContextId c = 0; c < 3; ++c) lock.register_context(c);
    H::enter(0);
    lock.lock_shared();
    H::Workers workers;
    workers.spawn(1, [&] {
      lock.lock();
      order.push_back("W in");
      lock.unlock();
    });
    // The writer's flag is up once a new reader is refused.
    H::wait_until([&lock] {
      if (!lock.try_lock_shared()) return true;
      lock.unlock_shared();
      return false;
    });
    workers.spawn(2, [&] {
      lock.lock_shared();
      order.push_back("R2 in");
      lock.unlock_shared();
    });
    H::give_others_a_chance();
    EXPECT_TRUE(order.empty()) << "someone entered while a reader held and a writer waited";
    lock.unlock_shared();
    workers.join_all();
    EXPECT_EQ(order, (std::vector<std::string>{"W in", "R2 in"}));
    EXPECT_EQ(lock.readers_inside(), 0);
  });
}

// A reader that entered in context 1 and leaves in context 2 leaves slot 1
// at +1 and slot 2 at -1: the writer waits for the sum, not each slot.
TEST(BrLock, AReaderThatMovedLetsTheWriterInWhenItLeaves) {
  H::simulate<Br>([](Br& lock) {
    for (ContextId c = 0; c < 3; ++c) lock.register_context(c);
    H::Workers workers;
    workers.spawn(1, [&] {
      lock.lock_shared();
      H::enter(2);  // the reader moves to another context before it leaves
      lock.unlock_shared();
    });
    workers.join_all();
    EXPECT_EQ(lock.readers_inside(), 0);
    H::enter(0);
    EXPECT_TRUE(lock.try_lock()) << "the per-slot counts +1 and -1 must sum to no reader";
    lock.unlock();
  });
}

#else  // RealPlatform

using Platform = engine::platform::RealPlatform;
using Br = lockimpl::BrLock<Platform>;
using H = Harness<Platform>;

class BrLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (ContextId c = 0; c < 4; ++c) lock_.register_context(c);
    H::enter(0);
  }
  Br lock_;
};

// The try_lock_shared and try_lock rows of the state table, one column at a time.
TEST_F(BrLockTest, TryOperationsFollowTheStateTable) {
  // w = 0, R = 0: both succeed.
  ASSERT_TRUE(lock_.try_lock_shared());
  EXPECT_EQ(lock_.readers_inside(), 1);
  // w = 0, R = 1: a writer is refused and leaves no flag behind.
  EXPECT_FALSE(lock_.try_lock());
  ASSERT_TRUE(lock_.try_lock_shared()) << "a refused try_lock must drop the flag";
  EXPECT_EQ(lock_.readers_inside(), 2);
  lock_.unlock_shared();
  lock_.unlock_shared();
  EXPECT_EQ(lock_.readers_inside(), 0);
  // Writer inside: both refused, and a refused reader undoes its mark.
  ASSERT_TRUE(lock_.try_lock());
  EXPECT_FALSE(lock_.try_lock_shared());
  EXPECT_FALSE(lock_.try_lock());
  EXPECT_EQ(lock_.readers_inside(), 0) << "the refused reader's increment was not undone";
  lock_.unlock();
  EXPECT_TRUE(lock_.try_lock_shared());
  lock_.unlock_shared();
}

// "A slot can go negative; the writer waits for the sum over the slots."
TEST_F(BrLockTest, AReaderMayLeaveInAnotherContext) {
  H::enter(1);
  lock_.lock_shared();
  H::enter(3);
  EXPECT_EQ(lock_.readers_inside(), 1);
  EXPECT_FALSE(lock_.try_lock());
  lock_.unlock_shared();
  EXPECT_EQ(lock_.readers_inside(), 0);
  EXPECT_TRUE(lock_.try_lock());
  lock_.unlock();
}

// "The high water never shrinks, so the count of an unregistered context is
// still summed": a reader inside in a context unregistered since still
// keeps the writer out.
TEST_F(BrLockTest, AnUnregisteredContextsReaderStillKeepsTheWriterOut) {
  H::enter(2);
  lock_.lock_shared();
  H::enter(0);
  lock_.unregister_context(2);
  EXPECT_EQ(lock_.readers_inside(), 1);
  EXPECT_FALSE(lock_.try_lock());
  H::enter(2);
  lock_.unlock_shared();
  H::enter(0);
  EXPECT_TRUE(lock_.try_lock());
  lock_.unlock();
}

// Registration only raises the high water: registering a low context after
// a high one keeps the high one in the scan.
TEST(BrLock, RegisteringALowerContextKeepsTheHigherOneScanned) {
  Br lock(16);
  lock.register_context(9);
  lock.register_context(1);
  H::enter(9);
  lock.lock_shared();
  H::enter(0);
  EXPECT_FALSE(lock.try_lock()) << "context 9's reader fell out of the writer's scan";
  H::enter(9);
  lock.unlock_shared();
  H::enter(0);
}

// Row "wrlock, w=0": the writer sets the flag and spins until R = 0; rows
// "rdunlock, writer waiting": the reader's exit is what lets it in.
TEST_F(BrLockTest, WriterWaitsForTheReaderInside) {
  lock_.lock_shared();
  std::atomic<bool> writer_in{false};
  H::Workers workers;
  workers.spawn(1, [&] {
    lock_.lock();
    writer_in.store(true, std::memory_order_relaxed);  // relaxed: the lock orders it
    lock_.unlock();
  });
  // The writer's flag is up once a new reader is refused.
  H::wait_until([this] {
    if (!lock_.try_lock_shared()) return true;
    lock_.unlock_shared();
    return false;
  });
  H::give_others_a_chance();
  EXPECT_FALSE(writer_in.load(std::memory_order_relaxed)) << "the writer entered over a reader";
  lock_.unlock_shared();
  workers.join_all();
  EXPECT_TRUE(writer_in.load(std::memory_order_relaxed));
}

class BrLockDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

// Row "wrunlock" without a writer inside: invalid.
TEST_F(BrLockDeathTest, UnlockWithoutTheWriteLockAborts) {
  Br lock;
  EXPECT_DEATH(lock.unlock(), "unlock without the write lock");
}

TEST_F(BrLockDeathTest, AContextOutOfRangeAborts) {
  Br lock(4);
  EXPECT_DEATH(lock.register_context(4), "context id out of range");
  EXPECT_DEATH(lock.unregister_context(4), "context id out of range");
  EXPECT_DEATH(
      {
        H::enter(4);
        lock.lock_shared();
      },
      "read lock used in a context out of range");
}

#endif

}  // namespace
}  // namespace lockscope::tests
