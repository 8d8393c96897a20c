#include "engine/replay/step_counters.hpp"

#include <algorithm>
#include <utility>

#include "engine/replay/sort_by_key.hpp"

namespace lockscope::engine::replay {
namespace {

std::uint64_t time_of(std::uint64_t step) { return step >> 1; }

bool earlier(std::uint64_t a, std::uint64_t b) { return time_of(a) < time_of(b); }

}  // namespace

StepCounters::StepCounters(std::size_t counters, bool beside, std::size_t chunk)
    : chunk_(std::max<std::size_t>(chunk, 1)),
      beside_(beside && std::thread::hardware_concurrency() >= 2),
      open_(counters),
      sorted_(counters) {}

// Whatever is left unsorted is dropped: the destructor only stops the
// thread (it must not throw, and after an exception nobody takes samples).
StepCounters::~StepCounters() { stop(); }

void StepCounters::stop() noexcept {
  if (!thread_.joinable()) return;
  {
    const std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void StepCounters::reserve(std::size_t counter, std::size_t steps) { sorted_[counter].reserve(steps); }

void StepCounters::hand_off(std::size_t counter) {
  Chunk chunk{counter, std::move(open_[counter])};
  open_[counter].clear();
  if (!beside_ || (finished_ && !thread_.joinable())) {  // no thread for a last chunk alone
    merge(chunk);
    open_[counter] = std::move(chunk.steps);  // its memory, again
    open_[counter].clear();
    return;
  }
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  {
    const std::lock_guard lock(mutex_);
    queue_.push_back(std::move(chunk));
    if (!free_.empty()) {
      open_[counter] = std::move(free_.back());
      free_.pop_back();
    }
  }
  wake_.notify_one();
  if (!finished_) open_[counter].reserve(chunk_);
}

// A failure here (out of memory) is kept and rethrown by finish(); the
// chunks still queued are dropped.
void StepCounters::run() {
  try {
    for (;;) {
      Chunk chunk;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return !queue_.empty() || done_; });
        if (queue_.empty()) return;
        chunk = std::move(queue_.front());
        queue_.pop_front();
      }
      merge(chunk);
      chunk.steps.clear();
      const std::lock_guard lock(mutex_);
      free_.push_back(std::move(chunk.steps));
    }
  } catch (...) {
    const std::lock_guard lock(mutex_);
    failure_ = std::current_exception();
    queue_.clear();
  }
}

// Stable throughout: the chunk sort keeps execution order among equal
// times, and so does the merge (std::merge takes the first range's element
// first: the steps already sorted were executed before the chunk's).
void StepCounters::merge(Chunk& chunk) {
  std::vector<std::uint64_t>& steps = chunk.steps;
  if (steps.empty()) return;
  sort_by_key(steps, scratch_, time_of);
  std::vector<std::uint64_t>& out = sorted_[chunk.counter];
  if (out.empty() || !earlier(steps.front(), out.back())) {
    out.insert(out.end(), steps.begin(), steps.end());
    return;
  }
  const auto from = static_cast<std::size_t>(
      std::upper_bound(out.begin(), out.end(), steps.front(), earlier) - out.begin());
  tail_.assign(out.begin() + static_cast<std::ptrdiff_t>(from), out.end());
  out.resize(from + tail_.size() + steps.size());
  std::merge(tail_.begin(), tail_.end(), steps.begin(), steps.end(), out.begin() + static_cast<std::ptrdiff_t>(from),
             earlier);
}

void StepCounters::finish() {
  if (finished_) return;
  finished_ = true;
  try {
    for (std::size_t c = 0; c < open_.size(); ++c) {
      if (!open_[c].empty()) hand_off(c);
    }
  } catch (...) {
    stop();
    throw;
  }
  stop();
  if (failure_) std::rethrow_exception(failure_);
}

void StepCounters::take_samples(std::size_t counter, std::vector<traces::CounterSample>& out) {
  finish();
  out.clear();
  std::int64_t value = 0;
  for (const std::uint64_t s : sorted_[counter]) {
    value += (s & 1U) != 0 ? 1 : -1;
    traces::set_counter_at(out, time_of(s), value);
  }
  std::vector<std::uint64_t>().swap(sorted_[counter]);
}

}  // namespace lockscope::engine::replay
