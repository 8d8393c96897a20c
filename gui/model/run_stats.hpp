// run_stats: what the statistics dock and the compare summaries show for a
// time range of a timeline: throughput, lock waits and their histograms.
// Plain C++ (no Qt), on TimelineModel.
//
// An acquisition is a reading (or writing) span, unless it resumes a hold:
// a lane shows a worker's latest change, so a thread holding T that takes
// and releases A inside it shows T again afterwards, and that second span
// of T is no new acquisition (run_stats.cpp, HeldLocks). Its wait is the run of
// waiting spans directly before it on the same worker (waiting_read and
// queued_read before a read; waiting_write and draining before a write),
// zero when there is none; with several locks, only waits for the
// acquisition's own lock count. An acquisition belongs to [t0, t1] when its
// reading or writing span starts there (when the wait ends). Per lock, an
// acquisition belongs to the lock its reading or writing span names
// (Span::lock), wait included.
//
// Per worker (by its index in Timeline::workers) the acquisitions in the
// range, and whether it tried to take a lock there: an acquisition, or a
// waiting span that overlaps the range (a worker stuck waiting through the
// whole range tried and got nothing). fairness() summarizes them with
// traces/fairness.hpp, the function lockscope replay's summary uses.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gui/model/time_text.hpp"  // how the panels show these times
#include "gui/model/timeline_model.hpp"
#include "traces/fairness.hpp"

namespace lockscope::gui {

// One lock's share of a range: its acquisitions and their waits.
struct LockStats {
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::vector<std::uint64_t> read_waits;   // ps, sorted
  std::vector<std::uint64_t> write_waits;  // ps, sorted
  [[nodiscard]] std::uint64_t acquisitions() const { return reads + writes; }
};

struct RunStats {
  std::uint64_t t0 = 0;
  std::uint64_t t1 = 0;
  std::uint64_t reads = 0;      // acquisitions in [t0, t1]
  std::uint64_t writes = 0;
  // Line transfers (fills, shares, ownership) and invalidations starting in
  // [t0, t1], counted apart as lockscope replay's summary counts them.
  std::uint64_t transfers = 0;
  std::uint64_t invalidations = 0;
  std::vector<std::uint64_t> read_waits;   // ps, one per read, sorted
  std::vector<std::uint64_t> write_waits;  // ps, one per write, sorted
  // [lock] for each of Timeline::locks; acquisitions whose span names no
  // lock (kNoLock, or an in-memory timeline without locks) count above only.
  std::vector<LockStats> per_lock;
  // [worker] for each of Timeline::workers: reads and writes in the range
  // (they sum to reads and writes above) and whether it tried.
  std::vector<traces::WorkerAcquisitions> per_worker;

  [[nodiscard]] std::uint64_t ops() const { return reads + writes; }
  [[nodiscard]] double seconds() const { return static_cast<double>(t1 - t0) * 1e-12; }
  // Operations per simulated second (0 for an empty range).
  [[nodiscard]] double ops_per_second() const;
  [[nodiscard]] double reads_per_second() const;
  [[nodiscard]] double writes_per_second() const;
  [[nodiscard]] double transfers_per_op() const;
  // Jain's index and max/min over the workers that tried in the range.
  [[nodiscard]] traces::Fairness fairness() const { return traces::fairness(per_worker); }
};

[[nodiscard]] RunStats run_stats(const TimelineModel& model, std::uint64_t t0, std::uint64_t t1);

// The q-quantile (0..1, nearest rank) of sorted values; 0 when empty.
[[nodiscard]] std::uint64_t quantile(const std::vector<std::uint64_t>& sorted, double q);

// A wait histogram with logarithmic bins, three per decade (1-2-5): bin 0
// holds waits under 1 ns, then [1, 2), [2, 5), [5, 10), [10, 20) ... ns, up
// to the bin of the largest wait.
struct HistogramBin {
  std::uint64_t lo_ps = 0;  // inclusive
  std::uint64_t hi_ps = 0;  // exclusive
  std::uint64_t count = 0;
  std::string label;        // "0-1", "1-2", "2-5", ... "1k-2k" (ns)
};
[[nodiscard]] std::vector<HistogramBin> log_histogram(const std::vector<std::uint64_t>& waits_ps);

// "22.3 M", "950 k", "12": a count or rate with an SI prefix.
[[nodiscard]] std::string si(double value);

}  // namespace lockscope::gui
