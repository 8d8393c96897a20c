// Layout: where the ruler, the lane labels, each lane and the legend sit in
// a widget or image of a given size. Lanes share the height left over, with
// a small gap between cores and a larger one before the store-buffer lanes
// (a tso run) and before the cacheline lanes.
#pragma once

#include <QRect>
#include <QSize>
#include <optional>
#include <vector>

#include "gui/model/timeline_model.hpp"

namespace lockscope::gui {

struct LaneGeometry {
  int top = 0;
  int height = 0;
  [[nodiscard]] int center() const { return top + height / 2; }
};

struct Layout {
  static constexpr int kLabelWidth = 190;
  static constexpr int kRulerHeight = 24;
  static constexpr int kLegendHeight = 22;

  Layout(const TimelineModel& model, QSize size);

  QRect ruler;   // above the data area, same x range
  QRect data;    // lanes, without labels
  QRect legend;  // bottom strip
  std::vector<LaneGeometry> lanes;

  [[nodiscard]] std::optional<std::size_t> lane_at(int y) const;
  // The y of a core's workers (the middle of its lane group), if it has any.
  [[nodiscard]] std::optional<int> core_y(std::uint32_t core) const;

 private:
  std::vector<std::pair<int, int>> core_span_;  // [core] -> (top, bottom), top > bottom when none
};

}  // namespace lockscope::gui
