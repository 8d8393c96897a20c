// shared_axis: two timelines on one time axis (the compare view). Simulated
// runs all start at t = 0, so the axis runs from 0 to the later end, and one
// ViewTransform serves both halves: a time has the same x in each.
#pragma once

#include <algorithm>
#include <cstdint>

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_transform.hpp"

namespace lockscope::gui {

[[nodiscard]] inline std::uint64_t shared_end(const TimelineModel& a, const TimelineModel& b) {
  return std::max(a.end_time(), b.end_time());
}

// Fits both runs (the longer one fills the width).
[[nodiscard]] inline ViewTransform shared_fit(const TimelineModel& a, const TimelineModel& b, double width_px) {
  return ViewTransform::fit(0, shared_end(a, b), width_px);
}

}  // namespace lockscope::gui
