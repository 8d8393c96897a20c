#include "gui/app/run_dialog.hpp"

#include <gtest/gtest.h>

#include <QFile>
#include <QTemporaryDir>
#include <signal.h>

#include "gui/app/child_run.hpp"
#include "tests/gui/wait_until.hpp"

namespace lockscope::gui {
namespace {

const QString kScenarios = QStringLiteral(LOCKSCOPE_SOURCE_SCENARIOS);

TEST(RunDialog, BuildsTheReplayCommandLine) {
  // A CLI that does not exist: the dialog falls back to its built-in lists.
  RunDialog dialog(QStringLiteral("/nonexistent/lockscope"), kScenarios);
  dialog.set_choice(QStringLiteral("teaching/bouncing.toml"), QStringLiteral("central"), QStringLiteral("epyc-64"), 8);
  const RunChoice c = dialog.choice();
  EXPECT_TRUE(c.out.endsWith(QStringLiteral("bouncing-central-epyc-64-8.lstl"))) << c.out.toStdString();
  const QStringList expected = {QStringLiteral("replay"),  QStringLiteral("--scenario"),
                                kScenarios + QStringLiteral("/teaching/bouncing.toml"),
                                QStringLiteral("--lock"),  QStringLiteral("central"),
                                QStringLiteral("--machine"), QStringLiteral("epyc-64"),
                                QStringLiteral("--cores"), QStringLiteral("8"),
                                QStringLiteral("--timeline"), c.out};
  EXPECT_EQ(replay_arguments(c), expected);
  // The narrative pane shows the comment block at the top of the scenario.
  EXPECT_TRUE(dialog.narrative().startsWith(QStringLiteral("Cacheline bouncing:"))) << dialog.narrative().toStdString();
  EXPECT_FALSE(dialog.narrative().contains(QStringLiteral("[scenario]")));
}

TEST(RunDialog, ParsesTheMachineList) {
  const auto m = parse_machines(QStringLiteral(
      "NAME          CORES GROUPS  NEAR (ns)    FAR (ns)     DESCRIPTION\n"
      "laptop-8          8      1  18.5-23.0    -            one die\n"
      "epyc-64          64      8  22.4-24.8    94.0-109.0   8 CCX x 8 cores\n"));
  ASSERT_EQ(m.size(), 2U);
  EXPECT_EQ(m[1].name, QStringLiteral("epyc-64"));
  EXPECT_EQ(m[1].cores, 64);
}

TEST(RunDialog, AFailedRunShowsTheChildsErrorLine) {
  QTemporaryDir dir;
  const QString cli = dir.filePath(QStringLiteral("fake-lockscope"));
  QFile script(cli);
  ASSERT_TRUE(script.open(QIODevice::WriteOnly));
  script.write("#!/bin/sh\n"
               "echo '... central: 50% of the trace' >&2\n"
               "echo \"lockscope: --machine: unknown machine 'nope'\" >&2\n"
               "exit 2\n");
  script.close();
  script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
  RunDialog dialog(cli, kScenarios);
  bool ready = false;
  QObject::connect(&dialog, &RunDialog::timelineReady, [&ready] { ready = true; });
  dialog.start();
  ASSERT_TRUE(testing::wait_until(
      [&] { return !dialog.child()->running() && dialog.status().startsWith(QStringLiteral("failed")); }));
  EXPECT_EQ(dialog.status(), QStringLiteral("failed: lockscope: --machine: unknown machine 'nope'"));
  EXPECT_FALSE(ready);
}

#ifdef LOCKSCOPE_BUILD_CLI
// The real CLI, a small replay (well under a second of simulation): the
// dialog's command line is one the CLI accepts, its progress lines parse,
// and the timeline it announces exists.
TEST(RunDialog, RunsTheRealCliAndAnnouncesTheTimeline) {
  RunDialog dialog(QStringLiteral(LOCKSCOPE_BUILD_CLI), kScenarios);
  dialog.set_choice(QStringLiteral("teaching/bouncing.toml"), QStringLiteral("graph"), QStringLiteral("laptop-8"), 2);
  QString ready;
  double last_progress = -1;
  QObject::connect(&dialog, &RunDialog::timelineReady, [&ready](const QString& path) { ready = path; });
  QObject::connect(dialog.child(), &ChildRun::progress, [&](double f, const QString&) { last_progress = f; });
  dialog.start();
  const auto settled = [&] { return !ready.isEmpty() || dialog.status().startsWith(QStringLiteral("failed")); };
  ASSERT_TRUE(testing::wait_until(settled, 120000));
  ASSERT_FALSE(ready.isEmpty()) << dialog.status().toStdString();
  EXPECT_EQ(ready, dialog.choice().out);
  EXPECT_TRUE(QFile::exists(ready));
  EXPECT_GT(last_progress, 0.0);  // the CLI's "... graph: N% of the trace" lines were read
  QFile::remove(ready);
}
#endif

TEST(ChildRun, ReportsProgressAndSuccess) {
  ChildRun run;
  double fraction = -1;
  int finished = 0;
  bool ok = false;
  QObject::connect(&run, &ChildRun::progress, [&](double f, const QString&) { fraction = f; });
  QObject::connect(&run, &ChildRun::finished, [&](bool o, const QString&) {
    ++finished;
    ok = o;
  });
  run.start(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("echo '... graph: 42% of the trace' >&2")});
  ASSERT_TRUE(testing::wait_until([&] { return finished > 0; }));
  EXPECT_TRUE(ok);
  EXPECT_DOUBLE_EQ(fraction, 0.42);
}

bool alive(qint64 pid) {
  // Gone, or a zombie waiting for a parent that is not us.
  QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
  if (!stat.open(QIODevice::ReadOnly)) return false;
  const QByteArray s = stat.readAll();
  const qsizetype close = s.lastIndexOf(')');
  return close >= 0 && close + 2 < s.size() && s[close + 2] != 'Z';
}

TEST(ChildRun, CancelKillsTheChildAndItsChildren) {
  QTemporaryDir dir;
  const QString pid_file = dir.filePath(QStringLiteral("grandchild"));
  ChildRun run;
  QString error;
  int finished = 0;
  QObject::connect(&run, &ChildRun::finished, [&](bool, const QString& e) {
    ++finished;
    error = e;
  });
  // A long-running child with a long-running grandchild, as replay forks one.
  run.start(QStringLiteral("sh"), {QStringLiteral("-c"),
                                   QStringLiteral("sleep 300 & echo $! > '%1'; wait").arg(pid_file)});
  ASSERT_TRUE(testing::wait_until([&] { return QFile(pid_file).size() > 0; }));
  QFile f(pid_file);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const qint64 grandchild = f.readAll().trimmed().toLongLong();
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(alive(grandchild));
  run.cancel();
  ASSERT_TRUE(testing::wait_until([&] { return finished > 0; }));
  EXPECT_EQ(error, QStringLiteral("cancelled"));
  EXPECT_FALSE(run.running());
  EXPECT_TRUE(testing::wait_until([&] { return !alive(grandchild); }));
  if (alive(grandchild)) ::kill(static_cast<pid_t>(grandchild), SIGKILL);  // no leftovers either way
}

// A window that closes with a run still going destroys its ChildRun while
// its own members are half gone: the dying run kills its child without
// reporting to anyone (lockscope-gui --screenshot --window with no
// teaching run used to crash so, exit 139).
TEST(ChildRun, DestroyedWhileRunningReportsToNoOne) {
  auto* run = new ChildRun;
  int finished = 0;
  QObject::connect(run, &ChildRun::finished, [&](bool, const QString&) { ++finished; });
  run->start(QStringLiteral("sleep"), {QStringLiteral("300")});
  ASSERT_TRUE(testing::wait_until([&] { return run->running(); }));
  delete run;
  EXPECT_EQ(finished, 0);
}

}  // namespace
}  // namespace lockscope::gui
