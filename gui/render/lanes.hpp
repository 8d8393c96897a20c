// Lane painting: worker spans, cacheline transfer ticks, transfer arrows
// from the source core's lanes to the destination's, and the lane labels.
#pragma once

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_transform.hpp"
#include "gui/render/layout.hpp"

class QPainter;

namespace lockscope::gui {

// Arrows are drawn only when every transfer in view is its own mark and
// there are at most this many; denser views show ticks alone.
inline constexpr std::size_t kMaxArrows = 1500;

void paint_lanes(QPainter& p, const TimelineModel& model, const ViewTransform& view, const Layout& layout);
void paint_labels(QPainter& p, const TimelineModel& model, const Layout& layout);

}  // namespace lockscope::gui
