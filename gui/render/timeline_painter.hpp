// paint_timeline: one whole frame (labels, ruler, lanes, legend) into any
// QPainter device, so that the widget, --screenshot, --benchmark and the
// rendered tests draw exactly the same picture.
#pragma once

#include <QSize>
#include <QString>

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_state.hpp"
#include "gui/model/view_transform.hpp"

class QPainter;
class QImage;

namespace lockscope::gui {

void paint_timeline(QPainter& p, const TimelineModel& model, const ViewTransform& view, QSize size,
                    const ViewState& state = {});
// A centered one-line message on an empty canvas (no timeline, bad file).
void paint_message(QPainter& p, QSize size, const QString& message);
// The data-area transform that fits the whole run into an image of `size`.
[[nodiscard]] ViewTransform fit_view(const TimelineModel& model, QSize size);
// Grows the lanes' frame memory (prepare_lanes) and paints one whole-run
// frame into a scratch image and drops it: the first frame after a load
// otherwise pays for font matching, text shaping and the glyph cache (half
// again a frame's cost), which made the benchmark's fit-all maximum miss
// 16 ms. Call it when a model is loaded, on the thread that paints.
void prepare_frame_caches(const TimelineModel& model, QSize size);
// Renders a frame into a new ARGB32 image.
[[nodiscard]] QImage render_timeline(const TimelineModel& model, const ViewTransform& view, QSize size,
                                     const ViewState& state = {});

}  // namespace lockscope::gui
