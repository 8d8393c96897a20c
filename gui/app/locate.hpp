// locate: where the GUI finds what it did not build itself.
//   the lockscope CLI  $LOCKSCOPE_CLI, else `lockscope` next to this
//                      executable (an install puts both in bin/), else the
//                      CLI this build tree built, else `lockscope` on PATH;
//   scenarios          $LOCKSCOPE_SCENARIOS, else ../share/lockscope/scenarios
//                      beside the executable (an install), else the source
//                      tree's scenarios/ this binary was configured from;
//   the teaching run   teaching/bouncing.{central,graph}.lstl in
//                      ../share/lockscope/ beside the executable (an install),
//                      else next to this executable (generated at build time,
//                      gui/CMakeLists.txt), else in the cache folder
//                      (generated on first start).
// An install (cmake/LockscopeInstall.cmake) puts the executables in bin/ and
// the data in share/lockscope/, so the install is tried first and the build
// tree's paths only when it is absent; the CLI finds the recorder library
// the same way (engine/record/launch.hpp).
#pragma once

#include <QString>
#include <QStringList>

namespace lockscope::gui {

[[nodiscard]] QString lockscope_cli();
[[nodiscard]] QString scenarios_dir();
// Every *.toml under `dir`, relative paths, sorted ("teaching/bouncing.toml").
[[nodiscard]] QStringList scenario_files(const QString& dir);
// The teaching run's two timelines (central, graph), or empty strings if absent.
struct TeachingRun {
  QString central;
  QString graph;
};
[[nodiscard]] TeachingRun teaching_run();
// Where the first start generates the teaching run when the build did not,
// and the replay arguments that do it (the same as gui/CMakeLists.txt's).
[[nodiscard]] QString teaching_cache_dir();
[[nodiscard]] QStringList teaching_arguments(const QString& scenarios, const QString& out_dir);
// Where GUI-started runs and sweeps write (a cache folder, created).
[[nodiscard]] QString runs_dir();

}  // namespace lockscope::gui
