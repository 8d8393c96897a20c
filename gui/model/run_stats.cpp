#include "gui/model/run_stats.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <utility>

namespace lockscope::gui {
namespace {

using traces::WorkerState;

bool waits_for_read(WorkerState s) { return s == WorkerState::waiting_read || s == WorkerState::queued_read; }
bool waits_for_write(WorkerState s) { return s == WorkerState::waiting_write || s == WorkerState::draining; }

double per_second(std::uint64_t n, const RunStats& s) {
  const double secs = s.seconds();
  return secs > 0 ? static_cast<double>(n) / secs : 0.0;
}

std::string ns_label(std::uint64_t ns) {
  if (ns >= 1000000) return std::to_string(ns / 1000000) + "M";
  if (ns >= 1000) return std::to_string(ns / 1000) + "k";
  return std::to_string(ns);
}

bool holds(WorkerState s) { return s == WorkerState::reading || s == WorkerState::writing; }

// A lane shows a worker's latest change, so a thread that holds T and takes
// A inside it shows T's reading or writing again once it releases A (or
// fails to try A): a span that resumes a hold, not a new acquisition.
// HeldLocks follows what a worker holds through one run of non-running
// spans (running means it holds nothing). A span resumes a hold when the
// worker held its lock in the same state and the span before it was about
// another lock; a one-lock timeline has no such span, so its counts are
// those of its reading and writing spans. (A thread that releases T inside
// A and takes T again without waiting looks the same, and counts once.)
class HeldLocks {
 public:
  // Whether `s`, which follows `prev` (nullptr: the lane's first span),
  // acquires its lock.
  bool acquires(const traces::Span& s, const traces::Span* prev) {
    if (s.state == WorkerState::running) {
      held_.clear();
      return false;
    }
    const auto it = std::find_if(held_.begin(), held_.end(), [&s](const auto& h) { return h.first == s.lock; });
    if (!holds(s.state)) {  // waiting for s.lock: the worker does not hold it
      if (it != held_.end()) held_.erase(it);
      return false;
    }
    const bool resumed = it != held_.end() && it->second == s.state && prev != nullptr &&
                         prev->state != WorkerState::running && prev->lock != s.lock;
    if (it != held_.end()) {
      it->second = s.state;
    } else {
      held_.emplace_back(s.lock, s.state);
    }
    return !resumed;
  }

 private:
  std::vector<std::pair<std::uint32_t, WorkerState>> held_;  // a handful at most
};

}  // namespace

double RunStats::ops_per_second() const { return per_second(ops(), *this); }
double RunStats::reads_per_second() const { return per_second(reads, *this); }
double RunStats::writes_per_second() const { return per_second(writes, *this); }
double RunStats::transfers_per_op() const {
  return ops() > 0 ? static_cast<double>(transfers) / static_cast<double>(ops()) : 0.0;
}

RunStats run_stats(const TimelineModel& model, std::uint64_t t0, std::uint64_t t1) {
  if (t1 < t0) std::swap(t0, t1);
  RunStats s;
  s.t0 = t0;
  s.t1 = t1;
  const auto& timeline = model.timeline();
  s.per_lock.resize(timeline.locks.size());
  s.per_worker.resize(timeline.workers.size());
  for (std::size_t wi = 0; wi < timeline.workers.size(); ++wi) {
    const auto& spans = timeline.workers[wi].spans;
    traces::WorkerAcquisitions& mine = s.per_worker[wi];
    mine.id = static_cast<std::uint32_t>(wi);
    // Spans are sorted by start: skip to the first that starts at or after t0.
    auto first = std::partition_point(spans.begin(), spans.end(), [t0](const traces::Span& x) { return x.start < t0; });
    // What the worker holds at `first` depends on its spans since it last ran.
    auto from = first;
    while (from != spans.begin() && std::prev(from)->state != WorkerState::running) --from;
    HeldLocks held;
    for (auto it = from; it != spans.end() && it->start <= t1; ++it) {
      const bool acquires = held.acquires(*it, it == spans.begin() ? nullptr : &*std::prev(it));
      // A wait that overlaps the range is an attempt in it, even one that
      // began before t0 and never ended in an acquisition.
      if ((waits_for_read(it->state) || waits_for_write(it->state)) && (it->end > t0 || it->start >= t0)) {
        mine.attempted = true;
      }
      if (it < first || !acquires) continue;
      mine.attempted = true;
      const bool read = it->state == WorkerState::reading;
      std::uint64_t wait = 0;
      for (auto back = it; back != spans.begin();) {
        --back;
        if (read ? !waits_for_read(back->state) : !waits_for_write(back->state)) break;
        if (back->lock != it->lock) break;  // a wait for another lock is not this one's
        wait += back->end - back->start;
      }
      LockStats* lock = it->lock < s.per_lock.size() ? &s.per_lock[it->lock] : nullptr;
      if (read) {
        ++s.reads;
        ++mine.reads;
        s.read_waits.push_back(wait);
        if (lock != nullptr) {
          ++lock->reads;
          lock->read_waits.push_back(wait);
        }
      } else {
        ++s.writes;
        ++mine.writes;
        s.write_waits.push_back(wait);
        if (lock != nullptr) {
          ++lock->writes;
          lock->write_waits.push_back(wait);
        }
      }
    }
  }
  std::sort(s.read_waits.begin(), s.read_waits.end());
  std::sort(s.write_waits.begin(), s.write_waits.end());
  for (LockStats& l : s.per_lock) {
    std::sort(l.read_waits.begin(), l.read_waits.end());
    std::sort(l.write_waits.begin(), l.write_waits.end());
  }
  const auto& tr = timeline.transfers;
  const auto a =
      std::partition_point(tr.begin(), tr.end(), [t0](const traces::LineTransfer& x) { return x.start < t0; });
  const auto b = std::partition_point(a, tr.end(), [t1](const traces::LineTransfer& x) { return x.start <= t1; });
  for (auto it = a; it != b; ++it) {
    if (it->kind == traces::TransferKind::invalidation) {
      ++s.invalidations;
    } else {
      ++s.transfers;
    }
  }
  return s;
}

std::uint64_t quantile(const std::vector<std::uint64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size()));
  const auto index = static_cast<std::size_t>(std::max(rank, 1.0)) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

std::vector<HistogramBin> log_histogram(const std::vector<std::uint64_t>& waits_ps) {
  std::vector<HistogramBin> bins;
  if (waits_ps.empty()) return bins;
  const std::uint64_t largest = *std::max_element(waits_ps.begin(), waits_ps.end());
  bins.push_back({0, 1000, 0, "0-1"});
  static constexpr std::array<std::uint64_t, 3> kSteps = {1, 2, 5};
  for (std::uint64_t decade = 1; bins.back().hi_ps <= largest; decade *= 10) {
    for (std::size_t i = 0; i < kSteps.size() && bins.back().hi_ps <= largest; ++i) {
      const std::uint64_t lo = kSteps[i] * decade;
      const std::uint64_t hi = i + 1 < kSteps.size() ? kSteps[i + 1] * decade : 10 * decade;
      bins.push_back({lo * 1000, hi * 1000, 0, ns_label(lo) + "-" + ns_label(hi)});
    }
  }
  for (const std::uint64_t w : waits_ps) {
    // Bins are sorted and contiguous: the last one whose lower edge is <= w.
    const auto it = std::partition_point(bins.begin(), bins.end(), [w](const HistogramBin& b) { return b.lo_ps <= w; });
    ++std::prev(it)->count;
  }
  return bins;
}

std::string si(double value) {
  struct Prefix {
    double scale;
    const char* name;
  };
  static constexpr Prefix kPrefixes[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
  char buf[48];
  for (const auto& p : kPrefixes) {
    if (std::fabs(value) >= p.scale) {
      std::snprintf(buf, sizeof buf, "%.3g %s", value / p.scale, p.name);
      return buf;
    }
  }
  std::snprintf(buf, sizeof buf, "%.3g", value);
  return buf;
}

}  // namespace lockscope::gui
