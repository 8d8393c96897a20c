// hover_text: the tooltip for the point under the mouse: the span (worker,
// state, interval) or the nearest cacheline transfer within a few pixels.
#pragma once

#include <QPoint>
#include <QString>

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_transform.hpp"
#include "gui/render/layout.hpp"

namespace lockscope::gui {

[[nodiscard]] QString hover_text(const TimelineModel& model, const Layout& layout, const ViewTransform& view,
                                 QPoint pos);

}  // namespace lockscope::gui
