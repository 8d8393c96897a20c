// lockscope-gui's command line: its options (CLI11, so that --help reads like
// the CLI's), their checks, and the mode they choose. Parsed before the
// QApplication exists: --help, --version and a usage error need no display,
// and --screenshot / --benchmark pick the offscreen platform first.
//
//   lockscope-gui [TIMELINE]                  one run (no file: the bundled teaching run)
//   lockscope-gui --compare A.lstl B.lstl     two runs on one time axis
//   lockscope-gui --sweep DIR                 a `lockscope sweep -o DIR` folder
//   lockscope-gui --screenshot OUT.{png,svg} [--size WxH] [--range T0:T1] [--select T0:T1] [--lines A,B] TIMELINE
//   lockscope-gui --screenshot OUT.png [--size WxH] [--range T0:T1] --window [TIMELINE]
//   lockscope-gui --screenshot OUT.png [--size WxH] (--compare A B | --sweep DIR | --run-dialog)
//   lockscope-gui --benchmark TIMELINE
#pragma once

#include <QString>
#include <QStringList>
#include <expected>
#include <string>

#include "gui/app/headless.hpp"

namespace lockscope::gui {

struct CommandLine {
  ScreenshotOptions shot;  // shot.timeline is the TIMELINE argument in every mode
  bool screenshot = false;
  bool benchmark = false;
  bool window = false;
  bool run_dialog = false;
  QStringList compare;  // empty, or A and B
  QString sweep;
  // Runs without showing a window (on the offscreen platform unless
  // QT_QPA_PLATFORM says otherwise).
  [[nodiscard]] bool headless() const { return screenshot || benchmark; }
  // A --screenshot of the whole window rather than of the timeline alone.
  [[nodiscard]] bool whole_window() const { return window || run_dialog || !compare.isEmpty() || !sweep.isEmpty(); }
};

// Parsing ended the run: print `text` (on standard output when `status` is
// 0: --help, --version; otherwise one error line, newline included, on
// standard error) and exit with `status` (2 for a usage error).
struct CommandLineExit {
  int status = 0;
  std::string text;
};

[[nodiscard]] std::expected<CommandLine, CommandLineExit> parse_command_line(int argc, const char* const* argv);

}  // namespace lockscope::gui
