// Store-buffer lanes (a tso run): one per core, each buffered store a bar
// in its line's color from when the core executed it to when other cores
// could see it, labelled `line = value` where it fits. A bar that is still
// there at the right edge of the run never drained (a deadlocked run).
#pragma once

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_transform.hpp"
#include "gui/render/layout.hpp"

class QPainter;

namespace lockscope::gui {

class RectFiller;

// Paints model lane `lane` (LaneKind::store_buffer) into its geometry;
// `labels_left` is the frame's remaining budget of text labels.
void paint_store_buffer_lane(QPainter& p, RectFiller& fill, const TimelineModel& model, std::size_t lane,
                             const ViewTransform& view, const QRect& data, const LaneGeometry& g, int& labels_left);

// "graph.ctx[3].readers = 1": what a buffered store holds.
[[nodiscard]] QString store_text(const TimelineModel& model, std::size_t store);

// The store-buffer lane row under y, for hit-testing.
[[nodiscard]] std::uint32_t store_row_at(const TimelineModel& model, std::size_t lane, const LaneGeometry& g, int y);

}  // namespace lockscope::gui
