// Series marks in Qt: palette colors and dashes as pens, and the markers
// (filled shapes centred on the point, so the centre pixel is the lock's
// color). Shared by the series and the legend.
#pragma once

#include <QColor>
#include <QPainter>
#include <QPointF>

#include "plot/model/palette.hpp"

namespace lockscope::plot {

[[nodiscard]] QColor to_qcolor(Rgb c);
[[nodiscard]] QPen series_pen(const LockStyle& style, Dash dash, qreal width = 2.0);
// `size` is the marker's width in pixels.
void draw_marker(QPainter& p, QPointF at, const LockStyle& style, qreal size = 9.0);

}  // namespace lockscope::plot
