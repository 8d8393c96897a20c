// GraphLock: QEMU's block-graph reader-writer lock, over a platform policy.
//
// ## Where it comes from
// Emanuele Giuseppe Esposito's RFC "block: introduce a lock to protect graph
// operations" (April 2022), merged as block/graph-lock.c in QEMU 7.2. The
// block graph is read by I/O coroutines in many event loops (AioContexts,
// iothreads) and changed rarely, by the main loop. Readers must be almost
// free; a writer may be slow.
//
// ## The idea
// Each context counts its own readers in its own counter, so a reader writes
// only a line that its own event loop owns: readers never bounce a shared
// cacheline. The writer pays instead: it raises a global flag, then waits
// until the sum of every context's counter (plus the orphaned counter) is
// zero. Readers that see the flag step back: they undo their increment, kick
// the writer, and sleep in a global reader queue until wrunlock wakes them.
//
// ## Fields and the invariant each keeps
//   counters_, registration_  the per-context bookkeeping
//                      (context_counters.hpp), guarded by list_mutex_:
//     ctx[c].readers   readers that entered in context c minus readers that
//                      left in c. May go negative: a coroutine can take the
//                      lock in one context and release it in another. Written
//                      only by code running in c (owner_add: a plain load and
//                      store, as QEMU's qatomic_set(read + 1)). One line per
//                      context; QEMU's counters sit unpadded inside
//                      BdrvGraphRWlock, allocated per AioContext, so there
//                      neighbours on the heap can share their line: we pad,
//                      and Packed<Policy> (graph-packed) reproduces QEMU's
//                      layout to show what the padding buys.
//     the registered contexts, the ones to sum (QEMU's aio_context_list),
//     and the orphaned count of unregistered contexts, moved there under
//                      list_mutex_, so that
//                        orphaned + sum(ctx[c] for registered c)
//                      equals the number of readers inside, exactly.
//   has_writer_        1 while a writer holds the lock or (flag_held) waits.
//   list_mutex_        QEMU's aio_context_list_lock: guards counters_'
//                      registration and sum, the slow path re-check and the
//                      reader queue.
//   reader_queue_      QEMU's reader_queue CoQueue: readers that met a writer.
//   writer_waiter_     QEMU's global AioWait: the writer sleeps here, readers
//                      kick it.
//   writer_mutex_      stands in for the BQL, which in QEMU already makes the
//                      main loop the only writer; here any worker may write.
//   writer_            the worker (P::current_worker()) that holds
//                      writer_mutex_, so that unlock() can check its caller.
//                      A plain field: written and read only by the holder,
//                      ordered by writer_mutex_.
//   reads_held_        checked builds only: how many read locks each worker
//                      holds (indexed by P::current_worker(), each entry
//                      touched only by its own worker), so that a stray
//                      unlock_shared is caught at the call.
//
// ## Lines each operation touches (the simulator checks these claims)
//   rdlock, rdunlock (fast): the caller's ctx[c] line (owned: a hit) and
//                      has_writer_ (read-shared: a hit while no writer comes).
//   wrlock:            has_writer_ (one ownership transfer), every registered
//                      context's line (a read miss each), list_mutex_ and the
//                      orphaned count beside it.
//   wrunlock:          has_writer_, list_mutex_, reader_queue_.
//
// ## Ordering legend
//   [A] reader: counter++ ; fence ; load has_writer.
//   [B] writer: has_writer = 1 ; fence ; load every counter.
//       [A] pairs with [B]: the store-buffering pattern. Either the writer's
//       sum sees the reader's increment, or the reader sees has_writer == 1
//       and backs off; never both miss. (asymmetric: [A] is a compiler
//       barrier and [B] is membarrier(2), which imposes a full fence on the
//       reader's CPU at some point of its program order.)
//   [Cctr] rdunlock: counter-- with release. Pairs with [Wctr] in
//       context_counters.hpp, the writer's acquire loads of the counters: a
//       writer that sees the decrement sees the reader's critical section as
//       finished.
//   [D] rdunlock: counter-- ; fence ; load has_writer. Pairs with [B]: if the
//       writer's sum missed our decrement, we see has_writer == 1 and kick.
//   [E] wrunlock (and the polling loop): has_writer = 0 with release. Pairs
//       with [F], the reader's acquire load of has_writer: a reader that sees
//       the flag down sees the writer's critical section.
//
// ## State table (R = readers inside, w = has_writer, W = writer inside)
//   operation    | w=0, W no            | writer waiting (flag_held)   | W yes
//   rdlock       | enters, R+1          | slow path: sleeps in queue   | sleeps in queue
//   rdunlock     | R-1 (kicks if always)| R-1, kicks the writer        | invalid (no reader)
//   wrlock       | waits for R = 0      | waits for the writer mutex   | waits for the writer mutex
//   wrunlock     | invalid              | invalid                      | w=0, wakes every queued reader
//   try_lock_shared | true              | false (kicks the writer)     | false
//   try_lock     | true iff R = 0       | false                        | false
// With flag_cleared_while_polling the writer polls with w = 0: new readers
// enter freely until the writer's re-check, so a writer can starve under a
// stream of readers. QEMU relies on drain to stop new requests first.
//
// ## Using it
// Register every context a thread will run in, context 0 first (every thread
// starts there); each thread declares its context (RealPlatform::
// set_current_context); a context is run by one thread at a time. Asymmetric
// policies abort in the constructor without the heavy barrier: check
// P::heavy_barrier_available() first. Named policies: graph_lock_policy.hpp;
// whole programs: docs/using-the-locks.md.
//
// ## What misuse is caught (tests/lockimpl/graph_lock_misuse_test.cpp)
// Checks off the read fast path run in every build; checks on it cost about
// as much as the read itself and run only in checked builds, except the
// context bounds check (one compare: measured +0.2 ns on graph-asym's
// 0.8 ns rdlock+rdunlock, nothing visible on graph's 12 ns).
//   unlock() by a worker that does not hold the write lock: every build
//     (the writer records P::current_worker() in writer_).
//   unlock_shared() by a worker that holds no read lock: checked builds, at
//     the call (per-worker counts). Release builds cannot tell it from a
//     reader that migrated contexts while the counts balance, so a writer may
//     enter beside the reader it cancelled; the first writer to sum after
//     that reader leaves aborts (the sum is negative).
//   the read lock in an unregistered context (context 0 included): checked
//     builds, at the call; release builds when the reader meets a writer (in
//     lock_shared's slow path, or in unlock_shared while a writer is about:
//     by then a writer may have entered beside it), else when the context is
//     registered again or the lock is destroyed.
//   a context id >= max_contexts: every build, at the call.
//
// ## Fairness and progress
// Writers are served in the writer mutex's order and always win against new
// readers once has_writer is up; readers wait at most one writer's critical
// section plus its wait (flag_held). No reader ever waits for another reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lockimpl/context_counters.hpp"
#include "lockimpl/contract.hpp"
#include "lockimpl/graph_lock_policy.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

template <Platform P, class Policy = SeedPolicy>
class GraphLock {
  template <class T>
  using Atomic = typename P::template Atomic<T>;
  using Counters = ContextCounters<P, Policy::kPaddedCounters>;
  using Counter = typename Counters::Counter;

 public:
  static constexpr std::uint32_t kDefaultMaxContexts = 1024;

  // Contexts are numbered 0 .. max_contexts - 1. Blocks: no.
  // With Fence::asymmetric the platform must offer the heavy barrier.
  explicit GraphLock(std::uint32_t max_contexts = kDefaultMaxContexts)
      : counters_(max_contexts, "graph.ctx", registration_), registration_(max_contexts, "graph.orphaned") {
    if constexpr (Policy::kFence == Fence::asymmetric) {
      LOCKSCOPE_CONTRACT(P::heavy_barrier_available(),
                         "Fence::asymmetric needs the platform's heavy barrier (membarrier)");
    }
    if constexpr (kFastPathChecked) reads_held_.resize(kTrackedWorkers, 0);
    // The simulator maps addresses to lines: the misuse checks' fields live
    // in padding and must not move the fields after them.
    static_assert(sizeof(Atomic<std::uint32_t>) + alignof(std::vector<std::int32_t>) +
                      sizeof(std::vector<std::int32_t>) <=
                  kCachelineBytes);
    static_assert(sizeof(typename P::Mutex) + sizeof(std::uint32_t) + alignof(std::uint32_t) <=
                  kCachelineBytes);
  }
  // Precondition: no reader or writer is inside. (counters_ checks that no
  // reader counted in an unregistered context.)
  ~GraphLock() = default;
  GraphLock(const GraphLock&) = delete;
  GraphLock& operator=(const GraphLock&) = delete;

  // Adds context `ctx` to the set the writer sums. Blocks: on the list mutex.
  // Precondition: ctx < max_contexts and ctx is not registered.
  void register_context(ContextId ctx) {
    ScopedLock guard(list_mutex_);
    counters_.register_context(ctx);
  }

  // Removes `ctx`; readers still counted there move to the orphaned counter,
  // so a writer keeps waiting for exactly them. Blocks: on the list mutex.
  // Precondition: ctx is registered and no worker runs in it any more.
  void unregister_context(ContextId ctx) {
    ScopedLock guard(list_mutex_);
    counters_.unregister_context(ctx);
  }

  // rdlock. Blocks: while a writer holds the lock or (flag_held) waits for it.
  // Precondition: the current context is registered.
  // Memory ordering: everything the last writer did before wrunlock is
  // visible after lock_shared returns.
  void lock_shared() {
    for (;;) {
      Counter& count = counters_.current();
      // relaxed: ordered against the has_writer load by [A] just below.
      count.owner_add(1, memory_order_relaxed);
      reader_barrier();  // [A] pairs with [B] in lock(): the writer sees our increment or we see its flag
      // [F] pairs with [E] in unlock(): a 0 from a writer's unlock shows us its critical section
      if (has_writer_.load(memory_order_acquire) == 0) [[likely]] break;  // [F] pairs with [E]
      if (!back_off_and_sleep(count)) break;
    }
    count_read_taken();
  }

  // Like lock_shared, but returns false instead of sleeping. Blocks: no.
  [[nodiscard]] bool try_lock_shared() {
    Counter& count = counters_.current();
    // relaxed: ordered against the has_writer load by [A] just below.
    count.owner_add(1, memory_order_relaxed);
    reader_barrier();  // [A] pairs with [B] in lock()
    if (has_writer_.load(memory_order_acquire) == 0) {  // [F] pairs with [E]
      count_read_taken();
      return true;
    }
    // [Cctr] pairs with [Wctr]: nothing of ours to publish, but a relaxed store
    // would cut the release sequence of an earlier reader's [Cctr] here.
    count.owner_add(-1, memory_order_release);  // [Cctr] pairs with [Wctr]
    writer_waiter_.kick();
    return false;
  }

  // rdunlock. Blocks: no. Precondition: the calling worker holds the read
  // lock (taken in any context). Memory ordering: a writer that enters after
  // this sees everything the reader did inside.
  void unlock_shared() {
    Counter& count = counters_.current();
    count_read_released();
    // [Cctr] pairs with [Wctr] in the writer's sum: it sees our critical section with our decrement
    count.owner_add(-1, memory_order_release);  // [Cctr] pairs with [Wctr]
    reader_barrier();  // [D] pairs with [B] in lock(): the writer saw our decrement, or we see its flag
    // relaxed: ordered after our decrement by [D]; only decides whether to kick.
    if (Policy::kUnlockKick == UnlockKick::always ||
        has_writer_.load(memory_order_relaxed) != 0) {
      // Off the fast path (a writer is about, or the policy kicks anyway):
      // we run in the context, so its registration needs no lock.
      LOCKSCOPE_CONTRACT(counters_.current_registered(), "read lock used in an unregistered context");
      writer_waiter_.kick();
    }
  }

  // wrlock. Blocks: until no reader is inside, and behind earlier writers.
  // Memory ordering: everything every reader did before unlock_shared, and
  // the previous writer did before unlock, is visible after lock returns.
  void lock() {
    writer_mutex_.lock();
    writer_ = P::current_worker();
    if constexpr (Policy::kWriterWait == WriterWait::flag_held) {
      // relaxed: published by [B] just below.
      has_writer_.store(1, memory_order_relaxed);
      writer_barrier();  // [B] pairs with [A] in lock_shared() and [D] in unlock_shared()
      writer_waiter_.wait_while([this] { return exact_reader_sum() > 0; });
    } else {
      for (;;) {
        // [E] pairs with [F]: readers that enter while we poll see earlier writers' work
        has_writer_.store(0, memory_order_release);  // [E] pairs with [F]
        // While polling the sum can be transiently negative (a reader that
        // locked in an already-summed context and unlocked in a later one):
        // QEMU asserts it is not, we just stop polling and re-check.
        writer_waiter_.wait_while([this] { return reader_sum() > 0; });
        // relaxed: published by [B] just below.
        has_writer_.store(1, memory_order_relaxed);
        writer_barrier();  // [B] pairs with [A] in lock_shared() and [D] in unlock_shared()
        if (exact_reader_sum() == 0) break;
      }
    }
  }

  // Like lock, but returns false instead of waiting for readers or for
  // another writer. Blocks: only on the list mutex.
  [[nodiscard]] bool try_lock() {
    if (!writer_mutex_.try_lock()) return false;
    writer_ = P::current_worker();
    // relaxed: published by [B] just below.
    has_writer_.store(1, memory_order_relaxed);
    writer_barrier();  // [B] pairs with [A] in lock_shared() and [D] in unlock_shared()
    if (exact_reader_sum() == 0) return true;
    writer_ = kNoWriter;
    release_flag_and_wake_readers();
    writer_mutex_.unlock();
    return false;
  }

  // wrunlock. Blocks: on the list mutex. Precondition: the calling worker
  // holds the write lock. Wakes every reader that slept in the queue.
  void unlock() {
    // relaxed: a racy read only for the contract check; we own the flag.
    LOCKSCOPE_CONTRACT(has_writer_.load(memory_order_relaxed) == 1, "unlock without the write lock");
    // A caller that does not hold the lock reads writer_ without the mutex's
    // ordering; it has broken the contract already, and can read only some
    // worker's id or kNoWriter, never its own.
    LOCKSCOPE_CONTRACT(writer_ == P::current_worker(),
                       "unlock without the write lock: another worker holds it");
    writer_ = kNoWriter;
    release_flag_and_wake_readers();
    writer_mutex_.unlock();
  }

  // Introspection for tests and statistics: racy snapshots, no ordering.
  // 0 for a context that is not registered.
  [[nodiscard]] std::int64_t context_readers(ContextId ctx) const { return counters_.context_readers(ctx); }
  [[nodiscard]] std::int64_t orphaned_readers() const { return counters_.orphaned(); }
  [[nodiscard]] bool writer_flag() const {
    return has_writer_.load(memory_order_relaxed) != 0;  // relaxed: a snapshot
  }

 private:
  // Checked builds count each worker's read locks (the first kTrackedWorkers
  // workers; later ones go unchecked), so that an unlock_shared by a worker
  // that holds none aborts at the call, before a writer can enter beside
  // the reader whose count it cancelled.
  static constexpr std::uint32_t kTrackedWorkers = 1024;

  void count_read_taken() {
    if constexpr (kFastPathChecked) {
      const std::uint32_t worker = P::current_worker();
      if (worker < kTrackedWorkers) ++reads_held_[worker];
    }
  }

  void count_read_released() {
    if constexpr (kFastPathChecked) {
      const std::uint32_t worker = P::current_worker();
      if (worker < kTrackedWorkers) {
        LOCKSCOPE_CONTRACT(reads_held_[worker] > 0,
                           "unlock_shared by a worker that holds no read lock");
        --reads_held_[worker];
      }
    }
  }

  static void reader_barrier() {
    if constexpr (Policy::kFence == Fence::full) {
      P::fence();  // [A]/[D]: smp_mb() in QEMU's rdlock and rdunlock
    } else if constexpr (Policy::kFence == Fence::asymmetric) {
      P::light_barrier();  // [A]/[D]: the writer's heavy_barrier() stands in for our fence
    } else {
      P::light_barrier();  // [A]/[D] left out on purpose (Fence::none): nothing pairs with [B]
    }
  }

  static void writer_barrier() {
    if constexpr (Policy::kFence != Fence::asymmetric) {
      P::fence();  // [B]: smp_mb() in QEMU's wrlock
    } else {
      P::heavy_barrier();  // [B]: a fence on every CPU that runs one of our readers
    }
  }

  // The slow path of rdlock, entered with our increment made and has_writer
  // seen as 1. Under the list mutex, re-check: the writer may be gone already
  // (or polling with the flag down), and then our increment stands and we are
  // in: returns false. Otherwise undo it, kick the writer, sleep until a
  // wrunlock, and return true so the caller retries from the top.
  bool back_off_and_sleep(Counter& count) {
    ScopedLock guard(list_mutex_);
    // [F] pairs with [E]: the flag is lowered under this mutex by unlock(), or by a polling writer
    if (has_writer_.load(memory_order_acquire) == 0) return false;  // [F] pairs with [E]
    // Registration is guarded by the list mutex, which we hold.
    LOCKSCOPE_CONTRACT(counters_.current_registered(), "read lock used in an unregistered context");
    // relaxed: the kick that follows fences before it wakes the writer.
    count.owner_add(-1, memory_order_relaxed);
    writer_waiter_.kick();
    reader_queue_.wait(list_mutex_);
    return true;
  }

  void release_flag_and_wake_readers() {
    ScopedLock guard(list_mutex_);
    // [E] pairs with [F] in lock_shared(): readers that see 0 see our critical section
    has_writer_.store(0, memory_order_release);  // [E] pairs with [F]
    reader_queue_.notify_all();
  }

  // QEMU's reader_count(): the orphaned count plus every registered context's.
  // Its loads are [Wctr], which pairs with [Cctr] in unlock_shared().
  std::int64_t reader_sum() {
    ScopedLock guard(list_mutex_);
    return counters_.sum();
  }

  // The sum after has_writer = 1 and [B]: no reader can slip past the flag,
  // so a negative sum here means the bookkeeping itself is broken.
  std::int64_t exact_reader_sum() {
    const std::int64_t sum = reader_sum();
    LOCKSCOPE_CONTRACT(sum >= 0,
                       "reader count drifted below zero: more unlock_shared calls than read locks");
    return sum;
  }

  Counters counters_;  // padded unless Policy says Packed
  alignas(kCachelineBytes) Atomic<std::uint32_t> has_writer_{0, LineName{"graph.has_writer"}};
  // In has_writer_'s padding, so the fields' offsets are the same in every
  // build. Empty in unchecked builds; read-only after construction but for
  // each worker's own entry.
  std::vector<std::int32_t> reads_held_;
  alignas(kCachelineBytes) typename P::Mutex list_mutex_{LineName{"graph.list_mutex"}};
  typename Counters::Registration registration_;  // on list_mutex_'s line, which guards it
  typename P::WaitQueue reader_queue_{LineName{"graph.reader_queue"}};
  alignas(kCachelineBytes) typename P::Waiter writer_waiter_{LineName{"graph.writer_waiter"}};
  alignas(kCachelineBytes) typename P::Mutex writer_mutex_{LineName{"graph.writer_mutex"}};
  static constexpr std::uint32_t kNoWriter = ~std::uint32_t{0};
  std::uint32_t writer_ = kNoWriter;  // in writer_mutex_'s padding; guarded by it
};

}  // namespace lockscope::lockimpl
