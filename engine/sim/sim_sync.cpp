#include "engine/sim/sim_sync.hpp"

#include <algorithm>
#include <mutex>
#include <utility>

namespace lockscope::engine::sim {
namespace {

using coherence::Access;
using lockimpl::MemoryOrder;

void blocked(BlockKind kind) {
  SimWorld& world = SimWorld::current();
  if (world.observer() != nullptr) world.observer()->blocked(world.self().id, kind, world.now());
}

void unblocked() {
  SimWorld& world = SimWorld::current();
  if (world.observer() != nullptr) world.observer()->unblocked(world.self().id, world.now());
}

}  // namespace

Picos Sleepers::wake() {
  SimWorld& world = SimWorld::current();
  waker_ = world.current_core() & 0xFFFU;  // < machine::kMaxCores, 4,096
  ++wakes_;
  const bool other = std::any_of(cores_.begin(), cores_.end(), [this](unsigned c) { return c != waker_; });
  return world.running() && other ? world.costs().wake_call : 0;
}

Picos Sleepers::wake_by_call() {
  const Picos call = wake();
  SimWorld& world = SimWorld::current();
  return world.running() ? std::max(call, world.costs().syscall) : call;
}

SimMutex::SimMutex()
    : guard_(simgrid::s4u::Mutex::create()),
      released_(simgrid::s4u::ConditionVariable::create()),
      line_(SimWorld::current().line_for(this, "mutex")) {}

SimMutex::SimMutex(const lockimpl::LineName& name)
    : guard_(simgrid::s4u::Mutex::create()),
      released_(simgrid::s4u::ConditionVariable::create()),
      line_(SimWorld::current().line_for(this, name)) {}

void SimMutex::lock() { lock(false); }

void SimMutex::lock_after_wait() { lock(true); }

void SimMutex::lock(bool mark) {
  SimWorld& world = SimWorld::current();
  for (bool contended = false;; contended = true) {
    // glibc's lll_lock: an atomic exchange on the word, in user space; every
    // retry after a futex_wait is another exchange.
    world.access(line_, Access::rmw, MemoryOrder::acquire);
    world.sync();
    if (!locked_) {
      locked_ = true;
      // Taken by exchange(2) after a wait, or by lll_cond_lock: the mark stays.
      if (contended || mark) marked_ = true;
      if (contended) unblocked();
      return;
    }
    if (!contended) blocked(BlockKind::mutex);
    marked_ = true;  // the exchange(2) before the futex_wait
    sleep_while_locked();
  }
}

void SimMutex::sleep_while_locked() {
  SimWorld& world = SimWorld::current();
  // futex_wait: the kernel compares the word half a system call in; a mutex
  // released by then makes it return at once (EAGAIN), and the thread
  // retries in user space after the way back. The mutex is not held on the
  // way back: another thread may take it meanwhile.
  world.syscall_leg();
  // The kernel compares the word with 2: free, or taken meanwhile by a
  // barger's CAS 0 -> 1 (unmarked), it returns, and the loop goes round.
  if (!locked_ || !marked_) {
    world.syscall_leg();
    return;
  }
  world.off_core();
  bool slept = false;
  {
    // Re-checked under the bucket lock, which unlock() takes to free the
    // word: an unlock that came while we gave the core up is not lost.
    std::unique_lock<simgrid::s4u::Mutex> held(*guard_);
    if (locked_ && marked_) {
      const unsigned core = world.current_core();
      sleepers_.add(core);
      released_->wait(held);
      sleepers_.remove(core);
      slept = true;
    }
  }
  // The wake-up passes outside the bucket lock: the woken thread competes
  // afresh when it runs again.
  if (slept) world.woken_by(sleepers_.waker());
  world.on_core();
}

bool SimMutex::try_lock() {
  SimWorld& world = SimWorld::current();
  world.access(line_, Access::rmw, MemoryOrder::acquire);
  world.sync();
  if (locked_) return false;
  locked_ = true;
  return true;
}

void SimMutex::unlock() {
  SimWorld& world = SimWorld::current();
  world.charge(release());  // after the release: the mutex is free meanwhile
}

Picos SimMutex::release() {
  SimWorld& world = SimWorld::current();
  world.access(line_, Access::rmw, MemoryOrder::release);
  world.sync();
  std::unique_lock<simgrid::s4u::Mutex> held(*guard_);
  locked_ = false;
  // An unmarked word (1) has nobody asleep on it that an unlock must wake:
  // glibc's lll_unlock makes no call. A sleeper left over from an earlier
  // wake-one (the word went 2 -> 0 -> 1 under a barger) is woken later by
  // the one that wake woke: it marks the word again however it comes back.
  if (!std::exchange(marked_, false)) return 0;
  // Whoever sleeps: nobody any more (a locker whose futex_wait returned at
  // once), or a sleeper of this very core.
  const Picos call = sleepers_.wake_by_call();
  released_->notify_one();
  return call;
}

SimWaitQueue::SimWaitQueue()
    : guard_(simgrid::s4u::Mutex::create()), cv_(simgrid::s4u::ConditionVariable::create()) {}

SimWaitQueue::SimWaitQueue(const lockimpl::LineName& /*name*/) : SimWaitQueue() {}

void SimWaitQueue::wait(SimMutex& m) {
  SimWorld& world = SimWorld::current();
  world.sync();
  {
    // Holding the queue's guard from before m is released until the sleep,
    // and counting the wakes: a notify in between cannot be lost.
    std::unique_lock<simgrid::s4u::Mutex> held(*guard_);
    const std::uint32_t seen = sleepers_.wakes();
    sleepers_.enter();  // counted in before the mutex is released (glibc's __wrefs)
    // The mutex's futex_wake, if its word was marked, is paid on the way
    // in, as part of the window below: a notify meanwhile is not lost.
    const Picos unlock_call = m.release();
    blocked(BlockKind::wait_queue);
    // A notify that comes while the futex_wait is still entering the kernel
    // makes it return without sleeping, and without a wake-up.
    const Picos entry = world.running() ? world.costs().syscall / 2 : 0;
    const Picos start = SimWorld::clock();
    if (unlock_call + entry != 0 &&
        cv_->wait_until(held, to_seconds(start + unlock_call + entry)) == std::cv_status::no_timeout) {
      sleepers_.leave();
      held.unlock();
      // Notified during the unlock's own system call: the signal is seen in
      // user space after it, with no futex_wait. Later: the way back.
      if (SimWorld::clock() < start + unlock_call) {
        world.charge(start + unlock_call - SimWorld::clock());
      } else {
        world.syscall_leg();
      }
      unblocked();
      m.lock_after_wait();
      return;
    }
    // Entered: asleep in the kernel from the timeout on. SimGrid answers a
    // timed-out wait first and takes the guard back with a lock of its own,
    // so a notify may have come in between, when we were no longer in cv_:
    // it woke us all the same (the wake count moved), and sleeping through
    // it would lose it. Its waker did not count our core among the sleepers,
    // so it paid no futex_wake for us; we pay the wake-up below.
    world.off_core();
    const unsigned core = world.current_core();
    sleepers_.add(core);
    while (sleepers_.wakes() == seen) cv_->wait(held);
    sleepers_.remove(core);
    sleepers_.leave();
  }
  world.woken_by(sleepers_.waker());
  world.on_core();
  unblocked();
  m.lock_after_wait();  // the caller holds m again, as it did on entry
}

void SimWaitQueue::notify_all() {
  SimWorld& world = SimWorld::current();
  world.drain_own_buffer();  // futex_wake: the kernel's locked instructions
  world.sync();
  std::unique_lock<simgrid::s4u::Mutex> held(*guard_);
  // glibc's broadcast makes one futex_wake call whenever a waiter is
  // counted in, asleep or still on its way into the kernel.
  const Picos call = sleepers_.awake_inside() ? sleepers_.wake_by_call() : sleepers_.wake();
  cv_->notify_all();
  held.unlock();
  world.charge(call);
}

SimWaiter::SimWaiter()
    : mutex_(simgrid::s4u::Mutex::create()),
      cv_(simgrid::s4u::ConditionVariable::create()),
      line_(SimWorld::current().line_for(this, "waiter")) {}

SimWaiter::SimWaiter(const lockimpl::LineName& name)
    : mutex_(simgrid::s4u::Mutex::create()),
      cv_(simgrid::s4u::ConditionVariable::create()),
      line_(SimWorld::current().line_for(this, name)) {}

bool SimWaiter::sleep_unless_kicked_since(std::uint64_t seen) {
  SimWorld& world = SimWorld::current();
  world.drain_own_buffer();  // futex_wait: the kernel's locked instructions
  world.sync();
  std::unique_lock<simgrid::s4u::Mutex> held(*mutex_);
  if (epoch_ != seen) return false;
  // Poll first, keeping the core, as the real waiter's std::atomic::wait
  // does: a kick meanwhile costs no wake-up (but a system call: kick()).
  if (world.running() && world.costs().spin > 0) {
    const double until = to_seconds(SimWorld::clock() + world.costs().spin);
    ++polling_;
    while (epoch_ == seen && cv_->wait_until(held, until) == std::cv_status::no_timeout) {
    }
    --polling_;
    if (epoch_ != seen) return true;
  }
  blocked(BlockKind::waiter);
  world.off_core();
  const unsigned core = world.current_core();
  sleepers_.add(core);
  cv_->wait(held);
  sleepers_.remove(core);
  // Not while holding mutex_: a kicker on this core would block on it
  // without giving the core up.
  held.unlock();
  world.woken_by(sleepers_.waker());
  world.on_core();
  unblocked();
  return true;
}

void SimWaiter::arrive() {
  SimWorld& world = SimWorld::current();
  world.access(line_, Access::rmw, MemoryOrder::seq_cst);
  ++waiters_;
  if (world.observer() != nullptr) world.observer()->in_waiter(world.self().id, true, world.now());
}

void SimWaiter::leave() {
  SimWorld& world = SimWorld::current();
  world.access(line_, Access::rmw, MemoryOrder::relaxed);
  --waiters_;
  if (world.observer() != nullptr) world.observer()->in_waiter(world.self().id, false, world.now());
}

void SimWaiter::kick() {
  SimWorld& world = SimWorld::current();
  world.fence();  // QEMU's smp_mb() in aio_wait_kick (in tso, our stores drain first)
  world.access(line_, Access::load, MemoryOrder::relaxed);
  if (waiters_ == 0) return;
  world.sync();
  std::unique_lock<simgrid::s4u::Mutex> held(*mutex_);
  ++epoch_;
  // libstdc++'s notify_all (the real waiter's epoch) makes the FUTEX_WAKE
  // system call whenever a thread is inside atomic::wait, polling or
  // asleep: it counts itself in before it polls. A waiter that only polls
  // costs the kicker that system call and no wake-up. (GCC 12's
  // bits/atomic_wait.h: __waiter enters the pool's count, then spins;
  // _M_notify checks only the count.)
  const Picos call = sleepers_.empty() && polling_ != 0 ? sleepers_.wake_by_call() : sleepers_.wake();
  cv_->notify_all();
  held.unlock();
  world.charge(call);
}

}  // namespace lockscope::engine::sim
