// FutexWord: a 32-bit atomic word that a worker can sleep on until another
// changes it and wakes it, Linux's futex(2) built over the platform policy,
// for the locks that copy glibc's (GlibcRwlock, GlibcMutex).
//
// ## Why it is here
// glibc's locks keep their state in user memory and call FUTEX_WAIT(word,
// expected) / FUTEX_WAKE(word, n). The platform has no futex, so this file
// builds one the way the kernel does (kernel/futex/waitwake.c), from a
// P::Mutex (the hash bucket's spinlock), a P::WaitQueue (the bucket's chain
// of sleeping tasks) and a count of waiters (the bucket's `waiters`):
//   futex_wait(expected): take the bucket mutex, count ourselves in, fence,
//     then re-check the word: sleep only if it still equals `expected`.
//     A store to the word followed by a wake cannot be missed: either the
//     check sees the store, or we are asleep (or counted) before the waker
//     looks for sleepers. Returns after a wake or at once if the word
//     differs; spurious returns are allowed, as futex(2)'s EINTR/EAGAIN are,
//     so callers re-read the word and loop, as glibc's every wait does.
//   futex_wake(): fence, read the waiter count (the kernel's
//     futex_hb_waiters_pending fast path), and only if someone is counted,
//     take the bucket mutex and wake every sleeper.
// FUTEX_WAKE(word, 1) becomes a wake of all: P::WaitQueue only has
// notify_all. glibc tolerates that everywhere it wakes one (the mutex's
// unlock, the rwlock's __writers_futex): each woken waiter re-runs its loop,
// finds the lock taken, marks the word again and sleeps again. It costs a
// thundering herd that the kernel's wake-one does not, only when more than
// one worker sleeps on the same word.
//
// ## Fields and lines
//   word_          the user's word (glibc's int in pthread_mutex_t or
//                  pthread_rwlock_t): lives wherever the lock puts this
//                  object, so several FutexWords can share one line as the
//                  fields of pthread_rwlock_t do.
//   bucket_        the kernel side, FutexBucket, one per word, on a line of
//                  its own (`<name>.futex.waiters`): the waiter count that a
//                  wake reads, the mutex and the sleepers.
// A FutexWord is 16 bytes (the word and a pointer to its bucket), so the
// kernel side never pads the user's struct apart.
//
// ## Ordering legend
//   [K1] futex_wait: waiters_ fetch_add, then P::fence(), then load the
//        word. Pairs with [K2].
//   [K2] futex_wake: P::fence(), then load waiters_. Store buffering with
//        a fence on each side: either the waker sees the waiter counted (and
//        takes the mutex, which the waiter holds until it sleeps), or the
//        waiter's load sees the waker's store to the word, which precedes
//        [K2] (the caller's store; glibc's are all RMWs, themselves fences).
//   Everything else the woken worker reads is ordered by the lock's own
//   atomics (as in glibc, which drives "the futex synchronization and the
//   rwlock synchronization in parallel"), so the word's accesses here are
//   relaxed.
#pragma once

#include <cstdint>

#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

// The kernel's futex_hash_bucket for one word: a count of waiters read by
// every wake, the lock the check-then-sleep holds, and the sleepers.
template <Platform P>
class alignas(kCachelineBytes) FutexBucket {
  template <class T>
  using Atomic = typename P::template Atomic<T>;

 public:
  // The spinlock shares the bucket's line and name: one line per bucket.
  explicit FutexBucket(LineName name) : waiters_(0, name), mutex_(name), queue_(name) {}
  FutexBucket(const FutexBucket&) = delete;
  FutexBucket& operator=(const FutexBucket&) = delete;

  // Blocks: until a wake, unless `word` no longer holds `expected`.
  void wait(const Atomic<std::uint32_t>& word, std::uint32_t expected) {
    ScopedLock guard(mutex_);
    waiters_.fetch_add(1, memory_order_seq_cst);  // [K1] pairs with [K2]
    P::fence();                                   // [K1] pairs with [K2]
    // relaxed: [K1]'s fence orders it after our count; the lock's own
    // atomics order what the caller reads next.
    if (word.load(memory_order_relaxed) == expected) queue_.wait(mutex_);
    // relaxed: only wakers read the count, and a stale non-zero costs them
    // one needless mutex round, never a missed wake.
    waiters_.fetch_sub(1, memory_order_relaxed);
  }

  // Blocks: on the bucket mutex, only when someone sleeps or is about to.
  void wake_all() {
    P::fence();  // [K2] pairs with [K1]
    // relaxed: the fence above is the order ([K2]).
    if (waiters_.load(memory_order_relaxed) == 0) return;
    ScopedLock guard(mutex_);
    queue_.notify_all();
  }

 private:
  Atomic<std::uint32_t> waiters_;
  typename P::Mutex mutex_;
  typename P::WaitQueue queue_;
};

// A 32-bit word with glibc's futex_wait / futex_wake. The atomic operations
// are the word's, forwarded, so a lock reads like glibc's source.
template <Platform P>
class FutexWord {
  template <class T>
  using Atomic = typename P::template Atomic<T>;

 public:
  // `bucket` must outlive the word (a lock declares both).
  FutexWord(std::uint32_t initial, LineName name, FutexBucket<P>& bucket)
      : word_(initial, name), bucket_(&bucket) {}
  FutexWord(const FutexWord&) = delete;
  FutexWord& operator=(const FutexWord&) = delete;

  std::uint32_t load(MemoryOrder o) const { return word_.load(o); }
  void store(std::uint32_t v, MemoryOrder o) { word_.store(v, o); }
  std::uint32_t exchange(std::uint32_t v, MemoryOrder o) { return word_.exchange(v, o); }
  std::uint32_t fetch_add(std::uint32_t v, MemoryOrder o) { return word_.fetch_add(v, o); }
  std::uint32_t fetch_or(std::uint32_t v, MemoryOrder o) { return word_.fetch_or(v, o); }
  bool compare_exchange_strong(std::uint32_t& expected, std::uint32_t desired, MemoryOrder o) {
    return word_.compare_exchange_strong(expected, desired, o);
  }

  // FUTEX_WAIT: sleeps while the word holds `expected`, until a wake.
  // Blocks: yes. May return spuriously: callers loop.
  void futex_wait(std::uint32_t expected) { bucket_->wait(word_, expected); }

  // FUTEX_WAKE(n): wakes every sleeper, whatever n glibc asked for (see the
  // essay above). Blocks: on the bucket mutex, only if someone waits.
  void futex_wake() { bucket_->wake_all(); }

 private:
  Atomic<std::uint32_t> word_;
  FutexBucket<P>* bucket_;
};

}  // namespace lockscope::lockimpl
