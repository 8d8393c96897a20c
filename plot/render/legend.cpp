#include "plot/render/legend.hpp"

#include <QFont>
#include <QFontMetricsF>

#include "plot/render/marks.hpp"

namespace lockscope::plot {

void draw_legend(QPainter& p, const QRectF& area, const std::vector<Series>& series) {
  p.save();
  QFont f("DejaVu Sans");
  f.setStyleHint(QFont::SansSerif);
  f.setPixelSize(11);
  p.setFont(f);
  const QFontMetricsF metrics(f);
  qreal y = area.top() + 6;
  const qreal row = 18;
  p.setPen(QColor(40, 40, 40));
  QFont bold = f;
  bold.setBold(true);
  p.setFont(bold);
  p.drawText(QRectF(area.left() + 6, y, area.width() - 12, row), Qt::AlignLeft | Qt::AlignVCenter, "lock");
  p.setFont(f);
  y += row;
  for (const Series& s : series) {
    if (y + row > area.bottom()) break;
    const LockStyle style = lock_style(s.lock);
    const qreal mid = y + row / 2;
    p.setPen(series_pen(style, variant_dash(s.variant_index)));
    p.drawLine(QPointF(area.left() + 6, mid), QPointF(area.left() + 34, mid));
    draw_marker(p, QPointF(area.left() + 20, mid), style);
    p.setPen(QColor(40, 40, 40));
    const QString label = metrics.elidedText(QString::fromStdString(s.label()), Qt::ElideRight, area.width() - 48);
    p.drawText(QRectF(area.left() + 42, y, area.width() - 48, row), Qt::AlignLeft | Qt::AlignVCenter, label);
    y += row;
  }
  p.restore();
}

}  // namespace lockscope::plot
