// The platform policy: everything a lock algorithm may use that touches memory
// ordering, time or blocking.
//
// A lock in lockimpl/ is `template <Platform P> class X`. It is compiled twice:
// against RealPlatform (engine/platform/, real threads, standard atomics, futexes,
// membarrier) and against the simulated platform (a SimGrid-timed multicore
// where every atomic access is a coherence-model access that costs simulated
// time). Whatever a lock does outside P escapes the simulator, so this file is
// the whole vocabulary:
//
//   P::Atomic<T>       load / store / fetch_add / fetch_sub / fetch_or /
//                      fetch_and / exchange / compare_exchange_strong, each
//                      with an explicit MemoryOrder, plus owner_add (a plain
//                      load and store, legal only for the single writer).
//                      Constructed with an initial value and a LineName, so
//                      the simulator can speak of `graph.ctx[3].readers`.
//   P::fence()         a full (sequentially consistent) fence: smp_mb().
//   P::light_barrier() the reader half of an asymmetric fence pair: a
//                      compiler barrier on real hardware.
//   P::heavy_barrier() the writer half: forces a full fence on every CPU that
//                      runs a thread of this process (membarrier(2)).
//   P::heavy_barrier_available()  false where the heavy barrier cannot work.
//   P::Mutex           lock / unlock / try_lock (blocking).
//   P::Mutex, P::WaitQueue and P::Waiter are constructed with a LineName
//                      too (`graph.writer_mutex`), so the simulator's lanes
//                      and cacheline table say which one a line is.
//   P::WaitQueue       QEMU's CoQueue: wait(m) atomically releases the held
//                      mutex m and sleeps, re-acquires m before returning;
//                      notify_all() wakes every sleeper. Spurious returns are
//                      allowed, so callers re-check their condition.
//   P::Waiter          QEMU's AIO_WAIT_WHILE: wait_while(pred) returns once
//                      pred() is false, re-evaluating it only when kick() is
//                      called (a missed kick is a hang, as in QEMU).
//   P::current_context()  the ContextId (event loop) the calling worker runs
//                      in right now.
//   P::node_count(level)  how many nodes the machine has at `level` (a
//                      NodeLevel: sockets, or last-level-cache domains such as
//                      Zen's CCX); at least 1, fixed for the process (the sim:
//                      for the simulation).
//   P::current_node(level)  the node, in [0, node_count(level)), of the CPU
//                      the calling worker runs on right now. Only a hint: the
//                      worker may move before it uses the answer, so a lock
//                      must stay correct whatever node it is told (NumaLock
//                      sums its per-node counts, which may go negative).
//   P::cpu_relax()     a spin-wait hint.
//   P::now_ns()        the calling worker's monotonic time in nanoseconds
//                      (std::int64_t): a steady clock on real hardware; on
//                      the simulator the worker's own simulated clock (its
//                      lazy time included), read without a coherence access.
//                      For locks that time their own phases (BRAVO's
//                      inhibition window), never for sleeping.
//   P::current_worker()  a small integer naming the calling worker (thread
//                      or simulated actor), stable for its lifetime and
//                      unlike the context unchanged when it moves between
//                      contexts: for locks that must find at unlock what the
//                      same worker published at lock (BRAVO's reader slot).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

namespace lockscope::lockimpl {

// Our own spelling of the C++ memory orders, so lockimpl/ never includes
// <atomic>. The names match the standard's on purpose: reviewers and the
// pairing-label check read them the same way.
enum class MemoryOrder : std::uint8_t { relaxed, acquire, release, acq_rel, seq_cst };

inline constexpr MemoryOrder memory_order_relaxed = MemoryOrder::relaxed;
inline constexpr MemoryOrder memory_order_acquire = MemoryOrder::acquire;
inline constexpr MemoryOrder memory_order_release = MemoryOrder::release;
inline constexpr MemoryOrder memory_order_acq_rel = MemoryOrder::acq_rel;
inline constexpr MemoryOrder memory_order_seq_cst = MemoryOrder::seq_cst;

// An event loop (QEMU's AioContext). Dense small integers, so a lock can keep
// its per-context state in an array indexed by id.
using ContextId = std::uint32_t;

// The levels of a machine's topology by which a lock can group the CPUs
// (NumaLock's per-node reader counters). `socket`: a package, the NUMA node
// of Calciu et al. (PPoPP 2013). `cache`: the CPUs that share a last-level
// cache: a CCX on AMD Zen, the whole package on a mesh Xeon.
enum class NodeLevel : std::uint8_t { socket, cache };

// The size of the unit of coherence on every machine lockscope models.
inline constexpr std::size_t kCachelineBytes = 64;

// What the simulator calls the variable an atomic is: `base`, then `[index]`
// when index >= 0, then `field` (`graph.ctx` + `[3]` + `.readers`). Real
// platforms ignore it, so it costs nothing there; the simulator finds the
// cacheline from the atomic's address, so two names in one line show up as
// false sharing.
struct LineName {
  const char* base = "anonymous";
  std::int32_t index = -1;
  const char* field = "";
};

template <class A, class T>
concept PlatformAtomic = requires(A& a, T& expected, T v, MemoryOrder o) {
  { a.load(o) } -> std::same_as<T>;
  { a.store(v, o) } -> std::same_as<void>;
  { a.owner_add(v, o) } -> std::same_as<void>;
  { a.fetch_add(v, o) } -> std::same_as<T>;
  { a.fetch_sub(v, o) } -> std::same_as<T>;
  { a.fetch_or(v, o) } -> std::same_as<T>;
  { a.fetch_and(v, o) } -> std::same_as<T>;
  { a.exchange(v, o) } -> std::same_as<T>;
  { a.compare_exchange_strong(expected, v, o) } -> std::same_as<bool>;
} && std::constructible_from<A, T, LineName>;

namespace detail {
// A stand-in predicate to check that Waiter::wait_while accepts callables.
struct AlwaysFalse {
  bool operator()() const { return false; }
};
}  // namespace detail

template <class P>
concept Platform =
    PlatformAtomic<typename P::template Atomic<std::int64_t>, std::int64_t> &&
    PlatformAtomic<typename P::template Atomic<std::uint32_t>, std::uint32_t> &&
    std::constructible_from<typename P::Mutex, LineName> &&
    std::constructible_from<typename P::WaitQueue, LineName> &&
    std::constructible_from<typename P::Waiter, LineName> &&
    requires(typename P::Mutex& m, typename P::WaitQueue& q, typename P::Waiter& w) {
      { P::fence() } -> std::same_as<void>;
      { P::light_barrier() } -> std::same_as<void>;
      { P::heavy_barrier() } -> std::same_as<void>;
      { P::heavy_barrier_available() } -> std::same_as<bool>;
      { P::current_context() } -> std::same_as<ContextId>;
      { P::node_count(NodeLevel::socket) } -> std::same_as<std::uint32_t>;
      { P::current_node(NodeLevel::socket) } -> std::same_as<std::uint32_t>;
      { P::cpu_relax() } -> std::same_as<void>;
      { P::now_ns() } -> std::same_as<std::int64_t>;
      { P::current_worker() } -> std::same_as<std::uint32_t>;
      { m.lock() } -> std::same_as<void>;
      { m.unlock() } -> std::same_as<void>;
      { m.try_lock() } -> std::same_as<bool>;
      { q.wait(m) } -> std::same_as<void>;
      { q.notify_all() } -> std::same_as<void>;
      { w.kick() } -> std::same_as<void>;
      { w.wait_while(detail::AlwaysFalse{}) } -> std::same_as<void>;
    };

// Holds a P::Mutex for a scope (std::lock_guard lives in <mutex>, which
// lockimpl/ does not include).
template <class M>
class [[nodiscard]] ScopedLock {
 public:
  explicit ScopedLock(M& m) : m_(m) { m_.lock(); }
  ~ScopedLock() { m_.unlock(); }
  ScopedLock(const ScopedLock&) = delete;
  ScopedLock& operator=(const ScopedLock&) = delete;

 private:
  M& m_;
};

}  // namespace lockscope::lockimpl
