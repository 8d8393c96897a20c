// Writing a rendered picture to a file, all or nothing: Qt encodes the PNG
// or SVG into memory and traces::write_file_atomically writes it, so a full
// disk or a kill never leaves half a picture under the final name, and a
// failure says why (Qt's own file writers report neither).
#pragma once

#include <QImage>
#include <QPainter>
#include <QSize>
#include <QString>
#include <expected>
#include <functional>
#include <string>

namespace lockscope::plot {

std::expected<void, std::string> save_png(const QImage& image, const std::string& path);

// `paint` draws the picture on a canvas of `size` logical pixels.
std::expected<void, std::string> save_svg(const std::string& path, QSize size, const QString& title,
                                          const QString& description, const std::function<void(QPainter&)>& paint);

}  // namespace lockscope::plot
