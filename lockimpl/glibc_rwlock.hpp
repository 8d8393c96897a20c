// GlibcRwlock: the algorithm of glibc 2.36's pthread_rwlock_t, over a
// platform policy: the baseline a recorded program actually ran on.
//
// ## Where it comes from
// nptl/pthread_rwlock_common.c (Torvald Riegel, 2017, glibc 2.25; the
// try-lock hand-over fix of BZ #23844 in 2.29), with pthread_rwlock_rdlock,
// _wrlock, _unlock, _tryrdlock and _trywrlock built on it. The algorithm has
// not changed since 2.29 apart from the timed waits' clocks, so glibc 2.36's
// (Debian 12's) is the same; the constants are nptl/pthreadP.h's. Each
// function below follows glibc's in order, statement for statement; glibc's
// comments are the design notes, and "glibc:" marks where we differ.
//
// ## Fields (one line: glibc's 56-byte struct __pthread_rwlock_arch_t)
//   readers_        __readers: bit 0 WRPHASE (WP: a write phase), bit 1
//                   WRLOCKED (WL: there is a primary writer), bit 2 RWAITING
//                   (RW: readers sleep on this word without being counted,
//                   writer-preferring kind only), bits 3.. R: readers that
//                   hold the lock, or that registered in a write phase and
//                   wait for it to end. Also a futex word (RWAITING sleepers).
//   writers_        __writers: writers registered for writer-writer hand-
//                   over (writer-preferring kind), bit 31 WRHANDOVER: the
//                   primary writer left WL set for one of them to take.
//   wrphase_futex_  __wrphase_futex: follows WP (1 in a write phase), set by
//                   whoever changed WP; bit 1 FUTEX_USED: someone may sleep.
//                   Waiters for a phase change ("explicit hand-over") sleep
//                   here, never spin on readers_, so one final store and a
//                   wake releases them all.
//   writers_futex_  __writers_futex: 1 while a primary writer exists (so
//                   other writers may sleep), bit 1 FUTEX_USED.
//   cur_writer_     __cur_writer: the primary writer's id (worker + 1).
//                   glibc reads it first in rdlock, wrlock (EDEADLK) and
//                   unlock (to tell a read from a write unlock); we keep the
//                   reads, as contract checks, so the line is touched as
//                   glibc touches it.
// States (WP WL R RW, glibc's numbering): #1 0 0 0 idle, read phase; #2
// 0 0 >0 readers in; #3 0 1 0 a writer is about to start a write phase; #4
// 0 1 >0 readers in, a writer waits for the last one to hand over; #4a as
// #4, with uncounted readers sleeping (RW); #5 1 0 0 idle, write phase; #6
// 1 0 >0 readers registered in a write phase, one will start a read phase;
// #7 1 1 0 a writer is in; #8 1 1 >0 a writer is in, readers wait.
//
// ## The kind (Policy::kKind, glibc's __flags)
//   prefer_reader (PTHREAD_RWLOCK_PREFER_READER_NP, the default): a reader
//     gets in whenever the lock is in a read phase, even while a writer
//     waits (#3, #4): readers can starve writers.
//   prefer_writer_nonrecursive (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP):
//     a reader that meets a waiting writer and other readers (#4) sleeps
//     on readers_ with RW set instead of prolonging the read phase, and an
//     unlocking writer hands WL straight to a registered writer (WRHANDOVER).
//     glibc's PTHREAD_RWLOCK_PREFER_WRITER_NP (hand-over, no reader
//     blocking) is not offered.
//
// ## State table (default kind; [wp] where the writer-preferring kind differs)
//   operation       | #1 / #2          | #3 / #4 (writer waits)     | #5 / #6          | #7 / #8 (writer in)
//   rdlock          | R+1, in          | R+1, in [wp #4: sleeps on  | R+1, starts the  | R+1, sleeps on
//                   |                  |  readers_, RW, uncounted]  |  read phase      |  wrphase_futex
//   rdunlock        | R-1              | R-1; the last reader sets  | invalid          | invalid
//                   |                  |  WP (#7), wakes the writer |                  |
//   wrlock          | WL; R=0: WP, in; | sleeps on writers_futex    | WL: in (#7/#8)   | sleeps on writers_futex
//                   |  R>0: sleeps on  |  [wp: registered in        |                  |  [wp: registered in
//                   |  wrphase_futex   |  writers_]                 |                  |  writers_]
//   wrunlock        | invalid          | invalid                    | invalid          | R=0: WL off (#5); R>0: read
//                   |                  |                            |                  |  phase, wakes them [wp:
//                   |                  |                            |                  |  WRHANDOVER if writers_]
//   try_lock_shared | true             | true [wp: false]           | true             | false
//   try_lock        | #1 true          | false                      | #5 true; #6 [wp] | false
//
// ## Lines each operation touches
// All five words share one line, `glibc-rwlock.readers + ...` in the
// simulator, as they share glibc's struct: every rdlock and rdunlock is a
// load then an RMW of that line (an ownership transfer whenever another core
// touched it last: the bouncing line of design.md's "reader writes a shared
// line" list). Sleeping and waking also touch the word's futex bucket line
// (`glibc-rwlock.futex.*`, the kernel's hash bucket) and its mutex.
//
// ## Ordering legend (glibc's memory orders, unchanged unless stated)
//   [A] rdlock: readers_ fetch_add(acquire). Pairs with [D] (a reader that
//       registers in a read phase sees the last writer's section) and [B]
//       (the last reader of the previous read phase).
//   [B] rdunlock: readers_ CAS(acq_rel). Release pairs with [C]: a writer
//       that sees the count drop, or the write phase this CAS started, sees
//       the reader's section finished. glibc: release, plus
//       atomic_thread_fence_acquire before the hand-over store to
//       wrphase_futex (so it comes after a reader's that started the read
//       phase, [E]); the platform has no acquire-only fence, so the CAS
//       carries the acquire itself (free on x86 and in the simulator).
//   [C] wrlock: readers_ fetch_or / CAS (acquire) taking WL or starting the
//       write phase, and the hand-over wait's load(acquire). Pair with [B]
//       and [D]: the writer sees every earlier section.
//   [D] wrunlock: readers_ CAS(release) dropping WL (and WP when readers
//       wait). Pairs with [A], [C], [E], [F].
//   [E] a reader that starts a read phase itself: readers_ CAS(acquire)
//       (rdlock, tryrdlock). Pairs with [D].
//   [F] rdlock's hand-over wait: readers_ load(acquire). Pairs with [D]:
//       a read phase seen means the writer's wrphase_futex store is seen.
//   [G] wrunlock: writers_ CAS(release) setting WRHANDOVER. Pairs with [H],
//       the registered writer's CAS(acquire) taking it: the next writer
//       inherits our view of readers_ and our section.
//   Futex words (wrphase_futex_, writers_futex_, RWAITING) are relaxed, as
//   in glibc: FutexWord's wait/wake is what prevents a lost wake-up, and a
//   woken thread re-reads readers_ with [C]/[F] before it relies on anything.
//
// ## Fairness and progress
// Default kind: reader-preferring, writers in no order (whoever wins WL);
// a steady stream of readers starves writers. Writer-preferring kind: a
// waiting writer stops new readers (unless no reader is in) and writers
// hand the lock to each other, so a stream of writers starves readers.
// Everyone sleeps on a futex word; the only spins are glibc's CAS retries.
//
// Contexts: nothing is per context (register_context and unregister_context
// are no-ops), so a reader may unlock in any context. A worker must not
// read-lock while it holds the write lock (glibc: EDEADLK; here a contract).
#pragma once

#include <cstdint>

#include "lockimpl/contract.hpp"
#include "lockimpl/futex_word.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

// glibc's __flags values this lock implements.
enum class GlibcRwlockKind : std::uint8_t {
  prefer_reader,               // PTHREAD_RWLOCK_PREFER_READER_NP (the default)
  prefer_writer_nonrecursive,  // PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP
};

struct GlibcPreferReader {
  static constexpr GlibcRwlockKind kKind = GlibcRwlockKind::prefer_reader;
};
struct GlibcPreferWriterNonrecursive {
  static constexpr GlibcRwlockKind kKind = GlibcRwlockKind::prefer_writer_nonrecursive;
};

template <Platform P, class Policy = GlibcPreferReader>
class GlibcRwlock {
  template <class T>
  using Atomic = typename P::template Atomic<T>;
  using Word = FutexWord<P>;

 public:
  // nptl/pthreadP.h
  static constexpr std::uint32_t kWrPhase = 1;                 // PTHREAD_RWLOCK_WRPHASE
  static constexpr std::uint32_t kWrLocked = 2;                // PTHREAD_RWLOCK_WRLOCKED
  static constexpr std::uint32_t kRWaiting = 4;                // PTHREAD_RWLOCK_RWAITING
  static constexpr std::uint32_t kReaderShift = 3;             // PTHREAD_RWLOCK_READER_SHIFT
  static constexpr std::uint32_t kReaderInc = 1U << kReaderShift;
  static constexpr std::uint32_t kReaderOverflow = 1U << 31;   // PTHREAD_RWLOCK_READER_OVERFLOW
  static constexpr std::uint32_t kWrHandover = 1U << 31;       // PTHREAD_RWLOCK_WRHANDOVER
  static constexpr std::uint32_t kFutexUsed = 2;               // PTHREAD_RWLOCK_FUTEX_USED

  // rwlock->__data.__flags != PTHREAD_RWLOCK_PREFER_READER_NP
  static constexpr bool kPreferWriter = Policy::kKind != GlibcRwlockKind::prefer_reader;
  // rwlock->__data.__flags == PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP
  static constexpr bool kNonrecursive = Policy::kKind == GlibcRwlockKind::prefer_writer_nonrecursive;

  // Takes the context capacity like every lockimpl lock; nothing here is
  // per context.
  explicit GlibcRwlock(std::uint32_t /*max_contexts*/ = 0) {}
  GlibcRwlock(const GlibcRwlock&) = delete;
  GlibcRwlock& operator=(const GlibcRwlock&) = delete;

  // Nothing is per context in this lock. Blocks: no.
  void register_context(ContextId /*ctx*/) {}
  void unregister_context(ContextId /*ctx*/) {}

  // pthread_rwlock_rdlock (__pthread_rwlock_rdlock_full64 without a timeout).
  // Blocks: in a write phase until the writer hands over; [wp] also while a
  // writer waits for other readers. Precondition: the caller does not hold
  // the write lock. Memory ordering: the last writer's section is visible.
  void lock_shared() {
    check_not_writer();
    std::uint32_t r = 0;
    if constexpr (kNonrecursive) {
      // A writer waits and other readers are in: wait without extending the
      // read phase (RWAITING), until the last reader or the writer clears it.
      r = readers_.load(memory_order_relaxed);  // relaxed: glibc's; only decides whether to wait
      while ((r & kWrPhase) == 0 && (r & kWrLocked) != 0 && (r >> kReaderShift) > 0) {
        // relaxed: glibc's; the flag is only about when to re-look at readers_.
        if (readers_.compare_exchange_strong(r, r | kRWaiting, memory_order_relaxed)) {
          // relaxed: as above; [A] below is the acquire that counts.
          while (((r = readers_.load(memory_order_relaxed)) & kRWaiting) != 0) readers_.futex_wait(r);
        }
      }
    }
    r = readers_.fetch_add(kReaderInc, memory_order_acquire) + kReaderInc;  // [A] pairs with [D] and [B]
    if (r >= kReaderOverflow) [[unlikely]] reader_overflow(r);
    // In a read phase we are in: the reader-reader fast path, even if a
    // primary writer waits.
    if ((r & kWrPhase) == 0) [[likely]] return;
    // A write phase with no primary writer (#6): start the read phase.
    while ((r & kWrPhase) != 0 && (r & kWrLocked) == 0) {
      if (readers_.compare_exchange_strong(r, r ^ kWrPhase, memory_order_acquire)) {  // [E] pairs with [D]
        // We did what a writer handing over would: reset wrphase_futex and wake.
        // relaxed: glibc's; a futex word, ordered through readers_.
        if ((wrphase_futex_.exchange(0, memory_order_relaxed) & kFutexUsed) != 0) wrphase_futex_.futex_wake();
        return;
      }
    }
    // A writer is in (#8): wait for its explicit hand-over.
    wait_for_phase(/*write_phase=*/false);
  }

  // pthread_rwlock_tryrdlock. Blocks: no.
  [[nodiscard]] bool try_lock_shared() {
    // relaxed: glibc's; a failed try need not synchronize (POSIX).
    std::uint32_t r = readers_.load(memory_order_relaxed);
    std::uint32_t rnew = 0;
    do {
      if ((r & kWrPhase) == 0) {
        if ((r & kWrLocked) != 0 && kNonrecursive) return false;
        rnew = r + kReaderInc;
      } else {
        if ((r & kWrLocked) != 0) return false;
        rnew = (r + kReaderInc) ^ kWrPhase;  // start a read phase
      }
      if (rnew >= kReaderOverflow) return false;  // glibc: EAGAIN
    } while (!readers_.compare_exchange_strong(r, rnew, memory_order_acquire));  // [E] pairs with [D]
    if ((r & kWrPhase) != 0) {
      // relaxed: glibc's; a futex word, ordered through readers_.
      if ((wrphase_futex_.exchange(0, memory_order_relaxed) & kFutexUsed) != 0) wrphase_futex_.futex_wake();
    }
    return true;
  }

  // pthread_rwlock_unlock of a read lock (__pthread_rwlock_rdunlock).
  // Blocks: no (a wake takes the futex bucket mutex). Precondition: the
  // caller holds the read lock. Memory ordering: a writer that enters after
  // this sees our section.
  void unlock_shared() {
    check_not_writer();  // glibc: the unlock dispatch on __cur_writer
    // relaxed: glibc's; a first guess for the CAS.
    std::uint32_t r = readers_.load(memory_order_relaxed);
    std::uint32_t rnew = 0;
    for (;;) {
      rnew = r - kReaderInc;
      // The last reader starts the write phase a primary writer waits for,
      // and lets the RWAITING readers register again.
      if ((rnew >> kReaderShift) == 0) {
        if ((rnew & kWrLocked) != 0) rnew |= kWrPhase;
        rnew &= ~kRWaiting;
      }
      if (readers_.compare_exchange_strong(r, rnew, memory_order_acq_rel)) break;  // [B] pairs with [C] and [E]
    }
    LOCKSCOPE_CONTRACT((r >> kReaderShift) != 0, "unlock_shared without a reader inside");
    if ((rnew & kWrPhase) != 0) {
      // Explicit hand-over to the writer.
      // relaxed: glibc's; [B]'s acquire orders it after a read-phase starter's store.
      if ((wrphase_futex_.exchange(1, memory_order_relaxed) & kFutexUsed) != 0) wrphase_futex_.futex_wake();
    }
    if ((r & kRWaiting) != (rnew & kRWaiting)) readers_.futex_wake();
  }

  // pthread_rwlock_wrlock (__pthread_rwlock_wrlock_full64 without a timeout).
  // Blocks: behind the primary writer, then until the readers hand over.
  // Memory ordering: every earlier section is visible.
  void lock() {
    const std::uint32_t me = P::current_worker() + 1;
    check_not_writer(me);
    bool may_share_futex_used_flag = false;
    std::uint32_t r = readers_.fetch_or(kWrLocked, memory_order_acquire);  // [C] pairs with [B] and [D]
    if ((r & kWrLocked) != 0) [[unlikely]] {
      // There is another primary writer.
      // relaxed: glibc's; registering only.
      if constexpr (kPreferWriter) writers_.fetch_add(1, memory_order_relaxed);
      for (;;) {
        if ((r & kWrLocked) == 0) {
          if (readers_.compare_exchange_strong(r, r | kWrLocked, memory_order_acquire)) {  // [C] pairs with [B] and [D]
            // relaxed: glibc's; [C] ordered us after the last writer's changes.
            if constexpr (kPreferWriter) writers_.fetch_sub(1, memory_order_relaxed);
            break;
          }
          continue;
        }
        if constexpr (kPreferWriter) {
          // relaxed: glibc's; the CAS below is the acquire.
          std::uint32_t w = writers_.load(memory_order_relaxed);
          if ((w & kWrHandover) != 0) {
            if (writers_.compare_exchange_strong(w, w - kWrHandover - 1, memory_order_acquire)) {  // [H] pairs with [G]
              // relaxed: [H] makes our view as recent as the last writer's.
              r = readers_.load(memory_order_relaxed);
              break;
            }
            continue;
          }
        }
        // Neither WL nor a hand-over: sleep on writers_futex, if a primary
        // writer has enabled it (value 1) and we can mark it used.
        // relaxed: glibc's; a futex word.
        std::uint32_t wf = writers_futex_.load(memory_order_relaxed);
        if ((wf & ~kFutexUsed) != 1 ||
            (wf != (1 | kFutexUsed) &&
             !writers_futex_.compare_exchange_strong(wf, 1 | kFutexUsed, memory_order_relaxed))) {  // relaxed: as above
          // relaxed: glibc's; a retry, [C] re-checks.
          r = readers_.load(memory_order_relaxed);
          continue;
        }
        // Other writers may share the FUTEX_USED flag we set: keep it set
        // once we own WL, so that our unlock wakes them.
        may_share_futex_used_flag = true;
        writers_futex_.futex_wait(1 | kFutexUsed);
        r = readers_.load(memory_order_relaxed);  // relaxed: glibc's; a retry, [C] re-checks
      }
      r |= kWrLocked;
    }
    // We are the primary writer: enable sleeping on writers_futex.
    // relaxed: glibc's; [C] ordered it after the last writer's store of 0.
    writers_futex_.store(1 | (may_share_futex_used_flag ? kFutexUsed : 0), memory_order_relaxed);
    if ((r & kWrPhase) == 0) enter_write_phase(r);
    cur_writer_.store(me, memory_order_relaxed);  // relaxed: read only by ourselves (glibc's)
  }

  // pthread_rwlock_trywrlock. Blocks: no.
  [[nodiscard]] bool try_lock() {
    const std::uint32_t me = P::current_worker() + 1;
    // relaxed: glibc's; a failed try need not synchronize.
    std::uint32_t r = readers_.load(memory_order_relaxed);
    while ((r & kWrLocked) == 0 &&
           ((r >> kReaderShift) == 0 || (kPreferWriter && (r & kWrPhase) != 0))) {
      if (readers_.compare_exchange_strong(r, r | kWrPhase | kWrLocked, memory_order_acquire)) {  // [C] pairs with [B] and [D]
        // We cannot share FUTEX_USED with anyone yet.
        writers_futex_.store(1, memory_order_relaxed);  // relaxed: glibc's; a futex word
        // relaxed: glibc's; only if we started the write phase.
        if ((r & kWrPhase) == 0) wrphase_futex_.store(1, memory_order_relaxed);
        cur_writer_.store(me, memory_order_relaxed);  // relaxed: read only by ourselves
        return true;
      }
    }
    return false;
  }

  // pthread_rwlock_unlock of the write lock (__pthread_rwlock_wrunlock).
  // Blocks: no (a wake takes the futex bucket mutex). Precondition: the
  // caller holds the write lock. Memory ordering: readers and writers that
  // enter next see our section.
  void unlock() {
    // relaxed: only we can have stored our own id (glibc's dispatch).
    LOCKSCOPE_CONTRACT(cur_writer_.load(memory_order_relaxed) == P::current_worker() + 1,
                       "unlock without the write lock");
    cur_writer_.store(0, memory_order_relaxed);  // relaxed: glibc's
    // Disable sleeping on writers_futex; wake a writer once WL is settled.
    // relaxed: glibc's; a futex word.
    const bool wake_writers = (writers_futex_.exchange(0, memory_order_relaxed) & kFutexUsed) != 0;
    if (!hand_over_to_writer()) leave_write_phase();
    if (wake_writers) writers_futex_.futex_wake();  // glibc: futex_wake(..., 1)
  }

  // Introspection for tests: a racy snapshot of R, the readers in or
  // registered for the next read phase.
  [[nodiscard]] std::int64_t readers_inside() const {
    return readers_.load(memory_order_relaxed) >> kReaderShift;  // relaxed: a snapshot
  }

  // Introspection for tests: a racy snapshot of __readers' flag bits
  // (kWrPhase | kWrLocked | kRWaiting).
  [[nodiscard]] std::uint32_t phase_bits() const {
    return readers_.load(memory_order_relaxed) & (kReaderInc - 1);  // relaxed: a snapshot
  }

 private:
  // glibc's EDEADLK check, a contract here: the load is glibc's, on the
  // lock's line; the comparison only in checked builds.
  void check_not_writer() {
    // relaxed: glibc's; only we can have stored our own id.
    [[maybe_unused]] const std::uint32_t writer = cur_writer_.load(memory_order_relaxed);
    LOCKSCOPE_FAST_PATH_CONTRACT(writer != P::current_worker() + 1,
                                 "read lock used by the worker that holds the write lock (glibc: EDEADLK)");
  }
  void check_not_writer(std::uint32_t me) {
    // relaxed: as above.
    LOCKSCOPE_CONTRACT(cur_writer_.load(memory_order_relaxed) != me,
                       "write lock taken twice by one worker (glibc: EDEADLK)");
  }

  // glibc returns EAGAIN; nothing here can fail, so undo as glibc does and abort.
  [[noreturn]] void reader_overflow(std::uint32_t r) {
    // relaxed: glibc's; only undoes our registration.
    while (!readers_.compare_exchange_strong(r, r - kReaderInc, memory_order_relaxed)) {
    }
    contract_failure("r < PTHREAD_RWLOCK_READER_OVERFLOW", "too many readers (glibc: EAGAIN)", __FILE__,
                     __LINE__);
  }

  // wrlock, as the primary writer in a read phase: start the write phase if
  // no reader is in, else wait for the last reader's hand-over.
  void enter_write_phase(std::uint32_t r) {
    while ((r & kWrPhase) == 0 && (r >> kReaderShift) == 0) {
      if (readers_.compare_exchange_strong(r, r | kWrPhase, memory_order_acquire)) {  // [C] pairs with [B] and [D]
        // Let readers sleep on wrphase_futex. relaxed: glibc's; a futex word.
        wrphase_futex_.store(1, memory_order_relaxed);
        return;
      }
    }
    wait_for_phase(/*write_phase=*/true);
  }

  // The explicit hand-over wait of rdlock (for a read phase) and wrlock (for
  // a write phase): sleep on wrphase_futex while it says the other phase,
  // then confirm the phase on readers_ with acquire and look once more, so
  // that a value seen before the hand-over began is not taken for its end.
  void wait_for_phase(bool write_phase) {
    const std::uint32_t other = write_phase ? 0 : 1;  // wrphase_futex's value while we must wait
    bool ready = false;
    for (;;) {
      std::uint32_t wpf = 0;
      // relaxed: glibc's; only says when to re-check readers_ ([C]/[F]).
      while (((wpf = wrphase_futex_.load(memory_order_relaxed)) | kFutexUsed) == (other | kFutexUsed)) {
        if ((wpf & kFutexUsed) == 0 &&
            !wrphase_futex_.compare_exchange_strong(wpf, wpf | kFutexUsed, memory_order_relaxed)) {  // relaxed: as above
          continue;
        }
        wrphase_futex_.futex_wait(other | kFutexUsed);
      }
      if (ready) return;
      const bool in_write_phase =
          (readers_.load(memory_order_acquire) & kWrPhase) != 0;  // [C] / [F] pairs with [B] and [D]
      if (in_write_phase == write_phase) ready = true;
    }
  }

  // wrunlock, writer-preferring kind: hand WL to a registered writer.
  bool hand_over_to_writer() {
    if constexpr (kPreferWriter) {
      // relaxed: glibc's; the CAS below is the release.
      std::uint32_t w = writers_.load(memory_order_relaxed);
      while (w != 0) {
        if (writers_.compare_exchange_strong(w, w | kWrHandover, memory_order_release)) return true;  // [G] pairs with [H]
      }
    }
    return false;
  }

  // wrunlock: drop WL; with readers registered, start their read phase and
  // hand it over explicitly; without, stay in the (now idle) write phase.
  void leave_write_phase() {
    // relaxed: glibc's; a first guess for the CAS.
    std::uint32_t r = readers_.load(memory_order_relaxed);
    while (!readers_.compare_exchange_strong(
        r, (r ^ kWrLocked) ^ ((r >> kReaderShift) == 0 ? 0 : kWrPhase), memory_order_release)) {  // [D] pairs with [A], [C], [E], [F]
    }
    LOCKSCOPE_CONTRACT((r & (kWrLocked | kWrPhase)) == (kWrLocked | kWrPhase), "unlock outside a write phase");
    if ((r >> kReaderShift) != 0) {
      // relaxed: glibc's; [D] orders what the readers rely on.
      if ((wrphase_futex_.exchange(0, memory_order_relaxed) & kFutexUsed) != 0) wrphase_futex_.futex_wake();
    }
  }

  // glibc's struct: the futex buckets (the kernel's side) first, so the
  // words can point at them; the words together on one line.
  FutexBucket<P> readers_bucket_{LineName{"glibc-rwlock.futex", -1, ".readers"}};
  FutexBucket<P> wrphase_bucket_{LineName{"glibc-rwlock.futex", -1, ".wrphase"}};
  FutexBucket<P> writers_bucket_{LineName{"glibc-rwlock.futex", -1, ".writers"}};
  alignas(kCachelineBytes) Word readers_{0, LineName{"glibc-rwlock.readers"}, readers_bucket_};
  Atomic<std::uint32_t> writers_{0, LineName{"glibc-rwlock.writers"}};
  Word wrphase_futex_{0, LineName{"glibc-rwlock.wrphase_futex"}, wrphase_bucket_};
  Word writers_futex_{0, LineName{"glibc-rwlock.writers_futex"}, writers_bucket_};
  Atomic<std::uint32_t> cur_writer_{0, LineName{"glibc-rwlock.cur_writer"}};
};

}  // namespace lockscope::lockimpl
