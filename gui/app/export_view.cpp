#include "gui/app/export_view.hpp"

#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>

#include "gui/render/timeline_painter.hpp"

namespace lockscope::gui {

ExportFormat export_format_for(const QString& path) {
  return path.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive) ? ExportFormat::svg : ExportFormat::png;
}

std::expected<void, QString> export_view(const QString& path, ExportFormat format, const TimelineModel& model,
                                         const ViewTransform& view, const ViewState& state, QSize size) {
  if (format == ExportFormat::png) {
    const QImage image = render_timeline(model, view, size, state);
    if (!image.save(path, "PNG")) return std::unexpected(QStringLiteral("%1: could not write the PNG").arg(path));
    return {};
  }
  {
    // QSvgGenerator reports no error of its own: check the file can be written first.
    QFile probe(path);
    if (!probe.open(QIODevice::WriteOnly)) {
      return std::unexpected(QStringLiteral("%1: could not write the SVG: %2").arg(path, probe.errorString()));
    }
  }
  QSvgGenerator svg;
  svg.setFileName(path);
  svg.setSize(size);
  svg.setViewBox(QRect(QPoint(0, 0), size));
  svg.setTitle(QStringLiteral("lockscope timeline"));
  svg.setDescription(QString::fromStdString((model.measured() ? std::string("measured run") : model.timeline().lock) +
                                            " on " + model.timeline().machine));
  QPainter p;
  if (!p.begin(&svg)) return std::unexpected(QStringLiteral("%1: could not write the SVG").arg(path));
  paint_timeline(p, model, view, size, state);
  p.end();
  return {};
}

}  // namespace lockscope::gui
