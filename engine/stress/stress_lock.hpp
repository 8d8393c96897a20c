// The shape a lock takes in a stress run, and the adapters that give every
// `lockscope bench` lock that shape.
//
// A StressLock is a BenchLock (engine/bench/locks/bench_lock.hpp: a
// per-worker Session, enter/leave, the four lock operations) that also says
// what else it can be asked to do:
//   kHasTryLock   try_lock_shared(s) and try_lock(s).
//   kHasContexts  it counts readers per context (or per node, or per worker
//                 slot) and promises what docs/using-the-locks.md says: a
//                 reader may unlock in another context than it locked in,
//                 and a context may be unregistered while readers counted
//                 there are inside (they stay counted). Then
//                 register_context / unregister_context / set_context are
//                 used for churn, orphaned readers and migration.
// Locks with one shared state (central, pflock, glibc-rwlock) have no-op
// register/unregister: churning them would test nothing, so they say false.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>

#include "engine/bench/locks/bench_lock.hpp"
#include "engine/bench/locks/table_slots.hpp"
#include "engine/platform/real_platform.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::engine::stress {

using lockimpl::ContextId;

template <class L>
concept StressLock = bench::BenchLock<L> && requires {
  { L::kHasTryLock } -> std::convertible_to<bool>;
  { L::kHasContexts } -> std::convertible_to<bool>;
};

template <class L>
concept TryStressLock = StressLock<L> && requires(L& lock, typename L::Session& s) {
  { lock.try_lock_shared(s) } -> std::same_as<bool>;
  { lock.try_lock(s) } -> std::same_as<bool>;
};

template <class L>
concept ContextStressLock = StressLock<L> && requires(L& lock, ContextId ctx) {
  lock.register_context(ctx);
  lock.unregister_context(ctx);
  L::set_context(ctx);
};

// What the runner may ask of L beyond plain reads and writes.
template <class L>
inline constexpr bool kUsesTryLocks = TryStressLock<L> && L::kHasTryLock;
template <class L>
inline constexpr bool kUsesContexts = ContextStressLock<L> && L::kHasContexts;

// A lockimpl lock (GraphLock, BrLock, ...). Contexts are managed by the
// stress runner (enter/leave do nothing); constructed with max_contexts.
template <class L, bool kContexts>
class LockimplStressLock {
 public:
  static constexpr bool kReadersExcluded = true;
  static constexpr bool kHasTryLock = true;
  static constexpr bool kHasContexts = kContexts;
  struct Session {};

  // `table_slots`: the size of the lock's table, if it has one (0: its default).
  explicit LockimplStressLock(unsigned max_contexts, std::uint32_t table_slots = 0)
      : lock_(bench::make_sized_lock<L>(std::max(max_contexts, 1U), table_slots)) {}

  void enter(Session&, unsigned) {}
  void leave(Session&) {}
  void lock_shared(Session&) { lock_.lock_shared(); }
  void unlock_shared(Session&) { lock_.unlock_shared(); }
  void lock(Session&) { lock_.lock(); }
  void unlock(Session&) { lock_.unlock(); }
  [[nodiscard]] bool try_lock_shared(Session&) { return lock_.try_lock_shared(); }
  [[nodiscard]] bool try_lock(Session&) { return lock_.try_lock(); }
  void register_context(ContextId ctx) { lock_.register_context(ctx); }
  void unregister_context(ContextId ctx) { lock_.unregister_context(ctx); }
  static void set_context(ContextId ctx) { platform::RealPlatform::set_current_context(ctx); }

 private:
  L lock_;
};

// An exclusive lock with try_lock (glibc-mutex): reads take it exclusively,
// as bench's MutexLock does.
template <class M>
class ExclusiveStressLock {
 public:
  static constexpr bool kReadersExcluded = true;
  static constexpr bool kHasTryLock = true;
  static constexpr bool kHasContexts = false;
  struct Session {};

  explicit ExclusiveStressLock(unsigned /*max_contexts*/) {}

  void enter(Session&, unsigned) {}
  void leave(Session&) {}
  void lock_shared(Session&) { m_.lock(); }
  void unlock_shared(Session&) { m_.unlock(); }
  void lock(Session&) { m_.lock(); }
  void unlock(Session&) { m_.unlock(); }
  [[nodiscard]] bool try_lock_shared(Session&) { return m_.try_lock(); }
  [[nodiscard]] bool try_lock(Session&) { return m_.try_lock(); }

 private:
  M m_;
};

// A peer lock exactly as bench runs it (engine/bench/locks/): plain reads
// and writes, no try-locks, no contexts.
template <bench::BenchLock B>
class BenchStressLock : public B {
 public:
  static constexpr bool kHasTryLock = false;
  static constexpr bool kHasContexts = false;
  explicit BenchStressLock(unsigned workers) : B(workers) {}
};

}  // namespace lockscope::engine::stress
