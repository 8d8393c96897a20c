// Concurrency Kit's ck_rwlock: a writer flag and a reader count in two words
// of one struct; readers do an atomic increment and spin.
#pragma once

#include <ck_rwlock.h>

namespace lockscope::engine::bench {

class CkRwlockLock {
 public:
  static constexpr bool kReadersExcluded = true;
  struct Session {};
  explicit CkRwlockLock(unsigned /*workers*/) { ck_rwlock_init(&l_); }
  void enter(Session&, unsigned) {}
  void leave(Session&) {}
  void lock_shared(Session&) { ck_rwlock_read_lock(&l_); }
  void unlock_shared(Session&) { ck_rwlock_read_unlock(&l_); }
  void lock(Session&) { ck_rwlock_write_lock(&l_); }
  void unlock(Session&) { ck_rwlock_write_unlock(&l_); }

 private:
  alignas(64) ck_rwlock_t l_;
};

}  // namespace lockscope::engine::bench
