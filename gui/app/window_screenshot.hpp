// window_screenshot: --screenshot of the whole main window (panels, docks,
// tabs) rather than the timeline frame alone: --window TIMELINE, --compare
// A B, --sweep DIR, --run-dialog, or the teaching run with no file. Needs a QApplication
// (the offscreen platform does).
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <utility>

namespace lockscope::gui {

struct WindowShot {
  QString out;
  QSize size{1600, 900};
  QString timeline;                       // Timeline tab
  QStringList compare;                    // two paths: Compare tab
  QString sweep;                          // Compare locks tab
  bool run_dialog = false;                // the File > Run dialog alone
  // ps: the Statistics dock's range, or the compare view's zoom.
  std::optional<std::pair<double, double>> range;
};

int run_window_screenshot(const WindowShot& shot);

}  // namespace lockscope::gui
