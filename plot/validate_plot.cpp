#include "plot/validate_plot.hpp"

#include <QFont>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "plot/model/scale.hpp"
#include "plot/render/axes.hpp"
#include "plot/render/image_file.hpp"
#include "plot/render/legend.hpp"
#include "plot/render/marks.hpp"

namespace lockscope::plot {
namespace {

constexpr int kPanelSide = 400;  // each panel square, so y = x is the diagonal
constexpr qreal kHeader = 58;

struct Panel {
  Axes axes;
  std::vector<const ValidatePoint*> points;
};

bool drawable(const ValidatePoint& p) { return p.real > 0 && p.simulated > 0; }

QFont font_px(int px, bool bold = false) {
  QFont f("DejaVu Sans");
  f.setStyleHint(QFont::SansSerif);
  f.setPixelSize(px);
  f.setBold(bold);
  return f;
}

// The same range on both axes: the panel's smallest and largest figure,
// real or simulated, widened to powers of ten.
Scale shared_scale(const std::vector<const ValidatePoint*>& points) {
  double lo = 0, hi = 0;
  for (const ValidatePoint* p : points) {
    const double a = std::min(p->real, p->simulated), b = std::max(p->real, p->simulated);
    lo = lo == 0 ? a : std::min(lo, a);
    hi = std::max(hi, b);
  }
  return Scale::logarithmic(lo, hi, 10);
}

class ValidateFigure {
 public:
  ValidateFigure(const std::vector<ValidatePoint>& points, QString caption) : caption_(std::move(caption)) {
    struct Spec {
      QString title, unit;
      std::vector<ValidateKind> kinds;
    };
    const Spec specs[] = {{"throughput", "ops/s", {ValidateKind::throughput}},
                          {"wait p50 (small) and p99 (large)", "ns", {ValidateKind::wait_p50, ValidateKind::wait_p99}},
                          {"transfers per operation", "lines/op", {ValidateKind::transfers_per_op}}};
    for (const Spec& spec : specs) {
      Panel panel;
      for (const ValidatePoint& p : points) {
        if (drawable(p) && std::ranges::find(spec.kinds, p.kind) != spec.kinds.end()) panel.points.push_back(&p);
        if (std::ranges::find(spec.kinds, p.kind) != spec.kinds.end() &&
            std::ranges::none_of(legend_, [&](const Series& s) { return s.lock == p.lock; })) {
          legend_.push_back(Series{p.lock, "", 0, {}});
        }
      }
      // Throughput and waits always have a panel; transfers only with data.
      if (panel.points.empty() && spec.kinds.front() == ValidateKind::transfers_per_op) continue;
      panel.axes.title = spec.title;
      panel.axes.x_title = "real (" + spec.unit + ", log)";
      panel.axes.y_title = "simulated (" + spec.unit + ", log)";
      panel.axes.x = panel.points.empty() ? Scale::logarithmic(1, 10, 10) : shared_scale(panel.points);
      panel.axes.y = panel.axes.x;
      panels_.push_back(std::move(panel));
    }
    const qreal panel_w = kPanelSide + kAxisLeft + kAxisRight;
    size_ = QSize(static_cast<int>(panel_w * static_cast<qreal>(panels_.size()) + kLegendWidth),
                  static_cast<int>(kHeader + kAxisTop + kPanelSide + kAxisBottom));
    for (std::size_t i = 0; i < panels_.size(); ++i) {
      panels_[i].axes.plot =
          QRectF(static_cast<qreal>(i) * panel_w + kAxisLeft, kHeader + kAxisTop, kPanelSide, kPanelSide);
    }
  }

  [[nodiscard]] QSize size() const { return size_; }

  void paint(QPainter& p) const {
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    p.fillRect(QRectF(0, 0, size_.width(), size_.height()), Qt::white);
    p.setPen(QColor(20, 20, 20));
    p.setFont(font_px(16, true));
    p.drawText(QRectF(14, 8, size_.width() - 28, 22), Qt::AlignLeft | Qt::AlignVCenter,
               "lockscope validate: simulated against real");
    p.setFont(font_px(11));
    p.setPen(QColor(90, 90, 90));
    p.drawText(QRectF(14, 31, size_.width() - 28, 18), Qt::AlignLeft | Qt::AlignVCenter, caption_);
    for (const Panel& panel : panels_) {
      const Axes& a = panel.axes;
      draw_axes(p, a);
      p.save();
      p.setClipRect(a.plot);
      // y = x: where a perfect model puts every mark.
      QPen diagonal(QColor(120, 120, 120), 1.2, Qt::DashLine);
      p.setPen(diagonal);
      p.drawLine(a.map({a.x.lo(), a.x.lo()}), a.map({a.x.hi(), a.x.hi()}));
      p.setFont(font_px(10));
      p.drawText(a.map({a.x.hi(), a.x.hi()}) + QPointF(-40, 24), "y = x");
      for (const ValidatePoint* pt : panel.points) {
        draw_marker(p, a.map({pt->real, pt->simulated}), lock_style(pt->lock),
                    pt->kind == ValidateKind::wait_p50 ? 5.0 : 9.0);
      }
      p.restore();
      if (panel.points.empty()) draw_empty_note(p, a, "no case has both figures");
    }
    draw_legend(p, QRectF(size_.width() - kLegendWidth, kHeader + kAxisTop, kLegendWidth - 8,
                          size_.height() - kHeader - kAxisTop),
                legend_);
  }

 private:
  QString caption_;
  std::vector<Panel> panels_;
  std::vector<Series> legend_;
  QSize size_;
};

void quiet_handler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (type == QtWarningMsg && message.startsWith("QStandardPaths:")) return;
  std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
}

// As in sweep_plots.cpp: text needs a QGuiApplication; start a headless one
// once and keep it for the process's life.
void ensure_gui_application() {
  if (QCoreApplication::instance() != nullptr) return;
  qInstallMessageHandler(quiet_handler);
  if (std::getenv("QT_QPA_PLATFORM") == nullptr) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  static int argc = 1;
  static char name[] = "lockscope";
  static char* argv[] = {name, nullptr};
  new QGuiApplication(argc, argv);
}

std::expected<void, std::string> save_svg(const ValidateFigure& fig, const std::string& path) {
  return plot::save_svg(path, fig.size(), "lockscope validate", QString(), [&fig](QPainter& p) { fig.paint(p); });
}

std::expected<void, std::string> save_png(const ValidateFigure& fig, const std::string& path) {
  constexpr qreal kScale = 2.0;
  QImage image(static_cast<int>(fig.size().width() * kScale), static_cast<int>(fig.size().height() * kScale),
               QImage::Format_ARGB32);
  image.fill(Qt::white);
  {
    QPainter p(&image);
    p.scale(kScale, kScale);
    fig.paint(p);
  }
  return plot::save_png(image, path);
}

}  // namespace

std::expected<std::vector<std::string>, std::string> draw_validate_plot(const std::vector<ValidatePoint>& points,
                                                                        const std::string& caption,
                                                                        const std::string& dir) {
  ensure_gui_application();
  const ValidateFigure fig(points, QString::fromStdString(caption));
  const std::string base = (std::filesystem::path(dir) / "validate").string();
  if (auto w = save_svg(fig, base + ".svg"); !w) return std::unexpected(w.error());
  if (auto w = save_png(fig, base + ".png"); !w) return std::unexpected(w.error());
  return std::vector<std::string>{base + ".svg", base + ".png"};
}

}  // namespace lockscope::plot
