// FrameMarks: what one frame draws of every worker and line lane, computed
// before any painting, on several threads when the timeline is large.
//
// Finding the marks (TimelineModel::visible and line_lane_marks) is most of
// a frame of a large timeline: at 100 M events, 96 lanes each fold or walk
// thousands of buckets or events. Lanes are independent and the model is
// only read, so threads take lanes from a shared counter; painting stays on
// the caller's thread (QPainter is not thread-safe). Small timelines stay on
// one thread: starting a thread costs more than their whole frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_state.hpp"

namespace lockscope::gui {

struct LaneMarks {
  std::vector<Mark> marks;       // worker lanes: spans; line lanes: transfers (if shown)
  std::vector<LineMark> states;  // line lanes: the MESI band
  std::vector<Mark> scratch;     // line lanes: the band as folded, before it became `states`
};

// With `threads` 0, timelines with at least this many events use more than one thread.
inline constexpr std::uint64_t kParallelFrameEvents = std::uint64_t{1} << 20;

// The marks of lanes [0, lanes) between t0 and t1 across `pixels` columns;
// store-buffer lanes are left empty (they draw StoreBufferLanes::marks).
// `threads` 0: one for small timelines, else as many as the machine has, at most four.
[[nodiscard]] std::vector<LaneMarks> frame_marks(const TimelineModel& model, double t0, double t1, double pixels,
                                                 const ViewState& state, std::size_t lanes, unsigned threads = 0);
// The same into out[0, lanes), whose vectors keep their capacity: a
// painter that keeps `out` from frame to frame puts its marks in memory it
// already has once it has grown (at 100 M events a frame's fresh vectors,
// 10 MB, doubled the first frame of each view, and a tenth of the others,
// as their pages were faulted in). `out` never shrinks: one buffer serves
// timelines of different lane counts (the compare view paints two) without
// giving up what was grown for the larger.
void frame_marks(const TimelineModel& model, double t0, double t1, double pixels, const ViewState& state,
                 std::size_t lanes, std::vector<LaneMarks>& out, unsigned threads = 0);

// The most a frame of `pixels` columns puts in a lane's vectors: folded or
// exact, at most two marks a column (a wide span and a run of narrow ones
// after it), and never more than what the marks stand for: `marks` holds a
// worker's spans or a line's transfers, `states` and `scratch` a line's
// state segments (about two per transfer, and upgrades).
struct MostLaneMarks {
  std::size_t marks = 0;
  std::size_t states = 0;  // line lanes only
};
[[nodiscard]] MostLaneMarks most_lane_marks(const TimelineModel& model, std::size_t lane, double pixels);

// Grows `out` (never shrinking it) for frames of `pixels` columns over
// lanes [0, lanes) and writes the memory once, so that its pages are in before any frame: the
// densest lanes first, at most `budget` bytes in all (a timeline of
// thousands of lanes leaves the rest to grow as frames need it).
void prepare_frame_marks(const TimelineModel& model, double pixels, std::size_t lanes, std::vector<LaneMarks>& out,
                         std::size_t budget);

}  // namespace lockscope::gui
