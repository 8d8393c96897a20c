// PercpuRwsem specifics: rcu_sync's fast/slow switch and its grace periods,
// and the FIFO hand-off. The lock contract itself is in lock_contract_test.cpp.
// Compiled into both lock test binaries: on threads (RealPlatform) and, with
// LOCKSCOPE_LOCKIMPL_SIM, on the simulated multicore, where the interleavings
// are deterministic. The line-count claim of the essay (a fast read is four
// L1 hits) is checked by Replay.PercpuFastReadIsFourL1Hits.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>

#include "tests/lockimpl/thread_harness.hpp"
#if defined(LOCKSCOPE_LOCKIMPL_SIM)
#include "tests/lockimpl/sim_harness.hpp"
#endif

namespace lockscope::tests {
namespace {

#if defined(LOCKSCOPE_LOCKIMPL_SIM)
using Platform = engine::sim::SimPlatform;
#else
using Platform = engine::platform::RealPlatform;
#endif
using Percpu = lockimpl::PercpuRwsem<Platform>;

constexpr auto kRelaxed = std::memory_order_relaxed;

template <class L>
class PercpuRwsem : public LockFixture<L> {};

TYPED_TEST_SUITE(PercpuRwsem, ::testing::Types<Percpu>, LockName);

LOCK_TEST(PercpuRwsem, ReadersStayOnTheFastPathUntilAWriterComes) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(0, 1);
  H::enter(0);
  for (int i = 0; i < 10; ++i) {
    lock.lock_shared();
    lock.unlock_shared();
  }
  EXPECT_EQ(lock.sync_state(), TypeParam::kIdle);
  EXPECT_EQ(lock.grace_periods(), 0U) << "readers alone never cost a grace period";

  lock.lock();
  EXPECT_EQ(lock.sync_state(), TypeParam::kPassed) << "a writer inside keeps readers on the slow path";
  EXPECT_TRUE(lock.writer_flag());
  lock.unlock();
  // rcu_sync_exit: one grace period after the last writer, readers are fast again.
  EXPECT_EQ(lock.sync_state(), TypeParam::kIdle);
  EXPECT_EQ(lock.grace_periods(), 2U) << "one to switch readers to the slow path, one to switch back";
  EXPECT_FALSE(lock.writer_flag());
  EXPECT_EQ(lock.context_readers(0), 0);
}

// gp_count: a writer that arrives while another holds the lock finds the
// readers already slow and runs no grace period of its own.
LOCK_TEST(PercpuRwsem, BackToBackWritersShareOneGracePeriod) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(0, 2);
  H::enter(0);

  lock.lock();
  std::atomic<bool> second_in{false};
  typename H::Workers workers;
  workers.spawn(1, [&] {
    lock.lock();
    second_in.store(true, kRelaxed);  // relaxed: read after the join
    lock.unlock();
  });
  H::wait_until([&] { return lock.queued_waiters() == 1; });
  EXPECT_EQ(lock.grace_periods(), 1U);
  lock.unlock();
  workers.join_all();
  EXPECT_TRUE(second_in.load(kRelaxed));
  // Enter once (first writer), exit once (second writer); none in between.
  EXPECT_EQ(lock.grace_periods(), 2U);
  EXPECT_EQ(lock.sync_state(), TypeParam::kIdle);
}

// FIFO: a reader queued before a writer enters before it, and a reader
// queued after that writer waits for it, though both sleep in one queue.
LOCK_TEST(PercpuRwsem, QueuedWaitersAreGrantedInArrivalOrder) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(0, 4);
  H::enter(0);

  std::atomic<int> clock{0};
  std::atomic<int> first_reader_at{-1};
  std::atomic<int> writer_at{-1};
  std::atomic<int> second_reader_at{-1};
  lock.lock();
  {
    typename H::Workers workers;
    auto reader = [&](std::atomic<int>& at) {
      return [&] {
        lock.lock_shared();
        at.store(clock.fetch_add(1, kRelaxed), kRelaxed);  // relaxed: read after the join
        H::give_others_a_chance();
        lock.unlock_shared();
      };
    };
    workers.spawn(1, reader(first_reader_at));
    H::wait_until([&] { return lock.queued_waiters() == 1; });
    workers.spawn(2, [&] {
      lock.lock();
      writer_at.store(clock.fetch_add(1, kRelaxed), kRelaxed);  // relaxed: read after the join
      lock.unlock();
    });
    H::wait_until([&] { return lock.queued_waiters() == 2; });
    workers.spawn(3, reader(second_reader_at));
    H::wait_until([&] { return lock.queued_waiters() == 3; });
    lock.unlock();
  }
  EXPECT_EQ(first_reader_at.load(kRelaxed), 0) << "the reader queued first enters first";
  EXPECT_EQ(writer_at.load(kRelaxed), 1) << "the writer enters once the reader before it left";
  EXPECT_EQ(second_reader_at.load(kRelaxed), 2) << "the reader queued after the writer waits for it";
  EXPECT_EQ(lock.orphaned_readers(), 0) << "every grant moved into its reader's context";
}

// A reader that took the lock on the fast path, before any writer, is
// waited for by a writer that comes later (the grace period's pairing [A]/[G]),
// and its unlock wakes that writer (the pairing [D]/[G]).
LOCK_TEST(PercpuRwsem, WriterDrainsAReaderThatEnteredOnTheFastPath) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(0, 2);
  H::enter(0);
  lock.lock_shared();
  ASSERT_EQ(lock.sync_state(), TypeParam::kIdle);

  std::atomic<bool> writer_in{false};
  typename H::Workers workers;
  workers.spawn(1, [&] {
    lock.lock();
    writer_in.store(true, kRelaxed);  // relaxed: a hint, and read after the join
    lock.unlock();
  });
  H::wait_until([&] { return lock.writer_flag(); });
  H::give_others_a_chance();
  EXPECT_FALSE(writer_in.load(kRelaxed)) << "the writer missed a fast-path reader";
  EXPECT_FALSE(lock.try_lock_shared()) << "a new reader got past a draining writer";
  lock.unlock_shared();
  workers.join_all();
  EXPECT_TRUE(writer_in.load(kRelaxed));
}

}  // namespace
}  // namespace lockscope::tests
