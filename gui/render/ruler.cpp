#include "gui/render/ruler.hpp"

#include <QPainter>
#include <cmath>

#include "gui/model/time_text.hpp"
#include "gui/render/rect_filler.hpp"

namespace lockscope::gui {

double ruler_step(double ps_per_px, double min_px) {
  const double raw = std::max(ps_per_px * min_px, 1e-3);
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * decade >= raw) return m * decade;
  }
  return 10 * decade;
}

void paint_ruler(QPainter& p, const QRect& ruler, const QRect& data, const ViewTransform& view) {
  p.fillRect(ruler, QColor(0xf4, 0xf5, 0xf7));
  const double step = ruler_step(view.ps_per_px(), 90);
  const double minor = step / 5;
  const double first = std::floor(view.t0() / minor) * minor;
  p.setFont(QFont(p.font().family(), 8));
  RectFiller grid(p, data);
  for (double t = first; t <= view.t1(); t += minor) {
    const double x = ruler.left() + view.to_px(t);
    if (x < ruler.left()) continue;
    const bool major = std::fabs(std::remainder(t, step)) < minor / 2;
    const int xi = static_cast<int>(std::lround(x));
    p.setPen(QColor(0x70, 0x70, 0x70));
    p.drawLine(xi, ruler.bottom(), xi, ruler.bottom() - (major ? 8 : 3));
    if (major) {
      grid.darken(xi, data.top(), 1, data.height(), 28);
      p.setPen(QColor(0x30, 0x30, 0x30));
      p.drawText(xi + 3, ruler.top() + 12, QString::fromStdString(time_text(std::round(t / step) * step, step, step)));
    }
  }
  p.setPen(QColor(0xa0, 0xa0, 0xa0));
  p.drawLine(ruler.left(), ruler.bottom(), ruler.right(), ruler.bottom());
}

}  // namespace lockscope::gui
