// Fairness of a run across its workers: how evenly the acquisitions were
// shared out. The replay's summary and JSON (docs/replay.md) and the GUI's
// statistics dock (docs/gui.md) print the same figures, from this one
// function. It lives with the formats because both sides read it from what
// a run leaves (the recorder's counts, a timeline's spans) and the GUI links
// traces/ but never engine/.
//
// Who counts: only workers that tried to take a lock at least once
// (`attempted`). A worker that only thinks or manages contexts wanted
// nothing, and counting it as a zero would make every such run look
// unfair. A worker that tried and never got in counts with 0: it is the
// starvation the figure is there to show.
//
// The figures over the n counted workers, x_i = reads + writes of worker i:
//   - Jain's index (Σx)² / (n·Σx²): 1 when every worker got as many, 1/n
//     when one worker got them all; undefined (nullopt) when n = 0 or no
//     worker acquired anything (0/0).
//   - max and min of x_i, with the worker that has each (the lowest id on
//     a tie);
//   - max / min, undefined (nullopt: "infinite", JSON null) when min is 0,
//     which is exactly the case of a starved worker, or when n = 0.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace lockscope::traces {

// One worker's completed acquisitions over every lock.
struct WorkerAcquisitions {
  std::uint32_t id = 0;  // the worker's number (the timeline's lane, the trace's worker)
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  bool attempted = false;  // started at least one acquisition (completed or not)
  [[nodiscard]] std::uint64_t total() const { return reads + writes; }
  friend bool operator==(const WorkerAcquisitions&, const WorkerAcquisitions&) = default;
};

struct Fairness {
  std::uint32_t workers = 0;  // n: the workers counted (those that attempted)
  std::optional<double> jain;  // (Σx)² / (n·Σx²), in [1/n, 1]
  std::uint64_t max = 0;
  std::uint64_t min = 0;
  std::uint32_t max_worker = 0;  // id of a worker with `max` (lowest id on a tie)
  std::uint32_t min_worker = 0;  // id of a worker with `min`
  std::optional<double> max_over_min;  // nullopt when min == 0 (infinite) or n == 0
};

[[nodiscard]] Fairness fairness(std::span<const WorkerAcquisitions> workers);

}  // namespace lockscope::traces
