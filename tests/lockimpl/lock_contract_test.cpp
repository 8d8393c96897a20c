// The reader-writer lock contract, checked on every lock that claims it.
//
// One typed suite, LockContract, runs over ContractLocks<P> (thread_harness.hpp):
// every GraphLock policy marked kKnownCorrect, CentralLock, BrLock, NumaLock
// at both node levels, PercpuRwsem, GraphFairLock, PfLock, BravoLock and
// GlibcRwlock in both its kinds. The bodies only use the lock's interface and
// Harness<P>, so the same suite runs on two platforms: this file is compiled
// twice, into lockscope_lockimpl_tests (RealPlatform, threads) and, with
// LOCKSCOPE_LOCKIMPL_SIM defined, into lockscope_lockimpl_sim_tests
// (SimPlatform: every test in a simulation of its own, see sim_harness.hpp).
// LOCK_TEST is a TYPED_TEST whose body runs wherever the platform needs it to.
//
// What "correct" means here:
//   - a writer is alone: no reader and no other writer inside with it;
//   - a writer waits for the readers inside, readers wait for the writer,
//     and every waiter gets in once the holder leaves (no missed wakeup);
//   - the read lock may be released in another context than the one that took
//     it, and a context may be unregistered while its readers are still in;
//   - try_lock* never block and fail exactly while the other side holds;
//   - the standard names work, so std::shared_lock and std::unique_lock do.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <shared_mutex>

#include "tests/lockimpl/thread_harness.hpp"
#if defined(LOCKSCOPE_LOCKIMPL_SIM)
#include "tests/lockimpl/sim_harness.hpp"
#endif

namespace lockscope::tests {
namespace {

// Whose locks this binary checks: the one place the two binaries differ.
#if defined(LOCKSCOPE_LOCKIMPL_SIM)
using LockContractTypes = ContractLocks<engine::sim::SimPlatform>;
#else
using LockContractTypes = ContractLocks<engine::platform::RealPlatform>;
#endif

// Every test variable shared between threads is an atomic (a ThreadSanitizer
// build runs this suite). They are relaxed where the lock under test is what
// must order them: a stronger order in the test would hide a lock that fails
// to provide it.
constexpr auto kRelaxed = std::memory_order_relaxed;

// What every critical section checks. A writer breaks the invariant a == b in
// the middle of its section and restores it on the way out. A reader that
// sees a != b, a writer that meets a reader, and two writers that meet each
// count a violation: two sections overlapped that must not. H::stay_inside()
// lets the others run while a section watches (needed on the simulator,
// where actors switch only at a simcall).
template <class H>
class SectionProbe {
 public:
  // Call while holding the write lock.
  void write_section() {
    if (writers_inside_.fetch_add(1, kRelaxed) != 0) violations_.fetch_add(1, kRelaxed);
    if (readers_inside_.load(kRelaxed) != 0) violations_.fetch_add(1, kRelaxed);
    a_.store(a_.load(kRelaxed) + 1, kRelaxed);
    // The invariant is broken now: stay a moment, watching for intruders.
    for (int i = 0; i < kWatchSteps; ++i) {
      H::stay_inside();
      if (readers_inside_.load(kRelaxed) != 0) violations_.fetch_add(1, kRelaxed);
    }
    b_.store(b_.load(kRelaxed) + 1, kRelaxed);
    writers_inside_.fetch_sub(1, kRelaxed);
    writes_.fetch_add(1, kRelaxed);
  }

  // Call while holding the read lock.
  void read_section() {
    readers_inside_.fetch_add(1, kRelaxed);
    H::stay_inside();
    if (writers_inside_.load(kRelaxed) != 0) violations_.fetch_add(1, kRelaxed);
    const std::int64_t a = a_.load(kRelaxed);
    const std::int64_t b = b_.load(kRelaxed);
    if (a != b) violations_.fetch_add(1, kRelaxed);
    readers_inside_.fetch_sub(1, kRelaxed);
    reads_.fetch_add(1, kRelaxed);
  }

  // Call once every worker is joined.
  void expect_clean() const {
    EXPECT_EQ(violations_.load(kRelaxed), 0);
    EXPECT_GT(reads_.load(kRelaxed), 0);
    EXPECT_GT(writes_.load(kRelaxed), 0);
    EXPECT_EQ(a_.load(kRelaxed), writes_.load(kRelaxed));
    EXPECT_EQ(b_.load(kRelaxed), writes_.load(kRelaxed));
  }

 private:
  static constexpr int kWatchSteps = 16;
  std::atomic<std::int64_t> a_{0};
  std::atomic<std::int64_t> b_{0};
  std::atomic<std::int32_t> writers_inside_{0};
  std::atomic<std::int32_t> readers_inside_{0};
  std::atomic<std::int64_t> violations_{0};
  std::atomic<std::int64_t> reads_{0};
  std::atomic<std::int64_t> writes_{0};
};

// A small deterministic generator, one per thread, so that each thread's mix
// of reads and writes is irregular but the same on every run.
class XorShift {
 public:
  explicit XorShift(std::uint32_t seed) : state_(seed * 2654435761u + 1u) {}
  std::uint32_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }

 private:
  std::uint32_t state_;
};

template <class L>
class LockContract : public LockFixture<L> {};

TYPED_TEST_SUITE(LockContract, LockContractTypes, LockName);

// Context 0 is the test's main thread; workers get 1, 2, ...

LOCK_TEST(LockContract, MutualExclusionUnderMixedStress) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  constexpr ContextId kThreads = 4;  // more than the two cores CI has: preemption inside sections
  // Fair spinning locks convoy behind preempted waiters on threads (stress_divisor).
  constexpr int kOpsPerThread = 100000 / H::kIterationDivisor / (H::kSimulated ? 1 : stress_divisor<TypeParam>());
  this->register_contexts(1, kThreads);

  SectionProbe<H> probe;
  typename H::StartLine start(static_cast<int>(kThreads));
  {
    typename H::Workers workers;
    for (ContextId t = 1; t <= kThreads; ++t) {
      workers.spawn(t, [&lock, &probe, &start, t] {
        start.arrive_and_wait();
        XorShift rng(t);
        for (int i = 0; i < kOpsPerThread; ++i) {
          if (rng.next() % 10 == 0) {  // ~10% writes
            lock.lock();
            probe.write_section();
            lock.unlock();
          } else {
            lock.lock_shared();
            probe.read_section();
            lock.unlock_shared();
          }
        }
      });
    }
  }
  probe.expect_clean();
}

LOCK_TEST(LockContract, WriterWaitsForActiveReaders) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(0, 2);

  H::enter(0);
  lock.lock_shared();
  std::atomic<bool> writer_started{false};
  std::atomic<bool> writer_entered{false};
  typename H::Workers workers;
  workers.spawn(1, [&] {
    writer_started.store(true, kRelaxed);  // relaxed: only a progress hint
    lock.lock();
    writer_entered.store(true, kRelaxed);  // relaxed: read after the join, or as a hint
    lock.unlock();
  });

  H::wait_until([&] { return writer_started.load(kRelaxed); });
  H::give_others_a_chance();
  EXPECT_FALSE(writer_entered.load(kRelaxed)) << "the writer entered while a reader held the lock";

  lock.unlock_shared();
  workers.join_all();
  EXPECT_TRUE(writer_entered.load(kRelaxed));
}

LOCK_TEST(LockContract, ReadersQueuedDuringWriteAllProceedAfterUnlock) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  constexpr ContextId kReaders = 3;
  this->register_contexts(0, kReaders + 1);

  H::enter(0);
  lock.lock();
  std::atomic<int> started{0};
  std::atomic<int> entered{0};
  typename H::Workers workers;
  for (ContextId r = 1; r <= kReaders; ++r) {
    workers.spawn(r, [&] {
      started.fetch_add(1, kRelaxed);  // relaxed: only a progress hint
      lock.lock_shared();
      entered.fetch_add(1, kRelaxed);  // relaxed: read after the join, or as a hint
      lock.unlock_shared();
    });
  }

  H::wait_until([&] { return started.load(kRelaxed) == static_cast<int>(kReaders); });
  H::give_others_a_chance();
  EXPECT_EQ(entered.load(kRelaxed), 0) << "a reader entered while the writer held the lock";

  lock.unlock();
  workers.join_all();
  EXPECT_EQ(entered.load(kRelaxed), static_cast<int>(kReaders));
}

LOCK_TEST(LockContract, LockInOneContextUnlockInAnother) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  constexpr ContextId kA = 1;
  constexpr ContextId kB = 2;
  this->register_contexts(kA, 2);

  H::enter(kA);
  lock.lock_shared();
  H::enter(kB);  // the coroutine moved: it releases in B
  lock.unlock_shared();

  // The reader is gone: a writer must get in (a hang here is the failure).
  lock.lock();
  lock.unlock();
  // And readers still work in both contexts.
  H::enter(kA);
  lock.lock_shared();
  lock.unlock_shared();
  H::enter(kB);
  lock.lock_shared();
  lock.unlock_shared();
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
}

LOCK_TEST(LockContract, UnregisterWithOutstandingReadersOrphansTheCount) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  constexpr ContextId kA = 1;
  constexpr ContextId kB = 2;
  constexpr ContextId kWriterCtx = 3;
  this->register_contexts(kA, 3);

  H::enter(kA);
  lock.lock_shared();
  H::enter(kB);  // nobody runs in A any more: it may go
  lock.unregister_context(kA);

  std::atomic<bool> writer_started{false};
  std::atomic<bool> writer_entered{false};
  typename H::Workers workers;
  workers.spawn(kWriterCtx, [&] {
    writer_started.store(true, kRelaxed);  // relaxed: only a progress hint
    lock.lock();
    writer_entered.store(true, kRelaxed);  // relaxed: read after the join, or as a hint
    lock.unlock();
  });

  H::wait_until([&] { return writer_started.load(kRelaxed); });
  H::give_others_a_chance();
  EXPECT_FALSE(writer_entered.load(kRelaxed))
      << "the writer forgot the reader whose context was unregistered";

  lock.unlock_shared();  // in B
  workers.join_all();
  EXPECT_TRUE(writer_entered.load(kRelaxed));
}

LOCK_TEST(LockContract, RegisterUnregisterChurnWhileReadersAndWritersRun) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  constexpr ContextId kWriters = 2;       // contexts 1, 2
  constexpr ContextId kChurners = 2;      // each owns ids [100 + 200 t, 300 + 200 t)
  constexpr ContextId kIdsPerChurner = 200;
  constexpr int kRounds = 10000 / H::kIterationDivisor;
  constexpr int kMinWritesEach = 50;
  this->register_contexts(1, kWriters);

  SectionProbe<H> probe;
  std::atomic<int> churners_running{static_cast<int>(kChurners)};
  typename H::StartLine start(static_cast<int>(kWriters + kChurners));
  {
    typename H::Workers workers;
    for (ContextId w = 1; w <= kWriters; ++w) {
      workers.spawn(w, [&] {
        start.arrive_and_wait();
        int mine = 0;
        // relaxed: only decides when to stop; the join orders the results.
        while (churners_running.load(kRelaxed) > 0 || mine < kMinWritesEach) {
          lock.lock();
          probe.write_section();
          lock.unlock();
          ++mine;
          H::let_others_in();
        }
      });
    }
    for (ContextId t = 0; t < kChurners; ++t) {
      const ContextId base = 100 + t * kIdsPerChurner;
      workers.spawn(base, [&, base] {
        start.arrive_and_wait();
        ContextId current = base;
        lock.register_context(current);
        H::enter(current);
        for (int i = 0; i < kRounds; ++i) {
          lock.lock_shared();
          probe.read_section();
          // Every fourth round the reader keeps the lock across the move and
          // releases it in the next context, after the old one is gone.
          const bool carry_over = i % 4 == 0;
          if (!carry_over) lock.unlock_shared();
          const ContextId next = base + static_cast<ContextId>(i + 1) % kIdsPerChurner;
          lock.register_context(next);
          H::enter(next);
          lock.unregister_context(current);
          if (carry_over) lock.unlock_shared();
          current = next;
        }
        lock.unregister_context(current);
        churners_running.fetch_sub(1, kRelaxed);
      });
    }
  }
  probe.expect_clean();
  // Every reader left: the lock is free.
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
}

// Rounds in lockstep: every reader takes the read lock, then every writer
// announces itself and calls lock(), and the readers release right then, a
// little jitter apart, while the first writer raises its flag and starts to
// wait (the second waits for the writer mutex): the window a lost kick falls
// into. A round starts once the last one's writers are out, so no reader can
// hold the lock while waiting for a writer that waits for it. Only the lock's
// own waits can hang: a missed wakeup is a hang, reported by ctest's timeout
// on threads; on the simulator the simulation ends with workers blocked.
LOCK_TEST(LockContract, NoMissedWakeupOverManyIterations) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  constexpr int kWriters = 2;  // contexts 1, 2
  constexpr int kReaders = 2;  // contexts 3, 4
  // Spinning locks on real threads: a preempted holder costs a time slice per round.
  constexpr int kRounds = 5000 / H::kIterationDivisor / (LockTraits<TypeParam>::kSpins ? 25 : 1);
  this->register_contexts(1, kWriters + kReaders);

  SectionProbe<H> probe;
  // Monotonic across rounds: round r is through a step once its counter
  // reaches (r + 1) times the number of threads that take that step.
  typename H::Counter readers_in;
  typename H::Counter writers_announced;
  typename H::Counter writers_out;
  {
    typename H::Workers workers;
    for (int w = 0; w < kWriters; ++w) {
      workers.spawn(static_cast<ContextId>(1 + w), [&] {
        for (int round = 0; round < kRounds; ++round) {
          readers_in.wait_for_at_least((round + 1) * kReaders);
          writers_announced.add();
          lock.lock();
          probe.write_section();
          lock.unlock();
          writers_out.add();
        }
      });
    }
    for (int r = 0; r < kReaders; ++r) {
      workers.spawn(static_cast<ContextId>(1 + kWriters + r), [&, r] {
        XorShift jitter(static_cast<std::uint32_t>(100 + r));
        for (int round = 0; round < kRounds; ++round) {
          writers_out.wait_for_at_least(round * kWriters);
          lock.lock_shared();
          probe.read_section();
          readers_in.add();
          writers_announced.wait_for_at_least((round + 1) * kWriters);
          for (std::uint32_t s = jitter.next() % 64; s > 0; --s) H::relax();
          lock.unlock_shared();
        }
      });
    }
  }
  probe.expect_clean();
}

LOCK_TEST(LockContract, TryLockSharedFailsWhileWriterHolds) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(0, 2);

  H::enter(0);
  lock.lock();
  {
    typename H::Workers workers;
    workers.spawn(1, [&] { EXPECT_FALSE(lock.try_lock_shared()); });
  }
  lock.unlock();
  {
    typename H::Workers workers;
    workers.spawn(1, [&] {
      EXPECT_TRUE(lock.try_lock_shared());
      lock.unlock_shared();
    });
  }
  // The failed attempt left nothing behind: a writer gets in at once.
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
}

LOCK_TEST(LockContract, TryLockFailsWhileReaderHolds) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(0, 2);

  H::enter(0);
  lock.lock_shared();
  {
    typename H::Workers workers;
    workers.spawn(1, [&] {
      EXPECT_FALSE(lock.try_lock());
      // The failed try_lock left no writer behind: readers still get in.
      EXPECT_TRUE(lock.try_lock_shared());
      lock.unlock_shared();
    });
  }
  lock.unlock_shared();

  ASSERT_TRUE(lock.try_lock());
  {
    typename H::Workers workers;
    workers.spawn(1, [&] {
      EXPECT_FALSE(lock.try_lock()) << "two writers inside";
      EXPECT_FALSE(lock.try_lock_shared());
    });
  }
  lock.unlock();
}

LOCK_TEST(LockContract, StdSharedLockWorks) {
  using H = HarnessFor<TypeParam>;
  auto& lock = this->lock();
  this->register_contexts(0, 2);
  H::enter(0);

  {
    std::shared_lock<TypeParam> reader(lock);
    EXPECT_TRUE(reader.owns_lock());
    typename H::Workers workers;
    workers.spawn(1, [&] {
      std::shared_lock<TypeParam> other_reader(lock, std::try_to_lock);
      EXPECT_TRUE(other_reader.owns_lock()) << "readers must share";
      std::unique_lock<TypeParam> writer(lock, std::try_to_lock);
      EXPECT_FALSE(writer.owns_lock());
    });
  }
  {
    std::unique_lock<TypeParam> writer(lock);
    EXPECT_TRUE(writer.owns_lock());
    typename H::Workers workers;
    workers.spawn(1, [&] {
      std::shared_lock<TypeParam> reader(lock, std::try_to_lock);
      EXPECT_FALSE(reader.owns_lock());
    });
  }
  std::unique_lock<TypeParam> writer(lock, std::try_to_lock);
  EXPECT_TRUE(writer.owns_lock());
}

#if defined(LOCKSCOPE_LOCKIMPL_SIM)
// The suite can fail on the simulator: the policy known to lose a wakeup
// (a reader that leaves kicks only if it sees the writer's flag, which the
// polling writer lowers between polls) ends a NoMissedWakeup run with its
// workers blocked. Deterministic: the simulation has no other randomness
// than the test's own seeded jitter.
TEST(LockContractOnTheSimulator, CatchesTheKnownMissedWakeup) {
  using Wrong = lockimpl::GraphLock<engine::sim::SimPlatform,
                                    GraphPolicy<Fence::full, UnlockKick::if_writer,
                                                WriterWait::flag_cleared_while_polling>>;
  static_assert(!GraphPolicy<Fence::full, UnlockKick::if_writer, WriterWait::flag_cleared_while_polling>::kKnownCorrect);
  using H = Harness<engine::sim::SimPlatform>;
  const H::Outcome outcome = H::simulate_in_child<Wrong>(
      [](Wrong& lock) { LockContract_NoMissedWakeupOverManyIterations_Body<Wrong>(lock).run(); });
  EXPECT_EQ(outcome.status, 0) << "the child should report the deadlock, not die of it";
  bool caught = false;
  for (const sim_harness::Failure& f : outcome.failures) {
    // The writer sleeps in its wait for readers that have all left.
    caught = caught || (f.message.find("workers blocked") != std::string::npos &&
                        f.message.find("the writer wait") != std::string::npos);
  }
  EXPECT_TRUE(caught) << "the known missed wakeup went unnoticed";
  for (const sim_harness::Failure& f : outcome.failures) std::printf("(as expected) %s\n", f.message.c_str());
}
#endif

}  // namespace
}  // namespace lockscope::tests
