// PfLock: a phase-fair reader-writer lock, over a platform policy.
//
// ## Where it comes from
// Brandenburg and Anderson, "Spin-based reader-writer synchronization for
// multiprocessor real-time systems" (Real-Time Systems 46(1), 2010), the
// ticket-based PF-T lock, as Concurrency Kit ships it in ck_pflock.h (Samy
// Al Bahra): four ticket counters, readers and writers in alternating phases.
//
// ## Phase fairness
// Read phases and write phases alternate whenever both sides wait: a writer
// that arrives while readers are inside lets them finish but stops new
// readers; when it leaves, every reader that arrived during its phase enters
// (one read phase) before the next writer, even if writers were queued
// first. A reader therefore waits for at most one write phase, and a writer
// for the writers ahead of it plus one read phase each: bounded on both
// sides, no starvation either way. That is the property real-time analysis
// wants; the price is that every reader writes the two shared ticket words.
//
// ## Fields and the invariant each keeps
//   rin_   bits 8..31: readers that ever entered or waited (RINC = 0x100 per
//          reader); bit 1 (PRES): a writer is present (waiting or inside);
//          bit 0 (PHID): that writer's phase id, so a reader that waits can
//          tell "the same writer" from "the next one". Bits 0..1 are WBITS;
//          bits 2..7 stay 0.
//   rout_  readers that left, in units of RINC. rin_ & ~0xff == rout_
//          exactly when no reader is inside or waiting.
//   win_   writer tickets handed out (a writer takes win_++ on arrival).
//   wout_  writer tickets served: the writer whose ticket equals wout_ is
//          the next (or current) one; wrunlock advances it.
//   phase_ the phase id the next write phase takes; each write phase
//          flips it. Only the writer whose ticket is served touches it.
//          ck_pflock uses the ticket's low bit instead, which is the same
//          thing as long as every ticket makes a phase; our try_lock may
//          give its ticket up without one, and two write phases in a row
//          with one id would let a reader that waited through the first
//          sleep through the second while that writer waits for it: a
//          deadlock (found by `lockscope stress --lock pflock`).
// ck_pflock packs the four words into 16 bytes of one line; here each has a
// line of its own (LineName pflock.rin, ...), so the simulator can say which
// one bounces: rin and rout, on every read.
// Wrap-around: all four are unsigned and compared only for equality, so
// they may wrap (2^24 readers in flight would be needed to confuse rin_).
//
// ## Lines each operation touches
//   rdlock: pflock.rin (an RMW: an ownership transfer whenever another core
//   touched it last; spinning readers read-share it). rdunlock: pflock.rout
//   (an RMW). wrlock: pflock.win (RMW), pflock.wout (spin; pflock.phase is
//   in its line), pflock.rin (RMW), pflock.rout (spin). wrunlock: pflock.rin
//   (RMW), pflock.wout (RMW).
//   Every reader writes two shared lines: the collapse GraphLock avoids.
//
// ## Ordering legend
//   [A] rdlock: rin_ fetch_add(acq_rel). Pairs with [D] (a reader that sees
//       WBITS clear sees the last writer's section); its increment and [C]'s
//       share rin_'s modification order, so either the writer's ticket
//       counts the reader (and waits for its [B]) or the reader sees WBITS.
//   [A'] a reader that met WBITS spins on rin_ with acquire loads until
//       they change: pairs with [D], as [A].
//   [B] rdunlock: rout_ fetch_add(release). Pairs with [E], the writer's
//       acquire loads of rout_: a writer that sees the count sees the
//       reader's section finished.
//   [C] wrlock: rin_ fetch_add(acq_rel) of PRES | PHID. See [A].
//   [D] wrunlock: rin_ fetch_and(release) clearing WBITS. Pairs with [A]
//       and [A']: the readers that waited out this phase, and those after.
//   [E] wrlock: rout_ load(acquire) until it equals the ticket. Pairs with [B].
//   [F] wrlock: wout_ load(acquire) until it equals our ticket. Pairs with
//       [G]: the next writer sees the last writer's section (and phase_).
//   [G] wrunlock: wout_ fetch_add(release). Pairs with [F].
//
// ## State table (R = readers inside, W = writers waiting or inside)
//   operation       | free        | readers inside (R>0)     | writer inside
//   rdlock          | R+1         | R+1 if no writer waits,  | spins until this
//                   |             | else spins to its phase  | write phase ends
//   rdunlock        | invalid     | R-1                      | invalid
//   wrlock          | enters      | sets PRES, spins to R=0  | spins for its ticket
//   wrunlock        | invalid     | invalid                  | read phase, next ticket
//   try_lock_shared | true        | true iff no writer waits | false
//   try_lock        | true        | false                    | false
//
// ## Fairness and progress
// Phase-fair: readers wait at most one write phase, writers are FIFO among
// themselves and wait at most one read phase per writer ahead; everyone
// spins (P::cpu_relax()), nobody sleeps.
//
// Contexts: nothing is per context (register_context and unregister_context
// are no-ops, as in CentralLock), so a reader may unlock in any context.
#pragma once

#include <cstdint>

#include "lockimpl/contract.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

template <Platform P>
class PfLock {
  template <class T>
  using Atomic = typename P::template Atomic<T>;

 public:
  static constexpr std::uint32_t kReaderInc = 0x100;   // RINC
  static constexpr std::uint32_t kWriterBits = 0x3;    // WBITS
  static constexpr std::uint32_t kPresent = 0x2;       // PRES
  static constexpr std::uint32_t kPhaseId = 0x1;       // PHID
  static constexpr std::uint32_t kTicketMask = ~std::uint32_t{0xff};  // ck's LSB mask, widened

  // Takes GraphLock's constructor argument; nothing here is per context.
  explicit PfLock(std::uint32_t /*max_contexts*/ = 0) {}
  PfLock(const PfLock&) = delete;
  PfLock& operator=(const PfLock&) = delete;

  // Nothing is per context in this lock. Blocks: no.
  void register_context(ContextId /*ctx*/) {}
  void unregister_context(ContextId /*ctx*/) {}

  // rdlock. Blocks: spins through at most one write phase.
  // Memory ordering: the last writer's critical section is visible.
  void lock_shared() {
    const std::uint32_t w = rin_.fetch_add(kReaderInc, memory_order_acq_rel) & kWriterBits;  // [A] pairs with [D]
    if (w == 0) [[likely]] return;
    // Our ticket is in rin_ already: the writer ahead of us does not wait
    // for us (its ticket was taken before), and we enter when its phase
    // ends, before any writer behind it (their [C] comes after our [A]).
    while ((rin_.load(memory_order_acquire) & kWriterBits) == w) P::cpu_relax();  // [A'] pairs with [D]
  }

  // Blocks: no. Enters only when no writer is present (so it never has to
  // wait behind one, and never leaves a ticket to take back).
  [[nodiscard]] bool try_lock_shared() {
    // relaxed: a first guess for the CAS, which carries [A].
    std::uint32_t seen = rin_.load(memory_order_relaxed);
    while ((seen & kWriterBits) == 0) {
      if (rin_.compare_exchange_strong(seen, seen + kReaderInc, memory_order_acq_rel)) return true;  // [A] pairs with [D]
    }
    return false;
  }

  // rdunlock. Blocks: no. Precondition: the caller holds the read lock.
  // Memory ordering: a writer that enters after this sees our work.
  void unlock_shared() {
    rout_.fetch_add(kReaderInc, memory_order_release);  // [B] pairs with [E]
  }

  // wrlock. Blocks: spins behind earlier writers (FIFO), then for the
  // readers inside to leave. Memory ordering: every earlier section is visible.
  void lock() {
    // relaxed: the ticket only orders writers through wout_ ([F]/[G]).
    const std::uint32_t ticket = win_.fetch_add(1, memory_order_relaxed);
    while (wout_.load(memory_order_acquire) != ticket) P::cpu_relax();  // [F] pairs with [G]
    enter_write_phase();
  }

  // Blocks: no. Succeeds only when no writer is present and no reader is in.
  [[nodiscard]] bool try_lock() {
    std::uint32_t ticket = wout_.load(memory_order_acquire);  // [F] pairs with [G]
    // Take the next ticket only if it is served right now (no writer queued).
    if (!win_.compare_exchange_strong(ticket, ticket + 1, memory_order_relaxed)) {  // relaxed: as lock()'s ticket
      return false;
    }
    // The readers are out iff rin_ (WBITS clear: no writer is present) equals rout_.
    const std::uint32_t out = rout_.load(memory_order_acquire);  // [E] pairs with [B]
    std::uint32_t in = out;
    // relaxed: ours while our ticket is served ([F]/[G] order it between writers).
    const std::uint32_t id = phase_.load(memory_order_relaxed);
    if (rin_.compare_exchange_strong(in, out + (id | kPresent), memory_order_acq_rel)) {  // [C] pairs with [A]
      phase_.store(id ^ kPhaseId, memory_order_relaxed);  // relaxed: as above
      return true;
    }
    // No write phase, so the phase id stays for the next writer.
    wout_.fetch_add(1, memory_order_release);  // [G] pairs with [F]: hands the ticket on
    return false;
  }

  // wrunlock. Blocks: no. Precondition: the caller holds the write lock.
  // Memory ordering: the readers of the next phase and the next writer see our work.
  void unlock() {
    const std::uint32_t before = rin_.fetch_and(kTicketMask, memory_order_release);  // [D] pairs with [A], [A']
    LOCKSCOPE_CONTRACT((before & kPresent) != 0, "unlock without the write lock");
    wout_.fetch_add(1, memory_order_release);  // [G] pairs with [F]
  }

  // Introspection for tests: a racy snapshot of the readers inside or
  // waiting for a write phase to end.
  [[nodiscard]] std::int64_t readers_inside() const {
    // relaxed: a snapshot for tests, ordering nothing.
    const std::uint32_t in = rin_.load(memory_order_relaxed) & kTicketMask;
    // relaxed: as above.
    const std::uint32_t out = rout_.load(memory_order_relaxed);
    return static_cast<std::int64_t>((in - out) / kReaderInc);
  }

 private:
  // Blocks new readers and waits for those already counted to leave.
  void enter_write_phase() {
    // relaxed: ours while our ticket is served ([F]/[G] order it between writers).
    const std::uint32_t id = phase_.load(memory_order_relaxed);
    phase_.store(id ^ kPhaseId, memory_order_relaxed);  // relaxed: as above
    // rin_ as it was (WBITS clear: the last writer cleared them before
    // serving our ticket) counts every reader that entered before us; we
    // wait until as many have left.
    const std::uint32_t readers_before = rin_.fetch_add(id | kPresent, memory_order_acq_rel);  // [C] pairs with [A]
    while (rout_.load(memory_order_acquire) != readers_before) P::cpu_relax();  // [E] pairs with [B]
  }

  alignas(kCachelineBytes) Atomic<std::uint32_t> rin_{0, LineName{"pflock.rin"}};
  alignas(kCachelineBytes) Atomic<std::uint32_t> rout_{0, LineName{"pflock.rout"}};
  alignas(kCachelineBytes) Atomic<std::uint32_t> win_{0, LineName{"pflock.win"}};
  alignas(kCachelineBytes) Atomic<std::uint32_t> wout_{0, LineName{"pflock.wout"}};
  // Beside wout_ in its line (no size change): the writer that reads it has
  // just read wout_.
  Atomic<std::uint32_t> phase_{0, LineName{"pflock.phase"}};
};

}  // namespace lockscope::lockimpl
