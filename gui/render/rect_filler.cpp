#include "gui/render/rect_filler.hpp"

#include <QImage>
#include <QPainter>
#include <algorithm>
#include <cmath>
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

void RectFiller::blend(int x, int y, const std::array<float, 4>& src, float coverage) {
  if (x < clip_x0_ || x >= clip_x1_ || y < clip_y0_ || y >= clip_y1_ || !(coverage > 0)) return;
  QRgb& px = reinterpret_cast<QRgb*>(bits_ + static_cast<qsizetype>(y) * stride_)[x];
  const float a = src[3] * coverage;
  const float keep = 1.0F - a;
  const auto ch = [&](float s, int d) { return static_cast<int>(s * coverage + static_cast<float>(d) * keep + 0.5F); };
  px = qRgba(ch(src[0], qRed(px)), ch(src[1], qGreen(px)), ch(src[2], qBlue(px)), ch(src[3] * 255.0F, qAlpha(px)));
}

void RectFiller::smooth_line(QPointF a, QPointF b, const QColor& color) {
  // Premultiplied source, channels 0-255, alpha 0-1 (blend scales it back).
  const float alpha = static_cast<float>(color.alphaF());
  const std::array<float, 4> src{static_cast<float>(color.red()) * alpha, static_cast<float>(color.green()) * alpha,
                                 static_cast<float>(color.blue()) * alpha, alpha};
  // Pixel (i, j) covers [i, i + 1) x [j, j + 1): its center is at + 0.5.
  double x0 = a.x() - 0.5;
  double y0 = a.y() - 0.5;
  double x1 = b.x() - 0.5;
  double y1 = b.y() - 0.5;
  const bool steep = std::abs(y1 - y0) > std::abs(x1 - x0);
  if (steep) {
    std::swap(x0, y0);
    std::swap(x1, y1);
  }
  if (x0 > x1) {
    std::swap(x0, x1);
    std::swap(y0, y1);
  }
  const double gradient = x1 > x0 ? (y1 - y0) / (x1 - x0) : 0.0;
  // Only the major-axis steps inside the clip (the line may reach far out).
  const double lo = steep ? clip_y0_ : clip_x0_;
  const double hi = steep ? clip_y1_ - 1 : clip_x1_ - 1;
  const double minor_lo = steep ? clip_x0_ : clip_y0_;
  const double minor_hi = steep ? clip_x1_ - 1 : clip_y1_ - 1;
  const auto first = static_cast<long long>(std::ceil(std::max(x0, lo - 1)));
  const auto last = static_cast<long long>(std::floor(std::min(x1, hi + 1)));
  for (long long i = first; i <= last; ++i) {
    const double y = y0 + gradient * (static_cast<double>(i) - x0);
    const double fy = std::floor(y);
    if (!(fy >= minor_lo - 1 && fy <= minor_hi)) continue;  // outside the clip (and out of int's range)
    const auto f = static_cast<float>(y - fy);
    const auto j = static_cast<int>(fy);
    const auto major = static_cast<int>(i);
    if (steep) {
      blend(j, major, src, 1.0F - f);
      blend(j + 1, major, src, f);
    } else {
      blend(major, j, src, 1.0F - f);
      blend(major, j + 1, src, f);
    }
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
