#include "plot/render/axes.hpp"

#include <QFont>

namespace lockscope::plot {
namespace {

QFont font_px(int px, bool bold = false) {
  QFont f("DejaVu Sans");
  f.setStyleHint(QFont::SansSerif);
  f.setPixelSize(px);
  f.setBold(bold);
  return f;
}

}  // namespace

void draw_axes(QPainter& p, const Axes& a) {
  p.save();
  const QColor grid(225, 225, 225);
  const QColor ink(40, 40, 40);
  p.setFont(font_px(11));
  // Gridlines and tick labels.
  for (const Tick& t : a.x.ticks()) {
    const qreal x = a.plot.left() + a.x.to_unit(t.value) * a.plot.width();
    p.setPen(QPen(grid, 1));
    p.drawLine(QPointF(x, a.plot.top()), QPointF(x, a.plot.bottom()));
    p.setPen(ink);
    p.drawLine(QPointF(x, a.plot.bottom()), QPointF(x, a.plot.bottom() + 4));
    p.drawText(QRectF(x - 30, a.plot.bottom() + 5, 60, 16), Qt::AlignHCenter | Qt::AlignTop,
               QString::fromStdString(t.label));
  }
  for (const Tick& t : a.y.ticks()) {
    const qreal y = a.plot.bottom() - a.y.to_unit(t.value) * a.plot.height();
    p.setPen(QPen(grid, 1));
    p.drawLine(QPointF(a.plot.left(), y), QPointF(a.plot.right(), y));
    p.setPen(ink);
    p.drawLine(QPointF(a.plot.left() - 4, y), QPointF(a.plot.left(), y));
    p.drawText(QRectF(a.plot.left() - 52, y - 8, 46, 16), Qt::AlignRight | Qt::AlignVCenter,
               QString::fromStdString(t.label));
  }
  p.setPen(QPen(ink, 1));
  p.setBrush(Qt::NoBrush);
  p.drawRect(a.plot);
  // Titles.
  p.setFont(font_px(12));
  p.drawText(QRectF(a.plot.left(), a.plot.bottom() + 22, a.plot.width(), 18), Qt::AlignHCenter | Qt::AlignTop,
             a.x_title);
  p.save();
  p.translate(a.plot.left() - 60, a.plot.center().y());
  p.rotate(-90);
  p.drawText(QRectF(-a.plot.height() / 2, -9, a.plot.height(), 18), Qt::AlignCenter, a.y_title);
  p.restore();
  p.setFont(font_px(13, true));
  p.drawText(QRectF(a.plot.left(), a.plot.top() - 22, a.plot.width(), 18), Qt::AlignHCenter | Qt::AlignBottom,
             a.title);
  p.restore();
}

void draw_empty_note(QPainter& p, const Axes& a, const QString& note) {
  p.save();
  p.setFont(font_px(12));
  p.setPen(QColor(120, 120, 120));
  p.drawText(a.plot, Qt::AlignCenter | Qt::TextWordWrap, note);
  p.restore();
}

}  // namespace lockscope::plot
