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

}  // namespace lockscope::traces
