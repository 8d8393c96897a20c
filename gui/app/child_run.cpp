#include "gui/app/child_run.hpp"

#include <signal.h>
#include <unistd.h>

#include "gui/model/progress_line.hpp"

namespace lockscope::gui {

ChildRun::ChildRun(QObject* parent) : QObject(parent) {
  // Its own process group, so that cancel() reaches forked grandchildren.
  process_.setChildProcessModifier([] { setpgid(0, 0); });
  connect(&process_, &QProcess::readyReadStandardError, this, &ChildRun::read_stderr);
  connect(&process_, &QProcess::finished, this, &ChildRun::done);
  connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart) {
      emit finished(false, QStringLiteral("cannot start %1: %2").arg(process_.program(), process_.errorString()));
    }
  });
}

ChildRun::~ChildRun() {
  // Whoever listens may be half destroyed by now (a window closing with a
  // run still going): killing the child must not report to it.
  blockSignals(true);
  if (running()) {
    kill_group();
    process_.waitForFinished(2000);
  }
}

void ChildRun::start(const QString& program, const QStringList& arguments) {
  if (running()) return;
  cancelled_ = false;
  stderr_text_.clear();
  partial_.clear();
  // Off a terminal the CLI prints one progress line per update.
  process_.setProcessChannelMode(QProcess::SeparateChannels);
  process_.setStandardOutputFile(QProcess::nullDevice());
  process_.start(program, arguments);
}

void ChildRun::cancel() {
  if (!running()) return;
  cancelled_ = true;
  kill_group();
}

void ChildRun::kill_group() {
  const auto pid = static_cast<pid_t>(process_.processId());
  if (pid > 0) ::kill(-pid, SIGKILL);
  process_.kill();
}

void ChildRun::read_stderr() {
  const QString chunk = partial_ + QString::fromLocal8Bit(process_.readAllStandardError());
  const qsizetype last_nl = chunk.lastIndexOf(QLatin1Char('\n'));
  const QString complete = chunk.left(last_nl + 1);
  partial_ = chunk.mid(last_nl + 1);
  stderr_text_ += complete;
  for (const QString& line : complete.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
    if (const auto p = parse_progress_line(line.toStdString())) {
      emit progress(p->fraction, QString::fromStdString(p->what));
    }
  }
  if (stderr_text_.size() > (1 << 20)) stderr_text_ = stderr_text_.right(1 << 16);
}

void ChildRun::done(int exit_code, QProcess::ExitStatus status) {
  read_stderr();
  stderr_text_ += partial_;
  partial_.clear();
  if (cancelled_) {
    emit finished(false, QStringLiteral("cancelled"));
    return;
  }
  if (status == QProcess::NormalExit && exit_code == 0) {
    emit finished(true, {});
    return;
  }
  QString line = QString::fromStdString(error_line(stderr_text_.toStdString()));
  if (line.isEmpty()) {
    line = status == QProcess::CrashExit
               ? QStringLiteral("%1 crashed").arg(process_.program())
               : QStringLiteral("%1 exited with status %2").arg(process_.program()).arg(exit_code);
  }
  emit finished(false, line);
}

}  // namespace lockscope::gui
