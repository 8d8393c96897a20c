// The blocking half of the simulated platform, on SimGrid's s4u primitives.
// Each operation also touches the object's line (a mutex is a word that
// cores fight over), so contention costs coherence traffic as on hardware.
//
// Between two simcalls an actor runs alone; *during* a simcall any other
// actor may run. So every check-then-sleep below holds an s4u mutex across
// the check and the sleep, as a futex would hold the kernel's bucket lock.
#pragma once

#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Mutex.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "engine/sim/sim_world.hpp"

namespace lockscope::engine::sim {

// The cores of the workers asleep in one primitive, the core that woke
// them last, and how many wakes there were. Waking one on another core is a
// system call for the waker (futex_wake: an IPI), which costs it
// SimCosts::wake_call, and the woken one runs again a wake-up later
// (SimWorld::woken_by); waking a coroutine of its own core costs neither.
class Sleepers {
 public:
  void add(unsigned core) { cores_.push_back(core); }
  [[nodiscard]] bool empty() const { return cores_.empty(); }
  void remove(unsigned core) { cores_.erase(std::find(cores_.begin(), cores_.end(), core)); }
  // The calling worker wakes them: remembers its core, counts the wake and
  // returns what it costs the waker. Called before the notify: a woken
  // worker leaves at once.
  [[nodiscard]] Picos wake();
  // wake() for a waker that makes the futex_wake system call whoever
  // sleeps (an unlock of glibc's marked word, a broadcast to a waiter
  // counted in, libstdc++'s notify to a polling waiter): at least that call.
  [[nodiscard]] Picos wake_by_call();
  [[nodiscard]] unsigned waker() const { return waker_; }
  // Wakes so far, modulo 2^32: a worker that saw a count and finds another
  // knows it was woken in between, even if it was not in the primitive's
  // condition variable at that moment.
  [[nodiscard]] std::uint32_t wakes() const { return wakes_; }
  // Workers inside the primitive, asleep or not (glibc's condition
  // variable counts a waiter in before it releases the mutex, and a
  // broadcast then makes its futex_wake system call).
  void enter() { ++inside_; }
  void leave() { --inside_; }
  // Someone counted in is not asleep: still on its way into the kernel.
  [[nodiscard]] bool awake_inside() const { return inside_ > cores_.size(); }

 private:
  std::vector<unsigned> cores_;
  // Two fields in the 32 bits one core number took: a primitive keeps its
  // size, so a lock's later variables stay in the simulated lines they
  // were in. 12 bits hold any core (machine::kMaxCores is 4,096); 20 hold
  // more workers than a scenario may have (65,536).
  std::uint32_t waker_ : 12 = 0;
  std::uint32_t inside_ : 20 = 0;
  std::uint32_t wakes_ = 0;
};

// A futex-based mutex (glibc's, QEMU's QemuMutex): unlock frees the word and
// wakes one sleeper, which runs again a wake-up later (SimCosts::wake) and
// competes afresh; a thread that arrives meanwhile takes the mutex first
// (barging). Ownership is never handed to a sleeper, so a slow wake-up
// does not hold the mutex hostage.
//
// The word has glibc's three states (lockimpl/glibc_mutex.hpp): a locker
// that found it held marks it 2 before its futex_wait, and keeps the mark
// when it takes the mutex (it cannot know whether others still sleep); so
// does a condition variable's waiter taking the mutex back
// (__pthread_mutex_cond_lock). An unlock of a marked word makes the
// futex_wake system call even when nobody sleeps any more: measured on the
// real graph lock with 10 % writes, these calls and the futex_waits that
// return at once are most of a reader's 1.5 µs wait for a writer
// (docs/fidelity.md, eleventh round).
class SimMutex {
 public:
  // Named as the lock knows it (`graph.writer_mutex`); unnamed, `mutex#N`.
  SimMutex();
  explicit SimMutex(const lockimpl::LineName& name);
  void lock();
  void unlock();
  [[nodiscard]] bool try_lock();
  // A condition variable's waiter taking the mutex back: lock(), marking
  // the word (glibc's lll_cond_lock).
  void lock_after_wait();
  // unlock() without paying for its futex_wake: returns what the call
  // costs the caller (0 when the word was not marked: no call).
  [[nodiscard]] Picos release();

 private:
  void lock(bool mark);
  // One futex_wait: returns after the way back from the kernel if the word
  // was free by the time the kernel looked, else after a wake-up.
  void sleep_while_locked();

  simgrid::s4u::MutexPtr guard_;  // the kernel's futex bucket lock
  simgrid::s4u::ConditionVariablePtr released_;
  Sleepers sleepers_;
  coherence::LineId line_;
  // After line_, so the object keeps its size: a lock's later variables,
  // and the simulated lines they fall in, follow it.
  bool locked_ = false;
  bool marked_ = false;  // the word is 2: the unlock makes the futex_wake call
};

// QEMU's CoQueue, as a condition variable: wait releases m, sleeps until
// notified, wakes (a wake-up later when the notifier is on another core)
// and takes m again, blocking again if someone holds it. A notify wakes
// every worker that entered wait() before it, whether its futex_wait is
// still entering the kernel or asleep there.
class SimWaitQueue {
 public:
  SimWaitQueue();
  // A wait queue has no line of its own here (the kernel's futex hash
  // bucket is the mutex's); the name is taken for the platform's sake.
  explicit SimWaitQueue(const lockimpl::LineName& name);
  void wait(SimMutex& m);
  void notify_all();

 private:
  simgrid::s4u::MutexPtr guard_;
  simgrid::s4u::ConditionVariablePtr cv_;
  // Its wakes() count the notifies, under guard_: a waiter whose entry
  // timed out checks them before it sleeps, because SimGrid's timed wait
  // takes the guard back outside the condition variable, and a notify can
  // fall in between.
  Sleepers sleepers_;
};

// QEMU's AioWait: wait_while re-evaluates only when kicked.
class SimWaiter {
 public:
  SimWaiter();
  explicit SimWaiter(const lockimpl::LineName& name);

  template <class Pred>
  void wait_while(Pred pred) {
    arrive();  // before the first evaluation: a kicker after it sees us
    for (;;) {
      const std::uint64_t seen = epoch_;
      if (!pred()) break;
      if (!sleep_unless_kicked_since(seen)) continue;
    }
    leave();
  }
  void kick();

 private:
  // Sleeps until the next kick, unless one came after `seen`; returns
  // whether it slept.
  bool sleep_unless_kicked_since(std::uint64_t seen);
  // waiters_ is QEMU's num_waiters: changing it is a store to its line,
  // which every later kick then has to fetch.
  void arrive();
  void leave();

  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr cv_;
  std::uint64_t epoch_ = 0;
  std::uint32_t waiters_ = 0;
  coherence::LineId line_;  // QEMU's num_waiters: read by every kick
  // Waiters polling (before they sleep). In the padding before sleepers_:
  // the waiter keeps its size, so a lock's later variables stay in their
  // simulated lines.
  std::uint32_t polling_ = 0;
  Sleepers sleepers_;  // waiters past their polling
};

}  // namespace lockscope::engine::sim
