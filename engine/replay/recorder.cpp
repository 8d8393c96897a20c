#include "engine/replay/recorder.hpp"

#include <algorithm>

#include "engine/replay/prefault.hpp"

namespace lockscope::engine::replay {
namespace {

enum Counter : std::size_t { kReadersInside, kQueuedReaders, kWritersWaiting, kCounterCount };

bool acquiring_write(WorkerState s) {
  return s == WorkerState::waiting_write || s == WorkerState::draining;
}

}  // namespace

Recorder::Recorder(unsigned workers, std::uint32_t locks, bool keep_spans, bool keep_lock_waits)
    : lanes_(workers),
      per_lock_(std::max<std::uint32_t>(locks, 1)),
      keep_spans_(keep_spans),
      keep_lock_waits_(keep_lock_waits),
      counters_(kCounterCount, /*beside=*/true) {}

void Recorder::step(std::size_t counter, Picos at, bool up) {
  if (keep_spans_) counters_.step(counter, at, up);
}

// Lane states and the counters that follow them (queued readers, waiting
// writers). Who is inside which lock is tracked by acquired / released,
// since a worker that holds a lock keeps it while its lane shows it waiting
// for another.
void Recorder::switch_to(unsigned worker, WorkerState state, std::uint32_t lock, Picos at) {
  Lane& lane = lanes_[worker];
  if (lane.state == state && lane.lock == lock) return;
  if (keep_spans_ && at > lane.since) lane.spans.push_back({lane.since, at, lane.state, lane.lock});
  const WorkerState old = lane.state;
  lane.state = state;
  lane.lock = lock;
  lane.since = at;
  if (old == WorkerState::queued_read && state != WorkerState::queued_read) {
    step(kQueuedReaders, at, false);
  }
  if (acquiring_write(old) && !acquiring_write(state)) step(kWritersWaiting, at, false);
  if (state == WorkerState::queued_read && old != WorkerState::queued_read) {
    step(kQueuedReaders, at, true);
  }
  if (acquiring_write(state) && !acquiring_write(old)) step(kWritersWaiting, at, true);
}

void Recorder::begin_acquire(unsigned worker, bool write, std::uint32_t lock, Picos at) {
  lanes_[worker].wait_began = at;
  lanes_[worker].attempted = true;
  switch_to(worker, write ? WorkerState::waiting_write : WorkerState::waiting_read, lock, at);
}

void Recorder::violation(unsigned worker, std::uint32_t lock, Picos at) {
  if (violations_++ >= traces::ExclusionViolation::kMaxViolations) return;
  unsigned inside = worker;
  for (unsigned other = 0; other < lanes_.size(); ++other) {
    const Lane& o = lanes_[other];
    if (other != worker && o.lock == lock && (o.state == WorkerState::writing || o.state == WorkerState::reading)) {
      inside = other;
      if (o.state == WorkerState::writing) break;  // the writer, if there is one
    }
  }
  if (inside != worker) violation_list_.push_back({at, lock, worker, inside});
  if (violations_ != 1) return;
  first_violation_at_ = std::max<Picos>(at, 1);
  violation_entering_ = worker;
  violation_inside_ = inside;
}

void Recorder::acquired(unsigned worker, bool write, std::uint32_t lock, Picos at) {
  Lane& lane = lanes_[worker];
  PerLock& l = per_lock_[lock];
  const bool is_timed = timed(worker, lane.acquired++);
  const std::uint64_t waited = is_timed ? (at - lane.wait_began) / 1000 + instrument_.read() : 0;
  if (write) {
    if (l.writers_inside != 0 || l.readers_inside != 0) violation(worker, lock, at);
    ++l.writers_inside;
    ++l.counts.writes;
    if (keep_lock_waits_ && is_timed) l.counts.write_wait_ns.push_back(waited);
    if (is_timed) write_wait_.record(waited);
    ++writes_;
    ++lane.writes;
  } else {
    if (l.writers_inside != 0) violation(worker, lock, at);
    ++l.readers_inside;
    step(kReadersInside, at, true);
    ++l.counts.reads;
    if (keep_lock_waits_ && is_timed) l.counts.read_wait_ns.push_back(waited);
    if (is_timed) read_wait_.record(waited);
    ++reads_;
    ++lane.reads;
  }
  switch_to(worker, write ? WorkerState::writing : WorkerState::reading, lock, at);
}

void Recorder::released(unsigned worker, bool write, std::uint32_t lock, Picos at, WorkerState after,
                        std::uint32_t after_lock) {
  PerLock& l = per_lock_[lock];
  if (write) {
    --l.writers_inside;
  } else {
    --l.readers_inside;
    step(kReadersInside, at, false);
  }
  switch_to(worker, after, after_lock, at);
}

void Recorder::attempt_failed(unsigned worker, std::uint32_t lock, Picos at, WorkerState after,
                              std::uint32_t after_lock) {
  ++per_lock_[lock].counts.failed;
  switch_to(worker, after, after_lock, at);
}

void Recorder::blocked(unsigned worker, sim::BlockKind kind, Picos at) {
  if (worker >= lanes_.size()) return;  // the setup actor, registering contexts
  Lane& lane = lanes_[worker];
  lane.blocked = true;
  lane.kind = kind;
  lane.before_block = lane.state;
  if (lane.state == WorkerState::waiting_read && kind == sim::BlockKind::wait_queue) {
    switch_to(worker, WorkerState::queued_read, lane.lock, at);
  } else if (lane.state == WorkerState::waiting_write && kind == sim::BlockKind::waiter) {
    switch_to(worker, WorkerState::draining, lane.lock, at);
  }
}

void Recorder::in_waiter(unsigned worker, bool waiting, Picos at) {
  if (worker >= lanes_.size()) return;
  const Lane& lane = lanes_[worker];
  if (waiting && lane.state == WorkerState::waiting_write) {
    switch_to(worker, WorkerState::draining, lane.lock, at);
  } else if (!waiting && lane.state == WorkerState::draining) {
    switch_to(worker, WorkerState::waiting_write, lane.lock, at);
  }
}

void Recorder::unblocked(unsigned worker, Picos at) {
  if (worker >= lanes_.size()) return;
  Lane& lane = lanes_[worker];
  lane.blocked = false;
  switch_to(worker, lane.before_block, lane.lock, at);
}

void Recorder::finish(unsigned worker, Picos at) {
  if (while_all_ran_.empty()) while_all_ran_ = worker_acquisitions();
  Lane& lane = lanes_[worker];
  if (keep_spans_ && at > lane.since) lane.spans.push_back({lane.since, at, lane.state, lane.lock});
  lane.since = at;
}

std::vector<traces::WorkerAcquisitions> Recorder::worker_acquisitions() const {
  std::vector<traces::WorkerAcquisitions> out;
  out.reserve(lanes_.size());
  for (std::size_t w = 0; w < lanes_.size(); ++w) {
    const Lane& lane = lanes_[w];
    out.push_back({static_cast<std::uint32_t>(w), lane.reads, lane.writes, lane.attempted});
  }
  return out;
}

std::vector<traces::WorkerAcquisitions> Recorder::worker_acquisitions_while_all_ran() const {
  return while_all_ran_.empty() ? worker_acquisitions() : while_all_ran_;
}

void Recorder::reserve_for(const traces::WorkloadTrace& trace) {
  if (!keep_spans_) return;
  std::size_t reads = 0;
  for (std::size_t w = 0; w < lanes_.size() && w < trace.workers.size(); ++w) {
    std::size_t acquisitions = 0;
    for (const traces::Op& op : trace.workers[w].ops) {
      if (op.kind == traces::OpKind::read_acquire) ++reads;
      if (op.kind == traces::OpKind::read_acquire || op.kind == traces::OpKind::write_acquire) ++acquisitions;
    }
    // Waiting, inside, running: three; a queued reader or a draining writer
    // a fourth, past which the vector grows as usual.
    lanes_[w].spans.reserve(3 * acquisitions + 2);
  }
  counters_.reserve(kReadersInside, 2 * reads);
  readers_inside_samples_.reserve(2 * reads);
  // Faulted in beside the run, rather than a page at a time during it; up
  // to a bound, because a lane may use fewer spans than it reserved, and a
  // page faulted in is resident whether used or not.
  constexpr std::size_t kPrefaultBytes = std::size_t{256} << 20;
  std::size_t bytes = readers_inside_samples_.capacity() * sizeof(traces::CounterSample);
  for (const Lane& lane : lanes_) bytes += lane.spans.capacity() * sizeof(traces::Span);
  if (bytes <= kPrefaultBytes) {
    for (const Lane& lane : lanes_) prefault_.add(lane.spans);
    prefault_.add(readers_inside_samples_);
    prefault_.start();
  }
}

void Recorder::export_to(traces::Timeline& timeline) {
  prefault_.wait();
  for (std::size_t w = 0; w < lanes_.size() && w < timeline.workers.size(); ++w) {
    timeline.workers[w].spans = std::move(lanes_[w].spans);
  }
  static constexpr const char* kNames[kCounterCount] = {"readers_inside", "queued_readers", "writers_waiting"};
  timeline.counters.assign(kCounterCount, {});
  for (std::size_t c = 0; c < kCounterCount; ++c) {
    traces::TimelineCounter& out = timeline.counters[c];
    out.name = kNames[c];
    if (c == kReadersInside) out.samples = std::move(readers_inside_samples_);
    counters_.take_samples(c, out.samples);
  }
  timeline.violations = violation_list_;
  std::stable_sort(timeline.violations.begin(), timeline.violations.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });
}

}  // namespace lockscope::engine::replay
