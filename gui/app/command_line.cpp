#include "gui/app/command_line.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <sstream>
#include <utility>
#include <vector>

namespace lockscope::gui {
namespace {

constexpr const char* kModes =
    "Modes:\n"
    "  lockscope-gui [TIMELINE]                 one run (no file: the bundled teaching run)\n"
    "  lockscope-gui --compare A.lstl B.lstl    two runs on one time axis\n"
    "  lockscope-gui --sweep DIR                a `lockscope sweep -o DIR` folder\n"
    "  lockscope-gui --screenshot OUT.{png,svg} [--size WxH] [--range T0:T1] [--select T0:T1]\n"
    "                [--lines NAME,...] TIMELINE\n"
    "  lockscope-gui --screenshot OUT.png [--size WxH] [--range T0:T1] --window [TIMELINE]\n"
    "  lockscope-gui --screenshot OUT.png [--size WxH] (--compare A B | --sweep DIR | --run-dialog)\n"
    "  lockscope-gui --benchmark TIMELINE\n"
    "\n"
    "--screenshot renders the timeline alone; with --window, --compare, --sweep or --run-dialog\n"
    "the whole window. Times in --range and --select take a unit: ps, ns, us, ms, s (default ps).\n"
    "Docs: docs/gui.md in the source tree.";

std::unexpected<CommandLineExit> usage_error(const std::string& message) {
  return std::unexpected(
      CommandLineExit{2, "lockscope-gui: " + message + " (lockscope-gui --help lists the options)\n"});
}

QString from_local(const std::string& s) { return QString::fromLocal8Bit(s.data(), static_cast<qsizetype>(s.size())); }

// "WxH", at least 200x100 and at most 16384 a side.
std::optional<QSize> parse_size(const std::string& text) {
  const QStringList wh = from_local(text).split(QLatin1Char('x'));
  if (wh.size() != 2) return std::nullopt;
  bool ok_w = false;
  bool ok_h = false;
  const int w = wh[0].toInt(&ok_w);
  const int h = wh[1].toInt(&ok_h);
  if (!ok_w || !ok_h || w < 200 || h < 100 || w > 16384 || h > 16384) return std::nullopt;
  return QSize(w, h);
}

// "T0:T1" with T0 < T1, each a time parse_time() reads: picoseconds.
std::optional<std::pair<double, double>> parse_interval(const std::string& text) {
  const QStringList parts = from_local(text).split(QLatin1Char(':'));
  if (parts.size() != 2) return std::nullopt;
  const std::optional<double> t0 = parse_time(parts[0]);
  const std::optional<double> t1 = parse_time(parts[1]);
  if (!t0 || !t1 || !(*t1 > *t0)) return std::nullopt;
  return std::pair{*t0, *t1};
}

}  // namespace

std::expected<CommandLine, CommandLineExit> parse_command_line(int argc, const char* const* argv) {
  CLI::App app{"lockscope-gui: the desktop timeline of lockscope runs", "lockscope-gui"};
  app.set_version_flag("--version", "lockscope-gui " LOCKSCOPE_VERSION);
  app.footer(kModes);
  std::string timeline;
  std::vector<std::string> compare;
  std::string sweep;
  std::string screenshot;
  std::string size;
  std::string range;
  std::string select;
  std::string lines;
  CommandLine out;
  app.add_option("TIMELINE", timeline, "A timeline file (.lstl)")->type_name("");
  app.add_option("--compare", compare, "Two runs on one time axis")
      ->expected(2)
      ->allow_extra_args(false)  // A B, and a third file is a TIMELINE (an error)
      ->type_name("TIMELINE");
  app.add_option("--sweep", sweep, "A `lockscope sweep -o DIR` folder")->type_name("DIR");
  app.add_option("--screenshot", screenshot, "Render to OUT.png or OUT.svg (by the extension) and exit")
      ->type_name("OUT");
  app.add_option("--size", size, "The screenshot's size (default 1600x900, at least 200x100)")->type_name("WxH");
  app.add_option("--range", range, "The screenshot's time range (the Statistics dock's, with --window)")
      ->type_name("T0:T1");
  app.add_option("--select", select, "The screenshot's selected-range band")->type_name("T0:T1");
  app.add_option("--lines", lines, "Show only the transfers of the lines whose names contain a NAME")
      ->type_name("NAME,...");
  app.add_flag("--window", out.window, "Screenshot the whole window, docks included");
  app.add_flag("--run-dialog", out.run_dialog, "Screenshot the File > Run dialog");
  app.add_flag("--benchmark", out.benchmark, "Time loading and painting TIMELINE, then exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) return usage_error(e.what());
    std::ostringstream text;
    std::ostringstream errors;
    const int status = app.exit(e, text, errors);
    return std::unexpected(CommandLineExit{status, text.str()});
  }

  out.shot.timeline = from_local(timeline);
  out.sweep = from_local(sweep);
  for (const std::string& c : compare) out.compare.append(from_local(c));
  out.screenshot = app.count("--screenshot") > 0;
  out.shot.out = from_local(screenshot);
  if (app.count("--size") > 0) {
    const std::optional<QSize> wh = parse_size(size);
    if (!wh) return usage_error("--size must be WxH, at least 200x100");
    out.shot.size = *wh;
  }
  if (app.count("--range") > 0) {
    out.shot.range = parse_interval(range);
    if (!out.shot.range) return usage_error("--range must be T0:T1 with T0 < T1");
  }
  if (app.count("--select") > 0) {
    out.shot.select = parse_interval(select);
    if (!out.shot.select) return usage_error("--select must be T0:T1 with T0 < T1");
  }
  out.shot.lines = from_local(lines).split(QLatin1Char(','), Qt::SkipEmptyParts);

  const int modes = (out.compare.isEmpty() ? 0 : 1) + (out.sweep.isEmpty() ? 0 : 1) + (timeline.empty() ? 0 : 1);
  if (modes > 1) return usage_error("give one of TIMELINE, --compare A B, --sweep DIR");
  if (out.benchmark && timeline.empty()) return usage_error("--benchmark needs a TIMELINE");
  if (out.screenshot && !out.whole_window() && timeline.empty()) return usage_error("--screenshot needs a TIMELINE");
  return out;
}

}  // namespace lockscope::gui
