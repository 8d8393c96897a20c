// GraphFairLock specifics: the two rules of its state table. A waiting
// writer stops new readers; a writer that leaves admits the readers queued
// behind it before the next writer. Compiled into both lock test binaries
// (threads, and the simulated multicore with LOCKSCOPE_LOCKIMPL_SIM, whose
// interleavings are deterministic). The contract is in lock_contract_test.cpp.
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

constexpr auto kRelaxed = std::memory_order_relaxed;

template <class L>
class GraphFairLock : public LockFixture<L> {};

TYPED_TEST_SUITE(GraphFairLock, ::testing::Types<lockimpl::GraphFairLock<Platform>>, LockName);

LOCK_TEST(GraphFairLock, NewReaderCannotOvertakeAWaitingWriter) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(0, 3);
  H::enter(0);
  lock.lock_shared();

  std::atomic<int> clock{0};
  std::atomic<int> writer_at{-1};
  std::atomic<int> reader_at{-1};
  typename H::Workers workers;
  workers.spawn(1, [&] {
    lock.lock();
    writer_at.store(clock.fetch_add(1, kRelaxed), kRelaxed);  // relaxed: a hint, and read after the join
    H::give_others_a_chance();
    lock.unlock();
  });
  H::wait_until([&] { return lock.writer_flag(); });
  workers.spawn(2, [&] {
    lock.lock_shared();
    reader_at.store(clock.fetch_add(1, kRelaxed), kRelaxed);  // relaxed: a hint, and read after the join
    lock.unlock_shared();
  });
  H::wait_until([&] { return lock.queued_readers() == 1; });
  H::give_others_a_chance();
  EXPECT_EQ(reader_at.load(kRelaxed), -1) << "a new reader overtook the waiting writer";
  EXPECT_EQ(writer_at.load(kRelaxed), -1) << "the writer entered while a reader held the lock";

  lock.unlock_shared();
  workers.join_all();
  EXPECT_EQ(writer_at.load(kRelaxed), 0);
  EXPECT_EQ(reader_at.load(kRelaxed), 1);
}

// Two writers hand the lock to each other, several times, while a reader
// waits. Under `graph` the reader can lose every race for the flag; here
// each wrunlock admits it before the next writer.
LOCK_TEST(GraphFairLock, QueuedReadersGetInBetweenBackToBackWriters) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  constexpr int kTurns = 4;
  this->register_contexts(0, 4);
  H::enter(0);

  std::atomic<int> clock{0};
  std::atomic<int> reader_at{-1};
  std::atomic<int> second_writer_at{-1};
  lock.lock();
  typename H::Workers workers;
  workers.spawn(1, [&] {
    for (int i = 0; i < kTurns; ++i) {
      lock.lock();
      if (i == 0) second_writer_at.store(clock.fetch_add(1, kRelaxed), kRelaxed);  // relaxed: read after the join
      lock.unlock();
    }
  });
  H::wait_until([&] { return lock.writers() == 2; });
  workers.spawn(2, [&] {
    lock.lock_shared();
    reader_at.store(clock.fetch_add(1, kRelaxed), kRelaxed);  // relaxed: read after the join
    lock.unlock_shared();
  });
  H::wait_until([&] { return lock.queued_readers() == 1; });
  lock.unlock();
  // Back to back: queue up behind the other writer at once.
  for (int i = 0; i < kTurns; ++i) {
    lock.lock();
    lock.unlock();
  }
  workers.join_all();
  EXPECT_EQ(reader_at.load(kRelaxed), 0) << "the queued reader must enter before the next writer";
  EXPECT_EQ(second_writer_at.load(kRelaxed), 1);
  EXPECT_EQ(lock.orphaned_readers(), 0) << "the admitted reader moved its grant into its context";
}

// Readers still share: a batch of queued readers is admitted at once.
LOCK_TEST(GraphFairLock, AWriterAdmitsEveryQueuedReaderTogether) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  constexpr int kReaders = 3;
  this->register_contexts(0, kReaders + 1);
  H::enter(0);

  std::atomic<int> inside{0};
  std::atomic<int> most_inside{0};
  lock.lock();
  {
    typename H::Workers workers;
    for (ContextId r = 1; r <= kReaders; ++r) {
      workers.spawn(r, [&] {
        lock.lock_shared();
        const int now = inside.fetch_add(1, kRelaxed) + 1;  // relaxed: test bookkeeping
        int seen = most_inside.load(kRelaxed);
        while (seen < now && !most_inside.compare_exchange_weak(seen, now, kRelaxed)) {
        }
        // Wait for the whole batch: it was admitted together.
        H::wait_until([&] { return inside.load(kRelaxed) == kReaders; });
        lock.unlock_shared();
      });
    }
    H::wait_until([&] { return lock.queued_readers() == kReaders; });
    lock.unlock();
  }
  EXPECT_EQ(most_inside.load(kRelaxed), kReaders);
}

}  // namespace
}  // namespace lockscope::tests
