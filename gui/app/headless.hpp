// The headless modes: --screenshot renders one frame to a PNG or an SVG
// (by the extension), with an optional selected range and line filter; --benchmark
// times loading and painting. Both need only a QGuiApplication (run them
// with the offscreen platform) and return the process exit code.
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <utility>

namespace lockscope::gui {

struct ScreenshotOptions {
  QString out;
  QString timeline;
  QSize size{1600, 900};
  std::optional<std::pair<double, double>> range;   // ps
  std::optional<std::pair<double, double>> select;  // ps: the selected-range band
  QStringList lines;  // show only the transfers of lines whose name contains one of these
};

// "250ns", "1.5us", "3ms", "42" (ps): picoseconds, or nothing if malformed.
[[nodiscard]] std::optional<double> parse_time(const QString& text);

int run_screenshot(const ScreenshotOptions& options);
int run_benchmark(const QString& timeline);

}  // namespace lockscope::gui
