// lockscope-gui [TIMELINE]
// lockscope-gui --compare A.lstl B.lstl
// lockscope-gui --sweep DIR
// lockscope-gui --screenshot OUT.{png,svg} [--size WxH] [--range T0:T1] [--select T0:T1] [--lines A,B] TIMELINE
// lockscope-gui --screenshot OUT.png [--size WxH] [--range T0:T1] --window [TIMELINE]
// lockscope-gui --screenshot OUT.png [--size WxH] (--compare A B | --sweep DIR | --run-dialog)
// lockscope-gui --benchmark TIMELINE
#include <malloc.h>

#include <QApplication>
#include <QString>
#include <QStringList>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "gui/app/headless.hpp"
#include "gui/app/main_window.hpp"
#include "gui/app/window_screenshot.hpp"

namespace {

constexpr const char* kUsage =
    "usage: lockscope-gui [TIMELINE]                 one run (no file: the bundled teaching run)\n"
    "       lockscope-gui --compare A.lstl B.lstl    two runs on one time axis\n"
    "       lockscope-gui --sweep DIR                a `lockscope sweep -o DIR` folder\n"
    "       lockscope-gui --screenshot OUT.{png,svg} [--size WxH] [--range T0:T1] [--select T0:T1]\n"
    "                     [--lines NAME,...] TIMELINE\n"
    "       lockscope-gui --screenshot OUT.png [--size WxH] [--range T0:T1] --window [TIMELINE]\n"
    "       lockscope-gui --screenshot OUT.png [--size WxH] (--compare A B | --sweep DIR | --run-dialog)\n"
    "       lockscope-gui --benchmark TIMELINE\n"
    "--screenshot renders the timeline alone; with --window, --compare or --sweep the whole window.\n"
    "times in --range and --select take a unit: ps, ns, us, ms, s (default ps)\n"
    "--select draws the selected-range band; --lines shows only the transfers of the lines\n"
    "whose names contain one of the comma-separated NAMEs\n";

// The offscreen platform warns about XDG_RUNTIME_DIR on every run (and
// about size hints when a window is grabbed); headless errors must stay one
// line, so those warnings are dropped.
void quiet_handler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (message.startsWith(QStringLiteral("QStandardPaths:"))) return;
  if (message.contains(QStringLiteral("propagateSizeHints"))) return;  // offscreen, grabbing a window
  std::fputs(qFormatLogMessage(type, context, message).toLocal8Bit().constData(), stderr);
  std::fputc('\n', stderr);
}

int usage_error(const char* message) {
  std::fprintf(stderr, "lockscope-gui: %s\n%s", message, kUsage);
  return 2;
}

struct Args {
  lockscope::gui::ScreenshotOptions shot;
  bool screenshot = false;
  bool benchmark = false;
  bool window = false;
  bool run_dialog = false;
  QStringList compare;
  QString sweep;
};

// Returns an exit status on a usage error.
std::optional<int> parse(const QStringList& args, Args& out) {
  for (qsizetype i = 1; i < args.size(); ++i) {
    const QString& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == QStringLiteral("--benchmark")) {
      out.benchmark = true;
    } else if (a == QStringLiteral("--window")) {
      out.window = true;
    } else if (a == QStringLiteral("--run-dialog")) {
      out.run_dialog = true;
    } else if (a == QStringLiteral("--screenshot")) {
      if (!has_value) return usage_error("--screenshot needs OUT.png");
      out.screenshot = true;
      out.shot.out = args[++i];
    } else if (a == QStringLiteral("--compare")) {
      if (i + 2 >= args.size()) return usage_error("--compare needs two timelines");
      out.compare = {args[i + 1], args[i + 2]};
      i += 2;
    } else if (a == QStringLiteral("--sweep")) {
      if (!has_value) return usage_error("--sweep needs DIR");
      out.sweep = args[++i];
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
      out.shot.size = QSize(w, h);
    } else if (a == QStringLiteral("--range") || a == QStringLiteral("--select")) {
      const bool range = a == QStringLiteral("--range");
      if (!has_value) return usage_error(range ? "--range needs T0:T1" : "--select needs T0:T1");
      const QStringList parts = args[++i].split(QLatin1Char(':'));
      const auto t0 = parts.size() == 2 ? lockscope::gui::parse_time(parts[0]) : std::nullopt;
      const auto t1 = parts.size() == 2 ? lockscope::gui::parse_time(parts[1]) : std::nullopt;
      if (!t0 || !t1 || !(*t1 > *t0)) {
        return usage_error(range ? "--range must be T0:T1 with T0 < T1" : "--select must be T0:T1 with T0 < T1");
      }
      (range ? out.shot.range : out.shot.select) = std::pair{*t0, *t1};
    } else if (a == QStringLiteral("--lines")) {
      if (!has_value) return usage_error("--lines needs NAME,...");
      out.shot.lines = args[++i].split(QLatin1Char(','), Qt::SkipEmptyParts);
    } else if (a.startsWith(QStringLiteral("--"))) {
      return usage_error("unknown option");
    } else if (out.shot.timeline.isEmpty()) {
      out.shot.timeline = a;
    } else {
      return usage_error("one TIMELINE only");
    }
  }
  const int modes =
      (out.compare.isEmpty() ? 0 : 1) + (out.sweep.isEmpty() ? 0 : 1) + (out.shot.timeline.isEmpty() ? 0 : 1);
  if (modes > 1) return usage_error("give one of TIMELINE, --compare A B, --sweep DIR");
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  // Keep freed heap for the next frames instead of returning it to the
  // kernel: after loading a large timeline glibc trimmed the heap, and the
  // first frames then faulted their mark buffers back in (20-30 ms for the
  // first fit-all frame of 10 M events, 14-15 ms with this; steady frames
  // are 10.5 ms). The cost is RSS that stays up after a large file closes.
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
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
  if (headless) qInstallMessageHandler(quiet_handler);

  QApplication app(argc, argv);
  Args args;
  if (const auto status = parse(QApplication::arguments(), args)) return *status;

  if (args.benchmark) {
    if (args.shot.timeline.isEmpty()) return usage_error("no TIMELINE given");
    return lockscope::gui::run_benchmark(args.shot.timeline);
  }
  if (args.screenshot) {
    if (args.window || args.run_dialog || !args.compare.isEmpty() || !args.sweep.isEmpty()) {
      lockscope::gui::WindowShot shot;
      shot.out = args.shot.out;
      shot.size = args.shot.size;
      shot.timeline = args.shot.timeline;
      shot.compare = args.compare;
      shot.sweep = args.sweep;
      shot.range = args.shot.range;
      shot.run_dialog = args.run_dialog;
      return lockscope::gui::run_window_screenshot(shot);
    }
    if (args.shot.timeline.isEmpty()) return usage_error("no TIMELINE given");
    return lockscope::gui::run_screenshot(args.shot);
  }

  lockscope::gui::MainWindow window;
  if (!args.compare.isEmpty()) {
    window.compare(args.compare[0], args.compare[1]);
  } else if (!args.sweep.isEmpty()) {
    window.open_sweep(args.sweep);
  } else if (!args.shot.timeline.isEmpty()) {
    window.open(args.shot.timeline);
  } else {
    window.open_teaching();
  }
  window.show();
  return QApplication::exec();
}
