// GlibcMutex: glibc's three-state futex mutex. Exclusion under contention on
// both platforms, the word's three states, and the wake a sleeper needs.
//
// Compiled into both lock binaries, like the other lock-specific suites: the
// simulated tests loop over seeds (each seed shifts the workers' hold and
// think times); the real-thread build also runs under ThreadSanitizer, which
// checks that the mutex orders the plain increments it protects.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "lockimpl/glibc_mutex.hpp"
#include "tests/lockimpl/thread_harness.hpp"
#if defined(LOCKSCOPE_LOCKIMPL_SIM)
#include "tests/lockimpl/sim_harness.hpp"
#endif

namespace lockscope::tests {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

// What each critical section checks: nobody else is inside, and a counter
// bumped with a separate load and store (lost updates if two overlap) ends
// at the number of sections. Relaxed on purpose: the mutex must order them.
template <class H>
class MutexProbe {
 public:
  void section() {
    if (inside_.fetch_add(1, kRelaxed) != 0) overlaps_.fetch_add(1, kRelaxed);
    const std::int64_t v = count_.load(kRelaxed);
    H::stay_inside();
    count_.store(v + 1, kRelaxed);
    inside_.fetch_sub(1, kRelaxed);
  }
  void expect_clean(std::int64_t sections) const {
    EXPECT_EQ(overlaps_.load(kRelaxed), 0);
    EXPECT_EQ(count_.load(kRelaxed), sections) << "lost updates: two sections overlapped";
  }

 private:
  std::atomic<int> inside_{0};
  std::atomic<int> overlaps_{0};
  std::atomic<std::int64_t> count_{0};
};

#if defined(LOCKSCOPE_LOCKIMPL_SIM)

using engine::sim::SimPlatform;
using engine::sim::SimWorld;
using H = Harness<SimPlatform>;
using Mutex = lockimpl::GlibcMutex<SimPlatform>;

TEST(GlibcMutex, ExcludesUnderContentionOnTheSimulator) {
  constexpr int kWorkers = 4;  // one per simulated core
  constexpr int kSections = 300;
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    H::simulate<Mutex>([seed](Mutex& m) {
      MutexProbe<H> probe;
      {
        H::Workers workers;
        for (int w = 1; w <= kWorkers; ++w) {
          workers.spawn(static_cast<lockimpl::ContextId>(w), [&, w] {
            std::uint32_t rng = seed * 2654435761U + static_cast<std::uint32_t>(w);
            for (int i = 0; i < kSections; ++i) {
              m.lock();
              probe.section();
              m.unlock();
              rng ^= rng << 13;
              rng ^= rng >> 17;
              rng ^= rng << 5;
              for (std::uint32_t s = rng % 4; s > 0; --s) H::relax();  // think
            }
          });
        }
      }
      probe.expect_clean(kWorkers * kSections);
      EXPECT_EQ(m.state(), 0U);
    });
  }
}

// A waiter marks the word 2 and sleeps; the unlock sees the 2 and wakes it.
TEST(GlibcMutex, AContendedUnlockWakesTheSleeper) {
  H::simulate<Mutex>([](Mutex& m) {
    m.lock();
    EXPECT_EQ(m.state(), 1U) << "uncontended: nobody sleeps";
    bool entered = false;
    H::Workers workers;
    workers.spawn(1, [&] {
      m.lock();
      entered = true;
      m.unlock();
    });
    H::give_others_a_chance();
    EXPECT_EQ(m.state(), 2U) << "the waiter should have marked the word before sleeping";
    EXPECT_FALSE(entered);
    EXPECT_FALSE(m.try_lock());
    m.unlock();
    workers.join_all();  // a lost wake ends the simulation with the worker blocked: a failure
    EXPECT_TRUE(entered);
    EXPECT_EQ(m.state(), 0U);
  });
}

// Uncontended, lock and unlock stay on the mutex's own line and never reach
// the futex bucket (the kernel is never entered).
TEST(GlibcMutex, UncontendedUseNeverTouchesTheFutexBucket) {
  H::simulate<Mutex>([](Mutex& m) {
    H::Workers workers;
    workers.spawn(1, [&] {
      for (int i = 0; i < 100; ++i) {
        m.lock();
        m.unlock();
      }
    });
    workers.join_all();
    const auto& dir = SimWorld::current().directory();
    std::uint64_t word = 0;
    std::uint64_t bucket = 0;
    for (engine::coherence::LineId id = 0; id < dir.line_count(); ++id) {
      const auto& s = dir.stats(id);
      if (s.name == "glibc-mutex.lock") word += s.transfers;
      if (s.name.starts_with("glibc-mutex.futex")) bucket += s.transfers;
    }
    EXPECT_LE(word, 1U) << "one fill, then hits";
    EXPECT_EQ(bucket, 0U);
  });
}

#else  // real threads

using engine::platform::RealPlatform;
using RealH = Harness<RealPlatform>;
using Mutex = lockimpl::GlibcMutex<RealPlatform>;

TEST(GlibcMutex, ExcludesUnderContentionOnThreads) {
  constexpr int kThreads = 4;  // more than the two cores: preemption inside sections
  constexpr int kSections = 50000 / kSanitizerSlowdown;
  Mutex m;
  MutexProbe<RealH> probe;
  {
    RealH::StartLine start(kThreads);
    RealH::Workers workers;
    for (int t = 1; t <= kThreads; ++t) {
      workers.spawn(static_cast<lockimpl::ContextId>(t), [&] {
        start.arrive_and_wait();
        for (int i = 0; i < kSections; ++i) {
          m.lock();
          probe.section();
          m.unlock();
        }
      });
    }
  }
  probe.expect_clean(static_cast<std::int64_t>(kThreads) * kSections);
  EXPECT_EQ(m.state(), 0U);
}

// The state table: free 0, held 1, held with a sleeper 2; try_lock only
// succeeds from 0.
TEST(GlibcMutex, WordFollowsTheStateTable) {
  Mutex m;
  EXPECT_EQ(m.state(), 0U);
  ASSERT_TRUE(m.try_lock());
  EXPECT_EQ(m.state(), 1U);
  std::atomic<bool> entered{false};
  RealH::Workers workers;
  workers.spawn(1, [&] {
    EXPECT_FALSE(m.try_lock());
    m.lock();
    entered.store(true, kRelaxed);  // relaxed: read after the join
    m.unlock();
  });
  RealH::wait_until([&m] { return m.state() == 2; });
  EXPECT_FALSE(entered.load(kRelaxed));
  m.unlock();
  workers.join_all();  // a lost wake hangs here: the ctest timeout reports it
  EXPECT_TRUE(entered.load(kRelaxed));
  EXPECT_EQ(m.state(), 0U);
  EXPECT_TRUE(m.try_lock());
  m.unlock();
}

#endif

}  // namespace
}  // namespace lockscope::tests
