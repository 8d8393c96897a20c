// Where to open a timeline on a mutual-exclusion violation: the time range
// that shows both workers' critical sections around it and the stores their
// cores still held in their store buffers then, with a margin on each side.
#pragma once

#include <cstddef>

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_state.hpp"

namespace lockscope::gui {

// For TimelineModel::violations()[i]; the whole run if there is no such
// violation.
[[nodiscard]] TimeRange violation_window(const TimelineModel& model, std::size_t i);

// Opens `state` on violation i: its two workers highlighted. Returns the
// window to show (violation_window).
TimeRange open_on_violation(const TimelineModel& model, std::size_t i, ViewState& state);

}  // namespace lockscope::gui
