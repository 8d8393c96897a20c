// liburcu's urcu-memb flavour. Not a reader-writer lock: readers never wait
// and run alongside writers. A "write" here is what an RCU updater does to
// exclude other updaters and outwait pre-existing readers: take a mutex and
// call synchronize_rcu(). It is in the bench as the floor a read path is
// measured against (a reader touches only its own per-thread counter, with a
// compiler barrier; the updater pays with membarrier(2)). The read side is
// called through liburcu's shared library (we do not define _LGPL_SOURCE,
// which would inline LGPL code), so it includes a function call each way.
#pragma once

#include <urcu/urcu-memb.h>

#include <mutex>

namespace lockscope::engine::bench {

class UrcuLock {
 public:
  static constexpr bool kReadersExcluded = false;
  struct Session {};
  explicit UrcuLock(unsigned /*workers*/) {}
  void enter(Session&, unsigned) { urcu_memb_register_thread(); }
  void leave(Session&) { urcu_memb_unregister_thread(); }
  void lock_shared(Session&) { urcu_memb_read_lock(); }
  void unlock_shared(Session&) { urcu_memb_read_unlock(); }
  void lock(Session&) {
    updater_.lock();
    urcu_memb_synchronize_rcu();
  }
  void unlock(Session&) { updater_.unlock(); }

 private:
  std::mutex updater_;
};

}  // namespace lockscope::engine::bench
