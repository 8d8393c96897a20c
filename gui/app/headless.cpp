#include "gui/app/headless.hpp"

#include <QImage>
#include <QPainter>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "gui/app/export_view.hpp"
#include "gui/model/timeline_model.hpp"
#include "gui/model/violation_window.hpp"
#include "gui/render/layout.hpp"
#include "gui/render/timeline_painter.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::gui {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct FrameStats {
  double p50;
  double max;
};

FrameStats time_frames(const TimelineModel& model, const ViewTransform& view, QSize size, int frames) {
  // The widget paints into one long-lived image; fault its pages in before
  // the clock starts, so a frame's time is painting, not the allocation.
  QImage image(size, QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::white);
  std::vector<double> ms;
  for (int i = 0; i < frames; ++i) {
    const auto start = Clock::now();
    QPainter p(&image);
    paint_timeline(p, model, view, size);
    p.end();
    ms.push_back(ms_since(start));
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.back()};
}

}  // namespace

std::optional<double> parse_time(const QString& text) {
  struct Suffix {
    const char* name;
    double ps;
  };
  static constexpr Suffix kSuffixes[] = {{"ps", 1}, {"ns", 1e3}, {"us", 1e6}, {"µs", 1e6}, {"ms", 1e9}, {"s", 1e12}};
  const QString t = text.trimmed();
  for (const auto& s : kSuffixes) {
    const QString suffix = QString::fromUtf8(s.name);
    if (t.endsWith(suffix)) {
      bool ok = false;
      const double v = t.left(t.size() - suffix.size()).toDouble(&ok);
      if (ok && v >= 0) return v * s.ps;
      if (s.ps == 1e12) break;  // "ms" ends with "s" too: already tried
    }
  }
  bool ok = false;
  const double v = t.toDouble(&ok);
  if (ok && v >= 0) return v;
  return std::nullopt;
}

int run_screenshot(const ScreenshotOptions& options) {
  auto timeline = traces::read_timeline_file(options.timeline.toStdString());
  if (!timeline) {
    std::fprintf(stderr, "lockscope-gui: %s\n", timeline.error().to_string().c_str());
    return 1;
  }
  const TimelineModel model(std::move(*timeline));
  ViewTransform view = fit_view(model, options.size);
  if (options.range) {
    const Layout layout(model, options.size);
    const auto [a, b] = *options.range;
    view = ViewTransform(a, (b - a) / layout.data.width(), layout.data.width());
  }
  ViewState state;
  state.selected_lines.assign(model.timeline().lines.size(), false);
  // As the window opens it: on the first violation, its workers highlighted.
  if (!model.violations().empty()) {
    const TimeRange w = open_on_violation(model, 0, state);
    if (!options.range) {
      const Layout layout(model, options.size);
      view = ViewTransform::fit(w.t0, w.t1, layout.data.width());
    }
  }
  if (options.select) {
    const auto end = static_cast<double>(model.end_time());
    const auto a = static_cast<std::uint64_t>(std::clamp(options.select->first, 0.0, end));
    const auto b = static_cast<std::uint64_t>(std::clamp(options.select->second, 0.0, end));
    if (b > a) state.selection = TimeRange{a, b};
  }
  if (!options.lines.isEmpty()) {
    state.only_selected = true;
    for (std::size_t i = 0; i < model.timeline().lines.size(); ++i) {
      const QString name = QString::fromStdString(model.timeline().lines[i].name);
      for (const QString& want : options.lines) {
        if (name.contains(want)) state.selected_lines[i] = true;
      }
    }
  }
  const auto done = export_view(options.out, export_format_for(options.out), model, view, state, options.size);
  if (!done) {
    std::fprintf(stderr, "lockscope-gui: %s\n", done.error().toLocal8Bit().constData());
    return 1;
  }
  return 0;
}

int run_benchmark(const QString& path) {
  const auto start = Clock::now();
  auto timeline = traces::read_timeline_file(path.toStdString());
  if (!timeline) {
    std::fprintf(stderr, "lockscope-gui: %s\n", timeline.error().to_string().c_str());
    return 1;
  }
  const TimelineModel model(std::move(*timeline));
  const QSize size(1600, 900);
  prepare_frame_caches(model, size);  // as TimelineView::set_model does
  const double load_ms = ms_since(start);
  const ViewTransform fit = fit_view(model, size);
  const double mid_x = fit.width() / 2;
  const ViewTransform mid = fit.zoomed(mid_x, 64);
  const ViewTransform deepest(fit.to_time(mid_x), 1.0, fit.width());  // 1 ps per pixel
  constexpr int kFrames = 15;
  const auto f = time_frames(model, fit, size, kFrames);
  const auto m = time_frames(model, mid, size, kFrames);
  const auto d = time_frames(model, deepest, size, kFrames);
  // "Any zoom": zooms from fit-all to 1 ps per pixel in steps of sqrt(2), a
  // few frames each; the slowest is reported with its zoom factor.
  FrameStats worst{0, 0};
  double worst_zoom = 1;
  for (double zoom = 1.4142135623730951; fit.ps_per_px() / zoom >= 1.0; zoom *= 1.4142135623730951) {
    const auto z = time_frames(model, fit.zoomed(mid_x, zoom), size, 5);
    if (z.max > worst.max) {
      worst = z;
      worst_zoom = zoom;
    }
  }
  std::printf(
      "{\"events\": %llu, \"load_ms\": %.2f, \"index_mb\": %.1f, \"frame_ms\": {\"fit_all\": {\"p50\": %.2f, \"max\": %.2f}, "
      "\"mid\": {\"p50\": %.2f, \"max\": %.2f}, \"deepest\": {\"p50\": %.2f, \"max\": %.2f}, "
      "\"worst_zoom\": {\"zoom\": %.0f, \"p50\": %.2f, \"max\": %.2f}}}\n",
      static_cast<unsigned long long>(model.timeline().event_count()), load_ms,
      static_cast<double>(model.index_bytes()) / (1024.0 * 1024.0), f.p50, f.max, m.p50, m.max, d.p50,
      d.max, worst_zoom, worst.p50, worst.max);
  return 0;
}

}  // namespace lockscope::gui
