// Processes Qt events until a condition holds or a generous deadline passes
// (for child processes; no test asserts on how long it took).
#pragma once

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>

namespace lockscope::gui::testing {

template <typename Condition>
bool wait_until(Condition done, int timeout_ms = 20000) {
  QDeadlineTimer deadline(timeout_ms);
  while (!done()) {
    if (deadline.hasExpired()) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QThread::msleep(5);
  }
  return true;
}

}  // namespace lockscope::gui::testing
