// GraphFairLock: the graph lock with an explicit fairness policy, over a
// platform policy. Writers are preferred over new readers, and readers that
// queued behind a writer enter before the next writer.
//
// ## Where it comes from
// GraphLock (lockimpl/graph_lock.hpp, QEMU's block/graph-lock.c) leaves
// fairness to its caller. With the flag up while the writer waits (`graph`),
// new readers cannot overtake a waiting writer, but when it leaves, the
// readers it woke race the next writer for the flag: back-to-back writers
// (the next one queued on the writer mutex before the last one left) shut
// them out. QEMU's merged lock polls with the flag down, so new readers
// overtake a waiting writer, and QEMU stops new requests itself first
// (bdrv_drain_all_begin around bdrv_graph_wrlock). This lock states both
// rules in the lock: the phase alternation of phase-fair locks (Brandenburg
// and Anderson, ECRTS 2009) and the reader hand-off of Linux's percpu-rwsem (the
// unlocking writer grants the queued readers), on QEMU's per-context
// counters and fences.
//
// ## Fields and the invariant each keeps
//   counters_      per-context reader counts (ContextCounters: one line per
//                  context, negative after a move, orphaned on unregister).
//   has_writer_    1 while any writer waits or holds (writers_ > 0): new
//                  readers step back. Written under mutex_.
//   writers_       writers waiting or inside. Under mutex_.
//   next_ticket_, serving_  writers enter in ticket order. Under mutex_.
//   writer_inside_ a writer holds the lock or drains readers. Under mutex_.
//   queued_        readers asleep in reader_queue_ for the current batch.
//   generation_    bumped by each wrunlock that admits the queued readers:
//                  a reader that slept in generation g is in once it sees
//                  g' != g. Under mutex_.
//   granted_       readers admitted by a wrunlock but not yet moved into
//                  their own context's counter; the writer counts them as
//                  inside. Under mutex_.
//   mutex_         orders all of the above and registration against the
//                  writer's sum; the slow path only.
//   reader_queue_, writer_queue_  where readers and writers sleep.
//   writer_waiter_ the draining writer sleeps here; readers kick it.
//
// ## Lines each operation touches
//   rdlock, rdunlock (fast): the caller's counter line (owned: a hit), a
//                  fence, and graph-fair.has_writer (read-shared: a hit while
//                  no writer comes) -- exactly GraphLock's fast path.
//   wrlock:        mutex_'s line, has_writer (one transfer), every registered
//                  counter line (a read miss each), orphaned, granted.
//   wrunlock:      mutex_'s line, has_writer when the last writer leaves.
//
// ## Ordering legend
//   [A] reader: counter++ ; fence ; load has_writer.
//   [B] writer: has_writer = 1 ; fence ; (later) sum the counters.
//       [A] pairs with [B]: the writer's sum sees the increment, or the
//       reader sees the flag and goes to the slow path.
//   [Cctr] rdunlock: counter-- with release. Pairs with [Wctr] in
//       context_counters.hpp, the writer's acquire loads in the sum.
//   [D] rdunlock: counter-- ; fence ; load has_writer. Pairs with [B]: the
//       writer's sum sees the decrement, or the reader kicks it.
//   [E] wrunlock (last writer): has_writer = 0 with release. Pairs with [F],
//       the reader's acquire load: a reader that sees 0 sees the section.
//       Readers admitted in a batch and the next writer are ordered by mutex_.
//
// ## State table (R = readers inside, Q = readers queued, w = has_writer)
//   operation       | no writer (w=0) | writer waiting for R=0        | writer inside
//   rdlock          | R+1             | queues (Q+1): no overtaking   | queues (Q+1)
//   rdunlock        | R-1             | R-1, kicks the writer         | invalid
//   wrlock          | w=1, waits R=0  | w stays 1, waits its ticket   | waits its ticket
//   wrunlock        | invalid         | invalid                       | admits the Q queued readers
//                   |                 |                               | (R+Q, Q=0), then the next writer
//                   |                 |                               | drains them; w=0 if none waits
//   try_lock_shared | true            | false                         | false
//   try_lock        | true iff R=0    | false                         | false
//
// ## Fairness and progress
// Phase-fair: a waiting writer stops new readers, and each writer that
// leaves admits every reader queued behind it before the next writer enters,
// so neither side starves; writers enter in ticket (FIFO) order.
#pragma once

#include <cstdint>

#include "lockimpl/context_counters.hpp"
#include "lockimpl/contract.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

template <Platform P>
class GraphFairLock {
  template <class T>
  using Atomic = typename P::template Atomic<T>;
  using Counter = typename ContextCounters<P>::Counter;

 public:
  static constexpr std::uint32_t kDefaultMaxContexts = 1024;

  // Contexts are numbered 0 .. max_contexts - 1. Blocks: no.
  explicit GraphFairLock(std::uint32_t max_contexts = kDefaultMaxContexts)
      : counters_(max_contexts, "graph-fair.ctx", registration_), registration_(max_contexts, "graph-fair.orphaned") {}
  GraphFairLock(const GraphFairLock&) = delete;
  GraphFairLock& operator=(const GraphFairLock&) = delete;

  // Blocks: on the mutex. Precondition: ctx < max_contexts, not registered.
  void register_context(ContextId ctx) {
    ScopedLock guard(mutex_);
    counters_.register_context(ctx);
  }

  // Readers still counted in ctx stay counted (orphaned). Blocks: on the
  // mutex. Precondition: ctx is registered and no worker runs in it.
  void unregister_context(ContextId ctx) {
    ScopedLock guard(mutex_);
    counters_.unregister_context(ctx);
  }

  // rdlock. Blocks: while a writer waits or holds, until a wrunlock admits
  // us. Precondition: the current context is registered. Memory ordering:
  // the last writer's critical section is visible after it returns.
  void lock_shared() {
    Counter& count = counters_.current();
    if (enter_or_back_off(count)) [[likely]] return;
    ScopedLock guard(mutex_);
    // [F] pairs with [E]: the flag is lowered under this mutex
    if (has_writer_.load(memory_order_acquire) == 0) {  // [F] pairs with [E]
      counters_.current().owner_add(1, memory_order_relaxed);  // relaxed: the mutex orders it
      return;
    }
    ++queued_;
    const std::uint64_t slept_in = generation_;
    while (generation_ == slept_in) reader_queue_.wait(mutex_);
    // Admitted: move our count from granted_ into our own counter, both under
    // the mutex, so a writer's sum (under it too) never misses us.
    counters_.current().owner_add(1, memory_order_relaxed);  // relaxed: the mutex orders it
    granted_.store(granted_.load(memory_order_relaxed) - 1, memory_order_relaxed);  // relaxed: under the mutex
  }

  // Blocks: no.
  [[nodiscard]] bool try_lock_shared() { return enter_or_back_off(counters_.current()); }

  // rdunlock. Blocks: no. Precondition: the caller holds the read lock (taken
  // in any context). Memory ordering: a writer that enters after this sees
  // everything the reader did inside.
  void unlock_shared() {
    Counter& count = counters_.current();
    count.owner_add(-1, memory_order_release);  // [Cctr] pairs with [Wctr] in the writer's sum
    P::fence();  // [D] pairs with [B] in lock(): the writer saw our decrement, or we see its flag
    // relaxed: ordered after our decrement by [D]; only decides whether to kick.
    if (has_writer_.load(memory_order_relaxed) != 0) writer_waiter_.kick();
  }

  // wrlock. Blocks: behind earlier writers (ticket order) and the readers
  // admitted before us, then until every reader inside leaves. Memory
  // ordering: every reader and writer before us is visible.
  void lock() {
    {
      ScopedLock guard(mutex_);
      const std::uint64_t ticket = next_ticket_++;
      raise_flag();
      while (writer_inside_ || serving_ != ticket) writer_queue_.wait(mutex_);
      writer_inside_ = true;
    }
    writer_waiter_.wait_while([this] { return exact_reader_sum() > 0; });
  }

  // Like lock, but returns false instead of waiting for a writer or for
  // readers. Blocks: only on the mutex.
  [[nodiscard]] bool try_lock() {
    {
      ScopedLock guard(mutex_);
      if (writers_ > 0) return false;
      ++next_ticket_;
      raise_flag();
      writer_inside_ = true;
    }
    if (exact_reader_sum() == 0) return true;
    unlock();
    return false;
  }

  // wrunlock. Blocks: on the mutex. Precondition: the caller holds the write
  // lock. Admits every queued reader, then lets the next writer in.
  void unlock() {
    ScopedLock guard(mutex_);
    LOCKSCOPE_CONTRACT(writer_inside_, "unlock without the write lock");
    writer_inside_ = false;
    ++serving_;
    --writers_;
    if (queued_ > 0) {
      // relaxed: granted_ is read and written only under the mutex.
      granted_.store(granted_.load(memory_order_relaxed) + queued_, memory_order_relaxed);
      queued_ = 0;
      ++generation_;
      reader_queue_.notify_all();
    }
    if (writers_ == 0) {
      has_writer_.store(0, memory_order_release);  // [E] pairs with [F]
    } else {
      writer_queue_.notify_all();
    }
  }

  // Introspection for tests and statistics: racy snapshots, no ordering.
  [[nodiscard]] std::int64_t context_readers(ContextId ctx) const { return counters_.context_readers(ctx); }
  // Readers counted outside any registered context: the orphaned count plus
  // readers admitted by a wrunlock that have not yet moved into their own.
  [[nodiscard]] std::int64_t orphaned_readers() const {
    // relaxed: a snapshot.
    return counters_.orphaned() + granted_.load(memory_order_relaxed);
  }
  [[nodiscard]] bool writer_flag() const {
    return has_writer_.load(memory_order_relaxed) != 0;  // relaxed: a snapshot
  }
  // Readers asleep waiting for a wrunlock, and writers waiting or inside.
  // Blocks: on the mutex.
  [[nodiscard]] std::int64_t queued_readers() {
    ScopedLock guard(mutex_);
    return queued_;
  }
  [[nodiscard]] std::uint32_t writers() {
    ScopedLock guard(mutex_);
    return writers_;
  }

 private:
  // The fast path, GraphLock's: false with the count undone (and the writer
  // kicked) when a writer waits or holds.
  bool enter_or_back_off(Counter& count) {
    count.owner_add(1, memory_order_relaxed);  // relaxed: ordered against the flag load by [A]
    P::fence();  // [A] pairs with [B] in lock(): the writer sees our increment or we see its flag
    if (has_writer_.load(memory_order_acquire) == 0) [[likely]] return true;  // [F] pairs with [E]
    // [Cctr] pairs with [Wctr]: nothing of ours to publish, but a relaxed store would
    // cut the release sequence of an earlier reader's [Cctr] in this context.
    count.owner_add(-1, memory_order_release);  // [Cctr] pairs with [Wctr]
    writer_waiter_.kick();
    return false;
  }

  // With the mutex held: one more writer; the flag goes up (or stays up).
  void raise_flag() {
    ++writers_;
    has_writer_.store(1, memory_order_relaxed);  // relaxed: published by [B] just below
    P::fence();  // [B] pairs with [A] in enter_or_back_off() and [D] in unlock_shared()
  }

  // Every reader inside: the counters, the orphaned count and the admitted
  // readers not yet moved. A negative sum means the bookkeeping broke.
  std::int64_t exact_reader_sum() {
    ScopedLock guard(mutex_);
    // relaxed: granted_ is written only under the mutex, which we hold.
    const std::int64_t sum = counters_.sum() + granted_.load(memory_order_relaxed);
    LOCKSCOPE_CONTRACT(sum >= 0, "reader count drifted below zero");
    return sum;
  }

  ContextCounters<P> counters_;
  alignas(kCachelineBytes) typename ContextCounters<P>::Registration registration_;  // guarded by mutex_
  alignas(kCachelineBytes) Atomic<std::uint32_t> has_writer_{0, LineName{"graph-fair.has_writer"}};
  alignas(kCachelineBytes) typename P::Mutex mutex_{LineName{"graph-fair.mutex"}};
  Atomic<std::int64_t> granted_{0, LineName{"graph-fair.granted"}};
  std::uint32_t writers_ = 0;        // under mutex_
  std::uint64_t next_ticket_ = 0;    // under mutex_
  std::uint64_t serving_ = 0;        // under mutex_
  bool writer_inside_ = false;       // under mutex_
  std::int64_t queued_ = 0;          // under mutex_
  std::uint64_t generation_ = 0;     // under mutex_
  typename P::WaitQueue reader_queue_{LineName{"graph-fair.reader_queue"}};
  typename P::WaitQueue writer_queue_{LineName{"graph-fair.writer_queue"}};
  alignas(kCachelineBytes) typename P::Waiter writer_waiter_{LineName{"graph-fair.writer_waiter"}};
};

}  // namespace lockscope::lockimpl
