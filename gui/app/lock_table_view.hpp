// LockTableView: the statistics dock's per-lock table, for a timeline that
// names its locks (several locks, or a measured run): per lock, the
// acquisitions (reads and writes) and the read and write waits as
// "p50 / p99" in the dock's range (gui/model/run_stats' per_lock). Five
// columns, so that the lock's name still fits a narrow dock. Click a header
// to sort; counts sort as numbers, waits by their p99.
#pragma once

#include <QTableWidget>

#include "gui/model/run_stats.hpp"
#include "gui/model/timeline_model.hpp"

namespace lockscope::gui {

class LockTableView : public QTableWidget {
 public:
  enum Column { kLock, kReads, kWrites, kReadWait, kWriteWait, kColumnCount };

  explicit LockTableView(QWidget* parent = nullptr);
  // One row per lock of the model's timeline with an acquisition in
  // `stats`, the most acquisitions first; empty without a model.
  void set_stats(const TimelineModel* model, const RunStats& stats);
};

}  // namespace lockscope::gui
