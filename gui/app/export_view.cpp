#include "gui/app/export_view.hpp"

#include <QImage>
#include <QPainter>

#include "gui/render/timeline_painter.hpp"
#include "plot/render/image_file.hpp"

namespace lockscope::gui {

ExportFormat export_format_for(const QString& path) {
  return path.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive) ? ExportFormat::svg : ExportFormat::png;
}

std::expected<void, QString> export_view(const QString& path, ExportFormat format, const TimelineModel& model,
                                         const ViewTransform& view, const ViewState& state, QSize size) {
  const std::string file = path.toStdString();
  std::expected<void, std::string> written;
  if (format == ExportFormat::png) {
    written = plot::save_png(render_timeline(model, view, size, state), file);
  } else {
    const QString description =
        QString::fromStdString((model.measured() ? std::string("measured run") : model.timeline().lock) + " on " +
                               model.timeline().machine);
    written = plot::save_svg(file, size, QStringLiteral("lockscope timeline"), description,
                             [&](QPainter& p) { paint_timeline(p, model, view, size, state); });
  }
  if (!written) return std::unexpected(QString::fromStdString(written.error()));
  return {};
}

}  // namespace lockscope::gui
