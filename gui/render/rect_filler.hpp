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
#include <QRect>

class QImage;
class QPainter;

namespace lockscope::gui {

class RectFiller {
 public:
  RectFiller(QPainter& p, QRect clip);

  [[nodiscard]] bool direct() const { return image_ != nullptr; }
  // An opaque rectangle.
  void fill(int x, int y, int w, int h, const QColor& color);
  // Diagonal hatching: `dark` every fourth diagonal over `light`.
  void hatch(int x, int y, int w, int h, const QColor& light, const QColor& dark);

 private:
  [[nodiscard]] bool clipped(int& x, int& y, int& w, int& h) const;

  QPainter& p_;
  QImage* image_ = nullptr;
  unsigned char* bits_ = nullptr;  // image_'s first pixel
  qsizetype stride_ = 0;           // bytes per line
  QRect clip_;
};

}  // namespace lockscope::gui
