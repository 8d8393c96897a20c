// The time ruler: ticks at 1/2/5 x 10^k picoseconds, labelled in the unit
// that fits the step (ps, ns, µs, ms, s), with faint grid lines.
#pragma once

#include <QRect>
#include <QString>

#include "gui/model/view_transform.hpp"

class QPainter;

namespace lockscope::gui {

// The tick step (ps) giving at least `min_px` pixels between ticks.
[[nodiscard]] double ruler_step(double ps_per_px, double min_px);

void paint_ruler(QPainter& p, const QRect& ruler, const QRect& data, const ViewTransform& view);

}  // namespace lockscope::gui
