#include "gui/render/timeline_painter.hpp"

#include <QImage>
#include <QPainter>

#include "gui/render/lane_labels.hpp"
#include "gui/render/lanes.hpp"
#include "gui/render/layout.hpp"
#include "gui/render/legend.hpp"
#include "gui/render/ruler.hpp"
#include "gui/render/violations.hpp"

namespace lockscope::gui {

void paint_timeline(QPainter& p, const TimelineModel& model, const ViewTransform& view, QSize size,
                    const ViewState& state) {
  const Layout layout(model, size);
  p.fillRect(QRect(QPoint(0, 0), size), Qt::white);
  p.save();
  p.setClipRect(layout.data);
  paint_lanes(p, model, view, layout, state);
  p.restore();
  paint_ruler(p, layout.ruler, layout.data, view);
  paint_violations(p, model, view, layout, state);
  paint_labels(p, model, layout, state);
  const auto& tl = model.timeline();
  p.fillRect(QRect(0, 0, Layout::kLabelWidth, Layout::kRulerHeight), QColor(0xe8, 0xea, 0xee));
  QFont font = p.font();
  font.setPixelSize(11);
  font.setBold(true);
  p.setFont(font);
  p.setPen(QColor(0x10, 0x10, 0x10));
  const QRect title(6, 0, Layout::kLabelWidth - 8, Layout::kRulerHeight);
  if (model.measured()) {
    // Two short lines: what this is, then where it ran (the recorder's
    // machine string, elided: it can be long).
    font.setPixelSize(10);
    p.setFont(font);
    p.drawText(title.adjusted(0, 1, 0, 0), Qt::AlignTop | Qt::AlignLeft, QStringLiteral("measured run"));
    font.setBold(false);
    font.setPixelSize(9);
    p.setFont(font);
    const QString machine = QFontMetrics(font).elidedText(QString::fromStdString(tl.machine), Qt::ElideRight, title.width());
    p.drawText(title.adjusted(0, 0, 0, -1), Qt::AlignBottom | Qt::AlignLeft, machine);
  } else {
    p.drawText(title, Qt::AlignVCenter | Qt::AlignLeft,
               QStringLiteral("%1 · %2").arg(QString::fromStdString(tl.lock), QString::fromStdString(tl.machine)));
  }
  p.setFont(QFont());
  paint_legend(p, layout.legend, model);
  paint_selection(p, layout, view, state);
}

void paint_message(QPainter& p, QSize size, const QString& message) {
  p.fillRect(QRect(QPoint(0, 0), size), Qt::white);
  p.setPen(QColor(0x40, 0x40, 0x40));
  p.drawText(QRect(QPoint(0, 0), size), Qt::AlignCenter | Qt::TextWordWrap, message);
}

ViewTransform fit_view(const TimelineModel& model, QSize size) {
  const Layout layout(model, size);
  return ViewTransform::fit(0, model.end_time(), layout.data.width());
}

void prepare_frame_caches(const TimelineModel& model, QSize size) {
  prepare_lanes(model, Layout(model, size));
  ViewState state;
  state.selection = TimeRange{0, model.end_time()};  // the selection label's font too
  (void)render_timeline(model, fit_view(model, size), size, state);
}

QImage render_timeline(const TimelineModel& model, const ViewTransform& view, QSize size, const ViewState& state) {
  QImage image(size, QImage::Format_ARGB32_Premultiplied);
  QPainter p(&image);
  paint_timeline(p, model, view, size, state);
  p.end();
  return image;
}

}  // namespace lockscope::gui
