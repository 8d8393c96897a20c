#include "gui/app/timeline_loader.hpp"

#include <QMetaType>

#include "traces/timeline_file.hpp"

namespace lockscope::gui {

TimelineLoader::TimelineLoader(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const TimelineModel>>("std::shared_ptr<const TimelineModel>");
  // Connected first, so it runs before any listener: the thread has emitted
  // its last signal and is about to end.
  connect(this, &TimelineLoader::finished, this, [this] {
    join();
    busy_ = false;
  });
}

TimelineLoader::~TimelineLoader() {
  cancel_ = true;
  join();
}

void TimelineLoader::join() {
  if (thread_.joinable()) thread_.join();
}

bool TimelineLoader::start(const QString& path) {
  if (busy_) return false;
  join();
  busy_ = true;
  cancel_ = false;
  // The signals are emitted on the loading thread and queued to the
  // listeners, which live on the GUI thread (Qt's automatic connection).
  thread_ = std::thread([this, name = path] {
    int reported = -1;  // in per mille, so a few hundred reports at most
    const traces::DecodeProgress listen = [&](std::size_t done, std::size_t total) {
      const int now = total == 0 ? 1000 : static_cast<int>(1000.0 * static_cast<double>(done) / static_cast<double>(total));
      if (now >= reported + 10) {
        reported = now;
        emit progress(now / 1000.0, QStringLiteral("reading %1").arg(name));
      }
      return !cancel_.load();
    };
    emit progress(0, QStringLiteral("reading %1").arg(name));
    auto timeline = traces::read_timeline_file(name.toStdString(), listen);
    if (!timeline) {
      emit finished(nullptr, name, QString::fromStdString(timeline.error().to_string()));
      return;
    }
    emit progress(-1, QStringLiteral("indexing %1 (%2 events)").arg(name).arg(timeline->event_count()));
    auto model = std::make_shared<const TimelineModel>(std::move(*timeline));
    emit finished(std::move(model), name, QString());
  });
  return true;
}

}  // namespace lockscope::gui
