// Mutual-exclusion violations: a red line across the lanes at each one in
// view (with a mark on the ruler), and the workers of the one the view was
// opened on (ViewState::highlighted_workers) outlined in red where they are
// inside together.
#pragma once

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_state.hpp"
#include "gui/model/view_transform.hpp"
#include "gui/render/layout.hpp"

class QPainter;

namespace lockscope::gui {

// Violation lines drawn per frame at most; denser runs show the first ones.
inline constexpr std::size_t kMaxViolationLines = 200;

void paint_violations(QPainter& p, const TimelineModel& model, const ViewTransform& view, const Layout& layout,
                      const ViewState& state);

}  // namespace lockscope::gui
