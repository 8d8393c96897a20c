// Concurrency Kit's ck_brlock ("big reader" lock): each reader counts in its
// own registered record; the writer spins over every record. The closest
// peer to the graph lock's per-context counters, without blocking.
#pragma once

#include <ck_brlock.h>

namespace lockscope::engine::bench {

class CkBrlockLock {
 public:
  static constexpr bool kReadersExcluded = true;
  struct Session {
    alignas(64) ck_brlock_reader_t reader{};
  };
  explicit CkBrlockLock(unsigned /*workers*/) { ck_brlock_init(&l_); }
  void enter(Session& s, unsigned) { ck_brlock_read_register(&l_, &s.reader); }
  void leave(Session& s) { ck_brlock_read_unregister(&l_, &s.reader); }
  void lock_shared(Session& s) { ck_brlock_read_lock(&l_, &s.reader); }
  void unlock_shared(Session& s) { ck_brlock_read_unlock(&s.reader); }
  void lock(Session&) { ck_brlock_write_lock(&l_); }
  void unlock(Session&) { ck_brlock_write_unlock(&l_); }

 private:
  alignas(64) ck_brlock_t l_;
};

}  // namespace lockscope::engine::bench
