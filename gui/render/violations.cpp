#include "gui/render/violations.hpp"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace lockscope::gui {
namespace {

const QColor kViolation(0xd0, 0x10, 0x20);

}  // namespace

void paint_violations(QPainter& p, const TimelineModel& model, const ViewTransform& view, const Layout& layout,
                      const ViewState& state) {
  const auto& vs = model.violations();
  const QRect& data = layout.data;
  const auto& lanes = model.lanes();
  p.save();
  p.setClipRect(data.united(layout.ruler));
  // The highlighted workers: a red frame around each of their lanes, and
  // around their critical sections, so the two inside together stand out.
  for (std::size_t i = 0; i < lanes.size() && i < layout.lanes.size(); ++i) {
    if (lanes[i].kind != LaneKind::worker || !state.is_highlighted(lanes[i].index)) continue;
    const LaneGeometry& g = layout.lanes[i];
    QColor wash = kViolation;
    wash.setAlpha(28);
    p.fillRect(QRect(data.left(), g.top, data.width(), g.height - 1), wash);
    p.setPen(QPen(kViolation, 1));
    p.setBrush(Qt::NoBrush);
    for (const Mark& m : model.visible(i, view.t0(), view.t1(), view.width())) {
      if (m.folded() || (m.state != WorkerState::reading && m.state != WorkerState::writing)) continue;
      const double a = std::clamp(view.to_px(static_cast<double>(m.start)), -2.0, view.width() + 2);
      const double b = std::clamp(view.to_px(static_cast<double>(m.end)), -2.0, view.width() + 2);
      const int x0 = data.left() + static_cast<int>(std::floor(a));
      const int x1 = std::max(x0 + 2, data.left() + static_cast<int>(std::floor(b)));
      p.drawRect(QRect(x0, g.top, x1 - x0 - 1, std::max(1, g.height - 2)));
    }
  }
  // Each violation in view: a line across the lanes and a mark on the ruler.
  const double lo = view.t0();
  const double hi = view.t1();
  auto it = std::partition_point(vs.begin(), vs.end(),
                                 [lo](const traces::ExclusionViolation& v) { return static_cast<double>(v.time) < lo; });
  p.setPen(QPen(kViolation, 1, Qt::DashLine));
  std::size_t drawn = 0;
  QFont font = p.font();
  font.setPixelSize(10);
  font.setBold(true);
  p.setFont(font);
  for (; it != vs.end() && static_cast<double>(it->time) <= hi && drawn < kMaxViolationLines; ++it, ++drawn) {
    const int x = data.left() + static_cast<int>(std::lround(view.to_px(static_cast<double>(it->time))));
    p.setPen(QPen(kViolation, 1, Qt::DashLine));
    p.drawLine(x, data.top(), x, data.bottom());
    p.setPen(kViolation);
    const QRect tag(x - 5, layout.ruler.top() + 2, 10, layout.ruler.height() - 4);
    p.fillRect(tag, kViolation);
    p.setPen(Qt::white);
    p.drawText(tag, Qt::AlignCenter, QStringLiteral("!"));
  }
  p.restore();
}

}  // namespace lockscope::gui
