// From what the interposer saw (a RawRecording) to the two things a user
// works with: a workload trace (version 2) that replays the program's work
// against any lock on any simulated machine, and a measured timeline of what
// its locks really did, for the GUI.
//
// Mapping, per thread (a worker in a context of its own):
// - the time between two lock calls is busy time: `hold` while the thread
//   holds at least one lock, `think` while it holds none. A thread blocked
//   on something else (I/O, a condition variable, a join) counts as busy
//   too: the recording cannot tell sleeping from working;
// - each acquisition keeps the wait the program observed (call to return);
// - a failed try or timed acquisition becomes `rdfail`/`wrfail` with the
//   time it waited;
// - a recursive read of an rwlock the thread already reads is folded into
//   the outermost acquisition (the interposer already folds recursive
//   mutexes), and so is its release;
// - a condition-variable wait releases the mutex at entry and re-takes it
//   at return (no observed wait: when it was signalled is unknown);
// - a release of a lock the thread does not hold (taken before recording
//   started, or by another thread) is dropped and counted; a lock still
//   held when the thread or the process ended is released there and
//   counted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/stats/latency_histogram.hpp"
#include "record/raw_recording.hpp"
#include "traces/timeline.hpp"
#include "traces/workload.hpp"

namespace lockscope::engine::record {

enum class NameLocksBy : std::uint8_t { symbol, callsite };

struct ConvertOptions {
  NameLocksBy name_by = NameLocksBy::symbol;
  std::string origin;   // the trace's origin comment
  std::string machine;  // for the timeline: where it ran ("this machine, 2 CPUs")
  std::uint32_t cpus = 0;
};

// One lock of the recording, as observed.
struct RecordedLock {
  std::string name;
  traces::LockKind kind = traces::LockKind::rwlock;
  std::uint64_t address = 0;
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;   // a mutex's acquisitions count here
  std::uint64_t failed = 0;   // failed try / timed acquisitions (those of a lock the thread held included)
  std::uint64_t contended = 0;  // acquisitions that waited at least 1 us
  stats::LatencySummary read_wait_ns;
  stats::LatencySummary write_wait_ns;
  stats::LatencySummary hold_ns;  // from acquired to released, every acquisition
};

struct RecordSummary {
  std::string program;
  std::vector<std::string> args;
  std::string end_reason;
  std::uint64_t duration_ns = 0;
  std::uint32_t threads = 0;
  std::uint64_t acquisitions = 0;
  std::vector<RecordedLock> locks;  // by trace lock id
  std::uint64_t recursive_folded = 0;   // recursive reads (and the interposer's recursive mutexes)
  std::uint64_t unmatched_releases = 0; // releases of locks the thread did not hold
  std::uint64_t released_at_end = 0;    // locks still held at the end, released there
  std::uint64_t cond_waits = 0;
};

struct Conversion {
  traces::WorkloadTrace trace;
  traces::Timeline timeline;
  RecordSummary summary;
};

[[nodiscard]] Conversion convert_recording(const lockscope::record::RawRecording& raw, const ConvertOptions& options);
// The same, freeing each thread's events as soon as they are converted (the
// recording keeps everything else: its locks, threads' names, how it ended).
[[nodiscard]] Conversion convert_recording(lockscope::record::RawRecording&& raw, const ConvertOptions& options);

// What the interposer cannot see, in the words the summary and the docs use.
extern const char* const kBlindSpot;

}  // namespace lockscope::engine::record
