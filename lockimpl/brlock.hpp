// BrLock: a big-reader lock with per-context reader slots and a spinning
// writer, over a platform policy.
//
// ## Where it comes from
// The Linux 2.4 brlock (Ingo Molnar, 2000) and Concurrency Kit's ck_brlock
// (Samy Al Bahra): every reader owns a record on its own cacheline; a reader
// marks its record with an atomic exchange, which is a full fence on x86,
// then checks the writer flag and backs off if it is set. The writer takes
// the flag with an RMW and spins until every record is clear.
//
// ## How readers map to contexts
// ck_brlock's record belongs to a thread, which enters and leaves on that
// thread. In lockscope a reader may take the lock in one context and release
// it in another, so the record is a per-context counter (fetch_add on entry,
// fetch_sub on exit, both in the current context's slot). A slot can go
// negative; the writer waits for the sum over the slots to reach zero, not
// for each slot to clear.
//
// ## How it differs from GraphLock
// Same per-context counters, two different choices: the reader's increment
// is a seq_cst RMW (the fence is in the RMW, as ck_brlock's exchange),
// instead of a plain owner store followed by a fence; and the writer spins
// with P::cpu_relax() instead of sleeping on a Waiter, and readers that meet
// the flag spin too instead of sleeping in a queue. No mutex, no wakeups.
//
// ## Fields and the invariant each keeps
//   slots_[c].readers  readers that entered in c minus readers that left in
//                      c; the sum over c is the number of readers inside.
//   high_water_        1 + the largest context ever registered: the writer
//                      sums slots [0, high_water_). It never shrinks, so the
//                      count of an unregistered context is still summed.
//   writer_            1 while a writer holds or waits for the lock.
//
// ## Lines each operation touches
//   rdlock, rdunlock: the caller's slot line (owned: a hit, but an RMW) and
//   brlock.writer (read-shared while no writer comes).
//   wrlock: brlock.writer (an ownership transfer), brlock.high_water, every
//   slot line below the high water (a read miss each, per spin round).
//   wrunlock: brlock.writer.
//
// ## Ordering legend
//   [A] reader: slot fetch_add(seq_cst) ; load writer_ (seq_cst).
//   [B] writer: writer_ exchange(seq_cst) ; load every slot (seq_cst).
//       [A] pairs with [B]: store buffering, both sides seq_cst, so either
//       the writer's sum sees the increment or the reader sees the flag.
//   [C] rdunlock and back-off: slot fetch_sub(release). Pairs with [B]'s
//       loads (acquire included in seq_cst): a writer that sees the
//       decrement sees the reader's critical section finished.
//   [E] wrunlock: writer_ store 0 (release). Pairs with [F], and with the
//       next writer's exchange in [B].
//   [F] reader: the flag load in [A] (seq_cst includes acquire). Pairs with
//       [E]: a reader that sees the flag down sees the writer's section.
//   [H] register_context raises high_water_ with a seq_cst RMW; it pairs
//       with the writer's seq_cst load in [B]: a context's registration
//       precedes any increment in it, which precedes (in the single total
//       order) a flag the reader missed, so the writer scans its slot.
//
// ## State table (R = readers inside, w = writer_)
//   operation       | w=0                  | w=1, writer waiting  | writer inside
//   rdlock          | R+1                  | spins until w=0      | spins until w=0
//   rdunlock        | R-1                  | R-1 (writer sees it) | invalid
//   wrlock          | sets w, spins to R=0 | spins until w=0      | spins until w=0
//   wrunlock        | invalid              | invalid              | w=0
//   try_lock_shared | true                 | false                | false
//   try_lock        | true iff R = 0       | false                | false
//
// ## Fairness and progress
// Writer-preferring and unfair among writers: once w=1 no new reader enters,
// and waiting writers race for the flag when it drops; everyone spins.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lockimpl/contract.hpp"
#include "lockimpl/indexed_array.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

template <Platform P>
class BrLock {
  template <class T>
  using Atomic = typename P::template Atomic<T>;

 public:
  static constexpr std::uint32_t kDefaultMaxContexts = 1024;

  // Contexts are numbered 0 .. max_contexts - 1. Blocks: no.
  explicit BrLock(std::uint32_t max_contexts = kDefaultMaxContexts) : slots_(max_contexts) {}
  BrLock(const BrLock&) = delete;
  BrLock& operator=(const BrLock&) = delete;

  // Brings ctx into the writer's scan. Blocks: no. Precondition: ctx < max_contexts.
  void register_context(ContextId ctx) {
    LOCKSCOPE_CONTRACT(ctx < slots_.size(), "context id out of range");
    const std::uint32_t want = ctx + 1;
    // relaxed: only a first guess for the CAS below, which carries [H].
    std::uint32_t seen = high_water_.load(memory_order_relaxed);
    while (seen < want &&
           !high_water_.compare_exchange_strong(seen, want, memory_order_seq_cst)) {  // [H] pairs with [B]
    }
  }

  // The slot stays in the scan (the high water never shrinks), so readers
  // counted there are still waited for. Blocks: no.
  void unregister_context(ContextId ctx) {
    LOCKSCOPE_CONTRACT(ctx < slots_.size(), "context id out of range");
  }

  // rdlock. Blocks: spins while a writer holds or waits for the lock.
  // Memory ordering: the last writer's critical section is visible.
  void lock_shared() {
    for (;;) {
      if (try_enter(current_slot())) [[likely]] return;
      // relaxed: only decides when to retry; [A] re-checks with seq_cst.
      while (writer_.load(memory_order_relaxed) != 0) P::cpu_relax();
    }
  }

  // Blocks: no.
  [[nodiscard]] bool try_lock_shared() { return try_enter(current_slot()); }

  // rdunlock. Blocks: no. Precondition: the caller holds the read lock (taken
  // in any context). Memory ordering: a writer that enters after this sees
  // everything the reader did inside.
  void unlock_shared() {
    current_slot().readers.fetch_sub(1, memory_order_release);  // [C] pairs with [B]
  }

  // wrlock. Blocks: spins behind another writer, then until readers drain.
  // Memory ordering: every reader and writer before us is visible.
  void lock() {
    while (writer_.exchange(1, memory_order_seq_cst) != 0) {  // [B] pairs with [A] and [E]
      // relaxed: only decides when to retry the exchange.
      while (writer_.load(memory_order_relaxed) != 0) P::cpu_relax();
    }
    while (reader_sum() != 0) P::cpu_relax();
  }

  // Blocks: no.
  [[nodiscard]] bool try_lock() {
    if (writer_.exchange(1, memory_order_seq_cst) != 0) return false;  // [B] pairs with [A]
    if (reader_sum() == 0) return true;
    writer_.store(0, memory_order_release);  // [E] pairs with [F]: nothing to publish, keeps [E] uniform
    return false;
  }

  // wrunlock. Blocks: no. Precondition: the caller holds the write lock.
  // Memory ordering: readers and writers that enter next see our work.
  void unlock() {
    const std::uint32_t before = writer_.exchange(0, memory_order_release);  // [E] pairs with [F]
    LOCKSCOPE_CONTRACT(before != 0, "unlock without the write lock");
  }

  // Introspection for tests: a racy snapshot of the readers inside.
  [[nodiscard]] std::int64_t readers_inside() const {
    std::int64_t sum = 0;
    // relaxed: a snapshot for tests, ordering nothing.
    const std::uint32_t n = high_water_.load(memory_order_relaxed);
    // relaxed: as above.
    for (std::uint32_t c = 0; c < n; ++c) sum += slots_[c].readers.load(memory_order_relaxed);
    return sum;
  }

 private:
  struct alignas(kCachelineBytes) Slot {
    explicit Slot(std::int32_t index) : readers(0, LineName{"brlock.ctx", index, ".readers"}) {}
    Atomic<std::int64_t> readers;
  };

  Slot& current_slot() {
    const ContextId ctx = P::current_context();
    LOCKSCOPE_CONTRACT(ctx < slots_.size(), "read lock used in a context out of range");
    return slots_[ctx];
  }

  // Marks the slot, then checks the flag; undoes the mark if a writer is up.
  bool try_enter(Slot& slot) {
    slot.readers.fetch_add(1, memory_order_seq_cst);  // [A] pairs with [B]
    if (writer_.load(memory_order_seq_cst) == 0) return true;  // [A] pairs with [B]; [F] with [E]
    slot.readers.fetch_sub(1, memory_order_release);  // [C] pairs with [B]
    return false;
  }

  // The readers inside, as seen after our flag: every increment before the
  // flag is seen, and a decrement is seen only if its reader left.
  std::int64_t reader_sum() const {
    const std::uint32_t n = high_water_.load(memory_order_seq_cst);  // [B] pairs with [H]
    std::int64_t sum = 0;
    for (std::uint32_t c = 0; c < n; ++c) {
      sum += slots_[c].readers.load(memory_order_seq_cst);  // [B] pairs with [A] and [C]
    }
    return sum;
  }

  IndexedArray<Slot> slots_;
  alignas(kCachelineBytes) Atomic<std::uint32_t> writer_{0, LineName{"brlock.writer"}};
  alignas(kCachelineBytes) Atomic<std::uint32_t> high_water_{0, LineName{"brlock.high_water"}};
};

}  // namespace lockscope::lockimpl
