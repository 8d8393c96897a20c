// A figure: a title, a caption (what ran: scenario, machine), one or more
// panels side by side, and the legend at the right. The same paint() draws
// into a QImage (PNG) and a QSvgGenerator (SVG).
#pragma once

#include <QImage>
#include <QPainter>
#include <QSize>
#include <QString>

#include <expected>
#include <string>
#include <vector>

#include "plot/model/scale.hpp"
#include "plot/model/series.hpp"
#include "plot/render/axes.hpp"

namespace lockscope::plot {

struct PanelSpec {
  QString title;
  QString x_title;
  QString y_title;
  std::vector<Series> series;
  QString empty_note;  // shown when no series has a point
  bool y_from_zero = false;  // linear y starting at 0 even if log would fit
};

class Figure {
 public:
  Figure(QString title, QString caption, std::vector<PanelSpec> panels, QSize size);

  // The panel's frame after layout: scales fitted to its series.
  [[nodiscard]] const Axes& axes(std::size_t panel) const { return axes_[panel]; }
  [[nodiscard]] QSize size() const { return size_; }

  void paint(QPainter& p) const;
  // PNG pixels at `scale` times the figure's size (2: sharp in print).
  [[nodiscard]] QImage render(qreal scale = 2.0) const;

  // Written beside the target and renamed, so nobody sees half a file.
  [[nodiscard]] std::expected<void, std::string> save_png(const std::string& path, qreal scale = 2.0) const;
  [[nodiscard]] std::expected<void, std::string> save_svg(const std::string& path) const;

 private:
  QString title_;
  QString caption_;
  std::vector<PanelSpec> panels_;
  std::vector<Axes> axes_;
  std::vector<Series> legend_;
  QSize size_;
};

}  // namespace lockscope::plot
