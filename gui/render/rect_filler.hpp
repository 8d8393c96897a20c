// RectFiller: the bulk of a frame is opaque axis-aligned rectangles (span
// marks, line-state marks, transfer ticks), tens of thousands at fit-all.
// QPainter::fillRect costs a few thousand instructions each (span data set
// up, clipping, blending), which made whole-run frames of large timelines
// miss the 16 ms budget. On a raster target (a 32-bit QImage painted
// without a transform: the widget's frame buffer, --screenshot PNG,
// --benchmark, the tests) RectFiller writes the pixels itself; on any other
// device (SVG, printers) it falls back to fillRect, so vector exports stay
// vector. Everything is clipped to `clip`.
#pragma once

#include <QColor>
#include <QPointF>
#include <QImage>
#include <QRect>
#include <QRgb>
#include <algorithm>
#include <array>

class QPainter;

namespace lockscope::gui {

class RectFiller {
 public:
  RectFiller(QPainter& p, QRect clip);

  [[nodiscard]] bool direct() const { return image_ != nullptr; }
  // The raster target's format (direct() only).
  [[nodiscard]] QImage::Format format() const;
  // Copies `r` (clipped) from `source`, an image of the target's format at
  // least as large as `r`'s bottom-right corner (direct() only).
  void copy(const QImage& source, QRect r);
  // An opaque rectangle.
  void fill(int x, int y, int w, int h, QRgb color) {
    if (image_ == nullptr) {
      fill_with_painter(x, y, w, h, color);
      return;
    }
    const int x1 = std::min(x + w, clip_x1_);
    const int y1 = std::min(y + h, clip_y1_);
    x = std::max(x, clip_x0_);
    y = std::max(y, clip_y0_);
    if (x >= x1 || y >= y1) return;
    unsigned char* row = bits_ + static_cast<qsizetype>(y) * stride_;
    if (x1 - x == 1) {  // most marks at fit-all are one pixel wide
      for (int i = y; i < y1; ++i, row += stride_) reinterpret_cast<QRgb*>(row)[x] = color;
      return;
    }
    for (int i = y; i < y1; ++i, row += stride_) {
      QRgb* line = reinterpret_cast<QRgb*>(row);
      std::fill(line + x, line + x1, color);
    }
  }
  // Darkens a rectangle by black at `alpha` (0-255), as a translucent black
  // fillRect would. Grid lines: through QPainter a one-pixel column of 800
  // rows is 800 spans, which Qt blends on its thread pool, 4-5 ms a frame.
  void darken(int x, int y, int w, int h, int alpha);
  // An antialiased line about a pixel wide from `a` to `b` (Xiaolin Wu's
  // two-pixel coverage), blended source-over in `color` with its alpha.
  // Transfer arrows cross hundreds of scanlines: through QPainter each is a
  // stroke whose spans Qt hands to its thread pool, 25 ms for 200 arrows on
  // a VM. direct() only; elsewhere the caller draws with its pen.
  void smooth_line(QPointF a, QPointF b, const QColor& color);
  // Diagonal hatching: `dark` every fourth diagonal over `light`.
  void hatch(int x, int y, int w, int h, const QColor& light, const QColor& dark);

 private:
  [[nodiscard]] bool clipped(int& x, int& y, int& w, int& h) const;
  void fill_with_painter(int x, int y, int w, int h, QRgb color);
  // Source-over of premultiplied `src` scaled by `coverage` (0-1) at (x, y), if inside the clip.
  void blend(int x, int y, const std::array<float, 4>& src, float coverage);

  QPainter& p_;
  QImage* image_ = nullptr;
  unsigned char* bits_ = nullptr;  // image_'s first pixel
  qsizetype stride_ = 0;           // bytes per line
  QRect clip_;
  int clip_x0_ = 0, clip_y0_ = 0, clip_x1_ = 0, clip_y1_ = 0;  // clip_, exclusive right and bottom
};

}  // namespace lockscope::gui
