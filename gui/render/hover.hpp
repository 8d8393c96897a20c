// What is under the mouse: the span (worker, state, interval; its lock when
// the timeline names locks, see TimelineModel::names_locks), the nearest
// cacheline transfer tick or arrow within a few pixels, or the line's MESI
// state there, or the store in a core's store buffer (a tso run). hover_text is the tooltip; details_at gives the same thing
// as labelled fields for the click-details panel.
#pragma once

#include <QPoint>
#include <QString>
#include <optional>
#include <utility>
#include <vector>

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_state.hpp"
#include "gui/model/view_transform.hpp"
#include "gui/render/layout.hpp"

namespace lockscope::gui {

struct Details {
  enum class Kind { span, transfer, line_state, buffered_store } kind = Kind::span;
  QString title;
  std::vector<std::pair<QString, QString>> fields;  // label, value
  std::size_t transfer = 0;                         // Kind::transfer: index into Timeline::transfers
};

// A transfer whose arrow (drawn from the source core's lanes to the
// destination's) passes within `radius` pixels of pos; only lines the
// ViewState shows.
[[nodiscard]] std::optional<std::size_t> arrow_near(const TimelineModel& model, const Layout& layout,
                                                    const ViewTransform& view, const ViewState& state, QPoint pos,
                                                    double radius = 4);

[[nodiscard]] std::optional<Details> details_at(const TimelineModel& model, const Layout& layout,
                                                const ViewTransform& view, const ViewState& state, QPoint pos);

[[nodiscard]] QString hover_text(const TimelineModel& model, const Layout& layout, const ViewTransform& view,
                                 QPoint pos, const ViewState& state = {});

}  // namespace lockscope::gui
