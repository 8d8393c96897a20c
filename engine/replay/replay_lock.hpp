// ReplayLock: one simulated lock of a replay, whatever its algorithm. A
// version-2 trace names many locks (a recorded program's rwlocks and
// mutexes), each replayed as a design chosen at run time, so the worker
// actor calls them through this interface. The virtual call is free next to
// the simulated coherence accesses behind every operation.
#pragma once

#include <cstdint>
#include <memory>
#include <type_traits>

#include "engine/replay/lock_spec.hpp"
#include "lockimpl/contract.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::engine::replay {

class ReplayLock {
 public:
  virtual ~ReplayLock() = default;
  virtual void lock_shared() = 0;
  virtual void unlock_shared() = 0;
  virtual void lock() = 0;
  virtual void unlock() = 0;
  // False when the design has no try operation; `got` says whether it took
  // the lock.
  virtual bool try_lock_shared(bool& got) = 0;
  virtual bool try_lock(bool& got) = 0;
  virtual void register_context(lockimpl::ContextId ctx) = 0;
  virtual void unregister_context(lockimpl::ContextId ctx) = 0;
  // The readers the lock still counts after the run: 0 unless it drifted.
  [[nodiscard]] virtual std::int64_t residual_readers(std::uint32_t capacity) const = 0;
};

// Any lockimpl lock (an rwlock, or a mutex that has only lock/unlock/
// try_lock: its shared operations are never called, since the trace reader
// rejects a read of a mutex).
template <class Lock>
class ReplayLockOf final : public ReplayLock {
 public:
  ReplayLockOf(std::uint32_t capacity, const LockParams& params)
      : padded_(std::make_unique<Padded>(capacity, params)), lock_(&padded_->lock) {}

  void lock_shared() override {
    if constexpr (kShared) {
      lock_->lock_shared();
    } else {
      LOCKSCOPE_CONTRACT(false, "a mutex was read-locked");
    }
  }
  void unlock_shared() override {
    if constexpr (kShared) {
      lock_->unlock_shared();
    } else {
      LOCKSCOPE_CONTRACT(false, "a mutex was read-unlocked");
    }
  }
  void lock() override { lock_->lock(); }
  void unlock() override { lock_->unlock(); }
  bool try_lock_shared(bool& got) override {
    if constexpr (requires(Lock& l) { l.try_lock_shared(); }) {
      got = lock_->try_lock_shared();
      return true;
    } else {
      got = false;
      return false;
    }
  }
  bool try_lock(bool& got) override {
    if constexpr (requires(Lock& l) { l.try_lock(); }) {
      got = lock_->try_lock();
      return true;
    } else {
      got = false;
      return false;
    }
  }
  void register_context(lockimpl::ContextId ctx) override {
    if constexpr (requires(Lock& l) { l.register_context(ctx); }) lock_->register_context(ctx);
  }
  void unregister_context(lockimpl::ContextId ctx) override {
    if constexpr (requires(Lock& l) { l.unregister_context(ctx); }) lock_->unregister_context(ctx);
  }
  [[nodiscard]] std::int64_t residual_readers(std::uint32_t capacity) const override {
    if constexpr (requires(const Lock& l) { l.readers_inside(); }) {
      return lock_->readers_inside();
    } else if constexpr (requires(const Lock& l) { l.orphaned_readers(); }) {
      std::int64_t sum = lock_->orphaned_readers();
      for (std::uint32_t ctx = 0; ctx < capacity; ++ctx) sum += lock_->context_readers(ctx);
      return sum;
    } else {
      return 0;  // a mutex counts no readers
    }
  }

 private:
  static constexpr bool kShared = requires(Lock& l) { l.lock_shared(); };
  // Each lock starts on a line of its own and ends its last line: the
  // simulator finds lines by address, and two small locks (mutexes) that
  // the heap put side by side would falsely share a line no recording saw.
  struct alignas(lockimpl::kCachelineBytes) Padded {
    Padded(std::uint32_t capacity, const LockParams& params) : lock(make_lock(capacity, params)) {}
    static Lock make_lock(std::uint32_t capacity, const LockParams& params) {
      if constexpr (requires { Lock::kDefaultTableSlots; }) {
        // BRAVO: the table's size is a parameter of the name (lock_spec.hpp).
        return Lock(capacity, params.table_slots != 0 ? params.table_slots : Lock::kDefaultTableSlots);
      } else if constexpr (std::is_constructible_v<Lock, std::uint32_t>) {
        return Lock(capacity);
      } else {
        return Lock();
      }
    }
    Lock lock;
  };

  std::unique_ptr<Padded> padded_;
  Lock* lock_;
};

}  // namespace lockscope::engine::replay
