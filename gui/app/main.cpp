// lockscope-gui [TIMELINE]
// lockscope-gui --screenshot OUT.{png,svg} [--size WxH] [--range T0:T1] [--select T0:T1] [--lines A,B] TIMELINE
// lockscope-gui --benchmark TIMELINE
#include <QApplication>
#include <QGuiApplication>
#include <QString>
#include <QStringList>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "gui/app/headless.hpp"
#include "gui/app/main_window.hpp"

namespace {

constexpr const char* kUsage =
    "usage: lockscope-gui [TIMELINE]\n"
    "       lockscope-gui --screenshot OUT.{png,svg} [--size WxH] [--range T0:T1] [--select T0:T1]\n"
    "                     [--lines NAME,...] TIMELINE\n"
    "       lockscope-gui --benchmark TIMELINE\n"
    "times in --range and --select take a unit: ps, ns, us, ms, s (default ps)\n"
    "--select draws the selected-range band; --lines shows only the transfers of the lines\n"
    "whose names contain one of the comma-separated NAMEs\n";

// The offscreen platform warns about XDG_RUNTIME_DIR on every run; headless
// errors must stay one line, so that one warning is dropped.
void quiet_handler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (message.startsWith(QStringLiteral("QStandardPaths:"))) return;
  std::fputs(qFormatLogMessage(type, context, message).toLocal8Bit().constData(), stderr);
  std::fputc('\n', stderr);
}

int usage_error(const char* message) {
  std::fprintf(stderr, "lockscope-gui: %s\n%s", message, kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool headless = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--screenshot" || a == "--benchmark") headless = true;
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  if (headless && std::getenv("QT_QPA_PLATFORM") == nullptr) setenv("QT_QPA_PLATFORM", "offscreen", 1);

  if (headless) {
    qInstallMessageHandler(quiet_handler);
    QGuiApplication app(argc, argv);
    const QStringList args = QGuiApplication::arguments();
    lockscope::gui::ScreenshotOptions options;
    bool benchmark = false;
    for (qsizetype i = 1; i < args.size(); ++i) {
      const QString& a = args[i];
      const bool has_value = i + 1 < args.size();
      if (a == QStringLiteral("--benchmark")) {
        benchmark = true;
      } else if (a == QStringLiteral("--screenshot")) {
        if (!has_value) return usage_error("--screenshot needs OUT.png");
        options.out = args[++i];
      } else if (a == QStringLiteral("--size")) {
        if (!has_value) return usage_error("--size needs WxH");
        const QStringList wh = args[++i].split(QLatin1Char('x'));
        bool ok_w = false;
        bool ok_h = false;
        const int w = wh.size() == 2 ? wh[0].toInt(&ok_w) : 0;
        const int h = wh.size() == 2 ? wh[1].toInt(&ok_h) : 0;
        if (!ok_w || !ok_h || w < 200 || h < 100 || w > 16384 || h > 16384) {
          return usage_error("--size must be WxH, at least 200x100");
        }
        options.size = QSize(w, h);
      } else if (a == QStringLiteral("--range") || a == QStringLiteral("--select")) {
        const bool range = a == QStringLiteral("--range");
        if (!has_value) return usage_error(range ? "--range needs T0:T1" : "--select needs T0:T1");
        const QStringList parts = args[++i].split(QLatin1Char(':'));
        const auto t0 = parts.size() == 2 ? lockscope::gui::parse_time(parts[0]) : std::nullopt;
        const auto t1 = parts.size() == 2 ? lockscope::gui::parse_time(parts[1]) : std::nullopt;
        if (!t0 || !t1 || !(*t1 > *t0)) {
          return usage_error(range ? "--range must be T0:T1 with T0 < T1" : "--select must be T0:T1 with T0 < T1");
        }
        (range ? options.range : options.select) = std::pair{*t0, *t1};
      } else if (a == QStringLiteral("--lines")) {
        if (!has_value) return usage_error("--lines needs NAME,...");
        options.lines = args[++i].split(QLatin1Char(','), Qt::SkipEmptyParts);
      } else if (a.startsWith(QStringLiteral("--"))) {
        return usage_error("unknown option");
      } else if (options.timeline.isEmpty()) {
        options.timeline = a;
      } else {
        return usage_error("one TIMELINE only");
      }
    }
    if (options.timeline.isEmpty()) return usage_error("no TIMELINE given");
    if (benchmark) return lockscope::gui::run_benchmark(options.timeline);
    return lockscope::gui::run_screenshot(options);
  }

  QApplication app(argc, argv);
  const QStringList args = QApplication::arguments();
  lockscope::gui::MainWindow window;
  if (args.size() > 2) return usage_error("one TIMELINE only");
  if (args.size() == 2) window.open(args[1]);
  window.show();
  return QApplication::exec();
}
