// RunDialog: replays a bundled scenario against a lock on a simulated
// machine by running `lockscope replay ... --timeline OUT` as a child
// process (ChildRun), with a progress bar and a Cancel button; the
// scenario's narrative comment is shown beside the choices. When the run
// succeeds, timelineReady(OUT) is emitted (the main window opens it).
#pragma once

#include <QDialog>
#include <QString>
#include <QStringList>
#include <vector>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace lockscope::gui {

class ChildRun;

struct RunChoice {
  QString scenario;  // a path
  QString lock;
  QString machine;
  int cores = 0;     // 0: all of the machine's
  QString out;       // the timeline to write
};

// The child's arguments (without the program) for a choice.
[[nodiscard]] QStringList replay_arguments(const RunChoice& choice);

struct MachineChoice {
  QString name;
  int cores = 0;
};
// Parses `lockscope machines` (a header line, then NAME CORES ... per line).
[[nodiscard]] std::vector<MachineChoice> parse_machines(const QString& text);

class RunDialog : public QDialog {
  Q_OBJECT

 public:
  // `cli` is the lockscope executable, `scenarios` the folder to list.
  RunDialog(const QString& cli, const QString& scenarios, QWidget* parent = nullptr);

  [[nodiscard]] RunChoice choice() const;
  void set_choice(const QString& scenario_rel, const QString& lock, const QString& machine, int cores);
  [[nodiscard]] QString narrative() const;
  [[nodiscard]] QString status() const;
  [[nodiscard]] ChildRun* child() const { return child_; }
  void start();
  void cancel();

 signals:
  void timelineReady(const QString& path);

 private:
  void show_narrative();
  void machine_changed();
  void finished(bool ok, const QString& error);

  QString cli_;
  QString scenarios_;
  std::vector<MachineChoice> machines_;
  QComboBox* scenario_;
  QComboBox* lock_;
  QComboBox* machine_;
  QSpinBox* cores_;
  QPlainTextEdit* narrative_;
  QProgressBar* progress_;
  QLabel* status_;
  QPushButton* run_;
  QPushButton* cancel_;
  ChildRun* child_;
  QString out_;
};

// Runs `cli args...` and returns its standard output, or an empty string
// after `timeout_ms` or on failure.
[[nodiscard]] QString run_for_output(const QString& cli, const QStringList& args, int timeout_ms = 5000);

}  // namespace lockscope::gui
