// ViewState: what the user chose to see, apart from the time window
// (ViewTransform): the lines whose transfers are shown and the selected time
// range. Plain C++ (no Qt), so that the widget, --screenshot and the tests
// share it and the painter reads it instead of hard-wiring a choice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "gui/model/view_transform.hpp"

namespace lockscope::gui {

struct TimeRange {
  std::uint64_t t0 = 0;  // picoseconds, t0 <= t1
  std::uint64_t t1 = 0;
  [[nodiscard]] std::uint64_t duration() const { return t1 - t0; }
  friend bool operator==(const TimeRange&, const TimeRange&) = default;
};

struct ViewState {
  // Per line (Timeline::lines index): selected by the user. With
  // `only_selected`, transfers (ticks and arrows) of other lines are hidden.
  std::vector<bool> selected_lines;
  bool only_selected = false;
  std::optional<TimeRange> selection;
  // Workers drawn highlighted: the two inside together at the violation the
  // view was opened on (TimelineModel::violations), none otherwise.
  std::vector<std::uint32_t> highlighted_workers;

  [[nodiscard]] bool is_selected(std::uint32_t line) const {
    return line < selected_lines.size() && selected_lines[line];
  }
  [[nodiscard]] bool is_highlighted(std::uint32_t worker) const {
    for (const std::uint32_t w : highlighted_workers) {
      if (w == worker) return true;
    }
    return false;
  }
  [[nodiscard]] bool shows_transfers(std::uint32_t line) const { return !only_selected || is_selected(line); }
  void toggle_line(std::uint32_t line, std::size_t line_count) {
    if (selected_lines.size() < line_count) selected_lines.resize(line_count, false);
    if (line < selected_lines.size()) selected_lines[line] = !selected_lines[line];
  }
};

// The time range between two x offsets of the data area (in either order),
// clamped to [0, end]; nothing if it is empty after clamping.
[[nodiscard]] inline std::optional<TimeRange> range_between(const ViewTransform& view, double x0, double x1,
                                                            std::uint64_t end) {
  if (x1 < x0) std::swap(x0, x1);
  const auto clamp = [end](double t) -> std::uint64_t {
    if (!(t > 0)) return 0;
    if (t >= static_cast<double>(end)) return end;
    return static_cast<std::uint64_t>(t + 0.5);
  };
  const TimeRange r{clamp(view.to_time(x0)), clamp(view.to_time(x1))};
  if (r.t1 <= r.t0) return std::nullopt;
  return r;
}

}  // namespace lockscope::gui
