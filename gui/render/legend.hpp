// The legend strip: a swatch per worker state and a note on transfer ticks.
#pragma once

#include <QRect>

class QPainter;

namespace lockscope::gui {

void paint_legend(QPainter& p, const QRect& legend);

}  // namespace lockscope::gui
