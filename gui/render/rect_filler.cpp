#include "gui/render/rect_filler.hpp"

#include <QImage>
#include <QPainter>
#include <algorithm>
#include <cstring>

namespace lockscope::gui {

RectFiller::RectFiller(QPainter& p, QRect clip) : p_(p), clip_(clip) {
  QPaintDevice* device = p.device();
  clip_x0_ = clip_.left();
  clip_y0_ = clip_.top();
  clip_x1_ = clip_.left() + clip_.width();
  clip_y1_ = clip_.top() + clip_.height();
  if (device == nullptr || device->devType() != QInternal::Image) return;
  auto* image = static_cast<QImage*>(device);
  const auto f = image->format();
  const bool argb = f == QImage::Format_ARGB32_Premultiplied || f == QImage::Format_ARGB32 || f == QImage::Format_RGB32;
  if (!argb || p.deviceTransform().type() != QTransform::TxNone) return;
  image_ = image;
  bits_ = image->bits();
  stride_ = image->bytesPerLine();
  clip_ = clip_.intersected(image->rect());
  clip_x0_ = clip_.left();
  clip_y0_ = clip_.top();
  clip_x1_ = clip_.left() + clip_.width();
  clip_y1_ = clip_.top() + clip_.height();
}

bool RectFiller::clipped(int& x, int& y, int& w, int& h) const {
  const int x1 = std::min(x + w, clip_.left() + clip_.width());
  const int y1 = std::min(y + h, clip_.top() + clip_.height());
  x = std::max(x, clip_.left());
  y = std::max(y, clip_.top());
  w = x1 - x;
  h = y1 - y;
  return w > 0 && h > 0;
}

QImage::Format RectFiller::format() const { return image_->format(); }

void RectFiller::copy(const QImage& source, QRect r) {
  r = r.intersected(clip_).intersected(source.rect());
  if (r.isEmpty() || source.format() != image_->format()) return;
  const auto bytes = static_cast<std::size_t>(r.width()) * sizeof(QRgb);
  for (int row = r.top(); row <= r.bottom(); ++row) {
    std::memcpy(bits_ + row * stride_ + r.left() * static_cast<qsizetype>(sizeof(QRgb)),
                source.constScanLine(row) + r.left() * static_cast<qsizetype>(sizeof(QRgb)), bytes);
  }
}

void RectFiller::fill_with_painter(int x, int y, int w, int h, QRgb color) {
  p_.fillRect(QRect(x, y, w, h).intersected(clip_), QColor::fromRgb(color));
}

void RectFiller::darken(int x, int y, int w, int h, int alpha) {
  if (image_ == nullptr) {
    p_.fillRect(QRect(x, y, w, h).intersected(clip_), QColor(0, 0, 0, alpha));
    return;
  }
  if (!clipped(x, y, w, h)) return;
  // Premultiplied source-over with black: every channel (alpha included)
  // scales by 1 - alpha/255; opaque pixels stay opaque.
  const unsigned keep = 255U - static_cast<unsigned>(std::clamp(alpha, 0, 255));
  const auto scale = [keep](QRgb c) {
    const auto ch = [keep](unsigned v) { return (v * keep + 127U) / 255U; };
    return qRgba(static_cast<int>(ch(qRed(c))), static_cast<int>(ch(qGreen(c))), static_cast<int>(ch(qBlue(c))),
                 qAlpha(c) == 255 ? 255 : static_cast<int>(ch(qAlpha(c)) + (255U - keep)));
  };
  for (int row = y; row < y + h; ++row) {
    auto* line = reinterpret_cast<QRgb*>(bits_ + row * stride_);
    for (int col = x; col < x + w; ++col) line[col] = scale(line[col]);
  }
}

void RectFiller::hatch(int x, int y, int w, int h, const QColor& light, const QColor& dark) {
  if (image_ == nullptr) {
    const QRect r = QRect(x, y, w, h).intersected(clip_);
    p_.fillRect(r, light);
    p_.fillRect(r, QBrush(dark, Qt::BDiagPattern));
    return;
  }
  if (!clipped(x, y, w, h)) return;
  const QRgb l = light.rgb();
  const QRgb d = dark.rgb();
  for (int row = y; row < y + h; ++row) {
    auto* line = reinterpret_cast<QRgb*>(bits_ + row * stride_);
    for (int col = x; col < x + w; ++col) line[col] = ((col + row) & 3) == 0 ? d : l;
  }
}

}  // namespace lockscope::gui
