#include "gui/app/window_screenshot.hpp"

#include <QApplication>
#include <QPixmap>
#include <cstdio>

#include "gui/app/compare_view.hpp"
#include "gui/app/locate.hpp"
#include "gui/app/main_window.hpp"
#include "gui/app/run_dialog.hpp"
#include "gui/app/statistics_dock.hpp"
#include "gui/render/layout.hpp"
#include "plot/render/image_file.hpp"

namespace lockscope::gui {

namespace {

int save(QWidget& widget, const QString& out) {
  widget.show();
  for (int i = 0; i < 5; ++i) QApplication::processEvents();
  if (auto written = plot::save_png(widget.grab().toImage(), out.toStdString()); !written) {
    std::fprintf(stderr, "lockscope-gui: %s\n", written.error().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int run_window_screenshot(const WindowShot& shot) {
  if (shot.run_dialog) {
    RunDialog dialog(lockscope_cli(), scenarios_dir());
    dialog.resize(shot.size);
    return save(dialog, shot.out);
  }
  MainWindow window;
  QString error;
  if (!shot.compare.isEmpty()) {
    error = window.compare(shot.compare.value(0), shot.compare.value(1));
  } else if (!shot.sweep.isEmpty()) {
    error = window.open_sweep(shot.sweep);
  } else if (!shot.timeline.isEmpty()) {
    error = window.open(shot.timeline);
    if (error.isEmpty() && shot.range) {
      window.statistics()->set_range(static_cast<std::int64_t>(shot.range->first),
                                     static_cast<std::int64_t>(shot.range->second));
    }
  } else if (!window.open_teaching()) {
    error = QStringLiteral("the bundled teaching run was not found next to lockscope-gui");
  }
  if (!error.isEmpty()) {
    std::fprintf(stderr, "lockscope-gui: %s\n", error.toLocal8Bit().constData());
    return 1;
  }
  window.resize(shot.size);
  if (!shot.compare.isEmpty() && shot.range) {
    // The compare view's range is its zoom (the canvas knows its width once shown).
    window.show();
    QApplication::processEvents();
    auto* canvas = window.compare_view()->canvas();
    const double width = canvas->width() - Layout::kLabelWidth;
    const auto [a, b] = *shot.range;
    canvas->set_view(ViewTransform(a, (b - a) / width, width));
  }
  return save(window, shot.out);
}

}  // namespace lockscope::gui
