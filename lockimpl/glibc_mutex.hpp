// GlibcMutex: glibc 2.36's default mutex (the NORMAL / TIMED_NP kind, the
// one PTHREAD_MUTEX_INITIALIZER and the C++ standard library's mutex get), over a platform
// policy.
//
// ## Where it comes from
// Ulrich Drepper's three-state futex mutex ("Futexes Are Tricky", 2004,
// "mutex, take 2"), as glibc has it: sysdeps/nptl/lowlevellock.h (lll_lock,
// lll_trylock, lll_unlock) and nptl/lowlevellock.c (__lll_lock_wait,
// __lll_lock_wake). pthread_mutex_lock on a PTHREAD_MUTEX_TIMED_NP mutex is
// lll_lock on __data.__lock (no spinning: that is the ADAPTIVE kind), then
// plain stores of __owner and __nusers in the same line; pthread_mutex_unlock
// clears them and calls lll_unlock.
// glibc: the __owner/__nusers bookkeeping is not modelled (plain stores to a
// line the owner already holds), nor 2.36's single-thread shortcut
// (lll_mutex_lock_optimized stores 1 without a CAS while the process has one
// thread).
//
// ## The word (__lock)
//   0  unlocked
//   1  locked, nobody sleeps
//   2  locked, someone may sleep: the unlock must wake
// A waiter always stores 2 before sleeping, so an unlock that sees 1 knows
// nobody sleeps; a waiter that takes the lock with exchange(2) keeps the 2
// (it cannot know whether others still sleep), which costs at most one
// needless wake.
//
// ## Lines each operation touches
//   lock, unlock: glibc-mutex.lock (an RMW: an ownership transfer whenever
//   another core touched it last). A contended lock or an unlock from 2 also
//   touches the futex bucket's line (glibc-mutex.futex.lock) and mutex.
//
// ## Ordering legend
//   [M1] lock: CAS 0 -> 1 (acquire), and the waiter's exchange(2)
//        (acquire). Pair with [M2]: the new owner sees the last owner's
//        critical section.
//   [M2] unlock: exchange(0) (release). Pairs with [M1].
//
// ## State table
//   operation | 0 (free)     | 1 (held)                  | 2 (held, sleepers)
//   lock      | 1, in        | 2, sleeps until woken     | sleeps until woken
//   try_lock  | 1, true      | false                     | false
//   unlock    | invalid      | 0                         | 0, wakes (glibc: one; here all)
//
// ## Fairness and progress
// None: a woken waiter races with newcomers (barging); whoever swaps the
// word from 0 wins. Waiters sleep on the futex word; nobody spins.
#pragma once

#include <cstdint>

#include "lockimpl/contract.hpp"
#include "lockimpl/futex_word.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

template <Platform P>
class GlibcMutex {
 public:
  GlibcMutex() = default;
  GlibcMutex(const GlibcMutex&) = delete;
  GlibcMutex& operator=(const GlibcMutex&) = delete;

  // lll_lock: CAS 0 -> 1, else __lll_lock_wait. Blocks: until the holder
  // unlocks. Memory ordering: the last owner's critical section is visible.
  void lock() {
    std::uint32_t expected = 0;
    if (word_.compare_exchange_strong(expected, 1, memory_order_acquire)) [[likely]] return;  // [M1] pairs with [M2]
    lock_wait();
  }

  // lll_trylock: CAS 0 -> 1. Blocks: no.
  [[nodiscard]] bool try_lock() {
    std::uint32_t expected = 0;
    return word_.compare_exchange_strong(expected, 1, memory_order_acquire);  // [M1] pairs with [M2]
  }

  // lll_unlock: exchange(0); if it was 2, __lll_lock_wake. Blocks: no (the
  // wake takes the futex bucket mutex when someone sleeps).
  // Precondition: the caller holds the mutex.
  // Memory ordering: the next owner sees our critical section.
  void unlock() {
    const std::uint32_t before = word_.exchange(0, memory_order_release);  // [M2] pairs with [M1]
    LOCKSCOPE_CONTRACT(before != 0, "unlock of a mutex nobody holds");
    if (before > 1) [[unlikely]] word_.futex_wake();  // glibc: futex_wake(&__lock, 1)
  }

  // Introspection for tests: the word (0, 1 or 2), a racy snapshot.
  [[nodiscard]] std::uint32_t state() const {
    return word_.load(memory_order_relaxed);  // relaxed: a snapshot
  }

 private:
  // __lll_lock_wait: mark the word contended (2) and sleep until an
  // exchange finds it free.
  void lock_wait() {
    // relaxed: glibc's; only skips the first exchange when a sleeper marked it.
    if (word_.load(memory_order_relaxed) == 2) word_.futex_wait(2);
    while (word_.exchange(2, memory_order_acquire) != 0) word_.futex_wait(2);  // [M1] pairs with [M2]
  }

  FutexBucket<P> bucket_{LineName{"glibc-mutex.futex", -1, ".lock"}};
  alignas(kCachelineBytes) FutexWord<P> word_{0, LineName{"glibc-mutex.lock"}, bucket_};
};

}  // namespace lockscope::lockimpl
