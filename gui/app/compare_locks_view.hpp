// CompareLocksView: issue 5's "Compare locks" panel. It shows a sweep
// folder written by `lockscope sweep` (DIR/results.csv, and the plots
// throughput.png, wait.png, transfers.png) as one tab per plot plus the CSV
// as a table, and runs a new sweep as a child process (ChildRun) with a
// progress bar and Cancel; the finished sweep's folder opens.
#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;

namespace lockscope::gui {

class ChildRun;

struct SweepChoice {
  QString scenario;  // a path
  QString locks;     // "graph,central"
  QString machine;
  QString cores;     // "1,2,4,8"
  int jobs = 1;
  QString out;       // the folder to write
};

[[nodiscard]] QStringList sweep_arguments(const SweepChoice& choice);

// The plots a sweep folder holds, in tab order: file stem and tab title.
inline const QStringList kSweepPlots = {QStringLiteral("throughput"), QStringLiteral("wait"),
                                        QStringLiteral("transfers")};

class CompareLocksView : public QWidget {
 public:
  CompareLocksView(const QString& cli, const QString& scenarios, QWidget* parent = nullptr);

  // Shows a sweep folder; returns the error (also shown), empty on success.
  QString open_dir(const QString& dir);
  void start_sweep();
  [[nodiscard]] SweepChoice choice() const;
  [[nodiscard]] QTabWidget* tabs() const { return tabs_; }
  [[nodiscard]] QTableWidget* table() const { return table_; }
  [[nodiscard]] ChildRun* child() const { return child_; }
  [[nodiscard]] QString status() const;

 private:
  void finished(bool ok, const QString& error);

  QString cli_;
  QString scenarios_;
  QComboBox* scenario_;
  QLineEdit* locks_;
  QComboBox* machine_;
  QLineEdit* cores_;
  QSpinBox* jobs_;
  QPushButton* run_;
  QPushButton* cancel_;
  QProgressBar* progress_;
  QLabel* status_;
  QTabWidget* tabs_;
  QTableWidget* table_;
  ChildRun* child_;
  QString out_;
};

}  // namespace lockscope::gui
