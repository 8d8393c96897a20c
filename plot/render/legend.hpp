// The legend: one entry per series (a line sample in the series' dash with
// its marker, and the label), in a column at the figure's right.
#pragma once

#include <QPainter>
#include <QRectF>
#include <vector>

#include "plot/model/series.hpp"

namespace lockscope::plot {

inline constexpr qreal kLegendWidth = 210;

void draw_legend(QPainter& p, const QRectF& area, const std::vector<Series>& series);

}  // namespace lockscope::plot
