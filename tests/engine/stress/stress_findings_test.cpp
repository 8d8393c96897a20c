// Bugs `lockscope stress` found in the real locks, each pinned by a
// deterministic test (no timing, no luck), named after the bug.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine/platform/real_platform.hpp"
#include "lockimpl/bravo.hpp"

namespace lockscope::engine::stress {
namespace {

using platform::RealPlatform;

// Found by `lockscope stress --lock bravo` (writer_saw_reader, about one
// run of 10^5 operations in five). BravoLock::try_lock revokes the bias and
// scans the reader table; when the scan finds a fast-path reader it gives
// up and releases the underlying lock but leaves the bias off. The reader
// is still published, and the next writer, seeing the bias off, skips the
// scan and enters beside it.
//
// DISABLED until lockimpl/bravo.hpp is fixed (e.g. turn the bias back on
// before under_.unlock() when the scan was not clear); then enable it.
TEST(StressFindings, DISABLED_BravoFailedTryLockLeavesFastReadersUnscanned) {
  lockimpl::BravoLock<RealPlatform> lock;
  std::atomic<int> stage{0};
  std::thread reader([&] {
    lock.lock_shared();  // the bias is on at construction: the fast path
    stage.store(1, std::memory_order_release);
    while (stage.load(std::memory_order_acquire) != 2) std::this_thread::yield();
    lock.unlock_shared();
  });
  while (stage.load(std::memory_order_acquire) != 1) std::this_thread::yield();
  EXPECT_FALSE(lock.try_lock());  // a reader is inside
  const bool second = lock.try_lock();
  EXPECT_FALSE(second) << "a writer entered beside a fast-path reader";
  if (second) lock.unlock();
  stage.store(2, std::memory_order_release);
  reader.join();
}

// Found by `lockscope stress --lock pflock --ops 2e5 --threads 4` on two
// cores: no operation finishes any more (exit 4, twice in two tries; never
// with --mix try_write=0). The likely cause, from reading the code (not yet
// confirmed in a debugger): PfLock::try_lock takes a
// writer ticket and, when readers are inside, hands it on without a write
// phase. Phase ids are the ticket's low bit, so the two writers around that
// ticket share a phase id: a reader that arrived in the first one's phase
// and has not yet seen it end spins on while the second one's bits look
// the same, and that writer waits for the reader. Not pinned here: it needs
// a reader descheduled across a phase change, and a deadlock test would
// have to wait on a clock. With try-writes left out (--mix try_write=0)
// pflock soaks clean.

}  // namespace
}  // namespace lockscope::engine::stress
