// LockimplLock<L>: a lockscope lock (GraphLock, CentralLock) in bench mode.
// Worker i runs in context i for the whole run, as an iothread runs its own
// AioContext.
#pragma once

#include <algorithm>
#include <cstdint>

#include "engine/bench/locks/table_slots.hpp"
#include "engine/platform/real_platform.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::engine::bench {

template <class L>
class LockimplLock {
  using RealPlatform = platform::RealPlatform;

 public:
  static constexpr bool kReadersExcluded = true;
  struct Session {
    lockimpl::ContextId context = 0;
  };

  // `table_slots`: the size of the lock's table, if it has one (0: its default).
  explicit LockimplLock(unsigned workers, std::uint32_t table_slots = 0)
      : lock_(make_sized_lock<L>(std::max(workers, 1U), table_slots)) {}

  void enter(Session& s, unsigned worker) {
    s.context = worker;
    lock_.register_context(s.context);
    RealPlatform::set_current_context(s.context);
  }
  void leave(Session& s) { lock_.unregister_context(s.context); }
  void lock_shared(Session&) { lock_.lock_shared(); }
  void unlock_shared(Session&) { lock_.unlock_shared(); }
  void lock(Session&) { lock_.lock(); }
  void unlock(Session&) { lock_.unlock(); }

 private:
  L lock_;
};

}  // namespace lockscope::engine::bench
