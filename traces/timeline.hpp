// Timeline: what *happened* in one run — who read, who waited, who wrote,
// and which cacheline moved from which core to which — in simulated (or,
// for bench recordings, measured) time. Replay writes it; the GUI, the
// statistics and the exporters (Perfetto JSON, Pajé, CSV) read it. The file
// form is specified in docs/timeline-format.md.
//
// Times are integer picoseconds from the start of the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lockscope::traces {

enum class WorkerState : std::uint8_t {
  running,        // outside any lock (thinking, moving, managing contexts)
  reading,        // holds the read lock
  waiting_read,   // in rdlock, not yet asleep (spinning, fetching lines, on the list mutex)
  queued_read,    // asleep in the reader queue (QEMU's CoQueue) until wrunlock
  waiting_write,  // in wrlock: behind another writer, or spinning where the lock does not say for what
  draining,       // in wrlock, waiting for the readers inside to leave (a Waiter: the flag up, or
                  // down while graph-qemu's writer polls)
  writing,        // holds the write lock
};
inline constexpr int kWorkerStateCount = 7;
const char* to_string(WorkerState s);

enum class TransferKind : std::uint8_t { read_share, ownership, invalidation, fill };
inline constexpr int kTransferKindCount = 4;
const char* to_string(TransferKind k);

// Span::lock when a span is about no particular lock (running).
inline constexpr std::uint32_t kNoLock = 0xffffffffU;

struct Span {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  WorkerState state = WorkerState::running;
  // The lock the state is about (index into Timeline::locks): the one being
  // waited for, read or written. A worker holding several locks shows its
  // latest change. kNoLock for `running`; in files before version 3 every
  // other span is on lock 0 (the one lock, named after `lock`).
  std::uint32_t lock = kNoLock;
  friend bool operator==(const Span&, const Span&) = default;
};

struct LineTransfer {
  std::uint64_t start = 0;  // the line starts moving
  std::uint64_t end = 0;    // it arrives
  std::uint32_t line = 0;   // index into Timeline::lines
  std::int32_t from = -1;   // core, or -1 for memory
  std::uint32_t to = 0;     // core
  TransferKind kind = TransferKind::fill;
  friend bool operator==(const LineTransfer&, const LineTransfer&) = default;
};

// A core's copy of a line becoming Modified without a transfer that says
// so: a store hitting its Exclusive copy, a store by the last sharer, or the
// end of a store that filled the line from memory or invalidated the other
// sharers. With the transfers, these make each core's MESI state of each
// line exact at any time (docs/timeline-format.md, "Line states").
struct LineUpgrade {
  std::uint64_t time = 0;
  std::uint32_t line = 0;  // index into Timeline::lines
  std::uint32_t core = 0;
  friend bool operator==(const LineUpgrade&, const LineUpgrade&) = default;
};

// One store that waited in a core's store buffer (a simulated run in the
// tso memory model): put there when its core executed it, visible to the
// other cores when the buffer drained it and its line arrived. Until then
// only its own core sees the value (forwarding). docs/memory-ordering.md.
inline constexpr std::uint64_t kNeverVisible = ~std::uint64_t{0};
struct BufferedStoreRecord {
  std::uint64_t stored = 0;                  // entered the buffer
  std::uint64_t visible = kNeverVisible;     // drained (kNeverVisible: still buffered when the run ended)
  std::uint32_t core = 0;
  std::uint32_t line = 0;                    // index into Timeline::lines
  std::uint64_t value = 0;                   // the stored bits (the platform's atomics are <= 64 bits)
  friend bool operator==(const BufferedStoreRecord&, const BufferedStoreRecord&) = default;
};

// Mutual exclusion broken: `entering` acquired `lock` at `time` while
// `inside` held it (a writer, if one was inside). A replay keeps the first
// kMaxViolations.
struct ExclusionViolation {
  static constexpr std::size_t kMaxViolations = 1000;
  std::uint64_t time = 0;
  std::uint32_t lock = 0;      // index into Timeline::locks
  std::uint32_t entering = 0;  // worker index
  std::uint32_t inside = 0;    // worker index
  friend bool operator==(const ExclusionViolation&, const ExclusionViolation&) = default;
};

struct CounterSample {
  std::uint64_t time = 0;
  std::int64_t value = 0;
  friend bool operator==(const CounterSample&, const CounterSample&) = default;
};

struct TimelineWorker {
  std::string name;        // "worker 3 (ctx 1)"
  std::uint32_t core = 0;
  std::vector<Span> spans;  // sorted by start, non-overlapping, gap-free from first to last
  friend bool operator==(const TimelineWorker&, const TimelineWorker&) = default;
};

struct TimelineLine {
  std::string name;  // "graph.ctx[3].readers"; "a + b" when two variables share the line
  friend bool operator==(const TimelineLine&, const TimelineLine&) = default;
};

struct TimelineLock {
  std::string name;  // "graph" for a replay of one lock; "cache_lock (rwlock)" for a recording
  friend bool operator==(const TimelineLock&, const TimelineLock&) = default;
};

// Where a timeline's times come from. A measured run (a recorded program,
// a bench run) has no cacheline data: nothing measured it.
enum class TimelineSource : std::uint8_t { simulated, measured };

struct TimelineCounter {
  std::string name;  // "readers_inside", "queued_readers", "writers_waiting"
  std::vector<CounterSample> samples;  // sorted by time; the value holds until the next sample
  friend bool operator==(const TimelineCounter&, const TimelineCounter&) = default;
};

// Records that a counter is `value` from `time` on, for callers that fold
// time-ordered steps into samples: steps at one time give one sample, the
// value after the last of them (the count at that time).
inline void set_counter_at(std::vector<CounterSample>& samples, std::uint64_t time, std::int64_t value) {
  if (!samples.empty() && samples.back().time == time) {
    samples.back().value = value;
  } else {
    samples.push_back({time, value});
  }
}

struct Timeline {
  static constexpr std::uint32_t kFormatVersion = 3;
  static constexpr std::uint32_t kOldestFormatVersion = 1;  // read too (it has no upgrades)

  // What ran: free-form but stable strings, shown by tools.
  std::string lock;     // "graph"
  std::string machine;  // "epyc-64"
  std::uint32_t cores = 0;
  std::uint64_t seed = 0;
  std::string origin;   // the trace or scenario
  std::uint64_t end_time = 0;  // the run's simulated length
  TimelineSource source = TimelineSource::simulated;  // version 3 on

  std::vector<TimelineWorker> workers;
  std::vector<TimelineLine> lines;
  std::vector<LineTransfer> transfers;  // sorted by start
  std::vector<TimelineCounter> counters;
  std::vector<LineUpgrade> upgrades;  // sorted by time (version 2 on)
  // The locks spans name (version 3 on; older files read as one lock named
  // after `lock`).
  std::vector<TimelineLock> locks;
  // Optional sections (any version 3 file may hold them; older readers skip
  // them): the stores of a tso run's store buffers, sorted by `stored`, and
  // the mutual-exclusion violations, sorted by time.
  std::vector<BufferedStoreRecord> buffered_stores;
  std::vector<ExclusionViolation> violations;

  [[nodiscard]] std::uint64_t event_count() const;  // spans + transfers + samples + buffered stores
  friend bool operator==(const Timeline&, const Timeline&) = default;
};

// The name of the lock a span is about, for exporters and views: empty when
// the span is about no lock (kNoLock, an index past `locks`, an empty name)
// or when the lock is named like the timeline itself (`locks` = {"graph"}
// in a replay of graph, and every file before version 3), where naming it
// on every span would say nothing new.
[[nodiscard]] std::string_view span_lock_label(const Timeline& t, const Span& span);

}  // namespace lockscope::traces
