// oneTBB's spin_rw_mutex: one word, readers add to it, everyone spins.
#pragma once

#include <tbb/spin_rw_mutex.h>

namespace lockscope::engine::bench {

class TbbSpinRwLock {
 public:
  static constexpr bool kReadersExcluded = true;
  struct Session {};
  explicit TbbSpinRwLock(unsigned /*workers*/) {}
  void enter(Session&, unsigned) {}
  void leave(Session&) {}
  void lock_shared(Session&) { m_.lock_shared(); }
  void unlock_shared(Session&) { m_.unlock_shared(); }
  void lock(Session&) { m_.lock(); }
  void unlock(Session&) { m_.unlock(); }

 private:
  tbb::spin_rw_mutex m_;
};

}  // namespace lockscope::engine::bench
