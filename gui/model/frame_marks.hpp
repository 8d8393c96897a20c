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
};

// With `threads` 0, timelines with at least this many events use more than one thread.
inline constexpr std::uint64_t kParallelFrameEvents = std::uint64_t{1} << 20;

// The marks of lanes [0, lanes) between t0 and t1 across `pixels` columns;
// store-buffer lanes are left empty (they draw StoreBufferLanes::marks).
// `threads` 0: one for small timelines, else as many as the machine has, at most four.
[[nodiscard]] std::vector<LaneMarks> frame_marks(const TimelineModel& model, double t0, double t1, double pixels,
                                                 const ViewState& state, std::size_t lanes, unsigned threads = 0);

}  // namespace lockscope::gui
