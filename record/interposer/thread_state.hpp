// Per-thread recording state and the hot path's one operation, append().
//
// Each program thread owns a chunk (chunks.hpp) reached through an
// initial-exec TLS variable: one %fs-relative load, no __tls_get_addr call
// and no lazy TLS allocation (which could malloc) on the hot path. The
// interposer is preloaded at startup, so its TLS is in the static block and
// initial-exec is valid.
//
// A thread starts recording at its first hooked call (start_thread) and
// stops at exit, from a pthread key destructor (thread_exit): its last
// chunk then carries its end time and name. Its slot (ThreadSlot: the chunk
// it is filling, published for the writer) lets the writer take a live
// thread's partial chunk when the process ends.
#pragma once

#include <atomic>
#include <cstdint>

#include "record/interposer/chunks.hpp"
#include "record/raw_format.hpp"

namespace lockscope::record::interposer {

// What this process does with hooked calls.
enum class Mode : std::uint32_t {
  off,         // not initialized, or a process that is not recorded: pass through
  recording,
  finished,    // the end record is written (or being written): pass through
};
extern std::atomic<Mode> g_mode;

// Published per live thread for the writer's final sweep. Slots live in one
// MAP_NORESERVE region and are recycled through a free stack; never unmapped.
struct ThreadSlot {
  std::atomic<Chunk*> current;  // the chunk being filled, or nullptr
  std::atomic<std::uint32_t> live;
  std::uint32_t next_free;      // free-stack link (slot index + 1, 0 = none)
  std::uint64_t serial;
  std::uint32_t tid;
  std::uint32_t pad;
  // The owner adds, the writer reads at the end: relaxed, a total read late is still a total.
  std::atomic<std::uint64_t> recursive_skipped;
  std::atomic<std::uint64_t> dropped;
};

struct ThreadState {
  Chunk* chunk;        // nullptr: not recording (yet, or any more)
  std::uint32_t n;     // records in chunk
  bool internal;       // the writer thread: never recorded
  bool announced;      // a non-recorded child said so already
  bool appending;      // inside append(): a signal handler's lock call must not re-enter it
  bool starting;       // inside start_thread(): nor that
  ThreadSlot* slot;
  std::uint64_t serial;  // 0 until the thread's first event
  std::uint32_t tid;
  std::uint32_t next_seq;
};

// constinit: no dynamic initializer, so no TLS init-function check on each access.
extern constinit __attribute__((tls_model("initial-exec"))) thread_local ThreadState t_state;

// The first record of a thread (or one after it stopped): registers it and
// gives it a chunk. False: do not record this call (not recording, the
// writer thread, or no memory: then the event is counted as dropped). A
// call from a signal handler that interrupted this thread inside append()
// or start_thread() is counted as dropped too: the chunk it would take is
// overwritten when the interrupted code resumes. `from_append`: the call is
// append()'s own.
bool start_thread(ThreadState& t, bool from_append = false);

// The chunk is full: hand it to the writer and take a fresh one.
void chunk_full(ThreadState& t);

// The pthread key destructor's work: the thread's last chunk goes to the writer.
void thread_exit(ThreadState& t);

// Every slot index ever handed out is < slot_count(); the writer's final sweep.
std::uint32_t slot_count();
ThreadSlot& slot_at(std::uint32_t index);

bool init_thread_state();

// Whether any thread has recorded an event yet.
bool any_thread_recorded();

// Flags byte of an event (raw_format bits): op, attempt, ok.
inline std::uint64_t event_flags(std::uint8_t op, std::uint8_t attempt, bool ok) {
  return static_cast<std::uint64_t>(op | (attempt << raw_format::kEventAttemptShift) |
                                    (ok ? raw_format::kEventOk : 0));
}

// A lock call from a signal handler that interrupted append() on the same
// thread: not recorded (it would overwrite the interrupted record), counted.
void dropped_reentrant(ThreadState& t);

// The hot path: four stores, a release store of the count, a compare, and
// the re-entrancy flag (two byte stores; signal fences are compiler-only).
inline void append(ThreadState& t, const void* lock, std::uint64_t begin, std::uint64_t end, const void* caller,
                   std::uint64_t flags) {
  if (__builtin_expect(t.appending, 0)) {
    dropped_reentrant(t);
    return;
  }
  t.appending = true;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  Chunk* c = t.chunk;
  if (__builtin_expect(c == nullptr, 0)) {
    if (!start_thread(t, true)) {
      std::atomic_signal_fence(std::memory_order_seq_cst);
      t.appending = false;
      return;
    }
    c = t.chunk;
  }
  RawRecord& r = c->records[t.n];
  r.lock = reinterpret_cast<std::uint64_t>(lock);
  r.begin = begin;
  r.end = end;
  r.word = (reinterpret_cast<std::uint64_t>(caller) & kCallerMask) | (flags << 56);
  // release: a writer that reads this count (acquire) sees the record; a plain mov on x86.
  c->header.count.store(++t.n, std::memory_order_release);
  if (__builtin_expect(t.n == kChunkRecords, 0)) chunk_full(t);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t.appending = false;
}

// Whether this call should be timed and recorded at all: the cheap test
// every hook makes before touching the clock.
inline bool recording(ThreadState& t) { return t.chunk != nullptr || start_thread(t); }

}  // namespace lockscope::record::interposer
