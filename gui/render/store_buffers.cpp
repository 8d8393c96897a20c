#include "gui/render/store_buffers.hpp"

#include <QPainter>
#include <algorithm>
#include <cmath>
#include <optional>

#include "gui/render/colors.hpp"
#include "gui/render/rect_filler.hpp"

namespace lockscope::gui {

QString store_text(const TimelineModel& model, std::size_t store) {
  const auto& tl = model.timeline();
  const auto& s = tl.buffered_stores[store];
  const QString line = s.line < tl.lines.size() ? QString::fromStdString(tl.lines[s.line].name) : QStringLiteral("?");
  // The atomics are integers: a negative one reads better signed.
  const auto value = static_cast<std::int64_t>(s.value);
  return QStringLiteral("%1 = %2").arg(line, value < 0 ? QString::number(value) : QString::number(s.value));
}

std::uint32_t store_row_at(const TimelineModel& model, std::size_t lane, const LaneGeometry& g, int y) {
  const std::uint32_t rows = model.store_buffers().rows(model.lanes()[lane].index);
  const int h = std::max(1, g.height - 1);
  const int row = (y - g.top) * static_cast<int>(rows) / h;
  return static_cast<std::uint32_t>(std::clamp(row, 0, static_cast<int>(rows) - 1));
}

void paint_store_buffer_lane(QPainter& p, RectFiller& fill, const TimelineModel& model, std::size_t lane,
                             const ViewTransform& view, const QRect& data, const LaneGeometry& g, int& labels_left) {
  const StoreBufferLanes& sb = model.store_buffers();
  const std::size_t index = model.lanes()[lane].index;
  // Through the RectFiller: QPainter::fillRect of a lane-wide rectangle costs
  // tens of microseconds, and a tso run has a lane per core.
  fill.fill(data.left(), g.top, data.width(), g.height - 1, qRgb(0xf6, 0xf3, 0xea));
  const std::uint32_t rows = sb.rows(index);
  const int row_h = std::max(1, (g.height - 1) / static_cast<int>(rows));
  std::optional<QFontMetrics> fm;  // built for the first label that may fit: it costs
  std::uint32_t last_line = ~std::uint32_t{0};
  QRgb last_rgb = 0;
  for (const StoreMark& m : sb.marks(index, view.t0(), view.t1(), view.width())) {
    const double a = std::clamp(view.to_px(static_cast<double>(m.start)), -1.0, view.width() + 1);
    const double b = std::clamp(view.to_px(static_cast<double>(m.end)), -1.0, view.width() + 1);
    const int x0 = data.left() + static_cast<int>(std::floor(a));
    const int x1 = std::max(x0 + 1, data.left() + static_cast<int>(std::floor(b)));
    const bool all = m.row == StoreMark::kAllRows;
    const int top = all ? g.top : g.top + static_cast<int>(m.row) * row_h;
    const int h = all ? std::max(1, g.height - 2) : std::max(1, row_h - (row_h > 3 ? 1 : 0));
    // A lane's stores are mostly to the same few lines (its context's
    // counter): line_color's HSV conversion is paid once per change.
    const std::uint32_t line = m.line;
    if (line != last_line) {
      last_line = line;
      last_rgb = line_color(line).rgb();
    }
    fill.fill(x0, top, x1 - x0, h, last_rgb);
    if (m.folded() || labels_left <= 0 || h < 7) continue;
    const int visible = std::min(x1, data.right()) - std::max(x0, data.left());
    if (visible < 24) continue;  // no label fits: do not build one
    if (!fm) fm.emplace(p.font());
    const QString text = store_text(model, m.store);
    if (fm->horizontalAdvance(text) + 4 > visible) continue;
    p.setPen(Qt::white);
    p.drawText(QRect(std::max(x0, data.left()) + 2, top, visible - 2, h), Qt::AlignVCenter | Qt::AlignLeft, text);
    --labels_left;
  }
}

}  // namespace lockscope::gui
