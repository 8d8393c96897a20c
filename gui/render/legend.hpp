// The legend strip: a swatch per worker state, per line state (M, E, S,
// moving) and a note on transfer ticks and arrows.
#pragma once

#include <QRect>

class QPainter;

namespace lockscope::gui {

void paint_legend(QPainter& p, const QRect& legend);

}  // namespace lockscope::gui
