// WorkloadTrace: what each worker *wants* to do, independent of any lock or
// machine. A trace replays against any lock on any simulated machine; bench
// mode can record one. The text form is specified in docs/trace-format.md.
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
};

struct Op {
  OpKind kind;
  std::uint64_t value = 0;

  friend bool operator==(const Op&, const Op&) = default;
};

struct WorkerPlan {
  std::uint32_t initial_context = 0;
  std::vector<Op> ops;

  friend bool operator==(const WorkerPlan&, const WorkerPlan&) = default;
};

struct WorkloadTrace {
  static constexpr std::uint32_t kFormatVersion = 1;

  std::uint32_t initial_contexts = 0;
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

  friend bool operator==(const WorkloadTrace&, const WorkloadTrace&) = default;
};

}  // namespace lockscope::traces
