#include "gui/render/hover.hpp"

#include <cmath>

#include "gui/render/colors.hpp"
#include "gui/render/ruler.hpp"

namespace lockscope::gui {
namespace {

QString interval(std::uint64_t a, std::uint64_t b) {
  const double len = static_cast<double>(b - a);
  const double step = ruler_step(std::max(len, 1.0) / 1000, 1);
  return format_time(static_cast<double>(a), step) + QStringLiteral(" → ") + format_time(static_cast<double>(b), step) +
         QStringLiteral(" (") + format_time(len, step) + QStringLiteral(")");
}

}  // namespace

QString hover_text(const TimelineModel& model, const Layout& layout, const ViewTransform& view, QPoint pos) {
  if (!layout.data.contains(pos)) return {};
  const auto lane = layout.lane_at(pos.y());
  if (!lane) return {};
  const double t = view.to_time(pos.x() - layout.data.left());
  if (t < 0) return {};
  const auto ut = static_cast<std::uint64_t>(t);
  const Lane& l = model.lanes()[*lane];
  const auto& tl = model.timeline();
  if (l.kind == LaneKind::worker) {
    const auto* s = model.span_at(*lane, ut);
    if (s == nullptr) return {};
    return QStringLiteral("%1 (core %2)\n%3\n%4")
        .arg(QString::fromStdString(l.label))
        .arg(l.core)
        .arg(QString::fromUtf8(state_label(s->state)), interval(s->start, s->end));
  }
  const auto tolerance = static_cast<std::uint64_t>(std::ceil(4 * view.ps_per_px()));
  const auto i = model.transfer_near(ut, *lane, tolerance);
  if (!i) return QString::fromStdString(l.label);
  const auto& x = tl.transfers[*i];
  const QString from = x.from < 0 ? QStringLiteral("memory") : QStringLiteral("core %1").arg(x.from);
  return QStringLiteral("%1\n%2: %3 → core %4\n%5")
      .arg(QString::fromStdString(l.label), QString::fromUtf8(traces::to_string(x.kind)), from)
      .arg(x.to)
      .arg(interval(x.start, x.end));
}

}  // namespace lockscope::gui
