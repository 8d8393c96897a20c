// WorkloadTrace: what each worker *wants* to do, independent of any lock or
// machine. A trace replays against any lock on any simulated machine; bench
// mode and `lockscope record` (a real program's pthread locks) make one. The
// text form is specified in docs/trace-format.md.
//
// Version 1 traces have one implicit rwlock (`locks` empty, every lock op
// names lock 0). Version 2 declares its locks (rwlocks and mutexes, each with
// a name), lets a worker hold several locks at once, nested in any order,
// keeps the wait a recording observed for each acquisition, records try and
// timed acquisitions that failed, and lets a worker start late.
//
// Each worker runs its ops in order. A worker starts in `initial_context`;
// contexts 0 .. initial_contexts-1 exist at the start, others are created
// and destroyed by ops. Durations are nanoseconds of busy time on the
// worker's core (a critical section's body, or work between acquisitions);
// the time a worker spends waiting for a lock is not in the trace: it is
// what a replay measures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockscope::traces {

enum class OpKind : std::uint8_t {
  read_acquire,     // rdlock                           value: unused (0)
  read_release,     // rdunlock                         value: unused (0)
  write_acquire,    // wrlock                           value: unused (0)
  write_release,    // wrunlock                         value: unused (0)
  hold,             // busy inside the critical section value: ns
  think,            // busy outside any lock            value: ns
  move,             // run in another context from now  value: context id
  create_context,   // a new context exists from now    value: context id
  destroy_context,  // the context ceases to exist      value: context id
  // Version 2: a try or timed acquisition that did not get the lock; the
  // program went on without it. value: ns it waited before giving up (0 for
  // a try-lock). `lock` names the lock.
  read_acquire_failed,
  write_acquire_failed,
};

// The kinds of lock a version-2 trace declares. A mutex is taken and
// released with write_acquire / write_release.
enum class LockKind : std::uint8_t { rwlock, mutex };
const char* to_string(LockKind kind);

struct LockDecl {
  LockKind kind = LockKind::rwlock;
  // The symbol that holds the lock (`cache_lock`, `stats+64`), the function
  // that first took it, or its address (`0x55d0c0a04040`): for people, not
  // for matching. Any bytes; the text form escapes what is not one token.
  std::string name;
  friend bool operator==(const LockDecl&, const LockDecl&) = default;
};

inline constexpr std::uint8_t kOpObserved = 1;  // Op::flags: `value` of an acquire is an observed wait

struct Op {
  OpKind kind;
  // hold/think: ns; move/create/destroy: context id; *_acquire_failed: ns
  // waited; read_acquire/write_acquire: the wait the recorded run observed,
  // in ns, when flags has kOpObserved (0 otherwise); releases: 0.
  std::uint64_t value = 0;
  std::uint32_t lock = 0;   // lock ops: index into WorkloadTrace::locks (0 in version 1)
  std::uint8_t flags = 0;   // kOpObserved

  friend bool operator==(const Op&, const Op&) = default;
};

struct WorkerPlan {
  std::uint32_t initial_context = 0;
  std::vector<Op> ops;
  // ns after the run's start before the worker's first op (a thread created
  // late); a replay lets the worker sleep that long. 0 in version 1.
  std::uint64_t start_ns = 0;

  friend bool operator==(const WorkerPlan&, const WorkerPlan&) = default;
};

struct WorkloadTrace {
  static constexpr std::uint32_t kFormatVersion = 2;
  static constexpr std::uint32_t kOldestFormatVersion = 1;

  std::uint32_t initial_contexts = 0;
  // Version 2: the locks, by id. Empty means one rwlock, id 0 (version 1).
  std::vector<LockDecl> locks;
  std::vector<WorkerPlan> workers;
  // Free text about where the trace came from ("generated from
  // scenarios/teaching/bouncing.toml, seed 1"); written as a comment line.
  std::string origin;

  // One more than the largest context id any worker starts in or names in
  // an op, or initial_contexts if larger: what a lock must be sized for.
  [[nodiscard]] std::uint32_t context_capacity() const;
  [[nodiscard]] std::uint64_t op_count() const;
  // Acquisitions (read_acquire + write_acquire) over all workers.
  [[nodiscard]] std::uint64_t lock_op_count() const;
  // How many locks the ops may name: locks.size(), or 1 for version 1.
  [[nodiscard]] std::uint32_t lock_count() const;
  // The kind of lock `id` (an rwlock for version 1's implicit lock).
  [[nodiscard]] LockKind lock_kind(std::uint32_t id) const;
  // True when the trace needs version 2 to be written: declared locks, an
  // op naming a lock other than 0, an observed wait, a failed acquisition
  // or a late start. The writer writes version 1 otherwise.
  [[nodiscard]] bool needs_version2() const;

  friend bool operator==(const WorkloadTrace&, const WorkloadTrace&) = default;
};

}  // namespace lockscope::traces
