#include "engine/replay/recorder.hpp"

#include <algorithm>

namespace lockscope::engine::replay {
namespace {

enum Counter : std::size_t { kReadersInside, kQueuedReaders, kWritersWaiting, kCounterCount };

bool acquiring_read(WorkerState s) {
  return s == WorkerState::waiting_read || s == WorkerState::queued_read;
}
bool acquiring_write(WorkerState s) {
  return s == WorkerState::waiting_write || s == WorkerState::draining;
}

}  // namespace

Recorder::Recorder(unsigned workers, bool keep_spans) : lanes_(workers), keep_spans_(keep_spans) {
  counters_.resize(kCounterCount);
  counters_[kReadersInside].name = "readers_inside";
  counters_[kQueuedReaders].name = "queued_readers";
  counters_[kWritersWaiting].name = "writers_waiting";
}

void Recorder::sample(std::size_t counter, Picos at, std::int64_t value) {
  if (keep_spans_) counters_[counter].samples.push_back({at, value});
}

void Recorder::switch_to(unsigned worker, WorkerState state, Picos at) {
  Lane& lane = lanes_[worker];
  if (lane.state == state) return;
  if (keep_spans_ && at > lane.since) lane.spans.push_back({lane.since, at, lane.state});
  const WorkerState old = lane.state;
  lane.state = state;
  lane.since = at;

  // Counters and the exclusion check follow the transitions.
  if (old == WorkerState::reading) sample(kReadersInside, at, --readers_inside_);
  if (old == WorkerState::writing) --writers_inside_;
  if (old == WorkerState::queued_read) sample(kQueuedReaders, at, --queued_readers_);
  if (acquiring_write(old) && !acquiring_write(state)) sample(kWritersWaiting, at, --writers_waiting_);

  if (state == WorkerState::reading) {
    if (writers_inside_ != 0) ++violations_;
    sample(kReadersInside, at, ++readers_inside_);
  }
  if (state == WorkerState::writing) {
    if (writers_inside_ != 0 || readers_inside_ != 0) ++violations_;
    ++writers_inside_;
  }
  if (state == WorkerState::queued_read) sample(kQueuedReaders, at, ++queued_readers_);
  if (acquiring_write(state) && !acquiring_write(old)) sample(kWritersWaiting, at, ++writers_waiting_);
}

void Recorder::set_state(unsigned worker, WorkerState state, Picos at) {
  Lane& lane = lanes_[worker];
  const bool was_acquiring = acquiring_read(lane.state) || acquiring_write(lane.state);
  if (!was_acquiring && (acquiring_read(state) || acquiring_write(state))) lane.wait_began = at;
  if (state == WorkerState::reading) {
    read_wait_.record((at - lane.wait_began) / 1000);
    ++reads_;
  }
  if (state == WorkerState::writing) {
    write_wait_.record((at - lane.wait_began) / 1000);
    ++writes_;
  }
  switch_to(worker, state, at);
}

void Recorder::blocked(unsigned worker, sim::BlockKind kind, Picos at) {
  if (worker >= lanes_.size()) return;  // the setup actor, registering contexts
  Lane& lane = lanes_[worker];
  lane.blocked = true;
  lane.kind = kind;
  lane.before_block = lane.state;
  if (lane.state == WorkerState::waiting_read && kind == sim::BlockKind::wait_queue) {
    switch_to(worker, WorkerState::queued_read, at);
  } else if (lane.state == WorkerState::waiting_write && kind == sim::BlockKind::waiter) {
    switch_to(worker, WorkerState::draining, at);
  }
}

void Recorder::unblocked(unsigned worker, Picos at) {
  if (worker >= lanes_.size()) return;
  Lane& lane = lanes_[worker];
  lane.blocked = false;
  switch_to(worker, lane.before_block, at);
}

void Recorder::finish(unsigned worker, Picos at) {
  Lane& lane = lanes_[worker];
  if (keep_spans_ && at > lane.since) lane.spans.push_back({lane.since, at, lane.state});
  lane.since = at;
}

void Recorder::export_to(traces::Timeline& timeline) {
  for (std::size_t w = 0; w < lanes_.size() && w < timeline.workers.size(); ++w) {
    timeline.workers[w].spans = std::move(lanes_[w].spans);
  }
  for (auto& counter : counters_) {
    std::stable_sort(counter.samples.begin(), counter.samples.end(),
                     [](const auto& a, const auto& b) { return a.time < b.time; });
  }
  timeline.counters = std::move(counters_);
}

}  // namespace lockscope::engine::replay
