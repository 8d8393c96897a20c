// TimelineModel: a loaded traces::Timeline indexed for drawing at any zoom.
// Plain C++ (no Qt): the widget, the headless renderer and the tests share it.
//
// Lanes: one per worker, ordered by core (so a core's workers are adjacent),
// then one per cacheline. A measured run (a recorded program: one worker per
// thread, no cacheline data) keeps its threads in their recorded order: its
// cores are not CPUs the threads ran on, so grouping by them would mislead. Each lane keeps its events time-sorted and a
// level-of-detail pyramid: level 0 has up to kBaseBuckets buckets of equal
// width over [0, end_time); level k+1 merges pairs of level k. A worker
// bucket holds the time spent in each state and the number of spans that
// start in it; a line bucket the number of transfers that start in it.
// Dense lanes also get finer levels below level 0 (FinePyramid), sized so a
// view folds wherever a pixel holds more than two events, within a memory
// budget per event shared by all lanes.
// visible() answers with marks for one frame: spans wider than a pixel are
// returned as they are, and runs of narrower events are folded into one mark
// per pixel column carrying their count and dominant state.
//
// Line lanes also carry the line's MESI story (line_states): replaying the
// line's transfers and upgrades (traces::LineUpgrade) gives every core's
// state of the line at any time, summarized per lane as one segment per
// change: Modified or Exclusive on one core, Shared by n cores, moving (a
// fill, share or ownership transfer in flight and no core holding it) or
// Invalid everywhere. The source side of a transfer changes at its start
// (an ownership's source drops to I, a read_share's owner to S), the
// destination at its end; an invalidation takes effect at its end. A
// version 1 file has no upgrades, so there a store's M shows as E until
// the next transfer says otherwise.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gui/model/fine_pyramid.hpp"
#include "gui/model/store_buffer_lanes.hpp"
#include "traces/timeline.hpp"

namespace lockscope::gui {

using traces::WorkerState;
inline constexpr int kStateCount = traces::kWorkerStateCount;

// Worker lanes, then (a tso run) one store-buffer lane per core that
// buffered stores, then the line lanes.
enum class LaneKind : std::uint8_t { worker, line, store_buffer };

struct Lane {
  LaneKind kind = LaneKind::worker;
  std::uint32_t index = 0;  // into Timeline::workers or Timeline::lines; a store-buffer lane's StoreBufferLanes lane
  std::uint32_t core = 0;   // worker and store-buffer lanes
  std::string label;
};

// One thing to draw in a lane. For worker lanes `state` is the span's state
// (or the dominant one of a folded run); for line lanes `transfer` is the
// index into Timeline::transfers of the first transfer in the mark.
struct Mark {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::uint32_t count = 1;  // events folded into this mark
  WorkerState state = WorkerState::running;
  std::size_t transfer = 0;
  [[nodiscard]] bool folded() const { return count > 1; }
};

enum class LineState : std::uint8_t { invalid, shared, exclusive, modified, moving };
inline constexpr int kLineStateCount = 5;
static_assert(kLineStateCount <= kStateCount, "line states share the pyramid's per-state slots");
[[nodiscard]] const char* to_string(LineState s);

// One change of a line's summarized state; it lasts until the next
// segment's start (or the end of the run).
struct LineSegment {
  std::uint64_t start = 0;
  std::uint32_t core = 0;     // M/E: the owner; S: the last core to join; moving: the destination
  std::uint32_t holders = 0;  // cores holding a copy (S: the sharers)
  LineState state = LineState::invalid;
};

// A line-state mark to draw: one segment, or sub-pixel segments folded into
// one pixel column (count > 1) showing the state that lasted longest.
struct LineMark {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::uint32_t count = 1;
  LineState state = LineState::invalid;
  std::uint32_t core = 0;
  std::uint32_t holders = 0;
  [[nodiscard]] bool folded() const { return count > 1; }
};

class TimelineModel {
 public:
  static constexpr std::size_t kBaseBuckets = 1U << 14;

  explicit TimelineModel(traces::Timeline timeline);
  // The store-buffer index points into the timeline it holds.
  TimelineModel(const TimelineModel&) = delete;
  TimelineModel& operator=(const TimelineModel&) = delete;

  [[nodiscard]] const traces::Timeline& timeline() const { return timeline_; }
  // A recorded (measured) run rather than a simulated one.
  [[nodiscard]] bool measured() const { return timeline_.source == traces::TimelineSource::measured; }
  // Whether tooltips, details and the statistics name a span's lock: a
  // measured run always does, a simulated run only with several locks (a
  // one-lock replay shows what it always showed).
  [[nodiscard]] bool names_locks() const { return measured() || timeline_.locks.size() > 1; }
  // The name of a span's lock (Span::lock); nullptr for kNoLock or an index
  // past Timeline::locks.
  [[nodiscard]] const std::string* lock_name(std::uint32_t lock) const {
    return lock < timeline_.locks.size() ? &timeline_.locks[lock].name : nullptr;
  }
  [[nodiscard]] const std::vector<Lane>& lanes() const { return lanes_; }
  [[nodiscard]] std::uint64_t end_time() const { return end_; }
  [[nodiscard]] std::uint64_t bucket_width() const { return bucket_width_; }
  [[nodiscard]] std::size_t level_count(std::size_t lane) const { return pyramids_[lane].levels.size(); }
  // The width of the finest folded level of a lane: its fine pyramid's base
  // (FinePyramid) if the lane is dense enough to have one, else bucket_width().
  // Views with fewer picoseconds per pixel draw the lane's events one by one.
  [[nodiscard]] std::uint64_t finest_width(std::size_t lane) const {
    return fine_[lane].empty() ? bucket_width_ : fine_[lane].width(0);
  }
  // Bytes of every lane's level-of-detail buckets (both pyramids).
  [[nodiscard]] std::size_t index_bytes() const;
  // Events (spans or transfers) in a lane.
  [[nodiscard]] std::size_t event_count(std::size_t lane) const;
  // Transfers of one line, as indices into Timeline::transfers, by start.
  [[nodiscard]] const std::vector<std::size_t>& line_transfers(std::uint32_t line) const {
    return line_transfers_[line];
  }

  // What to draw of `lane` between t0 and t1 across `pixels` columns.
  [[nodiscard]] std::vector<Mark> visible(std::size_t lane, double t0, double t1, double pixels) const;
  // The same into `out` (cleared first; its capacity is reused). A frame
  // that keeps its vectors from frame to frame allocates nothing once they
  // have grown: at 100 M events a frame's fresh vectors (10 MB) doubled the
  // first frame of each view as their pages were faulted in.
  void visible(std::size_t lane, double t0, double t1, double pixels, std::vector<Mark>& out) const;

  // A tso run's buffered stores, by core (LaneKind::store_buffer lanes).
  [[nodiscard]] const StoreBufferLanes& store_buffers() const { return store_buffers_; }
  // The mutual-exclusion violations, by time (Timeline::violations).
  [[nodiscard]] const std::vector<traces::ExclusionViolation>& violations() const { return timeline_.violations; }

  // A line's state segments, by start (the first starts at 0).
  [[nodiscard]] const std::vector<LineSegment>& line_segments(std::uint32_t line) const {
    return line_segments_[line];
  }
  // The end of segment i of a line.
  [[nodiscard]] std::uint64_t segment_end(std::uint32_t line, std::size_t i) const {
    const auto& s = line_segments_[line];
    return i + 1 < s.size() ? s[i + 1].start : end_;
  }
  // The line-state marks of a line lane between t0 and t1 across `pixels`
  // columns, folded per pixel column as visible() folds spans.
  [[nodiscard]] std::vector<LineMark> line_states(std::size_t lane, double t0, double t1, double pixels) const;
  // A line lane's states and, with `transfers`, its transfer marks: what
  // line_states() and visible() answer, folded in one pass over the pyramid
  // when both fold.
  struct LineLaneMarks {
    std::vector<LineMark> states;
    std::vector<Mark> transfers;
  };
  [[nodiscard]] LineLaneMarks line_lane_marks(std::size_t lane, double t0, double t1, double pixels,
                                              bool transfers) const;
  // The same into `states` and, when not null, `transfers` (both cleared
  // first, their capacity reused); `scratch` holds the folded states
  // before they become LineMarks.
  void line_lane_marks(std::size_t lane, double t0, double t1, double pixels, std::vector<LineMark>& states,
                       std::vector<Mark>* transfers, std::vector<Mark>& scratch) const;
  // The segment of a line lane covering t.
  [[nodiscard]] const LineSegment* line_state_at(std::size_t lane, std::uint64_t t) const;
  // The lane showing a line.
  [[nodiscard]] std::optional<std::size_t> line_lane(std::uint32_t line) const;

  // The span of a worker lane covering t, if any.
  [[nodiscard]] const traces::Span* span_at(std::size_t lane, std::uint64_t t) const;
  // The transfer of a line lane whose start is nearest to t, within
  // `tolerance` ps; an index into Timeline::transfers.
  [[nodiscard]] std::optional<std::size_t> transfer_near(std::uint64_t t, std::size_t lane,
                                                         std::uint64_t tolerance) const;

  // The longest transfer (end - start), for hit-testing arrows.
  [[nodiscard]] std::uint64_t longest_transfer() const { return longest_transfer_; }

 private:
  struct Bucket {
    std::array<float, kStateCount> time{};  // ps per state (float: memory; only for dominance)
    std::uint32_t count = 0;                // events starting in the bucket
  };
  // Each bucket's dominant state (kNoTime: none), so that a pixel column
  // reading one bucket, the common case, need not compare its times.
  static constexpr std::uint8_t kNoTime = 0xff;
  struct Pyramid {
    std::vector<std::span<Bucket>> levels;  // into buckets_
    std::vector<std::vector<std::uint8_t>> dominant;  // per level, per bucket
  };
  void finish_pyramid(std::size_t lane);

  void build_worker_pyramid(std::size_t lane, const traces::TimelineWorker& worker);
  // Line lanes' transfers and upgrades, by line (line_transfers_); sizes
  // line_segments_.
  void group_lines(std::vector<std::vector<std::size_t>>& line_upgrades);
  void build_line_pyramid(std::size_t lane, const std::vector<std::size_t>& transfers);
  void build_line_segments(std::uint32_t line, const std::vector<std::size_t>& upgrades);
  // After every lane's pyramid and line segments: the dense lanes' FinePyramids.
  void build_fine_pyramids();
  // visible() for a view that does not fold, into `out` (empty).
  void exact(std::size_t lane, double t0, double t1, double ps_per_px, std::vector<Mark>& out) const;
  // Whether visible() folds a worker or line lane's events from the pyramid.
  [[nodiscard]] bool folds_events(std::size_t lane, double t0, double t1, double pixels) const;
  // One pyramid level as fold_columns() reads it (timeline_model.cpp).
  struct CoarseLevel;
  struct FineLevel;
  template <class Level>
  void fold_columns(const Level& level, std::uint64_t width, double t0, double t1, double ps_per_px,
                    std::vector<Mark>* by_time, std::vector<Mark>* by_count) const;
  // Marks per pixel column from the pyramid, into either or both: `by_time`
  // marks columns where time was spent (spans, line states), merging
  // neighbours of one state; `by_count` marks columns where events start.
  void fold(std::size_t lane, double t0, double t1, double ps_per_px, std::vector<Mark>* by_time,
            std::vector<Mark>* by_count) const;

  traces::Timeline timeline_;
  std::uint64_t end_ = 1;
  std::uint64_t bucket_width_ = 1;
  std::uint64_t longest_transfer_ = 0;
  std::vector<Lane> lanes_;
  std::size_t first_line_lane_ = 0;
  StoreBufferLanes store_buffers_;
  std::vector<std::vector<std::size_t>> line_transfers_;
  // Each line's transfers' times, in line_transfers_'s order: what a frame
  // reads of them, contiguous. Read through the indices, every transfer of
  // a line lane drawn exactly was a cache miss in the whole run's array
  // (a 10 M-event frame at 2-4x zoom spent most of `exact` there).
  struct TransferTimes {
    std::uint64_t start;
    std::uint64_t end;
  };
  std::vector<std::vector<TransferTimes>> line_times_;
  std::vector<std::vector<LineSegment>> line_segments_;
  std::vector<Pyramid> pyramids_;
  std::vector<FinePyramid> fine_;  // per lane; empty where the base is fine enough
  // Every pyramid's buckets in one block (about 1 MiB a lane, 100 MiB for
  // 96 lanes): a vector per level and lane faulted in page by page was most
  // of building the model on a VM.
  std::vector<Bucket> buckets_;
};

}  // namespace lockscope::gui
