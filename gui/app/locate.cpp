#include "gui/app/locate.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QStandardPaths>

namespace lockscope::gui {
namespace {

QString exe_dir() { return QCoreApplication::applicationDirPath(); }

QString env(const char* name) { return qEnvironmentVariable(name); }

}  // namespace

QString lockscope_cli() {
  if (const QString e = env("LOCKSCOPE_CLI"); !e.isEmpty()) return e;
  const QString beside = QDir(exe_dir()).filePath(QStringLiteral("lockscope"));
  if (QFileInfo(beside).isExecutable()) return beside;
#ifdef LOCKSCOPE_BUILD_CLI
  if (QFileInfo(QStringLiteral(LOCKSCOPE_BUILD_CLI)).isExecutable()) return QStringLiteral(LOCKSCOPE_BUILD_CLI);
#endif
  if (const QString found = QStandardPaths::findExecutable(QStringLiteral("lockscope")); !found.isEmpty()) {
    return found;
  }
  return QStringLiteral("lockscope");
}

QString scenarios_dir() {
  if (const QString e = env("LOCKSCOPE_SCENARIOS"); !e.isEmpty()) return e;
  const QString installed = QDir(exe_dir()).filePath(QStringLiteral("../share/lockscope/scenarios"));
  if (QFileInfo(installed).isDir()) return QDir::cleanPath(installed);
#ifdef LOCKSCOPE_SOURCE_SCENARIOS
  if (QFileInfo(QStringLiteral(LOCKSCOPE_SOURCE_SCENARIOS)).isDir()) return QStringLiteral(LOCKSCOPE_SOURCE_SCENARIOS);
#endif
  return {};
}

QStringList scenario_files(const QString& dir) {
  QStringList out;
  if (dir.isEmpty()) return out;
  const QDir base(dir);
  QDirIterator it(dir, {QStringLiteral("*.toml")}, QDir::Files, QDirIterator::Subdirectories);
  while (it.hasNext()) out << base.relativeFilePath(it.next());
  out.sort();
  return out;
}

TeachingRun teaching_run() {
  const QDir exe(exe_dir());
  for (const QString& folder : {QDir::cleanPath(exe.filePath(QStringLiteral("../share/lockscope/teaching"))),
                                exe.filePath(QStringLiteral("teaching")), teaching_cache_dir()}) {
    const QDir dir(folder);
    TeachingRun run{dir.filePath(QStringLiteral("bouncing.central.lstl")),
                    dir.filePath(QStringLiteral("bouncing.graph.lstl"))};
    if (QFileInfo::exists(run.central) && QFileInfo::exists(run.graph)) return run;
  }
  return {};
}

QString teaching_cache_dir() { return QDir(runs_dir()).filePath(QStringLiteral("teaching")); }

QStringList teaching_arguments(const QString& scenarios, const QString& out_dir) {
  return {QStringLiteral("replay"),
          QStringLiteral("--scenario"),
          QDir(scenarios).filePath(QStringLiteral("teaching/bouncing.toml")),
          QStringLiteral("--lock"),
          QStringLiteral("central,graph"),
          QStringLiteral("--machine"),
          QStringLiteral("epyc-64"),
          QStringLiteral("--cores"),
          QStringLiteral("8"),
          QStringLiteral("--timeline"),
          QDir(out_dir).filePath(QStringLiteral("bouncing.lstl"))};
}

QString runs_dir() {
  QString base = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
  if (base.isEmpty()) base = QDir::temp().filePath(QStringLiteral("lockscope-gui"));
  const QString dir = QDir(base).filePath(QStringLiteral("runs"));
  QDir().mkpath(dir);
  return dir;
}

}  // namespace lockscope::gui
