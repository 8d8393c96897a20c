#include "traces/timeline.hpp"

namespace lockscope::traces {

const char* to_string(WorkerState s) {
  switch (s) {
    case WorkerState::running: return "running";
    case WorkerState::reading: return "reading";
    case WorkerState::waiting_read: return "waiting_read";
    case WorkerState::queued_read: return "queued_read";
    case WorkerState::waiting_write: return "waiting_write";
    case WorkerState::draining: return "draining";
    case WorkerState::writing: return "writing";
  }
  return "invalid";
}

const char* to_string(TransferKind k) {
  switch (k) {
    case TransferKind::read_share: return "read_share";
    case TransferKind::ownership: return "ownership";
    case TransferKind::invalidation: return "invalidation";
    case TransferKind::fill: return "fill";
  }
  return "invalid";
}

std::uint64_t Timeline::event_count() const {
  std::uint64_t n = transfers.size() + buffered_stores.size();
  for (const TimelineWorker& w : workers) n += w.spans.size();
  for (const TimelineCounter& c : counters) n += c.samples.size();
  return n;
}

std::string_view span_lock_label(const Timeline& t, const Span& span) {
  if (span.lock == kNoLock || span.lock >= t.locks.size()) return {};
  const std::string& name = t.locks[span.lock].name;
  if (name == t.lock) return {};
  return name;
}

}  // namespace lockscope::traces
