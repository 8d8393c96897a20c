// ChildRun: one `lockscope replay` or `lockscope sweep` as a child process
// (SimGrid runs one engine per process, so the GUI never simulates itself).
// Standard error feeds progress() through parse_progress_line; cancel()
// kills the child's whole process group (replay forks a grandchild per
// lock, which a plain kill of the child would leave running).
#pragma once

#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace lockscope::gui {

class ChildRun : public QObject {
  Q_OBJECT

 public:
  explicit ChildRun(QObject* parent = nullptr);
  ~ChildRun() override;

  void start(const QString& program, const QStringList& arguments);
  void cancel();
  [[nodiscard]] bool running() const { return process_.state() != QProcess::NotRunning; }
  [[nodiscard]] qint64 pid() const { return process_.processId(); }

 signals:
  void progress(double fraction, const QString& what);
  // ok: exit status 0 and not cancelled; otherwise `error` is the child's
  // last error line (or why it could not start, or "cancelled").
  void finished(bool ok, const QString& error);

 private:
  void read_stderr();
  void done(int exit_code, QProcess::ExitStatus status);
  void kill_group();

  QProcess process_;
  QString stderr_text_;
  QString partial_;
  bool cancelled_ = false;
};

}  // namespace lockscope::gui
