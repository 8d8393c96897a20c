// The legend strip: a swatch per worker state, per line state (M, E, S,
// moving) and a note on transfer ticks and arrows. A timeline without
// cacheline lanes says why instead of showing line swatches: a measured run
// (a recorded program) has no cacheline data because nothing measured it.
#pragma once

#include <QRect>
#include <QString>

#include "gui/model/timeline_model.hpp"

class QPainter;

namespace lockscope::gui {

inline constexpr const char* kMeasuredNoLinesNote = "measured run: no cacheline data (nothing measured it)";

// What the legend says in place of the line swatches, or an empty string
// when the timeline has cacheline lanes to explain.
[[nodiscard]] QString no_lines_note(const TimelineModel& model);

void paint_legend(QPainter& p, const QRect& legend, const TimelineModel& model);

}  // namespace lockscope::gui
