// BravoLock: BRAVO (Biased Locking for Reader-Writer Locks) over CentralLock,
// over a platform policy.
//
// ## Where it comes from
// Dave Dice and Alex Kogan, "BRAVO — Biased Locking for Reader-Writer
// Locks", USENIX ATC 2019. BRAVO wraps any reader-writer lock (here
// lockscope's `central`, CentralLock, whose readers all count in one word)
// and adds a reader fast path that writes no shared line: while the lock is
// read-biased (RBias = 1), a reader publishes itself in a slot of a table of
// visible readers, hashed by its identity, and never touches the underlying
// lock. A writer takes the underlying write lock, revokes the bias and waits
// until no published reader is left. Revocation is expensive (a scan of the
// whole table), so after one the bias stays off for N times as long as the
// scan took (N = 9, as in the paper's ports): a write-heavy phase runs on
// the underlying lock alone, and the bias comes back once writes are rare.
//
// ## How it maps onto lockscope
// The paper's table is global, shared by every BRAVO lock in the process,
// 4096 slots, each holding the address of the lock its reader holds. One
// lock is under test here, so the table belongs to the lock (table_slots,
// default 1024) and a slot holds its reader's stamp (worker id + 1). The
// paper hashes the thread and the lock; we hash P::current_worker(), not the
// context: a reader may take the lock in one context and release it in
// another, and at unlock it must find the slot it published (the paper's
// rdlock returns the slot pointer to its caller; std::shared_lock has no
// place to keep it). Two workers that hash to one slot collide: the second
// takes the slow path, as in the paper.
//
// ## Fields and the invariant each keeps
//   table_[i].owner  0, or stamp(w) while worker w holds the read lock
//                    through the fast path. Only w stores stamp(w) (a CAS
//                    from 0) and only w clears it, so at unlock a worker
//                    that finds its own stamp holds a fast-path read lock.
//   rbias_           1: readers may take the fast path. Set by a reader
//                    holding the underlying read lock (so no writer is
//                    inside or scanning), or put back by a try_lock that
//                    found a fast reader and gives up; cleared only by a
//                    writer holding the underlying write lock. Off means no
//                    fast reader is inside: a writer that finds it off
//                    skips the scan.
//   inhibit_until_   P::now_ns() before which no reader re-enables the bias;
//                    written by a writer under the underlying write lock.
//   under_           the underlying CentralLock: every writer, and every
//                    reader that is not on the fast path.
// Readers inside = under_'s readers + the non-zero slots (a reader that
// lost the re-check below leaves its slot non-zero for a moment only).
//
// ## Lines each operation touches
//   rdlock, rdunlock (fast): bravo.rbias (read-shared: a hit while no writer
//   comes) and the caller's bravo.table[i] (owned after the first time: a
//   hit, unless a writer's scan read it since, which costs an upgrade).
//   rdlock (slow): central's lines, bravo.rbias, bravo.inhibit_until.
//   wrlock: central's lines; when the bias was on, bravo.rbias (ownership)
//   and every bravo.table line (a read miss each: the revocation scan).
//   wrunlock: central's lines.
//
// ## Ordering legend
//   [A] reader fast path: slot CAS(seq_cst) ; load rbias_ (seq_cst).
//   [B] writer revocation: rbias_ store 0 (seq_cst) ; load every slot
//       (seq_cst). [A] pairs with [B]: store buffering, both sides seq_cst,
//       so either the writer's scan sees the slot or the reader sees the
//       bias off and backs off; never both miss.
//   [C] fast rdunlock and back-off: slot store 0 (release). Pairs with [B]'s
//       loads (acquire included in seq_cst): a writer that sees the slot
//       clear sees the reader's section finished.
//   [E] slow reader re-enables the bias, or a failed try_lock puts it back:
//       rbias_ store 1 (release). Pairs with
//       [F], the fast reader's rbias_ load in [A] (seq_cst includes
//       acquire): the slow reader holds the underlying read lock, so it
//       acquired the last writer's section (CentralLock's [G]/[H]), and a
//       fast reader that sees its 1 sees that section too.
//   The underlying lock's own pairs ([G] .. [K] in central_lock.hpp) order
//   every slow reader and writer.
//
// ## State table (F = fast readers, S = slow readers, b = rbias_)
//   operation       | b=1                   | b=0                      | writer inside
//   rdlock          | F+1 (slot free), or   | S+1 via under_; sets b=1 | waits in under_
//                   | S+1 (slot collides)   | if now >= inhibit_until  |
//   rdunlock        | F-1 or S-1            | F-1 or S-1               | invalid
//   wrlock          | under_, b=0, waits    | under_ (waits S=0)       | waits in under_
//                   | F=0, inhibits N x scan|                          |
//   wrunlock        | invalid               | invalid                  | under_ released
//   try_lock_shared | true unless a writer  | as rdlock, without       | false
//                   | is inside             | waiting                  |
//   try_lock        | false if F>0 or S>0   | true iff S=0             | false
//
// ## Fairness and progress
// As the underlying lock (writer-preferring, writers in the writer mutex's
// order), plus: a writer waits for the fast readers already published, and
// no new one publishes after its revocation, so it never starves.
#pragma once

#include <cstdint>

#include "lockimpl/central_lock.hpp"
#include "lockimpl/contract.hpp"
#include "lockimpl/indexed_array.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

// How the writer revokes the bias ([B]). seq_cst is the lock. release is
// BROKEN on purpose, for teaching: the store of rbias_ = 0 becomes a plain
// x86 store, which may wait in the writer's store buffer while its scan
// reads the table, so a reader that publishes itself after the scan passed
// its slot still reads the bias on, and both are inside (store buffering:
// only the simulator's tso mode shows it; docs/memory-ordering.md).
enum class BravoRevocation { seq_cst, release };

template <Platform P, BravoRevocation R = BravoRevocation::seq_cst>
class BravoLock {
  template <class T>
  using Atomic = typename P::template Atomic<T>;

 public:
  static constexpr std::uint32_t kDefaultTableSlots = 1024;
  // N: after a revocation the bias stays off N times as long as the scan took.
  static constexpr std::int64_t kInhibitMultiplier = 9;

  // Takes GraphLock's constructor argument (passed to the underlying lock),
  // and the size of the visible-readers table. Blocks: no.
  explicit BravoLock(std::uint32_t max_contexts = 0, std::uint32_t table_slots = kDefaultTableSlots)
      : under_(max_contexts), table_(table_slots) {
    LOCKSCOPE_CONTRACT(table_slots > 0, "BRAVO needs at least one table slot");
    if ((table_slots & (table_slots - 1)) == 0) slot_mask_ = table_slots - 1;
  }
  BravoLock(const BravoLock&) = delete;
  BravoLock& operator=(const BravoLock&) = delete;

  // Forwarded to the underlying lock (no-ops there). Blocks: no.
  void register_context(ContextId ctx) { under_.register_context(ctx); }
  void unregister_context(ContextId ctx) { under_.unregister_context(ctx); }

  // rdlock. Blocks: only on the slow path, while a writer holds or wants
  // the underlying lock. Memory ordering: the last writer's section is visible.
  void lock_shared() {
    if (try_fast_path()) [[likely]] return;
    under_.lock_shared();
    maybe_restore_bias();
  }

  // Blocks: no.
  [[nodiscard]] bool try_lock_shared() {
    if (try_fast_path()) return true;
    if (!under_.try_lock_shared()) return false;
    maybe_restore_bias();
    return true;
  }

  // rdunlock. Blocks: no. Precondition: the caller holds the read lock (taken
  // by the same worker, in any context). Memory ordering: a writer that
  // enters after this sees our work.
  void unlock_shared() {
    Slot& slot = my_slot();
    // Only this worker stores its stamp: finding it means we hold a fast-path read lock.
    // relaxed: reading back our own store needs no ordering.
    if (slot.owner.load(memory_order_relaxed) == my_stamp()) {
      slot.owner.store(0, memory_order_release);  // [C] pairs with [B]
      return;
    }
    under_.unlock_shared();
  }

  // wrlock. Blocks: in the underlying lock, then while published readers
  // remain. Memory ordering: every reader and writer before us is visible.
  void lock() {
    under_.lock();
    if (bias_on_under_write_lock()) revoke_and_wait();
  }

  // Blocks: no (one scan of the table at most).
  [[nodiscard]] bool try_lock() {
    if (!under_.try_lock()) return false;
    if (!bias_on_under_write_lock()) return true;
    revoke_bias();  // [B] pairs with [A]
    const std::int64_t start = P::now_ns();
    bool clear = true;
    for (std::size_t i = 0; i < table_.size() && clear; ++i) {
      clear = table_[i].owner.load(memory_order_seq_cst) == 0;  // [B] pairs with [A] and [C]
    }
    if (clear) {
      inhibit_after_scan(start);
      return true;
    }
    // A fast reader is inside and we give up: the bias must go back on
    // before the underlying lock is released, or the next writer, seeing it
    // off, would skip the scan and enter beside that reader. No reader can
    // have published itself meanwhile (they saw the bias off and went the
    // slow way, into under_, which we hold).
    rbias_.store(1, memory_order_release);  // [E] pairs with [F]
    under_.unlock();
    return false;
  }

  // wrunlock. Blocks: on the underlying lock's list mutex.
  // Precondition: the caller holds the write lock.
  void unlock() { under_.unlock(); }

  // Introspection for tests: racy snapshots.
  [[nodiscard]] std::int64_t readers_inside() const {
    std::int64_t fast = 0;
    for (std::size_t i = 0; i < table_.size(); ++i) {
      // relaxed: a snapshot for tests, ordering nothing.
      if (table_[i].owner.load(memory_order_relaxed) != 0) ++fast;
    }
    return fast + under_.readers_inside();
  }
  // The visible-readers table's size (bench and stress size it: bravo:slots=N).
  [[nodiscard]] std::size_t table_slots() const { return table_.size(); }
  [[nodiscard]] bool bias() const {
    return rbias_.load(memory_order_relaxed) != 0;  // relaxed: a snapshot for tests
  }
  [[nodiscard]] std::int64_t inhibit_until_ns() const {
    return inhibit_until_.load(memory_order_relaxed);  // relaxed: a snapshot for tests
  }
  // The stamp in `slot` (0: empty; w + 1: worker w reads through the fast path).
  [[nodiscard]] std::uint32_t published(std::size_t slot) const {
    return table_[slot].owner.load(memory_order_relaxed);  // relaxed: a snapshot for tests
  }
  // The slot worker `w` publishes itself in (tests pick workers that collide or not).
  // A table of a power of two slots (the default 1024, and the paper's
  // 4096) takes the hash's low bits with a mask, the same slot as the
  // remainder; only other sizes divide. The division by a size known only
  // at run time cost the reader two 64-bit divisions per acquisition (15-45
  // cycles each on Zen): 63 M acquisitions per second on one thread here
  // against 108 M with the mask, a cost the simulator, charging memory
  // accesses only, did not see (docs/fidelity.md, third round).
  [[nodiscard]] std::size_t slot_of(std::uint32_t w) const {
    return slot_mask_ != 0 ? hash(w) & slot_mask_ : hash(w) % table_.size();
  }

 private:
  struct alignas(kCachelineBytes) Slot {
    explicit Slot(std::int32_t index) : owner(0, LineName{"bravo.table", index, ".owner"}) {}
    Atomic<std::uint32_t> owner;
  };

  // The paper's mix of thread and lock, for a thread only (the table is ours):
  // MurmurHash3's fmix32, so every bit of the id reaches the low bits that
  // pick the slot. (A bare Fibonacci multiply keeps the low bits of a small
  // id: workers w and 16 - w shared a slot, 13 collisions among 64 workers
  // where chance gives about 2.)
  static std::uint32_t hash(std::uint32_t w) {
    std::uint32_t h = w;
    h ^= h >> 16;
    h *= 0x85ebca6bU;
    h ^= h >> 13;
    h *= 0xc2b2ae35U;
    h ^= h >> 16;
    return h;
  }
  static std::uint32_t my_stamp() { return P::current_worker() + 1; }
  Slot& my_slot() { return table_[slot_of(P::current_worker())]; }

  // Publishes the caller in its slot while the bias is on.
  bool try_fast_path() {
    // relaxed: only decides whether to try; [A] re-checks with seq_cst.
    if (rbias_.load(memory_order_relaxed) == 0) return false;
    Slot& slot = my_slot();
    std::uint32_t empty = 0;
    if (!slot.owner.compare_exchange_strong(empty, my_stamp(), memory_order_seq_cst)) {  // [A] pairs with [B]
      return false;  // another worker's slot (a hash collision), or our own (a nested read)
    }
    if (rbias_.load(memory_order_seq_cst) != 0) return true;  // [A] pairs with [B]; [F] pairs with [E]
    slot.owner.store(0, memory_order_release);  // [C] pairs with [B]: a writer revoked meanwhile
    return false;
  }

  // A slow reader, holding the underlying read lock (no writer inside or
  // scanning), turns the bias back on once the inhibition is over.
  void maybe_restore_bias() {
    // rbias_ is cleared only under the underlying write lock, whose section we acquired.
    // relaxed: the underlying lock ordered the last clear before us.
    if (rbias_.load(memory_order_relaxed) != 0) return;
    // relaxed: written under the underlying write lock, whose section we acquired.
    if (P::now_ns() < inhibit_until_.load(memory_order_relaxed)) return;
    rbias_.store(1, memory_order_release);  // [E] pairs with [F]
  }

  // The writer's view of the bias. It holds the underlying write lock, so
  // no reader is on the slow path to set it.
  bool bias_on_under_write_lock() const {
    // Set by readers holding the underlying read lock or by a failed try_lock
    // holding the write lock; either way ordered before us by that lock.
    // relaxed: the underlying write lock's acquire already orders those stores.
    return rbias_.load(memory_order_relaxed) != 0;
  }

  // The store of [B].
  void revoke_bias() {
    if constexpr (R == BravoRevocation::seq_cst) {
      rbias_.store(0, memory_order_seq_cst);  // [B] pairs with [A]
    } else {
      rbias_.store(0, memory_order_release);  // [B] broken on purpose (BravoRevocation::release): no store-load order
    }
  }

  void revoke_and_wait() {
    revoke_bias();  // [B] pairs with [A]
    const std::int64_t start = P::now_ns();
    for (std::size_t i = 0; i < table_.size(); ++i) {
      while (table_[i].owner.load(memory_order_seq_cst) != 0) P::cpu_relax();  // [B] pairs with [A] and [C]
    }
    inhibit_after_scan(start);
  }

  void inhibit_after_scan(std::int64_t start) {
    const std::int64_t end = P::now_ns();
    // Read by slow readers under the underlying read lock, which our unlock releases to them.
    // relaxed: the underlying lock's release/acquire pair publishes it.
    inhibit_until_.store(end + (end - start) * kInhibitMultiplier, memory_order_relaxed);
  }

  CentralLock<P> under_;
  alignas(kCachelineBytes) Atomic<std::uint32_t> rbias_{1, LineName{"bravo.rbias"}};
  alignas(kCachelineBytes) Atomic<std::int64_t> inhibit_until_{0, LineName{"bravo.inhibit_until"}};
  IndexedArray<Slot> table_;
  // table_.size() - 1 when that is a power of two (slot_of), else 0.
  std::size_t slot_mask_ = 0;
};

}  // namespace lockscope::lockimpl
