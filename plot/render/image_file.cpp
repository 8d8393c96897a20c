#include "plot/render/image_file.hpp"

#include <QBuffer>
#include <QByteArray>
#include <QSvgGenerator>

#include "traces/atomic_output.hpp"

namespace lockscope::plot {
namespace {

std::expected<void, std::string> write(const QByteArray& bytes, const std::string& path) {
  return traces::write_file_atomically(path, std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
}

}  // namespace

std::expected<void, std::string> save_png(const QImage& image, const std::string& path) {
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  if (!image.save(&buffer, "PNG")) return std::unexpected(path + ": cannot write: the PNG encoder failed");
  return write(bytes, path);
}

std::expected<void, std::string> save_svg(const std::string& path, QSize size, const QString& title,
                                          const QString& description, const std::function<void(QPainter&)>& paint) {
  QByteArray bytes;
  {
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator svg;
    svg.setOutputDevice(&buffer);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(title);
    svg.setDescription(description);
    QPainter p;
    if (!p.begin(&svg)) return std::unexpected(path + ": cannot write: the SVG generator failed");
    paint(p);
    p.end();
  }
  return write(bytes, path);
}

}  // namespace lockscope::plot
