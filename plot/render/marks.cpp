#include "plot/render/marks.hpp"

#include <QPolygonF>

#include <cmath>
#include <numbers>

namespace lockscope::plot {

QColor to_qcolor(Rgb c) { return QColor(c.r, c.g, c.b); }

QPen series_pen(const LockStyle& style, Dash dash, qreal width) {
  QPen pen(to_qcolor(style.color), width);
  switch (dash) {
    case Dash::solid: pen.setStyle(Qt::SolidLine); break;
    case Dash::dashed: pen.setStyle(Qt::DashLine); break;
    case Dash::dotted: pen.setStyle(Qt::DotLine); break;
    case Dash::dash_dot: pen.setStyle(Qt::DashDotLine); break;
  }
  pen.setCapStyle(Qt::RoundCap);
  pen.setJoinStyle(Qt::RoundJoin);
  return pen;
}

void draw_marker(QPainter& p, QPointF at, const LockStyle& style, qreal size) {
  const QColor color = to_qcolor(style.color);
  const qreal r = size / 2;
  p.save();
  p.setBrush(color);
  p.setPen(QPen(color, 1.0));
  auto polygon = [&](std::initializer_list<QPointF> pts) {
    QPolygonF poly;
    for (const QPointF& q : pts) poly << at + q;
    p.drawPolygon(poly);
  };
  switch (style.marker) {
    case Marker::circle: p.drawEllipse(at, r, r); break;
    case Marker::square: p.drawRect(QRectF(at.x() - r * 0.85, at.y() - r * 0.85, r * 1.7, r * 1.7)); break;
    case Marker::triangle_up: polygon({{0, -r * 1.1}, {r, r * 0.8}, {-r, r * 0.8}}); break;
    case Marker::triangle_down: polygon({{0, r * 1.1}, {r, -r * 0.8}, {-r, -r * 0.8}}); break;
    case Marker::diamond: polygon({{0, -r * 1.2}, {r, 0}, {0, r * 1.2}, {-r, 0}}); break;
    case Marker::cross:
      p.setPen(QPen(color, 2.5, Qt::SolidLine, Qt::RoundCap));
      p.drawLine(at + QPointF(-r, -r), at + QPointF(r, r));
      p.drawLine(at + QPointF(-r, r), at + QPointF(r, -r));
      break;
    case Marker::plus:
      p.setPen(QPen(color, 2.5, Qt::SolidLine, Qt::RoundCap));
      p.drawLine(at + QPointF(-r, 0), at + QPointF(r, 0));
      p.drawLine(at + QPointF(0, -r), at + QPointF(0, r));
      break;
    case Marker::star: {
      QPolygonF poly;
      for (int i = 0; i < 10; ++i) {
        const qreal a = -std::numbers::pi / 2 + i * std::numbers::pi / 5;
        const qreal len = (i % 2 == 0) ? r * 1.25 : r * 0.5;
        poly << at + QPointF(len * std::cos(a), len * std::sin(a));
      }
      p.drawPolygon(poly);
      break;
    }
  }
  p.restore();
}

}  // namespace lockscope::plot
