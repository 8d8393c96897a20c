// CentralLock: the foil. A reader-writer lock whose readers all count in one
// shared word, the way glibc's pthread_rwlock, libstdc++'s std::shared_mutex,
// TBB's spin_rw_mutex and CK's ck_rwlock do in spirit.
//
// ## Why it is here
// Every rdlock and rdunlock is a read-modify-write of the same cacheline, so
// with k cores reading, the line travels from core to core on every
// operation: aggregate read throughput tends to one operation per line
// transfer, whatever k is. Put it next to GraphLock on the same machine and
// the difference is the lesson.
//
// ## Fields
//   state_          bit 62: a writer holds or wants the lock (kWriter);
//                   bits 0..61: readers inside. One word, one line: a
//                   reader's fetch_add and the writer's fetch_or are ordered
//                   by the word's modification order, no fence needed.
//   list_mutex_     guards the slow-path re-check and the reader queue.
//   reader_queue_   readers that met a writer sleep here until wrunlock.
//   writer_waiter_  the writer sleeps here until the reader count drains.
//   writer_mutex_   serializes writers.
//
// ## Lines each operation touches
//   rdlock, rdunlock: central.readers (an ownership transfer whenever another
//   core touched it last). wrlock: central.readers, the writer mutex.
//
// ## Ordering legend
//   [G] rdlock fetch_add(acquire) pairs with [H], wrunlock's fetch_and
//       (release): a reader that sees no writer bit sees the writer's work.
//   [I] rdunlock fetch_sub(release) pairs with [J], the writer's acquire
//       load of state_: a writer that sees zero readers sees their work.
//   [K] wrlock fetch_or(acq_rel): an RMW on the same word as every reader's,
//       so either the reader's increment comes first (the writer waits for
//       it) or the reader sees the bit (it backs off). No fence needed.
//
// ## State table (R = readers inside, w = writer bit)
//   operation       | w=0                | w=1, writer waiting   | writer inside
//   rdlock          | R+1                | sleeps in the queue   | sleeps in the queue
//   rdunlock        | R-1                | R-1, kicks the writer | invalid
//   wrlock          | sets w, waits R=0  | waits for writer mutex| waits for writer mutex
//   wrunlock        | invalid            | invalid               | w=0, wakes readers
//
// ## Fairness and progress
// Writer-preferring: once the bit is set no new reader enters. Writers are
// served in the writer mutex's order.
//
// Contexts: the interface matches GraphLock (register_context and
// unregister_context exist and are no-ops), so the same workload can be
// replayed against both locks; a reader may unlock in any context.
#pragma once

#include <cstdint>

#include "lockimpl/contract.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

template <Platform P>
class CentralLock {
  template <class T>
  using Atomic = typename P::template Atomic<T>;

  static constexpr std::int64_t kWriter = std::int64_t{1} << 62;
  static constexpr std::int64_t kReaderMask = kWriter - 1;

 public:
  // Takes the same argument as GraphLock's constructor, so code that sizes
  // a lock for its contexts can build either; nothing here is per context.
  explicit CentralLock(std::uint32_t /*max_contexts*/ = 0) {}
  CentralLock(const CentralLock&) = delete;
  CentralLock& operator=(const CentralLock&) = delete;

  // Nothing is per context in this lock. Blocks: no.
  void register_context(ContextId /*ctx*/) {}
  void unregister_context(ContextId /*ctx*/) {}

  // Blocks: while a writer holds or wants the lock.
  // Memory ordering: the last writer's critical section is visible.
  void lock_shared() {
    for (;;) {
      // [G] pairs with [H] in unlock(): no writer bit means we see its work
      const std::int64_t before = state_.fetch_add(1, memory_order_acquire);  // [G] pairs with [H]
      if ((before & kWriter) == 0) [[likely]] return;
      back_off_and_sleep();
    }
  }

  // Blocks: no.
  [[nodiscard]] bool try_lock_shared() {
    // [G] pairs with [H] in unlock()
    const std::int64_t before = state_.fetch_add(1, memory_order_acquire);  // [G] pairs with [H]
    if ((before & kWriter) == 0) return true;
    undo_reader();
    return false;
  }

  // Blocks: no. Precondition: the caller holds the read lock.
  // Memory ordering: a writer that enters after this sees our work.
  void unlock_shared() {
    // [I] pairs with [J] in lock(): the writer that sees zero readers sees our work
    const std::int64_t before = state_.fetch_sub(1, memory_order_release);  // [I] pairs with [J]
    LOCKSCOPE_CONTRACT((before & kReaderMask) > 0, "unlock_shared without a reader inside");
    if ((before & kWriter) != 0) writer_waiter_.kick();
  }

  // Blocks: until readers drain, and behind earlier writers.
  void lock() {
    writer_mutex_.lock();
    // [K] the writer bit and every reader's increment share one modification order
    state_.fetch_or(kWriter, memory_order_acq_rel);  // [K]
    // [J] pairs with [I] in unlock_shared()
    writer_waiter_.wait_while(
        [this] { return (state_.load(memory_order_acquire) & kReaderMask) != 0; });  // [J] pairs with [I]
  }

  // Blocks: no.
  [[nodiscard]] bool try_lock() {
    if (!writer_mutex_.try_lock()) return false;
    std::int64_t expected = 0;
    // [K] and [J]: succeeds only when no reader is inside
    if (state_.compare_exchange_strong(expected, kWriter, memory_order_acq_rel)) return true;  // [K] and [J]
    writer_mutex_.unlock();
    return false;
  }

  // Blocks: on the list mutex. Precondition: the caller holds the write lock.
  void unlock() {
    {
      ScopedLock guard(list_mutex_);
      // [H] pairs with [G] in lock_shared(): readers that see the bit clear see our work
      const std::int64_t before = state_.fetch_and(kReaderMask, memory_order_release);  // [H] pairs with [G]
      LOCKSCOPE_CONTRACT((before & kWriter) != 0, "unlock without the write lock");
      reader_queue_.notify_all();
    }
    writer_mutex_.unlock();
  }

  // Introspection for tests: a racy snapshot of the readers inside.
  [[nodiscard]] std::int64_t readers_inside() const {
    return state_.load(memory_order_relaxed) & kReaderMask;  // relaxed: a snapshot
  }

 private:
  // A reader that met the writer bit: undo the increment (kicking the writer,
  // which may be waiting for exactly it) and sleep until wrunlock, unless the
  // writer is already gone by the time we hold the list mutex.
  void back_off_and_sleep() {
    ScopedLock guard(list_mutex_);
    undo_reader();
    // relaxed: unlock() clears the bit under list_mutex_, which we hold.
    if ((state_.load(memory_order_relaxed) & kWriter) != 0) reader_queue_.wait(list_mutex_);
  }

  void undo_reader() {
    // relaxed: we never entered, so there is nothing to publish; the kick
    // fences before the writer re-reads the count.
    state_.fetch_sub(1, memory_order_relaxed);
    writer_waiter_.kick();
  }

  alignas(kCachelineBytes) Atomic<std::int64_t> state_{0, LineName{"central.readers"}};
  alignas(kCachelineBytes) typename P::Mutex list_mutex_{LineName{"central.list_mutex"}};
  typename P::WaitQueue reader_queue_{LineName{"central.reader_queue"}};
  alignas(kCachelineBytes) typename P::Waiter writer_waiter_{LineName{"central.writer_waiter"}};
  alignas(kCachelineBytes) typename P::Mutex writer_mutex_{LineName{"central.writer_mutex"}};
};

}  // namespace lockscope::lockimpl
