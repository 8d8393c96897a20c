// PercpuRwsem: Linux's percpu-rwsem over a platform policy, with per-context
// counters and rcu_sync's fast/slow switch; its grace period is membarrier(2).
//
// ## Where it comes from
// kernel/locking/percpu-rwsem.c (Oleg Nesterov, Peter Zijlstra; the 2020
// rewrite with one wait queue) and kernel/rcu/sync.c (rcu_sync). A
// reader takes no fence while no writer has come near the lock for a grace
// period: rcu_sync says "idle", and the reader counts itself in its own CPU's
// counter. A writer first switches readers to a slow path, which fences,
// waits one grace period so that every reader has seen the switch, then sets
// `block` and sums the counters.
//
// ## Why the kernel's fast path cannot be copied into user space
// The kernel's reader is `preempt_disable(); if (rcu_sync_is_idle()) count++;
// preempt_enable()`: check, then increment. That is safe only because the
// region between preempt_disable and preempt_enable is an RCU-sched read-side
// critical section: synchronize_rcu() in the writer waits until every CPU has
// left the region it was in, so once the grace period ends every reader that
// saw "idle" has finished its increment, and the writer's sum sees it. User
// space has no such region. membarrier(2), our grace period, runs a full
// fence on every CPU that runs one of our threads and returns: it does not
// wait for a thread to leave anything. A reader preempted between its check
// ("idle") and its increment is invisible to the writer, whose sum then reads
// zero; the reader resumes, increments, and both are inside.
// So the order is reversed: `count++; P::light_barrier(); check state` [A],
// against the writer's `state = slow; P::heavy_barrier()` [G]: store
// buffering, with the reader's fence supplied by the writer's membarrier
// (and by the context switch, for a reader that was not running). Either the
// writer's later sum sees the increment, or the reader sees the slow state.
// rdunlock likewise becomes `count--; light_barrier; check state; kick if
// slow` [D]: the kernel's "check, then decrement without a wakeup" would
// lose the wakeup of a writer that switched the state in between.
//
// ## Fields and the invariant each keeps
//   counters_      per-context reader counts (ContextCounters: one line per
//                  context, negative after a move, orphaned on unregister).
//   gp_state_      rcu_sync's gp_state: idle (readers take the fast path),
//                  enter (a writer runs the grace period), passed (every
//                  reader is on the slow path), exit (the last writer left;
//                  a grace period runs before idle). Never idle while
//                  gp_count_ > 0. Read by every reader, written rarely.
//   gp_count_      rcu_sync's gp_count: writers between sync_enter and
//                  sync_exit. Under mutex_.
//   exit_seq_      which sync_exit may turn `exit` into `idle` (the kernel's
//                  GP_REPLAY: a writer that came and went during an exit
//                  grace period starts its own). Under mutex_.
//   block_         1 while a writer holds the lock or drains readers (the
//                  kernel's sem->block). Set and cleared only under mutex_;
//                  slow-path readers read it without it.
//   granted_       readers handed the lock by an unlock but not yet moved
//                  into their own context's counter (the kernel hands over
//                  by incrementing the waker's per-CPU count; our counters
//                  belong to contexts, so the grant waits here). Under mutex_.
//   head_, tail_   the FIFO of sleeping readers and writers (the kernel's
//                  sem->waiters). Under mutex_.
//   mutex_         the wait queue's lock and rcu_sync's rss_lock; also
//                  orders registration against the writer's sum.
//   wake_          where queued waiters sleep (each re-checks its own grant).
//   writer_waiter_ the kernel's rcuwait: the writer sleeps here while it
//                  drains readers, readers kick it.
// Invariant outside mutex_: a non-empty queue implies block_ == 1, and
// block_ == 1 implies gp_state_ == passed.
//
// ## What FIFO means here
// Waiters are granted the lock strictly in the order they queued: unlock
// hands it to the head of the queue, a run of readers up to and including
// the first writer (percpu_rwsem_wake_function: "wake readers until a
// writer"); the readers before that writer enter, and the writer then drains
// them. Nobody who arrives later overtakes a queued waiter, because the queue
// is only non-empty while block_ is up. Readers that find block_ down enter
// without queueing, as in the kernel.
//
// ## Lines each operation touches (the simulator checks the fast path)
//   rdlock, rdunlock (fast): the caller's counter line (owned: a hit) and
//                  percpu.gp_state (read-shared: a hit while no writer comes).
//   rdlock (slow): + a fence and percpu.block; when blocked, mutex_'s line.
//   wrlock:        mutex_'s line, percpu.gp_state (one transfer; plus one
//                  heavy barrier when it was idle), percpu.block, every
//                  registered counter line (a read miss each), orphaned.
//   wrunlock:      percpu.block, mutex_'s line; the last writer out also
//                  pays a heavy barrier and writes percpu.gp_state.
//
// ## Ordering legend
//   [A] rdlock fast:  count++ ; light_barrier ; load gp_state.
//   [G] sync_enter:   gp_state = enter ; heavy_barrier.  [A] pairs with [G]:
//       after the grace period the writer sees every fast reader's increment,
//       or that reader saw a non-idle state and took the slow path.
//   [S] rdlock slow:  (count++ already made) ; fence ; load block.
//   [B] wrlock:       block exchange (seq_cst) ; sum the counters.
//       [S] pairs with [B]: percpu-rwsem's "A matches D"; the writer's sum
//       sees the slow reader's increment, or the reader sees block.
//   [Cctr] rdunlock:  count-- with release. Pairs with [Wctr] in
//       context_counters.hpp, the writer's acquire loads in the sum: a
//       decrement seen brings its section.
//   [D] rdunlock:     count-- ; light_barrier ; load gp_state; kick if not
//       idle. Pairs with [G]: the writer's sum sees our decrement, or we see
//       the slow state and kick it.
//   [E] wrunlock:     block = 0 with release. Pairs with [F], the slow
//       reader's acquire load of block: it sees the writer's section.
//   [X] sync_exit:    heavy_barrier ; gp_state = idle. Pairs with [A]: a
//       fast reader that loads `idle` was fenced by the barrier before that
//       load, after the writer's section: it sees the section without an
//       acquire of its own (the kernel's reason for the exit grace period).
//
// ## State table (R = readers inside, s = gp_state, b = block)
//   operation        | s=idle            | s=passed/exit, b=0  | b=1 (writer in or draining)
//   rdlock           | R+1, no fence     | fence, R+1          | queues (FIFO), sleeps
//   rdunlock         | R-1, no fence     | R-1, kicks writer   | R-1, kicks writer
//   wrlock           | grace period, b=1, drains R | b=1, drains R (no grace period) | queues (FIFO)
//   wrunlock         | invalid           | invalid             | b=0, grants queue head; last
//                    |                   |                     | writer out: grace period, s=idle
//   try_lock_shared  | true              | true                | false
//   try_lock         | true iff R=0 (pays the grace periods) | true iff R=0 | false
//
// ## Fairness and progress
// Waiters are served FIFO (readers batched up to the next writer), so no
// one starves; writers coming back to back share one grace period between
// them, and readers return to the fence-free path one grace period after
// the last writer leaves.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lockimpl/context_counters.hpp"
#include "lockimpl/contract.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

// The slow reader's fence ([S]). full is the lock. none is BROKEN on
// purpose, for teaching: it drops the kernel's `smp_mb(); /* A matches D */`
// in __percpu_down_read_trylock, so a slow reader's count++ may still wait
// in its store buffer when the writer, having set block, sums the counters,
// while the reader's load of block still reads 0: both are inside (store
// buffering: only the simulator's tso mode shows it; docs/memory-ordering.md).
enum class PercpuReaderFence { full, none };

template <Platform P, PercpuReaderFence F = PercpuReaderFence::full>
class PercpuRwsem {
  template <class T>
  using Atomic = typename P::template Atomic<T>;

 public:
  static constexpr std::uint32_t kDefaultMaxContexts = 1024;

  // rcu_sync's states. Readers compare with kIdle only.
  static constexpr std::uint32_t kIdle = 0;
  static constexpr std::uint32_t kEnter = 1;
  static constexpr std::uint32_t kPassed = 2;
  static constexpr std::uint32_t kExit = 3;

  // Contexts are numbered 0 .. max_contexts - 1. Blocks: no. Needs the
  // platform's heavy barrier: it is the grace period.
  explicit PercpuRwsem(std::uint32_t max_contexts = kDefaultMaxContexts)
      : counters_(max_contexts, "percpu.ctx", registration_), registration_(max_contexts, "percpu.orphaned") {
    LOCKSCOPE_CONTRACT(P::heavy_barrier_available(),
                       "percpu-rwsem needs the platform's heavy barrier (membarrier) for its grace period");
  }
  PercpuRwsem(const PercpuRwsem&) = delete;
  PercpuRwsem& operator=(const PercpuRwsem&) = delete;

  // Adds ctx to the contexts a writer sums. Blocks: on the mutex.
  // Precondition: ctx < max_contexts and ctx is not registered.
  void register_context(ContextId ctx) {
    ScopedLock guard(mutex_);
    counters_.register_context(ctx);
  }

  // Removes ctx; readers still counted there stay counted (orphaned).
  // Blocks: on the mutex. Precondition: ctx is registered and idle.
  void unregister_context(ContextId ctx) {
    ScopedLock guard(mutex_);
    counters_.unregister_context(ctx);
  }

  // percpu_down_read. Blocks: while a writer holds the lock or drains, and
  // behind waiters queued before us. Precondition: the current context is
  // registered. Memory ordering: the last writer's critical section is
  // visible after lock_shared returns.
  void lock_shared() {
    Counter& count = counters_.current();
    if (enter_or_back_off(count)) [[likely]] return;
    ScopedLock guard(mutex_);
    // block_ is cleared only under the mutex: if it is down now, the writer's
    // next sum, also under the mutex, sees our increment.
    // relaxed: stable under the mutex, which orders it.
    if (block_.load(memory_order_relaxed) == 0) {
      counters_.current().owner_add(1, memory_order_relaxed);  // relaxed: the mutex orders it
      return;
    }
    WaitRecord me{.reader = true};
    enqueue(me);
    while (!me.granted) wake_.wait(mutex_);
    // Granted: move our count from granted_ into our own counter. Both under
    // the mutex, so a writer's sum (under it too) never misses us.
    counters_.current().owner_add(1, memory_order_relaxed);  // relaxed: the mutex orders it
    granted_.store(granted_.load(memory_order_relaxed) - 1, memory_order_relaxed);  // relaxed: under the mutex
  }

  // percpu_down_read_trylock. Blocks: no.
  [[nodiscard]] bool try_lock_shared() { return enter_or_back_off(counters_.current()); }

  // percpu_up_read. Blocks: no. Precondition: the caller holds the read lock
  // (taken in any context). Memory ordering: a writer that enters after this
  // sees everything the reader did inside.
  void unlock_shared() {
    Counter& count = counters_.current();
    count.owner_add(-1, memory_order_release);  // [Cctr] pairs with [Wctr] in the writer's sum
    P::light_barrier();  // [D] pairs with [G] in sync_enter(): the writer sees our decrement, or we see the state
    // relaxed: ordered after our decrement by [D]; only decides whether to kick.
    if (gp_state_.load(memory_order_relaxed) != kIdle) writer_waiter_.kick();
  }

  // percpu_down_write. Blocks: for a grace period when readers are on the
  // fast path, behind earlier waiters (FIFO), then until readers drain.
  // Memory ordering: every reader and writer before us is visible.
  void lock() {
    sync_enter();
    {
      ScopedLock guard(mutex_);
      // relaxed: stable under the mutex.
      if (block_.load(memory_order_relaxed) == 0) {
        block_.exchange(1, memory_order_seq_cst);  // [B] pairs with [S] in enter_or_back_off()
      } else {
        WaitRecord me{.reader = false};
        enqueue(me);
        while (!me.granted) wake_.wait(mutex_);  // the granter set block_ for us ([B])
      }
    }
    writer_waiter_.wait_while([this] { return exact_reader_sum() > 0; });
  }

  // Like lock, but returns false instead of queueing or draining. Blocks:
  // only on the mutex and for grace periods (it may pay one to enter and one
  // to leave again).
  [[nodiscard]] bool try_lock() {
    sync_enter();
    bool got = false;
    {
      ScopedLock guard(mutex_);
      // relaxed: stable under the mutex.
      if (block_.load(memory_order_relaxed) == 0) {
        block_.exchange(1, memory_order_seq_cst);  // [B] pairs with [S] in enter_or_back_off()
        got = true;
      }
    }
    if (!got) {
      sync_exit();
      return false;
    }
    if (exact_reader_sum() == 0) return true;
    unlock();
    return false;
  }

  // percpu_up_write. Blocks: on the mutex, and the last writer out for a
  // grace period. Precondition: the caller holds the write lock. Hands the
  // lock to the queue's head (readers up to and including a writer).
  void unlock() {
    {
      ScopedLock guard(mutex_);
      // relaxed: a check; we own block_ and hold the mutex.
      LOCKSCOPE_CONTRACT(block_.load(memory_order_relaxed) == 1, "unlock without the write lock");
      block_.store(0, memory_order_release);  // [E] pairs with [F] in enter_or_back_off()
      grant_queue_head();
    }
    sync_exit();
  }

  // Introspection for tests and statistics: racy snapshots, no ordering.
  [[nodiscard]] std::int64_t context_readers(ContextId ctx) const { return counters_.context_readers(ctx); }
  // Readers counted outside any registered context: the orphaned count plus
  // readers granted by a wrunlock that have not yet moved into their own.
  [[nodiscard]] std::int64_t orphaned_readers() const {
    // relaxed: a snapshot.
    return counters_.orphaned() + granted_.load(memory_order_relaxed);
  }
  [[nodiscard]] std::uint32_t sync_state() const {
    return gp_state_.load(memory_order_relaxed);  // relaxed: a snapshot
  }
  [[nodiscard]] bool writer_flag() const {
    return block_.load(memory_order_relaxed) != 0;  // relaxed: a snapshot
  }
  // How many grace periods (heavy barriers) the lock has run, and how many
  // readers and writers sleep in the queue. Blocks: on the mutex.
  [[nodiscard]] std::uint64_t grace_periods() {
    ScopedLock guard(mutex_);
    return grace_periods_;
  }
  [[nodiscard]] std::uint32_t queued_waiters() {
    ScopedLock guard(mutex_);
    std::uint32_t n = 0;
    for (const WaitRecord* w = head_; w != nullptr; w = w->next) ++n;
    return n;
  }

 private:
  using Counter = typename ContextCounters<P>::Counter;

  struct WaitRecord {
    bool reader = true;
    bool granted = false;
    WaitRecord* next = nullptr;
  };

  // The reader's way in without the mutex. Returns false with the count
  // undone (and the writer kicked) when block_ is up.
  bool enter_or_back_off(Counter& count) {
    count.owner_add(1, memory_order_relaxed);  // relaxed: ordered against the state load by [A]
    P::light_barrier();  // [A] pairs with [G] in sync_enter(): the writer sees our increment, or we see the state
    // relaxed: [X] orders the writer's section before an `idle` we read.
    if (gp_state_.load(memory_order_relaxed) == kIdle) [[likely]] return true;
    if constexpr (F == PercpuReaderFence::full) {
      P::fence();  // [S] pairs with [B] in lock(): smp_mb() in __percpu_down_read_trylock
    }  // else [S] broken on purpose (PercpuReaderFence::none): [B] is left unpaired
    if (block_.load(memory_order_acquire) == 0) return true;  // [F] pairs with [E] in unlock()
    // [Cctr] pairs with [Wctr]: nothing of ours to publish, but a relaxed store would
    // cut the release sequence of an earlier reader's [Cctr] in this context.
    count.owner_add(-1, memory_order_release);  // [Cctr] pairs with [Wctr]
    writer_waiter_.kick();
    return false;
  }

  // rcu_sync_enter: readers to the slow path; one grace period, unless they
  // are already there (passed, or exit: a grace period is pending, and
  // readers stay slow until it completes and finds no writer).
  void sync_enter() {
    mutex_.lock();
    ++gp_count_;
    // relaxed: gp_state_ is written only under the mutex.
    if (gp_state_.load(memory_order_relaxed) == kIdle) {
      gp_state_.store(kEnter, memory_order_relaxed);  // relaxed: published by [G] below
      mutex_.unlock();
      P::heavy_barrier();  // [G] pairs with [A] in enter_or_back_off() and [D] in unlock_shared()
      mutex_.lock();
      ++grace_periods_;
      gp_state_.store(kPassed, memory_order_relaxed);  // relaxed: readers only compare with idle
      gp_waiters_.notify_all();
    } else {
      // relaxed: under the mutex.
      while (gp_state_.load(memory_order_relaxed) == kEnter) gp_waiters_.wait(mutex_);
      // An exit grace period in flight must not end in idle: we are here.
      gp_state_.store(kPassed, memory_order_relaxed);  // relaxed: readers only compare with idle
    }
    mutex_.unlock();
  }

  // rcu_sync_exit: the last writer out returns readers to the fast path
  // after a grace period. The kernel defers it with call_rcu(); lockscope
  // has no callback thread, so the last writer pays it, after it released
  // block_ and granted the queue (nobody waits for it but itself).
  void sync_exit() {
    mutex_.lock();
    LOCKSCOPE_CONTRACT(gp_count_ > 0, "rcu_sync exit without enter");
    if (--gp_count_ > 0) {
      mutex_.unlock();
      return;
    }
    gp_state_.store(kExit, memory_order_relaxed);  // relaxed: readers only compare with idle
    const std::uint64_t mine = ++exit_seq_;
    mutex_.unlock();
    P::heavy_barrier();  // [X] pairs with [A]: a fast reader that sees idle is fenced after our section
    ScopedLock guard(mutex_);
    ++grace_periods_;
    // relaxed: under the mutex.
    if (gp_state_.load(memory_order_relaxed) == kExit && exit_seq_ == mine) {
      gp_state_.store(kIdle, memory_order_relaxed);  // relaxed: [X] above publishes it
    }
  }

  void enqueue(WaitRecord& w) {
    if (tail_ == nullptr) {
      head_ = &w;
    } else {
      tail_->next = &w;
    }
    tail_ = &w;
  }

  // With the mutex held and block_ down: grants the queue's head, readers up
  // to and including the first writer, whose block_ we set.
  void grant_queue_head() {
    bool any = false;
    while (head_ != nullptr) {
      WaitRecord* w = head_;
      head_ = w->next;
      if (head_ == nullptr) tail_ = nullptr;
      w->granted = true;
      any = true;
      if (!w->reader) {
        block_.exchange(1, memory_order_seq_cst);  // [B] pairs with [S]: for the writer we grant
        break;
      }
      // relaxed: granted_ is read and written only under the mutex.
      granted_.store(granted_.load(memory_order_relaxed) + 1, memory_order_relaxed);
    }
    if (any) wake_.notify_all();
  }

  // Every reader inside: the counters, the orphaned count and the grants
  // not yet moved. A negative sum means the bookkeeping itself broke.
  std::int64_t exact_reader_sum() {
    ScopedLock guard(mutex_);
    // relaxed: granted_ is written only under the mutex, which we hold.
    const std::int64_t sum = counters_.sum() + granted_.load(memory_order_relaxed);
    LOCKSCOPE_CONTRACT(sum >= 0, "reader count drifted below zero");
    return sum;
  }

  ContextCounters<P> counters_;
  alignas(kCachelineBytes) typename ContextCounters<P>::Registration registration_;  // guarded by mutex_
  alignas(kCachelineBytes) Atomic<std::uint32_t> gp_state_{kIdle, LineName{"percpu.gp_state"}};
  alignas(kCachelineBytes) Atomic<std::uint32_t> block_{0, LineName{"percpu.block"}};
  alignas(kCachelineBytes) typename P::Mutex mutex_{LineName{"percpu.mutex"}};
  Atomic<std::int64_t> granted_{0, LineName{"percpu.granted"}};
  std::uint32_t gp_count_ = 0;       // under mutex_
  std::uint64_t exit_seq_ = 0;       // under mutex_
  std::uint64_t grace_periods_ = 0;  // under mutex_
  WaitRecord* head_ = nullptr;       // under mutex_
  WaitRecord* tail_ = nullptr;       // under mutex_
  typename P::WaitQueue wake_{LineName{"percpu.wake"}};
  typename P::WaitQueue gp_waiters_{LineName{"percpu.gp_waiters"}};
  alignas(kCachelineBytes) typename P::Waiter writer_waiter_{LineName{"percpu.writer_waiter"}};
};

}  // namespace lockscope::lockimpl
