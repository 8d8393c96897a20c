// RealMutex and RealWaitQueue: the blocking half of the real platform.
// RealWaitQueue is QEMU's CoQueue: wait() is entered holding the mutex,
// releases it while asleep and holds it again on return; notify_all() wakes
// every sleeper. Spurious returns are allowed (condition_variable has them);
// the locks re-check their condition after waking.
#pragma once

#include <condition_variable>
#include <mutex>

#include "lockimpl/platform.hpp"

namespace lockscope::engine::platform {

// The LineName is the simulator's; real threads have no use for it.
class RealMutex {
 public:
  RealMutex() = default;
  explicit RealMutex(lockimpl::LineName /*name*/) {}
  void lock() { m_.lock(); }
  void unlock() { m_.unlock(); }
  [[nodiscard]] bool try_lock() { return m_.try_lock(); }
  std::mutex& native() { return m_; }

 private:
  std::mutex m_;
};

class RealWaitQueue {
 public:
  RealWaitQueue() = default;
  explicit RealWaitQueue(lockimpl::LineName /*name*/) {}
  void wait(RealMutex& m) {
    std::unique_lock<std::mutex> held(m.native(), std::adopt_lock);
    cv_.wait(held);
    held.release();  // the caller still holds m, as it did on entry
  }
  void notify_all() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace lockscope::engine::platform
