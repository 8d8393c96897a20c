// ContextCounters: per-context reader counters, one cacheline each, with the
// bookkeeping every per-context lock needs (QEMU's graph lock, percpu-rwsem's
// per-CPU read_count): registration, the orphaned count of unregistered
// contexts, and the writer's sum.
//
// Fields and invariants:
//   slot(c).readers  readers that entered in context c minus readers that
//                    left in c; negative when a reader moved. Written only by
//                    code running in c (owner_add), or under the owning
//                    lock's mutex by the single thread that runs in c.
//   registered_      the contexts the writer sums.
//   orphaned_        the counts of unregistered contexts, so that
//                      orphaned_ + sum(slot(c) for registered c)
//                    is the number of readers counted, exactly.
// An unregistered context's counter holds kUnregistered, so a reader that
// (against the contract) counts there is caught at re-registration or at
// destruction, at no cost on the fast path.
//
// register_context, unregister_context and sum() must be called with the
// owning lock's mutex held (the one that orders the writer's sum against
// registration); the fast path touches only current().
//
// Ordering: sum() loads each counter with acquire ([W]); the owning lock's
// rdunlock decrements with release ([C]): a writer that sees a decrement sees
// that reader's critical section. The labels are the owning lock's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lockimpl/contract.hpp"
#include "lockimpl/indexed_array.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

template <Platform P>
class ContextCounters {
 public:
  using Counter = typename P::template Atomic<std::int64_t>;

  // The names of the lines: `percpu.ctx` gives `percpu.ctx[3].readers`.
  ContextCounters(std::uint32_t max_contexts, const char* slots_name, const char* orphaned_name)
      : slots_(max_contexts, slots_name), orphaned_(0, LineName{orphaned_name}) {
    registered_.reserve(max_contexts);
  }
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
    registered_.push_back(ctx);
  }

  // Caller holds the owning lock's mutex, and no worker runs in ctx any more.
  void unregister_context(ContextId ctx) {
    LOCKSCOPE_CONTRACT(ctx < slots_.size() && slots_[ctx].registered,
                       "unregistering a context that is not registered");
    Slot& slot = slots_[ctx];
    // relaxed: both counters are read by the writer only under the mutex.
    const std::int64_t moved = slot.readers.load(memory_order_relaxed);
    orphaned_.store(orphaned_.load(memory_order_relaxed) + moved, memory_order_relaxed);  // relaxed: as above
    slot.readers.store(kUnregistered, memory_order_relaxed);  // relaxed: as above
    slot.registered = false;
    std::erase(registered_, ctx);
  }

  // The calling context's counter. Unchecked builds catch an unregistered
  // context later, through kUnregistered; checked builds catch it here.
  Counter& current() {
    const ContextId ctx = P::current_context();
    LOCKSCOPE_FAST_PATH_CONTRACT(ctx < slots_.size() && slots_[ctx].registered,
                                 "read lock used in an unregistered context");
    return slots_[ctx].readers;
  }

  // The orphaned count plus every registered context's. Caller holds the mutex.
  std::int64_t sum() {
    // relaxed: orphaned_ is only written under the mutex, which our caller holds.
    std::int64_t total = orphaned_.load(memory_order_relaxed);
    for (const ContextId ctx : registered_) {
      total += slots_[ctx].readers.load(memory_order_acquire);  // [W] pairs with [C] in the lock's unlock_shared()
    }
    return total;
  }

  // Racy snapshots for tests and statistics; 0 for an unregistered context.
  [[nodiscard]] std::int64_t context_readers(ContextId ctx) const {
    const std::int64_t n = slots_[ctx].readers.load(memory_order_relaxed);  // relaxed: a snapshot
    return n == kUnregistered ? 0 : n;
  }
  [[nodiscard]] std::int64_t orphaned() const {
    return orphaned_.load(memory_order_relaxed);  // relaxed: a snapshot
  }
  [[nodiscard]] std::size_t capacity() const { return slots_.size(); }

 private:
  static constexpr std::int64_t kUnregistered = std::int64_t{1} << 48;

  struct alignas(kCachelineBytes) Slot {
    Slot(std::int32_t index, const char* base) : readers(kUnregistered, LineName{base, index, ".readers"}) {}
    Counter readers;
    bool registered = false;  // written under the mutex; read unlocked only by ctx's owner
  };

  IndexedArray<Slot> slots_;
  alignas(kCachelineBytes) Counter orphaned_;
  std::vector<ContextId> registered_;
};

}  // namespace lockscope::lockimpl
