#include "gui/render/layout.hpp"

#include <algorithm>

namespace lockscope::gui {

Layout::Layout(const TimelineModel& model, QSize size) {
  const int w = std::max(size.width(), kLabelWidth + 10);
  const int h = std::max(size.height(), kRulerHeight + kLegendHeight + 10);
  ruler = QRect(kLabelWidth, 0, w - kLabelWidth, kRulerHeight);
  legend = QRect(0, h - kLegendHeight, w, kLegendHeight);
  data = QRect(kLabelWidth, kRulerHeight, w - kLabelWidth, h - kRulerHeight - kLegendHeight);

  const auto& all = model.lanes();
  int workers = 0;
  int lines = 0;
  int core_gaps = 0;
  // A measured run's threads are not grouped by core (TimelineModel): no gaps.
  const bool by_core = !model.measured();
  const auto new_core = [&](std::size_t i) { return by_core && i > 0 && all[i - 1].core != all[i].core; };
  int buffers = 0;
  // A store-buffer lane whose stores overlap (rows) is twice as tall as a
  // worker lane, so that its rows can still carry labels.
  const auto buffer_units = [&](std::size_t i) { return model.store_buffers().rows(all[i].index) > 1 ? 2 : 1; };
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].kind == LaneKind::worker) {
      ++workers;
      if (new_core(i)) ++core_gaps;
    } else if (all[i].kind == LaneKind::store_buffer) {
      buffers += buffer_units(i);
    } else {
      ++lines;
    }
  }
  constexpr int kCoreGap = 2;
  constexpr int kSectionGap = 10;
  // A line lane is twice a worker lane's height (its ticks carry the story),
  // unless there are so many lines that the workers would be squeezed.
  const int line_units = 2 * lines <= workers ? 2 : 1;
  const int units = workers + buffers + line_units * lines;
  const int avail =
      data.height() - 4 - core_gaps * kCoreGap - (lines > 0 ? kSectionGap : 0) - (buffers > 0 ? kSectionGap : 0);
  // Without line lanes (a measured run) a few threads may take taller lanes.
  const int max_unit = lines > 0 ? 16 : 28;
  const int unit = units > 0 ? std::clamp(avail / units, 2, max_unit) : max_unit;
  int y = data.top() + 2;
  core_span_.assign(model.timeline().cores + 1, {1, 0});
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].kind == LaneKind::worker) {
      if (new_core(i)) y += kCoreGap;
      lanes.push_back({y, unit});
      if (all[i].core < core_span_.size()) {
        auto& cs = core_span_[all[i].core];
        if (cs.first > cs.second) cs.first = y;
        cs.second = y + unit;
      }
      y += unit;
    } else if (all[i].kind == LaneKind::store_buffer) {
      if (i > 0 && all[i - 1].kind == LaneKind::worker) y += kSectionGap;
      lanes.push_back({y, buffer_units(i) * unit});
      y += buffer_units(i) * unit;
    } else {
      if (i > 0 && all[i - 1].kind != LaneKind::line) y += kSectionGap;
      lanes.push_back({y, line_units * unit});
      y += line_units * unit;
    }
  }
}

std::optional<std::size_t> Layout::lane_at(int y) const {
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    if (y >= lanes[i].top && y < lanes[i].top + lanes[i].height) return i;
  }
  return std::nullopt;
}

std::optional<int> Layout::core_y(std::uint32_t core) const {
  if (core >= core_span_.size()) return std::nullopt;
  const auto& cs = core_span_[core];
  if (cs.first > cs.second) return std::nullopt;
  return (cs.first + cs.second) / 2;
}

}  // namespace lockscope::gui
