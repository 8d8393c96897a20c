// GraphLock misuse, tried as a new user would from the headers alone (issue
// 12, "Soak test of the real locks"). Before these checks, each case below
// broke exclusion silently or crashed; now each aborts with a contract
// message. Each test says in which builds the abort comes where: some checks
// sit on the read fast path and exist only in checked builds
// (LOCKSCOPE_CHECKED), release builds catch those later, on a slower path.
// The misuse happens between real threads where the case needs them, in a
// death test's child process.
#include <gtest/gtest.h>

#include <atomic>

#include "engine/platform/real_platform.hpp"
#include "lockimpl/contract.hpp"
#include "lockimpl/graph_lock.hpp"
#include "tests/lockimpl/thread_harness.hpp"

namespace lockscope::tests {
namespace {

using engine::platform::RealPlatform;
using H = Harness<RealPlatform>;
// SeedPolicy stands for every policy: the checks do not depend on it.
using SeedGraphLock = lockimpl::GraphLock<RealPlatform>;

constexpr ContextId kMain = 0;
constexpr ContextId kA = 1;
constexpr ContextId kB = 2;

SeedGraphLock& registered_lock(SeedGraphLock& lock) {
  for (const ContextId ctx : {kMain, kA, kB}) lock.register_context(ctx);
  return lock;
}

class GraphLockMisuseDeathTest : public ::testing::Test {
 protected:
  // The child re-runs the binary up to this test: safe with threads.
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

// Case 1: writer A (this thread) holds the lock, writer B waits in lock(),
// and C, which holds nothing, calls unlock(). Before: the flag was up, so
// the check passed, and B entered beside A. Caught in every build: the
// writer path records who holds the lock.
TEST_F(GraphLockMisuseDeathTest, UnlockByAWorkerThatDoesNotHoldTheWriteLockAborts) {
  EXPECT_DEATH(
      {
        SeedGraphLock lock(8);
        registered_lock(lock);
        lock.lock();  // writer A
        H::Counter b_started;
        H::Workers workers;
        workers.spawn(kA, [&] {  // writer B
          b_started.add();
          lock.lock();
          lock.unlock();
        });
        b_started.wait_for_at_least(1);
        H::give_others_a_chance();  // for B to reach the writer mutex
        workers.spawn(kB, [&] { lock.unlock(); });  // C: the stray unlock
        // Without the check B gets in beside A and leaves, and we get here.
        workers.join_all();
      },
      "unlock without the write lock: another worker holds it");
}

// Case 2: reader R is inside (context A); S, which holds no read lock, calls
// unlock_shared() in context B. The counts are then +1 and -1: the sum is 0,
// exactly as if R had migrated from A to B and left, so the counts alone
// cannot tell, and a writer enters beside R. Checked builds count each
// worker's read locks and abort at S's call. Release builds abort at the
// first writer that sums the counts after R has left (the sum is then -1):
// late, after one writer has entered beside R.
TEST_F(GraphLockMisuseDeathTest, StrayUnlockSharedWhileAReaderIsInsideAborts) {
  const char* expected = lockimpl::kFastPathChecked
                             ? "unlock_shared by a worker that holds no read lock"
                             : "reader count drifted below zero";
  EXPECT_DEATH(
      {
        SeedGraphLock lock(8);
        registered_lock(lock);
        H::Counter steps;
        std::atomic<bool> r_may_leave{false};
        H::Workers workers;
        workers.spawn(kA, [&] {  // R
          lock.lock_shared();
          steps.add();
          while (!r_may_leave.load(std::memory_order_acquire)) RealPlatform::cpu_relax();
          lock.unlock_shared();
          steps.add();
        });
        steps.wait_for_at_least(1);
        {
          H::Workers stray;
          stray.spawn(kB, [&] { lock.unlock_shared(); });  // S: the stray unlock
        }
        // Release builds: the writer enters beside R (the sum is 0).
        lock.lock();
        r_may_leave.store(true, std::memory_order_release);
        steps.wait_for_at_least(2);
        lock.unlock();
        lock.lock();  // release builds abort here: the sum is -1
        lock.unlock();
      },
      expected);
}

// Case 3: a reader in context 0, which nobody registered (the user
// registered only the contexts of the threads they started). The writer sums
// registered contexts only, so it enters beside the reader. Checked builds
// abort at lock_shared. Release builds abort when the reader meets a writer:
// in lock_shared's slow path, or, as here, in unlock_shared while the writer
// is inside (the writer has entered beside it by then).
TEST_F(GraphLockMisuseDeathTest, ReaderInAnUnregisteredContextZeroAborts) {
  EXPECT_DEATH(
      {
        SeedGraphLock lock(8);
        lock.register_context(kA);
        H::Counter steps;
        std::atomic<bool> reader_may_leave{false};
        H::Workers workers;
        workers.spawn(kMain, [&] {  // the reader, in unregistered context 0
          lock.lock_shared();
          steps.add();
          // acquire: pairs with the writer's release below, so that we see its flag up.
          while (!reader_may_leave.load(std::memory_order_acquire)) RealPlatform::cpu_relax();
          lock.unlock_shared();
          steps.add();
        });
        steps.wait_for_at_least(1);
        workers.spawn(kA, [&] {  // the writer
          lock.lock();
          reader_may_leave.store(true, std::memory_order_release);  // pairs with the reader's acquire
          steps.wait_for_at_least(2);
          lock.unlock();
        });
        // Without the checks both threads finish, and the destructor's
        // check ("the read lock was used ...") does not match.
        workers.join_all();
      },
      "read lock used in an unregistered context");
}

// Case 4: a context id at or above max_contexts. Before: a segfault, or a
// silent write into whatever follows the slots on the heap. Caught in every
// build by a bounds check on the read path (one compare against the slot
// count, on a line every reader reads anyway).
TEST_F(GraphLockMisuseDeathTest, ContextIdOutOfRangeAborts) {
  constexpr const char* kOutOfRange = "context id out of range";
  SeedGraphLock lock(8);
  registered_lock(lock);
  EXPECT_DEATH(
      {
        RealPlatform::set_current_context(8);
        lock.lock_shared();
      },
      kOutOfRange);
  EXPECT_DEATH(
      {
        RealPlatform::set_current_context(1000000);
        (void)lock.try_lock_shared();
      },
      kOutOfRange);
  EXPECT_DEATH(
      {
        RealPlatform::set_current_context(kA);
        lock.lock_shared();
        RealPlatform::set_current_context(8);  // migrates out of range
        lock.unlock_shared();
      },
      kOutOfRange);
  EXPECT_DEATH((void)lock.context_readers(8), kOutOfRange);
}

}  // namespace
}  // namespace lockscope::tests
