// Lane painting: worker spans; per cacheline lane, the line's MESI state
// band (owner core labelled where it fits) above a strip of transfer ticks;
// transfer arrows from the source core's lanes to the destination's, in the
// line's color; the selected time range. The lane labels are in
// lane_labels.hpp.
#pragma once

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_state.hpp"
#include "gui/model/view_transform.hpp"
#include "gui/render/layout.hpp"

class QPainter;

namespace lockscope::gui {

// Arrows are drawn only when every transfer in view is its own mark and
// there are at most this many; denser views show ticks alone.
// Lines hidden by the ViewState's filter count for neither.
inline constexpr std::size_t kMaxArrows = 1500;
// Arrows are antialiased when there are at most this many.
inline constexpr std::size_t kMaxSmoothArrows = 300;
// State labels drawn per frame at most (text is the costly part of a frame).
inline constexpr int kMaxStateLabels = 600;

void paint_lanes(QPainter& p, const TimelineModel& model, const ViewTransform& view, const Layout& layout,
                 const ViewState& state);
// Before the first frame of a model at this layout (prepare_frame_caches):
// paint_lanes keeps its marks from frame to frame, per painting thread;
// this grows them to what any frame of the layout's width can need, so that
// a frame at a new zoom does not fault fresh pages in (3-4 ms at 100 M
// events), up to kPreparedMarkBytes.
void prepare_lanes(const TimelineModel& model, const Layout& layout);
inline constexpr std::size_t kPreparedMarkBytes = std::size_t{48} << 20;
// The selected range: a translucent band over the lanes and its duration on the ruler.
void paint_selection(QPainter& p, const Layout& layout, const ViewTransform& view, const ViewState& state);

}  // namespace lockscope::gui
