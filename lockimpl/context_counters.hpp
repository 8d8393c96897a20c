// ContextCounters: per-context reader counters with the bookkeeping every
// per-context lock needs (QEMU's graph lock, percpu-rwsem's per-CPU
// read_count, graph-fair): registration, the orphaned count of unregistered
// contexts, and the writer's sum.
//
// Fields and invariants:
//   slot(c).readers  readers that entered in context c minus readers that
//                    left in c; negative when a reader moved. Written only by
//                    code running in c (owner_add), or under the owning
//                    lock's mutex by the single thread that runs in c.
//   Registration     what the writer sums besides the counters, guarded by
//                    the owning lock's mutex:
//     registered_    the contexts the writer sums;
//     orphaned_      the counts of unregistered contexts, so that
//                      orphaned_ + sum(slot(c) for registered c)
//                    is the number of readers counted, exactly.
// An unregistered context's counter holds kUnregistered, so a reader that
// (against the contract) counts there is caught at re-registration or at
// destruction, at no cost on the fast path.
//
// Layout: one line per counter (kPadded), or packed as QEMU allocates them
// (graph-packed), where neighbouring contexts' counters can share a line.
// The array's address is on a line that readers only read. The owning lock
// places the Registration, as it places its mutex: graph keeps it on its
// list mutex's line (what the mutex guards travels with it), percpu and
// graph-fair on a line of its own.
//
// register_context, unregister_context and sum() must be called with the
// owning lock's mutex held (the one that orders the writer's sum against
// registration); the fast path touches only current().
//
// Ordering: sum() loads each counter with acquire ([Wctr]); the owning
// lock's rdunlock decrements with release ([Cctr]): a writer that sees a
// decrement sees that reader's critical section. The two labels are used
// nowhere else, so `grep -rn 'ctr\]' lockimpl/` finds both ends in every
// lock built on these counters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lockimpl/contract.hpp"
#include "lockimpl/indexed_array.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

template <Platform P, bool kPadded = true>
class ContextCounters {
 public:
  using Counter = typename P::template Atomic<std::int64_t>;

  // The registered contexts and the orphaned count. Declared by the owning
  // lock where its layout wants them; only ContextCounters reads them.
  class Registration {
   public:
    Registration(std::uint32_t max_contexts, const char* orphaned_name) : orphaned_(0, LineName{orphaned_name}) {
      registered_.reserve(max_contexts);
    }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

   private:
    friend class ContextCounters;
    Counter orphaned_;
    std::vector<ContextId> registered_;
  };

  // The names of the lines: `percpu.ctx` gives `percpu.ctx[3].readers`.
  // `registration` may be constructed after this object (a later member of
  // the owning lock): the constructor only keeps the reference.
  ContextCounters(std::uint32_t max_contexts, const char* slots_name, Registration& registration)
      : slots_(max_contexts, slots_name), registration_(registration) {}
  // Precondition: no reader is inside.
  ~ContextCounters() {
    for (std::size_t ctx = 0; ctx < slots_.size(); ++ctx) {
      // relaxed: no other thread may use a lock that is being destroyed.
      LOCKSCOPE_CONTRACT(slots_[ctx].registered ||
                             slots_[ctx].readers.load(memory_order_relaxed) == kUnregistered,
                         "the read lock was used in an unregistered context");
    }
  }
  ContextCounters(const ContextCounters&) = delete;
  ContextCounters& operator=(const ContextCounters&) = delete;

  // Caller holds the owning lock's mutex.
  void register_context(ContextId ctx) {
    LOCKSCOPE_CONTRACT(ctx < slots_.size(), "context id out of range");
    Slot& slot = slots_[ctx];
    LOCKSCOPE_CONTRACT(!slot.registered, "context registered twice");
    // relaxed: nobody runs in ctx before it is registered; the writer reads
    // this counter only under the mutex our caller holds.
    LOCKSCOPE_CONTRACT(slot.readers.load(memory_order_relaxed) == kUnregistered,
                       "the read lock was used in this context while it was unregistered");
    slot.readers.store(0, memory_order_relaxed);  // relaxed: as above
    slot.registered = true;
    registration_.registered_.push_back(ctx);
  }

  // Caller holds the owning lock's mutex, and no worker runs in ctx any more.
  void unregister_context(ContextId ctx) {
    LOCKSCOPE_CONTRACT(ctx < slots_.size() && slots_[ctx].registered,
                       "unregistering a context that is not registered");
    Slot& slot = slots_[ctx];
    // relaxed: both counters are read by the writer only under the mutex.
    const std::int64_t moved = slot.readers.load(memory_order_relaxed);
    Counter& orphaned = registration_.orphaned_;
    orphaned.store(orphaned.load(memory_order_relaxed) + moved, memory_order_relaxed);  // relaxed: as above
    slot.readers.store(kUnregistered, memory_order_relaxed);  // relaxed: as above
    slot.registered = false;
    std::erase(registration_.registered_, ctx);
  }

  // The calling context's counter. The bounds check stays in every build:
  // one compare against the array's size, on the line the reader reads for
  // the array's address anyway (measured: +0.2 ns on graph-asym's 0.8 ns
  // rdlock+rdunlock). Whether the context is registered is checked here only
  // in checked builds; unchecked builds catch it on the owning lock's slow
  // paths (current_registered) or later, through kUnregistered.
  Counter& current() {
    const ContextId ctx = P::current_context();
    LOCKSCOPE_CONTRACT(ctx < slots_.size(), "read lock used in an unregistered context: context id out of range");
    Slot& slot = slots_[ctx];
    LOCKSCOPE_FAST_PATH_CONTRACT(slot.registered, "read lock used in an unregistered context");
    return slot.readers;
  }

  // Whether the calling context is registered, for the owning lock's slow
  // paths. Exact when the caller holds the mutex or runs in that context
  // (only its own thread and the mutex's holder write the flag).
  [[nodiscard]] bool current_registered() const {
    const ContextId ctx = P::current_context();
    return ctx < slots_.size() && slots_[ctx].registered;
  }

  // The orphaned count plus every registered context's. Caller holds the mutex.
  std::int64_t sum() {
    // relaxed: orphaned_ is only written under the mutex, which our caller holds.
    std::int64_t total = registration_.orphaned_.load(memory_order_relaxed);
    for (const ContextId ctx : registration_.registered_) {
      // [Wctr] pairs with [Cctr] in the owning lock's unlock_shared()
      total += slots_[ctx].readers.load(memory_order_acquire);  // [Wctr] pairs with [Cctr]
    }
    return total;
  }

  // Racy snapshots for tests and statistics; 0 for an unregistered context.
  [[nodiscard]] std::int64_t context_readers(ContextId ctx) const {
    LOCKSCOPE_CONTRACT(ctx < slots_.size(), "context id out of range");
    const std::int64_t n = slots_[ctx].readers.load(memory_order_relaxed);  // relaxed: a snapshot
    return n == kUnregistered ? 0 : n;
  }
  [[nodiscard]] std::int64_t orphaned() const {
    return registration_.orphaned_.load(memory_order_relaxed);  // relaxed: a snapshot
  }
  [[nodiscard]] std::size_t capacity() const { return slots_.size(); }

 private:
  static constexpr std::int64_t kUnregistered = std::int64_t{1} << 48;

  struct alignas(kPadded ? kCachelineBytes : alignof(std::int64_t)) Slot {
    Slot(std::int32_t index, const char* base) : readers(kUnregistered, LineName{base, index, ".readers"}) {}
    Counter readers;
    bool registered = false;  // written under the mutex; read unlocked only by ctx's owner
  };

  IndexedArray<Slot> slots_;  // padded unless !kPadded
  Registration& registration_;
};

}  // namespace lockscope::lockimpl
