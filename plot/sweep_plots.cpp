#include "plot/sweep_plots.hpp"

#include <QGuiApplication>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "plot/render/sweep_figures.hpp"

namespace lockscope::plot {
namespace {

// Text drawing needs a QGuiApplication. The CLI has none: start a headless
// one, once, and keep it for the process's life (destroying it at exit
// would race other static destructors).
// Headless Qt notes that XDG_RUNTIME_DIR is unset (as it is under sudo, in
// CI, in containers); that is noise for a command-line tool. Everything
// else goes to stderr as usual.
void quiet_handler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (type == QtWarningMsg && message.startsWith("QStandardPaths:")) return;
  std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
}

void ensure_gui_application() {
  if (QCoreApplication::instance() != nullptr) return;
  qInstallMessageHandler(quiet_handler);
  if (std::getenv("QT_QPA_PLATFORM") == nullptr) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  static int argc = 1;
  static char name[] = "lockscope";
  static char* argv[] = {name, nullptr};
  new QGuiApplication(argc, argv);
}

}  // namespace

std::expected<std::vector<std::string>, std::string> draw_sweep_plots(const traces::SweepTable& table,
                                                                      const std::string& dir) {
  ensure_gui_application();
  std::vector<std::string> written;
  const Figure figures[] = {throughput_figure(table), wait_figure(table), transfers_figure(table)};
  for (std::size_t i = 0; i < kSweepFigureNames.size(); ++i) {
    const std::string base = (std::filesystem::path(dir) / std::string(kSweepFigureNames[i])).string();
    if (auto w = figures[i].save_svg(base + ".svg"); !w) return std::unexpected(w.error());
    written.push_back(base + ".svg");
    if (auto w = figures[i].save_png(base + ".png"); !w) return std::unexpected(w.error());
    written.push_back(base + ".png");
  }
  return written;
}

}  // namespace lockscope::plot
