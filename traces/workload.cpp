#include "traces/workload.hpp"

#include <algorithm>
#include <limits>

namespace lockscope::traces {
namespace {

bool names_context(OpKind kind) {
  return kind == OpKind::move || kind == OpKind::create_context || kind == OpKind::destroy_context;
}

// A trace that was not read through the validating reader may name a context
// id that does not fit in 32 bits; saturate rather than wrap.
std::uint32_t one_past(std::uint64_t id) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint32_t>::max();
  return static_cast<std::uint32_t>(std::min(id, kMax - 1) + 1);
}

}  // namespace

std::uint32_t WorkloadTrace::context_capacity() const {
  std::uint32_t capacity = initial_contexts;
  for (const WorkerPlan& worker : workers) {
    capacity = std::max(capacity, one_past(worker.initial_context));
    for (const Op& op : worker.ops) {
      if (names_context(op.kind)) capacity = std::max(capacity, one_past(op.value));
    }
  }
  return capacity;
}

std::uint64_t WorkloadTrace::op_count() const {
  std::uint64_t count = 0;
  for (const WorkerPlan& worker : workers) count += worker.ops.size();
  return count;
}

std::uint64_t WorkloadTrace::lock_op_count() const {
  std::uint64_t count = 0;
  for (const WorkerPlan& worker : workers) {
    count += static_cast<std::uint64_t>(std::count_if(worker.ops.begin(), worker.ops.end(), [](const Op& op) {
      return op.kind == OpKind::read_acquire || op.kind == OpKind::write_acquire;
    }));
  }
  return count;
}

std::uint32_t WorkloadTrace::lock_count() const {
  return locks.empty() ? 1 : static_cast<std::uint32_t>(locks.size());
}

LockKind WorkloadTrace::lock_kind(std::uint32_t id) const {
  return id < locks.size() ? locks[id].kind : LockKind::rwlock;
}

bool WorkloadTrace::needs_version2() const {
  if (!locks.empty()) return true;
  for (const WorkerPlan& worker : workers) {
    if (worker.start_ns != 0) return true;
    for (const Op& op : worker.ops) {
      if (op.lock != 0 || op.flags != 0 || op.kind == OpKind::read_acquire_failed ||
          op.kind == OpKind::write_acquire_failed) {
        return true;
      }
    }
  }
  return false;
}

const char* to_string(LockKind kind) {
  switch (kind) {
    case LockKind::rwlock: return "rwlock";
    case LockKind::mutex: return "mutex";
  }
  return "?";
}

}  // namespace lockscope::traces
