// GlibcRwlock specifics: the two kinds' reader preference, writer-writer
// hand-over, the try-lock column of the state table, and the one line every
// reader writes. The lock contract itself is in lock_contract_test.cpp.
//
// Compiled into both lock binaries: the ordering tests need deterministic
// interleavings, so they run on the simulated platform over several seeds
// (each seed shifts when the workers arrive); the real-thread build (and its
// ThreadSanitizer twin) checks what holds whatever the scheduler does.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "lockimpl/glibc_rwlock.hpp"
#include "tests/lockimpl/thread_harness.hpp"
#if defined(LOCKSCOPE_LOCKIMPL_SIM)
#include "tests/lockimpl/sim_harness.hpp"
#endif

namespace lockscope::tests {
namespace {

using lockimpl::GlibcPreferReader;
using lockimpl::GlibcPreferWriterNonrecursive;

#if defined(LOCKSCOPE_LOCKIMPL_SIM)

using engine::sim::SimPlatform;
using engine::sim::SimWorld;
using H = Harness<SimPlatform>;
using ReaderPreferring = lockimpl::GlibcRwlock<SimPlatform, GlibcPreferReader>;
using WriterPreferring = lockimpl::GlibcRwlock<SimPlatform, GlibcPreferWriterNonrecursive>;

constexpr std::uint32_t kSeeds = 4;

// A seed's pause: 0 .. 7 pauses, so each seed lets the workers arrive at
// different moments relative to each other.
void pause_for(std::uint32_t seed, std::uint32_t salt) {
  for (std::uint32_t i = (seed * 2654435761U + salt * 40503U) >> 29; i > 0; --i) H::relax();
}

// Holds the lock for a few pauses, so that others could overtake if the
// lock let them.
void hold_a_while() {
  for (int i = 0; i < 8; ++i) H::relax();
}

template <class L>
void wait_for_a_waiting_writer(L& lock) {
  H::wait_until([&lock] { return (lock.phase_bits() & L::kWrLocked) != 0; });
}

// Main holds the read lock, a writer waits (WRLOCKED in a read phase, state
// #4), then a second reader arrives. Returns who entered in which order.
template <class L>
std::vector<std::string> second_reader_while_a_writer_waits(L& lock, std::uint32_t seed) {
  std::vector<std::string> order;  // actors switch only at simcalls: no race
  H::enter(0);
  lock.lock_shared();
  H::Workers workers;
  workers.spawn(1, [&] {
    pause_for(seed, 1);
    lock.lock();
    order.push_back("W in");
    hold_a_while();
    order.push_back("W out");
    lock.unlock();
  });
  wait_for_a_waiting_writer(lock);
  workers.spawn(2, [&] {
    pause_for(seed, 2);
    lock.lock_shared();
    order.push_back("R2 in");
    hold_a_while();
    order.push_back("R2 out");
    lock.unlock_shared();
  });
  H::give_others_a_chance();
  order.push_back("R1 out");
  lock.unlock_shared();
  workers.join_all();
  return order;
}

TEST(GlibcRwlock, DefaultKindLetsAReaderInWhileAWriterWaits) {
  for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    H::simulate<ReaderPreferring>([seed](ReaderPreferring& lock) {
      const std::vector<std::string> order = second_reader_while_a_writer_waits(lock, seed);
      EXPECT_EQ(order, (std::vector<std::string>{"R2 in", "R2 out", "R1 out", "W in", "W out"}));
    });
  }
}

TEST(GlibcRwlock, WriterPreferringKindHoldsANewReaderBackWhileAWriterWaits) {
  for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    H::simulate<WriterPreferring>([seed](WriterPreferring& lock) {
      const std::vector<std::string> order = second_reader_while_a_writer_waits(lock, seed);
      EXPECT_EQ(order, (std::vector<std::string>{"R1 out", "W in", "W out", "R2 in", "R2 out"}));
    });
  }
}

// The waiting reader of the writer-preferring kind sleeps uncounted, with
// RWAITING set (state #4a), and the last reader's unlock clears it.
TEST(GlibcRwlock, WriterPreferringKindParksTheReaderWithRwaiting) {
  H::simulate<WriterPreferring>([](WriterPreferring& lock) {
    H::enter(0);
    lock.lock_shared();
    H::Workers workers;
    workers.spawn(1, [&] {
      lock.lock();
      lock.unlock();
    });
    wait_for_a_waiting_writer(lock);
    workers.spawn(2, [&] {
      lock.lock_shared();
      lock.unlock_shared();
    });
    H::give_others_a_chance();
    EXPECT_EQ(lock.phase_bits(), WriterPreferring::kWrLocked | WriterPreferring::kRWaiting);
    EXPECT_EQ(lock.readers_inside(), 1) << "the parked reader must not be counted";
    lock.unlock_shared();
    workers.join_all();
    EXPECT_EQ(lock.readers_inside(), 0);
  });
}

// A writer holds (state #7); a second writer and a reader queue up. On
// unlock the default kind opens a read phase for the reader first; the
// writer-preferring kind hands WRLOCKED straight to the writer (WRHANDOVER).
template <class L>
std::vector<std::string> writer_and_reader_queued_behind_a_writer(L& lock, std::uint32_t seed) {
  std::vector<std::string> order;
  H::enter(0);
  lock.lock();
  H::Workers workers;
  workers.spawn(1, [&] {
    pause_for(seed, 3);
    lock.lock();
    order.push_back("W2 in");
    hold_a_while();
    order.push_back("W2 out");
    lock.unlock();
  });
  workers.spawn(2, [&] {
    pause_for(seed, 4);
    lock.lock_shared();
    order.push_back("R in");
    hold_a_while();
    order.push_back("R out");
    lock.unlock_shared();
  });
  H::give_others_a_chance();
  EXPECT_TRUE(order.empty()) << "someone entered while the writer held the lock";
  EXPECT_EQ(lock.readers_inside(), 1) << "the reader registers, then waits for the hand-over (state #8)";
  lock.unlock();
  workers.join_all();
  return order;
}

TEST(GlibcRwlock, DefaultKindHandsAWriterUnlockToTheWaitingReaders) {
  for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    H::simulate<ReaderPreferring>([seed](ReaderPreferring& lock) {
      const std::vector<std::string> order = writer_and_reader_queued_behind_a_writer(lock, seed);
      EXPECT_EQ(order, (std::vector<std::string>{"R in", "R out", "W2 in", "W2 out"}));
    });
  }
}

TEST(GlibcRwlock, WriterPreferringKindHandsTheLockToTheNextWriter) {
  for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    H::simulate<WriterPreferring>([seed](WriterPreferring& lock) {
      const std::vector<std::string> order = writer_and_reader_queued_behind_a_writer(lock, seed);
      EXPECT_EQ(order, (std::vector<std::string>{"W2 in", "W2 out", "R in", "R out"}));
    });
  }
}

// The essay's claim: glibc's five words share one line, which every read
// lock and unlock writes, so two readers on two cores move it on almost
// every operation; readers that never wait never touch a futex bucket.
TEST(GlibcRwlock, ReadersOnTwoCoresBounceTheOneLockLine) {
  H::simulate<ReaderPreferring>([](ReaderPreferring& lock) {
    constexpr int kReadsEach = 200;
    H::Workers workers;
    for (lockimpl::ContextId r = 1; r <= 2; ++r) {
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
    std::uint64_t word_line = 0;
    std::uint64_t bucket_lines = 0;
    bool found = false;
    for (engine::coherence::LineId id = 0; id < dir.line_count(); ++id) {
      const auto& s = dir.stats(id);
      if (s.name == "glibc-rwlock.readers + glibc-rwlock.writers + glibc-rwlock.wrphase_futex + "
                    "glibc-rwlock.writers_futex + glibc-rwlock.cur_writer") {
        found = true;
        word_line = s.transfers;
      }
      if (s.name.starts_with("glibc-rwlock.futex")) bucket_lines += s.transfers;
    }
    EXPECT_TRUE(found) << "the five words should share one line, named after all of them";
    EXPECT_GT(word_line, static_cast<std::uint64_t>(kReadsEach)) << "the line should move on most of the 400 reads";
    EXPECT_EQ(bucket_lines, 0U) << "readers that never wait should not touch the futex buckets";
  });
}

#else  // real threads

using engine::platform::RealPlatform;
using RealH = Harness<RealPlatform>;

template <class L>
class GlibcRwlockReal : public ::testing::Test {};
using BothKinds = ::testing::Types<lockimpl::GlibcRwlock<RealPlatform, GlibcPreferReader>,
                                   lockimpl::GlibcRwlock<RealPlatform, GlibcPreferWriterNonrecursive>>;
TYPED_TEST_SUITE(GlibcRwlockReal, BothKinds, LockName);

// The try-lock row of the state table in the states one thread can reach:
// #1 idle read phase, #2 readers in, #7 writer in, #5 idle write phase.
TYPED_TEST(GlibcRwlockReal, TryLocksFollowTheStateTable) {
  using L = TypeParam;
  L lock;
  EXPECT_EQ(lock.phase_bits(), 0U) << "#1";
  ASSERT_TRUE(lock.try_lock_shared()) << "#1";
  EXPECT_FALSE(lock.try_lock()) << "#2";
  ASSERT_TRUE(lock.try_lock_shared()) << "#2";
  EXPECT_EQ(lock.readers_inside(), 2);
  lock.unlock_shared();
  lock.unlock_shared();
  EXPECT_EQ(lock.phase_bits(), 0U) << "the last reader leaves an idle read phase (#1)";

  ASSERT_TRUE(lock.try_lock()) << "#1";
  EXPECT_EQ(lock.phase_bits(), L::kWrPhase | L::kWrLocked) << "#7";
  {
    RealH::Workers workers;
    workers.spawn(1, [&] {
      EXPECT_FALSE(lock.try_lock_shared()) << "#7";
      EXPECT_FALSE(lock.try_lock()) << "#7";
    });
  }
  lock.unlock();
  EXPECT_EQ(lock.phase_bits(), L::kWrPhase) << "a writer that leaves no reader stays in a write phase (#5)";
  ASSERT_TRUE(lock.try_lock()) << "#5";
  lock.unlock();
  ASSERT_TRUE(lock.try_lock_shared()) << "#5: the reader starts a read phase";
  EXPECT_EQ(lock.phase_bits(), 0U);
  lock.unlock_shared();
  EXPECT_EQ(lock.readers_inside(), 0);
}

// State #4: readers in, a writer waits for them. The default kind still
// lets readers in, try or not; the writer-preferring kind refuses a try and
// parks a blocking one. Either way a writer cannot get in.
TYPED_TEST(GlibcRwlockReal, TryLocksWhileAWriterWaitsForReaders) {
  using L = TypeParam;
  constexpr bool kReadersStillEnter = !L::kNonrecursive;
  L lock;
  lock.lock_shared();
  std::atomic<bool> writer_entered{false};
  RealH::Workers writer;
  writer.spawn(1, [&] {
    lock.lock();
    writer_entered.store(true, std::memory_order_relaxed);  // relaxed: read after the join
    lock.unlock();
  });
  RealH::wait_until([&lock] { return (lock.phase_bits() & L::kWrLocked) != 0; });
  EXPECT_EQ(lock.phase_bits() & L::kWrPhase, 0U) << "#4: still a read phase";
  EXPECT_FALSE(lock.try_lock()) << "#4";
  const bool got = lock.try_lock_shared();
  EXPECT_EQ(got, kReadersStillEnter) << "#4";
  if (got) lock.unlock_shared();
  if constexpr (kReadersStillEnter) {
    // A blocking reader gets in too, in another thread (a hang here is the failure).
    RealH::Workers reader;
    reader.spawn(2, [&] {
      lock.lock_shared();
      lock.unlock_shared();
    });
    reader.join_all();
  }
  EXPECT_FALSE(writer_entered.load(std::memory_order_relaxed));
  lock.unlock_shared();
  writer.join_all();
  EXPECT_TRUE(writer_entered.load(std::memory_order_relaxed));
}

// Writers queue on writers_futex behind the primary writer and every one
// gets in (a missed wake-up would hang: the ctest timeout reports it).
TYPED_TEST(GlibcRwlockReal, QueuedWritersAllGetIn) {
  using L = TypeParam;
  constexpr int kWriters = 3;
  constexpr int kRounds = 2000 / kSanitizerSlowdown;
  L lock;
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> sections{0};
  {
    RealH::Workers workers;
    for (int w = 1; w <= kWriters; ++w) {
      workers.spawn(static_cast<lockimpl::ContextId>(w), [&] {
        for (int i = 0; i < kRounds; ++i) {
          lock.lock();
          if (inside.fetch_add(1, std::memory_order_relaxed) != 0) overlaps.fetch_add(1, std::memory_order_relaxed);
          sections.fetch_add(1, std::memory_order_relaxed);
          inside.fetch_sub(1, std::memory_order_relaxed);
          lock.unlock();
        }
      });
    }
  }
  EXPECT_EQ(overlaps.load(std::memory_order_relaxed), 0);
  EXPECT_EQ(sections.load(std::memory_order_relaxed), kWriters * kRounds);
  EXPECT_EQ(lock.phase_bits(), L::kWrPhase) << "the last writer leaves an idle write phase";
}

#endif

}  // namespace
}  // namespace lockscope::tests
