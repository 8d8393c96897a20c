#include "plot/render/figure.hpp"

#include <QFont>
#include <QRect>

#include <algorithm>
#include <cmath>

#include "plot/render/image_file.hpp"
#include "plot/render/legend.hpp"
#include "plot/render/marks.hpp"

namespace lockscope::plot {
namespace {

constexpr qreal kHeader = 58;  // title and caption

Scale x_scale(const std::vector<PanelSpec>& panels) {
  double lo = 0, hi = 0;
  bool any = false;
  std::vector<double> xs;
  for (const PanelSpec& panel : panels) {
    for (const Series& s : panel.series) {
      for (const Point& pt : s.points) {
        if (std::ranges::find(xs, pt.x) == xs.end()) xs.push_back(pt.x);
        lo = any ? std::min(lo, pt.x) : pt.x;
        hi = any ? std::max(hi, pt.x) : pt.x;
        any = true;
      }
    }
  }
  if (!any) return Scale::linear(0, 1);
  // Core counts are usually powers of two: a log2 axis spaces them evenly.
  if (lo > 0 && hi / lo >= 4) return Scale::logarithmic(lo, hi, 2);
  Scale s = Scale::linear(std::max(0.0, lo - 1), hi + 1);
  // Few core counts on a linear axis: tick exactly those (no "1.5 cores").
  if (xs.size() <= 12) {
    std::ranges::sort(xs);
    s.set_ticks(xs);
  }
  return s;
}

Scale y_scale(const PanelSpec& panel) {
  std::vector<double> values;
  for (const Series& s : panel.series) {
    for (const Point& pt : s.points) values.push_back(pt.y);
  }
  if (panel.y_from_zero) {
    const double hi = values.empty() ? 1 : *std::ranges::max_element(values);
    return Scale::linear(0, hi > 0 ? hi * 1.05 : 1);
  }
  return Scale::for_values(values);
}

QFont font_px(int px, bool bold = false) {
  QFont f("DejaVu Sans");
  f.setStyleHint(QFont::SansSerif);
  f.setPixelSize(px);
  f.setBold(bold);
  return f;
}

}  // namespace

Figure::Figure(QString title, QString caption, std::vector<PanelSpec> panels, QSize size)
    : title_(std::move(title)), caption_(std::move(caption)), panels_(std::move(panels)), size_(size) {
  const Scale xs = x_scale(panels_);
  const qreal width = size_.width() - kLegendWidth;
  const qreal panel_w = width / static_cast<qreal>(std::max<std::size_t>(panels_.size(), 1));
  for (std::size_t i = 0; i < panels_.size(); ++i) {
    const PanelSpec& spec = panels_[i];
    Axes a;
    a.x = xs;
    a.y = y_scale(spec);
    a.title = spec.title;
    a.x_title = spec.x_title;
    a.y_title = spec.y_title;
    const qreal left = static_cast<qreal>(i) * panel_w;
    a.plot = QRectF(left + kAxisLeft, kHeader + kAxisTop, panel_w - kAxisLeft - kAxisRight,
                    size_.height() - kHeader - kAxisTop - kAxisBottom);
    axes_.push_back(std::move(a));
    // The legend lists each (lock, variant) once across panels.
    for (const Series& s : spec.series) {
      const bool seen = std::ranges::any_of(
          legend_, [&](const Series& l) { return l.lock == s.lock && l.variant == s.variant; });
      if (!seen) legend_.push_back(Series{s.lock, s.variant, s.variant_index, {}});
    }
  }
}

void Figure::paint(QPainter& p) const {
  p.setRenderHint(QPainter::Antialiasing, true);
  p.setRenderHint(QPainter::TextAntialiasing, true);
  p.fillRect(QRectF(0, 0, size_.width(), size_.height()), Qt::white);
  p.setPen(QColor(20, 20, 20));
  p.setFont(font_px(16, true));
  p.drawText(QRectF(14, 8, size_.width() - 28, 22), Qt::AlignLeft | Qt::AlignVCenter, title_);
  p.setFont(font_px(11));
  p.setPen(QColor(90, 90, 90));
  p.drawText(QRectF(14, 31, size_.width() - 28, 18), Qt::AlignLeft | Qt::AlignVCenter, caption_);

  for (std::size_t i = 0; i < panels_.size(); ++i) {
    const Axes& a = axes_[i];
    draw_axes(p, a);
    bool any = false;
    p.save();
    p.setClipRect(a.plot.adjusted(-6, -6, 6, 6));
    for (const Series& s : panels_[i].series) {
      const LockStyle style = lock_style(s.lock);
      std::vector<QPointF> pts;
      for (const Point& pt : s.points) {
        if (a.x.shows(pt.x) && a.y.shows(pt.y)) pts.push_back(a.map(pt));
      }
      any = any || !pts.empty();
      p.setPen(series_pen(style, variant_dash(s.variant_index)));
      p.setBrush(Qt::NoBrush);
      if (pts.size() > 1) p.drawPolyline(pts.data(), static_cast<int>(pts.size()));
      for (const QPointF& q : pts) draw_marker(p, q, style);
    }
    p.restore();
    if (!any) draw_empty_note(p, a, panels_[i].empty_note.isEmpty() ? QString("no data") : panels_[i].empty_note);
  }
  draw_legend(p, QRectF(size_.width() - kLegendWidth, kHeader + kAxisTop, kLegendWidth - 8,
                        size_.height() - kHeader - kAxisTop),
              legend_);
}

QImage Figure::render(qreal scale) const {
  QImage image(static_cast<int>(std::lround(size_.width() * scale)),
               static_cast<int>(std::lround(size_.height() * scale)), QImage::Format_ARGB32);
  image.fill(Qt::white);
  QPainter p(&image);
  p.scale(scale, scale);
  paint(p);
  p.end();
  return image;
}

std::expected<void, std::string> Figure::save_png(const std::string& path, qreal scale) const {
  return plot::save_png(render(scale), path);
}

std::expected<void, std::string> Figure::save_svg(const std::string& path) const {
  return plot::save_svg(path, size_, title_, caption_, [this](QPainter& p) { paint(p); });
}

}  // namespace lockscope::plot
