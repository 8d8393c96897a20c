// One panel's frame: the plot rectangle, its two scales, gridlines, tick
// labels and axis titles (with units), and the data -> pixel mapping the
// series use.
#pragma once

#include <QPainter>
#include <QRectF>
#include <QString>

#include "plot/model/scale.hpp"
#include "plot/model/series.hpp"

namespace lockscope::plot {

struct Axes {
  QRectF plot;  // the data area, in figure pixels
  Scale x;
  Scale y;
  QString title;    // above the panel
  QString x_title;  // with its unit, e.g. "cores (log scale)"
  QString y_title;

  [[nodiscard]] QPointF map(Point p) const {
    return {plot.left() + x.to_unit(p.x) * plot.width(), plot.bottom() - y.to_unit(p.y) * plot.height()};
  }
};

// Room the labels need around the plot rectangle inside a panel.
inline constexpr qreal kAxisLeft = 72;
inline constexpr qreal kAxisBottom = 48;
inline constexpr qreal kAxisTop = 26;
inline constexpr qreal kAxisRight = 14;

void draw_axes(QPainter& p, const Axes& axes);
// Text in the middle of an empty plot ("no writes in this workload").
void draw_empty_note(QPainter& p, const Axes& axes, const QString& note);

}  // namespace lockscope::plot
