// PfLock specifics: phase fairness, and the shared ticket lines every reader
// writes. The lock contract itself is in lock_contract_test.cpp.
//
// Compiled into both lock binaries: the phase-order tests need deterministic
// interleavings, so they run on the simulated platform (each in a simulation
// of its own, see sim_harness.hpp); the real-thread build (and its
// ThreadSanitizer twin) checks what holds whatever the scheduler does.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/lockimpl/thread_harness.hpp"
#if defined(LOCKSCOPE_LOCKIMPL_SIM)
#include "tests/lockimpl/sim_harness.hpp"
#endif

namespace lockscope::tests {
namespace {

#if defined(LOCKSCOPE_LOCKIMPL_SIM)

using engine::sim::SimPlatform;
using engine::sim::SimWorld;
using Pf = lockimpl::PfLock<SimPlatform>;
using H = Harness<SimPlatform>;

// Returns once a writer is present: a new reader is refused.
void wait_for_a_present_writer(Pf& lock) {
  H::wait_until([&lock] {
    if (!lock.try_lock_shared()) return true;
    lock.unlock_shared();
    return false;
  });
}

// Holds the lock for a few pauses, so that others could overtake if the
// lock let them.
void hold_a_while() {
  for (int i = 0; i < 8; ++i) H::relax();
}

TEST(PfLock, WriterArrivingWhileReadersHoldGoesBeforeLaterReaders) {
  H::simulate<Pf>([](Pf& lock) {
    std::vector<std::string> order;  // actors switch only at simcalls: no race
    H::enter(0);
    lock.lock_shared();
    H::Workers workers;
    workers.spawn(1, [&] {
      lock.lock();
      order.push_back("W in");
      hold_a_while();
      order.push_back("W out");
      lock.unlock();
    });
    wait_for_a_present_writer(lock);
    workers.spawn(2, [&] {
      lock.lock_shared();
      order.push_back("R2 in");
      lock.unlock_shared();
    });
    H::give_others_a_chance();
    EXPECT_TRUE(order.empty()) << "someone entered while the first reader held and a writer waited";
    lock.unlock_shared();
    workers.join_all();
    EXPECT_EQ(order, (std::vector<std::string>{"W in", "W out", "R2 in"}));
  });
}

TEST(PfLock, ReadersArrivingDuringAWritePhaseEnterBeforeTheNextWriter) {
  H::simulate<Pf>([](Pf& lock) {
    std::vector<std::string> order;
    H::enter(0);
    lock.lock();
    H::Workers workers;
    for (ContextId r = 1; r <= 2; ++r) {
      workers.spawn(r, [&, r] {
        lock.lock_shared();
        // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "R" + to_string.
        std::string name = "R";
        name += std::to_string(r);
        order.push_back(name + " in");
        hold_a_while();
        order.push_back(name + " out");
        lock.unlock_shared();
      });
    }
    H::give_others_a_chance();
    // The next writer queues behind us, after the readers.
    workers.spawn(3, [&] {
      lock.lock();
      order.push_back("W2 in");
      lock.unlock();
    });
    H::give_others_a_chance();
    EXPECT_TRUE(order.empty()) << "someone entered during the write phase";
    lock.unlock();
    workers.join_all();
    ASSERT_EQ(order.size(), 5U);
    EXPECT_EQ(order.back(), "W2 in") << "the next writer overtook the readers of the read phase";
  });
}

// Writers are served in ticket order, whatever their cores.
TEST(PfLock, WritersEnterInArrivalOrder) {
  H::simulate<Pf>([](Pf& lock) {
    std::vector<int> order;
    H::enter(0);
    lock.lock();
    H::Workers workers;
    for (int w = 1; w <= 3; ++w) {
      workers.spawn(static_cast<ContextId>(w), [&, w] {
        lock.lock();
        order.push_back(w);
        lock.unlock();
      });
      H::give_others_a_chance();  // writer w takes its ticket before w + 1
    }
    lock.unlock();
    workers.join_all();
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  });
}

// The essay's claim: every read writes pflock.rin and pflock.rout, so two
// readers on two cores move both lines on almost every operation.
TEST(PfLock, ReadersOnTwoCoresBounceRinAndRout) {
  H::simulate<Pf>([](Pf& lock) {
    constexpr int kReadsEach = 200;
    H::Workers workers;
    for (ContextId r = 1; r <= 2; ++r) {
      workers.spawn(r, [&] {
        for (int i = 0; i < kReadsEach; ++i) {
          lock.lock_shared();
          H::relax();
          lock.unlock_shared();
        }
      });
    }
    workers.join_all();
    const auto& dir = SimWorld::current().directory();
    std::uint64_t rin = 0;
    std::uint64_t rout = 0;
    for (engine::coherence::LineId id = 0; id < dir.line_count(); ++id) {
      if (dir.stats(id).name == "pflock.rin") rin = dir.stats(id).transfers;
      if (dir.stats(id).name == "pflock.rout") rout = dir.stats(id).transfers;
    }
    EXPECT_GT(rin, static_cast<std::uint64_t>(kReadsEach)) << "rin should move on most of the 400 reads";
    EXPECT_GT(rout, static_cast<std::uint64_t>(kReadsEach)) << "rout should move on most of the 400 reads";
  });
}

#else  // real threads

using engine::platform::RealPlatform;
using Pf = lockimpl::PfLock<RealPlatform>;
using RealH = Harness<RealPlatform>;

TEST(PfLock, ReadersInsideCountsHoldersNotWriters) {
  Pf lock;
  lock.lock_shared();
  ASSERT_TRUE(lock.try_lock_shared());
  EXPECT_EQ(lock.readers_inside(), 2);
  lock.unlock_shared();
  lock.unlock_shared();
  EXPECT_EQ(lock.readers_inside(), 0);
  ASSERT_TRUE(lock.try_lock());
  EXPECT_EQ(lock.readers_inside(), 0);
  EXPECT_FALSE(lock.try_lock_shared());
  lock.unlock();
  EXPECT_TRUE(lock.try_lock_shared());
  lock.unlock_shared();
}

// Phase fairness seen from outside: once a writer waits, a new reader stays
// out even though another reader is inside (a reader-preferring lock never
// gets there, and the ctest timeout reports the hang).
TEST(PfLock, NewReadersStayOutOnceAWriterWaits) {
  Pf lock;
  lock.lock_shared();
  std::atomic<bool> writer_entered{false};
  RealH::Workers workers;
  workers.spawn(1, [&] {
    lock.lock();
    writer_entered.store(true, std::memory_order_relaxed);  // relaxed: read after the join
    lock.unlock();
  });
  RealH::wait_until([&lock] {
    if (!lock.try_lock_shared()) return true;
    lock.unlock_shared();
    return false;
  });
  EXPECT_FALSE(writer_entered.load(std::memory_order_relaxed));
  lock.unlock_shared();
  workers.join_all();
  EXPECT_TRUE(writer_entered.load(std::memory_order_relaxed));
}

// RealPlatform, except that the thread that asks stops in its next
// cpu_relax() until the test lets it go: a reader "descheduled" in its spin,
// on demand, with no clock.
struct GatedPlatform : RealPlatform {
  static inline thread_local bool gated = false;
  static inline std::atomic<int> stopped{0};
  static inline std::atomic<bool> go{false};
  static void cpu_relax() {
    if (gated) {
      gated = false;
      stopped.store(1, std::memory_order_release);  // pairs with the test's acquire: we are in the spin
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();  // pairs with the test's release
    }
    RealPlatform::cpu_relax();
  }
};

// Found by `lockscope stress --lock pflock`: a try_lock that gave up its
// ticket without a write phase made the next two write phases share a
// phase id (the ticket's low bit), so a reader waiting out the first one
// that did not look until the second had begun spun on forever, while that
// writer waited for it. Hung before the fix (the ctest timeout reports it).
TEST(PfLock, AFailedTryLockDoesNotTrapAReaderWaitingOutAWritePhase) {
  lockimpl::PfLock<GatedPlatform> lock;
  lock.lock();  // write phase 1
  std::atomic<bool> reader_done{false};
  std::thread reader([&] {
    GatedPlatform::gated = true;
    lock.lock_shared();  // meets phase 1, stops in its first spin
    lock.unlock_shared();
    reader_done.store(true, std::memory_order_relaxed);  // relaxed: read after the join
  });
  while (GatedPlatform::stopped.load(std::memory_order_acquire) == 0) std::this_thread::yield();
  lock.unlock();                 // phase 1 ends while the reader is not looking
  EXPECT_FALSE(lock.try_lock());  // the reader is counted: gives its ticket up
  std::thread writer([&] {
    lock.lock();  // write phase 2: waits for the reader
    lock.unlock();
  });
  // Phase 2 has begun once a new reader is refused.
  while (lock.try_lock_shared()) {
    lock.unlock_shared();
    std::this_thread::yield();
  }
  GatedPlatform::go.store(true, std::memory_order_release);  // pairs with the reader's acquire
  reader.join();
  writer.join();
  EXPECT_TRUE(reader_done.load(std::memory_order_relaxed));
}

#endif

}  // namespace
}  // namespace lockscope::tests
