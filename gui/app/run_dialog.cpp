#include "gui/app/run_dialog.hpp"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>

#include "gui/app/child_run.hpp"
#include "gui/app/locate.hpp"
#include "traces/narrative.hpp"

namespace lockscope::gui {

QStringList replay_arguments(const RunChoice& c) {
  QStringList args = {QStringLiteral("replay"), QStringLiteral("--scenario"), c.scenario,
                      QStringLiteral("--lock"), c.lock,
                      QStringLiteral("--machine"), c.machine};
  if (c.cores > 0) args << QStringLiteral("--cores") << QString::number(c.cores);
  args << QStringLiteral("--timeline") << c.out;
  return args;
}

std::vector<MachineChoice> parse_machines(const QString& text) {
  std::vector<MachineChoice> out;
  const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
  for (const QString& line : lines) {
    const QStringList f = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    bool ok = false;
    const int cores = f.size() >= 2 ? f[1].toInt(&ok) : 0;
    if (ok && cores > 0) out.push_back({f[0], cores});  // the header's CORES is not a number
  }
  return out;
}

QString run_for_output(const QString& cli, const QStringList& args, int timeout_ms) {
  QProcess p;
  p.start(cli, args);
  if (!p.waitForFinished(timeout_ms) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
    p.kill();
    p.waitForFinished(1000);
    return {};
  }
  return QString::fromLocal8Bit(p.readAllStandardOutput());
}

RunDialog::RunDialog(const QString& cli, const QString& scenarios, QWidget* parent)
    : QDialog(parent),
      cli_(cli),
      scenarios_(scenarios),
      scenario_(new QComboBox),
      lock_(new QComboBox),
      machine_(new QComboBox),
      cores_(new QSpinBox),
      narrative_(new QPlainTextEdit),
      progress_(new QProgressBar),
      status_(new QLabel),
      run_(new QPushButton(QStringLiteral("Run"))),
      cancel_(new QPushButton(QStringLiteral("Cancel"))),
      child_(new ChildRun(this)) {
  setWindowTitle(QStringLiteral("Run a scenario"));
  scenario_->addItems(scenario_files(scenarios_));
  QStringList locks = run_for_output(cli_, {QStringLiteral("replay"), QStringLiteral("--list-locks")})
                          .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
  if (locks.isEmpty()) locks = {QStringLiteral("graph"), QStringLiteral("central")};
  lock_->addItems(locks);
  machines_ = parse_machines(run_for_output(cli_, {QStringLiteral("machines")}));
  if (machines_.empty()) machines_ = {{QStringLiteral("epyc-64"), 64}};
  for (const auto& m : machines_) machine_->addItem(QStringLiteral("%1 (%2 cores)").arg(m.name).arg(m.cores), m.name);
  if (const int i = machine_->findData(QStringLiteral("epyc-64")); i >= 0) machine_->setCurrentIndex(i);
  machine_changed();
  cores_->setValue(std::min(8, cores_->maximum()));

  narrative_->setReadOnly(true);
  narrative_->setMinimumSize(520, 260);
  QFont mono(QStringLiteral("monospace"));
  mono.setStyleHint(QFont::Monospace);
  narrative_->setFont(mono);
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  cancel_->setEnabled(false);

  auto* form = new QFormLayout;
  form->addRow(QStringLiteral("Scenario"), scenario_);
  form->addRow(QStringLiteral("Lock"), lock_);
  form->addRow(QStringLiteral("Machine"), machine_);
  form->addRow(QStringLiteral("Cores"), cores_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(progress_, 1);
  buttons->addWidget(run_);
  buttons->addWidget(cancel_);
  auto* close = new QPushButton(QStringLiteral("Close"));
  buttons->addWidget(close);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(narrative_, 1);
  layout->addLayout(buttons);
  layout->addWidget(status_);

  connect(scenario_, &QComboBox::currentIndexChanged, this, &RunDialog::show_narrative);
  connect(machine_, &QComboBox::currentIndexChanged, this, &RunDialog::machine_changed);
  connect(run_, &QPushButton::clicked, this, &RunDialog::start);
  connect(cancel_, &QPushButton::clicked, this, &RunDialog::cancel);
  connect(close, &QPushButton::clicked, this, &QDialog::reject);
  connect(child_, &ChildRun::progress, this, [this](double f, const QString& what) {
    progress_->setValue(static_cast<int>(f * 1000));
    status_->setText(what);
  });
  connect(child_, &ChildRun::finished, this, &RunDialog::finished);
  if (const int i = scenario_->findText(QStringLiteral("teaching/bouncing.toml")); i >= 0) {
    scenario_->setCurrentIndex(i);
  }
  show_narrative();
  if (scenario_->count() == 0) {
    status_->setText(QStringLiteral("no scenarios found (set LOCKSCOPE_SCENARIOS to the scenarios folder)"));
    run_->setEnabled(false);
  }
}

RunChoice RunDialog::choice() const {
  RunChoice c;
  c.scenario = QDir(scenarios_).filePath(scenario_->currentText());
  c.lock = lock_->currentText();
  c.machine = machine_->currentData().toString();
  c.cores = cores_->value();
  QString name = QStringLiteral("%1-%2-%3-%4.lstl")
                     .arg(QFileInfo(scenario_->currentText()).completeBaseName(), c.lock, c.machine)
                     .arg(c.cores);
  name.replace(QLatin1Char(':'), QLatin1Char('_'));
  c.out = QDir(runs_dir()).filePath(name);
  return c;
}

void RunDialog::set_choice(const QString& scenario_rel, const QString& lock, const QString& machine, int cores) {
  scenario_->setCurrentText(scenario_rel);
  lock_->setCurrentText(lock);
  if (const int i = machine_->findData(machine); i >= 0) machine_->setCurrentIndex(i);
  cores_->setValue(cores);
}

QString RunDialog::narrative() const { return narrative_->toPlainText(); }
QString RunDialog::status() const { return status_->text(); }

void RunDialog::show_narrative() {
  const QString path = QDir(scenarios_).filePath(scenario_->currentText());
  narrative_->setPlainText(QString::fromStdString(traces::narrative(path.toStdString())));
}

void RunDialog::machine_changed() {
  const auto i = static_cast<std::size_t>(std::max(0, machine_->currentIndex()));
  const int cores = i < machines_.size() ? machines_[i].cores : 64;
  cores_->setRange(1, cores);
}

void RunDialog::start() {
  if (child_->running()) return;
  const RunChoice c = choice();
  out_ = c.out;
  QFile::remove(out_);  // a failed run must not leave an old result to open
  progress_->setValue(0);
  const QString args = replay_arguments(c).join(QLatin1Char(' '));
  status_->setText(QStringLiteral("running %1 %2").arg(QFileInfo(cli_).fileName(), args));
  run_->setEnabled(false);
  cancel_->setEnabled(true);
  child_->start(cli_, replay_arguments(c));
}

void RunDialog::cancel() { child_->cancel(); }

void RunDialog::finished(bool ok, const QString& error) {
  run_->setEnabled(true);
  cancel_->setEnabled(false);
  if (!ok) {
    progress_->setValue(0);
    status_->setText(error == QStringLiteral("cancelled") ? error : QStringLiteral("failed: %1").arg(error));
    return;
  }
  progress_->setValue(1000);
  status_->setText(QStringLiteral("done: %1").arg(out_));
  emit timelineReady(out_);
}

}  // namespace lockscope::gui
