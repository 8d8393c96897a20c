// MainWindow: three tabs — Timeline (one run, with the Statistics dock),
// Compare (two runs on one time axis) and Compare locks (a sweep folder) —
// and the File menu: Open, Compare, Run (a scenario, as a child process),
// Open sweep, Fit all, Quit. With no file it opens the bundled teaching run.
#pragma once

#include <QMainWindow>
#include <QString>
#include <memory>

#include "gui/model/timeline_model.hpp"

class QProgressBar;
class QTabWidget;

namespace lockscope::gui {

class ChildRun;
class CompareLocksView;
class CompareView;
class StatisticsDock;
class TimelineLoader;
class TimelineView;

class MainWindow : public QMainWindow {
 public:
  enum Tab { kTimelineTab, kCompareTab, kCompareLocksTab };

  MainWindow();
  // Each returns the error it showed (a bad file), empty on success.
  QString open(const QString& path);
  // The same, reading and indexing on another thread with a progress bar
  // in the status bar while the window stays responsive (File > Open and a
  // file on the command line; a 100 M-event file takes seconds). False when
  // a file is still opening (nothing starts).
  bool open_in_background(const QString& path);
  [[nodiscard]] TimelineLoader* loader() const { return loader_; }
  QString compare(const QString& a, const QString& b);
  QString open_sweep(const QString& dir);
  // The teaching run (bouncing, central vs graph) generated at build time.
  // When it is not there, false: the window replays it into the cache
  // folder in a child process and opens it when done (or shows why not).
  bool open_teaching();
  void show_tab(Tab tab);

  [[nodiscard]] TimelineView* timeline_view() const { return view_; }
  [[nodiscard]] StatisticsDock* statistics() const { return stats_; }
  [[nodiscard]] CompareView* compare_view() const { return compare_; }
  [[nodiscard]] CompareLocksView* compare_locks_view() const { return locks_; }

 private:
  void run_dialog();
  void generate_teaching();
  void show_model(std::shared_ptr<const TimelineModel> model, const QString& path);
  void show_error(const QString& path, const QString& error);

  QTabWidget* tabs_;
  TimelineView* view_;
  CompareView* compare_;
  CompareLocksView* locks_;
  StatisticsDock* stats_;
  ChildRun* teaching_child_ = nullptr;
  TimelineLoader* loader_;
  QProgressBar* loading_;
};

}  // namespace lockscope::gui
