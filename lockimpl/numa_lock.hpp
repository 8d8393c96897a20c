// NumaLock: a reader-writer lock with one reader counter per NUMA node and a
// writer-preferring flag, over a platform policy.
//
// ## Where it comes from
// Calciu, Dice, Lev, Luchangco, Marathe and Shavit, "NUMA-aware
// reader-writer locks" (PPoPP 2013). Their reader indicator (ReadIndr) is
// one counter per NUMA node: a reader arrives and departs on its node's
// counter, which only the cores of that node write, so reader traffic stays
// inside a node (cheap transfers) and never crosses the interconnect. The
// writer checks one counter per node. Their writer lock is a cohort lock
// (C-BO-MCS), and the paper builds three variants on these parts: reader
// preference (C-RW-RP), neutral preference (C-RW-NP: readers pass through
// the cohort lock) and writer preference (C-RW-WP: readers enter only while
// the writer lock is free, and back out if a writer came).
//
// ## Which variant, and what we changed
// C-RW-WP, the paper's best performer and the one that matches the locks it
// is compared with here: GraphLock's seed policy and BrLock are
// writer-preferring too, so a measured difference is the counter layout and
// not a preference. Two parts are lockscope's, to keep the comparison with
// GraphLock about counters alone:
//   - the writer lock is a P::Mutex (GraphLock's writer_mutex_) plus a flag,
//     writer_, up while a writer holds or waits for the lock; the paper's
//     readers test the cohort lock's "is locked" instead. A cohort lock hands
//     the lock to writers on the same node first; we have one writer mutex,
//     whose order the platform decides.
//   - readers that meet the flag do not spin: as in GraphLock, they undo
//     their arrival, kick the writer and sleep in a reader queue until
//     wrunlock; the writer sleeps on a Waiter until the sum is zero, kicked
//     by departing readers that see its flag.
//
// ## Where a reader is
// P::current_node(Level) says which node the calling CPU is in right now
// (sched_getcpu() and the sysfs topology on real threads; the worker's
// core's group on the simulated machine). Level is the knob: NodeLevel::socket
// (the default, `numa`: the paper's NUMA node is a socket, the domain inside
// which transfers are cheap on its machines) or NodeLevel::cache (`numa-ccx`:
// the CPUs sharing a last-level cache, a CCX on Zen, where the paper's
// argument applies inside a single socket). The node count is the platform's,
// fixed at construction. A reader may depart on another node than it arrived
// on (it migrated, or its coroutine moved), so one node's counter can go
// negative; only the sum means something, as in BrLock.
//
// ## Fields and the invariant each keeps
//   nodes_[n].readers  arrivals on node n minus departures on node n; the sum
//                      over n is the number of readers inside (after a
//                      writer's flag: exactly, and never below zero).
//   writer_            1 while a writer holds the lock or waits for readers.
//   writer_mutex_      serializes writers (the paper's cohort lock).
//   queue_mutex_       guards the readers' re-check of writer_ and the queue;
//                      wrunlock lowers writer_ under it.
//   reader_queue_      readers that met a writer sleep here until wrunlock.
//   writer_waiter_     the writer sleeps here; departing readers kick it.
//
// ## Lines each operation touches (numa_lock_test.cpp counts them)
//   rdlock, rdunlock: the caller's node line (an RMW: a hit if this core
//                      touched it last, else a transfer from a core of the
//                      same node, or from the writer's core after a scan)
//                      and numa.writer (read-shared while no writer comes).
//                      Never a line of another node.
//   wrlock:            writer_mutex_, numa.writer (one ownership transfer),
//                      one line per node per evaluation of the sum.
//   wrunlock:          numa.writer, queue_mutex_, reader_queue_, writer_mutex_.
// GraphLock's writer reads one line per context, BrLock's one per context
// ever registered; this one reads node_count(Level) lines, whatever the
// number of contexts. The price is on the reader side: cores of one node
// share a counter, so readers on a node bounce its line among themselves.
//
// ## Ordering legend
//   [A] reader: node counter fetch_add(seq_cst) ; load writer_ (seq_cst).
//   [B] writer: writer_ store 1 (seq_cst) ; load every node counter (seq_cst).
//       [A] pairs with [B]: store buffering, all four accesses seq_cst, so
//       either the writer's sum sees the arrival or the reader sees the flag.
//   [C] rdunlock and the back-off: node counter fetch_sub (release or
//       stronger). Pairs with [W], the writer's loads of the counters (seq_cst
//       includes acquire): a writer that sees the departure sees the
//       reader's critical section finished.
//   [D] rdunlock: node counter fetch_sub(seq_cst) ; load writer_ (seq_cst).
//       Pairs with [B]: if the writer's sum missed our departure, we see the
//       flag and kick it.
//   [E] wrunlock: writer_ store 0 (release), under queue_mutex_. Pairs with
//       [F], the readers' loads of writer_ (seq_cst or acquire): a reader
//       that sees the flag down sees the writer's critical section.
//
// ## State table (R = readers inside, w = writer_)
//   operation       | w=0                | writer waiting (w=1)     | writer inside (w=1)
//   rdlock          | R+1                | backs off, sleeps        | backs off, sleeps
//   rdunlock        | R-1                | R-1, kicks the writer    | invalid
//   wrlock          | w=1, waits R = 0   | waits for writer_mutex_  | waits for writer_mutex_
//   wrunlock        | invalid            | invalid                  | w=0, wakes the queue
//   try_lock_shared | true               | false (kicks the writer) | false
//   try_lock        | true iff R = 0     | false                    | false
//
// ## Fairness and progress
// Writer-preferring, like GraphLock's seed: once the flag is up no new reader
// enters, writers are served in writer_mutex_'s order, and a reader waits at
// most for one writer's wait and critical section; no reader waits for
// another reader.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lockimpl/contract.hpp"
#include "lockimpl/indexed_array.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

template <Platform P, NodeLevel Level = NodeLevel::socket>
class NumaLock {
  template <class T>
  using Atomic = typename P::template Atomic<T>;

 public:
  static constexpr std::uint32_t kDefaultMaxContexts = 1024;
  static constexpr NodeLevel kLevel = Level;

  // One counter per node of the platform at Level. Contexts are numbered
  // 0 .. max_contexts - 1 (the lock keeps nothing per context). Blocks: no.
  explicit NumaLock(std::uint32_t max_contexts = kDefaultMaxContexts)
      : max_contexts_(max_contexts), nodes_(P::node_count(Level)) {
    LOCKSCOPE_CONTRACT(nodes_.size() >= 1, "the platform reports no node");
  }
  NumaLock(const NumaLock&) = delete;
  NumaLock& operator=(const NumaLock&) = delete;

  // Readers count by node, not by context: registering only checks the id.
  // Blocks: no. Precondition: ctx < max_contexts.
  void register_context(ContextId ctx) {
    LOCKSCOPE_CONTRACT(ctx < max_contexts_, "context id out of range");
  }
  // Readers still inside stay counted on their nodes. Blocks: no.
  void unregister_context(ContextId ctx) {
    LOCKSCOPE_CONTRACT(ctx < max_contexts_, "context id out of range");
  }

  // rdlock. Blocks: while a writer holds or waits for the lock.
  // Memory ordering: everything the last writer did before wrunlock is
  // visible after lock_shared returns.
  void lock_shared() {
    for (;;) {
      Node& node = current_node();
      if (arrive(node)) [[likely]] return;
      if (!back_off_and_sleep(node)) return;
    }
  }

  // Like lock_shared, but returns false instead of sleeping. Blocks: no.
  [[nodiscard]] bool try_lock_shared() {
    Node& node = current_node();
    if (arrive(node)) return true;
    node.readers.fetch_sub(1, memory_order_release);  // [C] pairs with [W]
    writer_waiter_.kick();
    return false;
  }

  // rdunlock. Blocks: no. Precondition: the caller holds the read lock (taken
  // on any node, in any context). Memory ordering: a writer that enters
  // after this sees everything the reader did inside.
  void unlock_shared() {
    Node& node = current_node();
    node.readers.fetch_sub(1, memory_order_seq_cst);  // [C] pairs with [W]; [D] pairs with [B]
    if (writer_.load(memory_order_seq_cst) != 0) writer_waiter_.kick();  // [D] pairs with [B]
  }

  // wrlock. Blocks: behind earlier writers, then until no reader is inside.
  // Memory ordering: everything every reader did before unlock_shared, and
  // the previous writer did before unlock, is visible after lock returns.
  void lock() {
    writer_mutex_.lock();
    writer_.store(1, memory_order_seq_cst);  // [B] pairs with [A] and [D]
    writer_waiter_.wait_while([this] { return exact_reader_sum() > 0; });
  }

  // Like lock, but returns false instead of waiting for readers or for
  // another writer. Blocks: only on the queue mutex.
  [[nodiscard]] bool try_lock() {
    if (!writer_mutex_.try_lock()) return false;
    writer_.store(1, memory_order_seq_cst);  // [B] pairs with [A] and [D]
    if (exact_reader_sum() == 0) return true;
    release_flag_and_wake_readers();
    writer_mutex_.unlock();
    return false;
  }

  // wrunlock. Blocks: on the queue mutex. Precondition: the caller holds the
  // write lock. Wakes every reader that slept in the queue.
  void unlock() {
    // relaxed: a racy read only for the contract check; we own the flag.
    LOCKSCOPE_CONTRACT(writer_.load(memory_order_relaxed) == 1, "unlock without the write lock");
    release_flag_and_wake_readers();
    writer_mutex_.unlock();
  }

  // Introspection for tests and statistics: racy snapshots, no ordering.
  [[nodiscard]] std::uint32_t node_count() const { return static_cast<std::uint32_t>(nodes_.size()); }
  [[nodiscard]] std::int64_t node_readers(std::uint32_t node) const {
    return nodes_[node].readers.load(memory_order_relaxed);  // relaxed: a snapshot
  }
  [[nodiscard]] std::int64_t readers_inside() const {
    std::int64_t sum = 0;
    for (std::uint32_t n = 0; n < node_count(); ++n) sum += node_readers(n);
    return sum;
  }
  [[nodiscard]] bool writer_flag() const {
    return writer_.load(memory_order_relaxed) != 0;  // relaxed: a snapshot
  }

 private:
  struct alignas(kCachelineBytes) Node {
    explicit Node(std::int32_t index) : readers(0, LineName{"numa.node", index, ".readers"}) {}
    Atomic<std::int64_t> readers;
  };

  Node& current_node() {
    const std::uint32_t node = P::current_node(Level);
    LOCKSCOPE_FAST_PATH_CONTRACT(node < nodes_.size(), "the platform reported a node out of range");
    return nodes_[node];
  }

  // Counts us on our node, then checks the flag. True: we are in.
  bool arrive(Node& node) {
    node.readers.fetch_add(1, memory_order_seq_cst);  // [A] pairs with [B]
    return writer_.load(memory_order_seq_cst) == 0;  // [A] pairs with [B]; [F] pairs with [E]
  }

  // The slow path of rdlock, entered counted on `node` with the flag seen
  // up. Under the queue mutex, re-check: the writer may be gone already, and
  // then our arrival stands and we are in: returns false. Otherwise undo it,
  // kick the writer, sleep until a wrunlock, and return true to retry.
  bool back_off_and_sleep(Node& node) {
    ScopedLock guard(queue_mutex_);
    if (writer_.load(memory_order_acquire) == 0) return false;  // [F] pairs with [E]
    node.readers.fetch_sub(1, memory_order_release);  // [C] pairs with [W]
    writer_waiter_.kick();
    reader_queue_.wait(queue_mutex_);
    return true;
  }

  void release_flag_and_wake_readers() {
    ScopedLock guard(queue_mutex_);
    writer_.store(0, memory_order_release);  // [E] pairs with [F]: readers that see 0 see our critical section
    reader_queue_.notify_all();
  }

  // The sum after the flag and [B]: every arrival before the flag is seen,
  // and a departure only with its arrival, so it never goes below zero.
  std::int64_t exact_reader_sum() const {
    std::int64_t sum = 0;
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
      sum += nodes_[n].readers.load(memory_order_seq_cst);  // [W] pairs with [C]; [B] pairs with [A] and [D]
    }
    LOCKSCOPE_CONTRACT(sum >= 0, "reader count drifted below zero");
    return sum;
  }

  std::uint32_t max_contexts_;
  IndexedArray<Node> nodes_;
  alignas(kCachelineBytes) Atomic<std::uint32_t> writer_{0, LineName{"numa.writer"}};
  alignas(kCachelineBytes) typename P::Mutex queue_mutex_{LineName{"numa.queue_mutex"}};
  typename P::WaitQueue reader_queue_{LineName{"numa.reader_queue"}};
  alignas(kCachelineBytes) typename P::Waiter writer_waiter_{LineName{"numa.writer_waiter"}};
  alignas(kCachelineBytes) typename P::Mutex writer_mutex_{LineName{"numa.writer_mutex"}};
};

}  // namespace lockscope::lockimpl
