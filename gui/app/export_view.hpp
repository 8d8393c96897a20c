// Exporting what the timeline shows: the same frame paint_timeline draws,
// as a PNG (QImage) or an SVG (QSvgGenerator, vector: lanes, arrows and text
// stay sharp when zoomed in a browser or a paper). File > Export PNG… /
// Export SVG… and `--screenshot OUT.svg` both come here.
#pragma once

#include <QSize>
#include <QString>
#include <expected>

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_state.hpp"
#include "gui/model/view_transform.hpp"

namespace lockscope::gui {

enum class ExportFormat { png, svg };

// SVG when `path` ends in .svg (any case), PNG otherwise.
[[nodiscard]] ExportFormat export_format_for(const QString& path);

// Writes one frame of `size` to `path`; the error is one line naming the file.
[[nodiscard]] std::expected<void, QString> export_view(const QString& path, ExportFormat format,
                                                       const TimelineModel& model, const ViewTransform& view,
                                                       const ViewState& state, QSize size);

}  // namespace lockscope::gui
