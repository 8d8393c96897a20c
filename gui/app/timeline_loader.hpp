// TimelineLoader: reads a timeline file and builds its model on a thread of
// its own, so that the window stays responsive while a large file (100 M
// events: several seconds) opens. progress() reports the bytes decoded, then
// the indexing (a fraction below zero: no measure of it), finished() hands
// over the model or the error. One load at a time; destroying the loader
// cancels a load and waits for its thread.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <thread>

#include "gui/model/timeline_model.hpp"

namespace lockscope::gui {

class TimelineLoader : public QObject {
  Q_OBJECT

 public:
  explicit TimelineLoader(QObject* parent = nullptr);
  ~TimelineLoader() override;
  TimelineLoader(const TimelineLoader&) = delete;
  TimelineLoader& operator=(const TimelineLoader&) = delete;

  // False (and nothing starts) while a load is running.
  bool start(const QString& path);
  [[nodiscard]] bool busy() const { return busy_; }

 signals:
  // fraction in [0, 1] while decoding; -1 while indexing (no measure).
  void progress(double fraction, const QString& what);
  // The model, or null and the error (one line, with the file's name).
  void finished(std::shared_ptr<const TimelineModel> model, const QString& path, const QString& error);

 private:
  void join();

  std::thread thread_;
  std::atomic<bool> cancel_{false};  // set by the destructor: decoding stops at its next report
  bool busy_ = false;
};

}  // namespace lockscope::gui
