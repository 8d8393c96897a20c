// StatisticsDock: the statistics panel for the whole run or a selected time
// range: throughput (operations, reads, writes per simulated second), lock
// waits (p50/p99 and a histogram each for reads and writes), per lock when
// the timeline names its locks (several locks, or a measured run), the
// shared-data cacheline table, and fairness: per worker its acquisitions (a
// table whose total column is a bar, most first) and Jain's index with
// max/min over the workers that tried (traces/fairness.hpp, as
// lockscope replay's summary prints them). A measured run has no cacheline data: the
// table is hidden and the transfers row says they were not measured.
// Figures come from gui/model/run_stats and traces/cacheline_table (the
// table lockscope replay's summary prints, over the range).
#pragma once

#include <QDockWidget>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "gui/model/run_stats.hpp"
#include "gui/model/timeline_model.hpp"

class QLabel;
class QTableWidget;

namespace lockscope::gui {

class CachelineTableView;
class LockTableView;
class WaitHistogramChart;

class StatisticsDock : public QDockWidget {
 public:
  explicit StatisticsDock(QWidget* parent = nullptr);

  void set_model(std::shared_ptr<const TimelineModel> model);
  // Times in the model's unit (ps). Connect TimelineView::rangeSelected and
  // rangeCleared here.
  void set_range(std::int64_t t0, std::int64_t t1);
  void clear_range();

  [[nodiscard]] const RunStats& stats() const { return stats_; }
  [[nodiscard]] CachelineTableView* cacheline_table() const { return table_; }
  [[nodiscard]] LockTableView* lock_table() const { return locks_; }
  // One row per worker that tried to take a lock in the range.
  enum WorkerColumn { kWorker, kWorkerReads, kWorkerWrites, kWorkerTotal, kWorkerColumnCount };
  [[nodiscard]] QTableWidget* worker_table() const { return workers_; }
  // The figures above the charts (rich text), for tests.
  [[nodiscard]] QString figures_text() const;

 private:
  void refresh();
  void fill_workers();

  std::shared_ptr<const TimelineModel> model_;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range_;
  RunStats stats_;
  QLabel* scope_;
  QLabel* figures_;
  WaitHistogramChart* read_chart_;
  WaitHistogramChart* write_chart_;
  QLabel* locks_title_;
  LockTableView* locks_;
  QLabel* workers_title_;
  QTableWidget* workers_;
  QLabel* table_title_;
  CachelineTableView* table_;
};

}  // namespace lockscope::gui
