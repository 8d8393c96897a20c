// TEST ONLY. Locks built to be wrong, so that the stress tests can show the
// soak catches them. Never registered with `lockscope bench` or `stress`.
//
// TestLock<Bug> is a small per-context reader-writer lock in the style of
// BrLock (engine code, plain std::atomic): each context counts its readers
// with a seq_cst RMW, a writer raises a flag with a seq_cst store and then
// waits until the orphaned count plus every registered context's count is
// zero; unregistering a context moves its count to the orphaned count, under
// a list mutex the writer's sum takes too. With Bug::none it is correct (the
// store-buffering argument of BrLock's [A]/[B]); each other Bug breaks one
// promise:
//   writer_ignores_readers   lock() and try_lock() do not wait for readers.
//   try_read_ignores_writer  try_lock_shared() enters without looking at
//                            the writer flag.
//   drops_orphans            unregister_context() forgets the readers still
//                            counted in the context instead of keeping them
//                            (orphaned): only a run with orphaned readers
//                            can tell.
// None of them can hang when readers do not migrate: a dropped count only
// ever makes the writer's sum smaller than the truth.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "lockimpl/platform.hpp"

namespace lockscope::engine::stress::testing {

enum class Bug : std::uint8_t { none, writer_ignores_readers, try_read_ignores_writer, drops_orphans };

template <Bug kBug>
class TestLock {
 public:
  static constexpr bool kReadersExcluded = true;
  static constexpr bool kHasTryLock = true;
  static constexpr bool kHasContexts = true;
  struct Session {};

  explicit TestLock(unsigned max_contexts) : slots_(max_contexts), registered_(max_contexts, 0) {}

  void enter(Session&, unsigned) {}
  void leave(Session&) {}
  static void set_context(lockimpl::ContextId ctx) { current_ = ctx; }
  void register_context(lockimpl::ContextId ctx) {
    std::lock_guard guard(list_);
    registered_[ctx] = 1;
  }
  void unregister_context(lockimpl::ContextId ctx) {
    std::lock_guard guard(list_);
    const std::int64_t left = slots_[ctx].readers.exchange(0, std::memory_order_relaxed);  // relaxed: under list_
    if constexpr (kBug != Bug::drops_orphans) orphaned_ += left;
    registered_[ctx] = 0;
  }

  void lock_shared(Session&) {
    while (!try_enter()) {
      while (writer_.load(std::memory_order_relaxed) != 0) std::this_thread::yield();  // relaxed: a retry hint
    }
  }
  [[nodiscard]] bool try_lock_shared(Session&) {
    if constexpr (kBug == Bug::try_read_ignores_writer) {
      slot().fetch_add(1, std::memory_order_seq_cst);
      return true;
    } else {
      return try_enter();
    }
  }
  void unlock_shared(Session&) { slot().fetch_sub(1, std::memory_order_release); }

  void lock(Session&) {
    writer_mutex_.lock();
    writer_.store(1, std::memory_order_seq_cst);
    if constexpr (kBug != Bug::writer_ignores_readers) {
      while (reader_sum() > 0) std::this_thread::yield();
    }
  }
  [[nodiscard]] bool try_lock(Session&) {
    if (!writer_mutex_.try_lock()) return false;
    writer_.store(1, std::memory_order_seq_cst);
    if (kBug != Bug::writer_ignores_readers && reader_sum() > 0) {
      writer_.store(0, std::memory_order_release);
      writer_mutex_.unlock();
      return false;
    }
    return true;
  }
  void unlock(Session&) {
    writer_.store(0, std::memory_order_release);
    writer_mutex_.unlock();
  }

 private:
  struct alignas(64) Slot {
    std::atomic<std::int64_t> readers{0};
  };

  std::atomic<std::int64_t>& slot() { return slots_[current_].readers; }

  bool try_enter() {
    std::atomic<std::int64_t>& s = slot();
    s.fetch_add(1, std::memory_order_seq_cst);
    if (writer_.load(std::memory_order_seq_cst) == 0) return true;
    s.fetch_sub(1, std::memory_order_release);
    return false;
  }

  std::int64_t reader_sum() {
    std::lock_guard guard(list_);
    std::int64_t sum = orphaned_;
    for (std::size_t c = 0; c < slots_.size(); ++c) {
      if (registered_[c] != 0) sum += slots_[c].readers.load(std::memory_order_seq_cst);
    }
    return sum;
  }

  static inline thread_local lockimpl::ContextId current_ = 0;
  std::vector<Slot> slots_;
  std::vector<char> registered_;  // under list_
  std::int64_t orphaned_ = 0;     // under list_
  std::mutex list_;
  std::mutex writer_mutex_;
  alignas(64) std::atomic<int> writer_{0};
};

}  // namespace lockscope::engine::stress::testing
