// lockscope-gui: the desktop timeline. The options and modes are in
// gui/app/command_line.hpp (`lockscope-gui --help`).
#include <malloc.h>

#include <QApplication>
#include <QString>
#include <cstdio>
#include <cstdlib>

#include "gui/app/command_line.hpp"
#include "gui/app/headless.hpp"
#include "gui/app/main_window.hpp"
#include "gui/app/window_screenshot.hpp"

namespace {

// The offscreen platform warns about XDG_RUNTIME_DIR on every run (and
// about size hints when a window is grabbed); headless errors must stay one
// line, so those warnings are dropped.
void quiet_handler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (message.startsWith(QStringLiteral("QStandardPaths:"))) return;
  if (message.contains(QStringLiteral("propagateSizeHints"))) return;  // offscreen, grabbing a window
  std::fputs(qFormatLogMessage(type, context, message).toLocal8Bit().constData(), stderr);
  std::fputc('\n', stderr);
}

}  // namespace

int main(int argc, char** argv) {
  // Keep freed heap for the next frames instead of returning it to the
  // kernel: after loading a large timeline glibc trimmed the heap, and the
  // first frames then faulted their mark buffers back in (20-30 ms for the
  // first fit-all frame of 10 M events, 14-15 ms with this; steady frames
  // are 10.5 ms). The cost is RSS that stays up after a large file closes.
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  const auto parsed = lockscope::gui::parse_command_line(argc, argv);
  if (!parsed) {
    std::fputs(parsed.error().text.c_str(), parsed.error().status == 0 ? stdout : stderr);
    return parsed.error().status;
  }
  const lockscope::gui::CommandLine& args = *parsed;
  if (args.headless() && std::getenv("QT_QPA_PLATFORM") == nullptr) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  if (args.headless()) qInstallMessageHandler(quiet_handler);

  QApplication app(argc, argv);
  if (args.benchmark) return lockscope::gui::run_benchmark(args.shot.timeline);
  if (args.screenshot) {
    if (args.whole_window()) {
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
    return lockscope::gui::run_screenshot(args.shot);
  }

  lockscope::gui::MainWindow window;
  if (!args.compare.isEmpty()) {
    window.compare(args.compare[0], args.compare[1]);
  } else if (!args.sweep.isEmpty()) {
    window.open_sweep(args.sweep);
  } else if (!args.shot.timeline.isEmpty()) {
    window.open_in_background(args.shot.timeline);
  } else {
    window.open_teaching();
  }
  window.show();
  return QApplication::exec();
}
