#include "gui/app/compare_locks_view.hpp"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <utility>

#include "gui/app/child_run.hpp"
#include "gui/app/locate.hpp"
#include "gui/app/run_dialog.hpp"
#include "gui/model/csv_table.hpp"
#include "traces/read_file.hpp"

namespace lockscope::gui {
namespace {

// A plot scaled to the tab, aspect kept: the PNGs are drawn at paper size
// (1720x1040 and up), larger than the tab, and a scroll area showed a
// corner of them.
class FitPixmap : public QWidget {
 public:
  explicit FitPixmap(QPixmap pixmap) : pixmap_(std::move(pixmap)) { setMinimumSize(200, 120); }

 protected:
  void paintEvent(QPaintEvent* /*event*/) override {
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    const QSize fit = pixmap_.size().scaled(size(), Qt::KeepAspectRatio);
    const QRect target(QPoint((width() - fit.width()) / 2, (height() - fit.height()) / 2), fit);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.drawPixmap(target, pixmap_);
  }

 private:
  QPixmap pixmap_;
};

// A CSV cell shown as written, sorted as a number when it is one.
class CellItem : public QTableWidgetItem {
 public:
  explicit CellItem(const QString& text) : QTableWidgetItem(text) {
    value_ = text.toDouble(&number_);
    if (number_) setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  }
  bool operator<(const QTableWidgetItem& other) const override {
    const auto* o = dynamic_cast<const CellItem*>(&other);
    if (o != nullptr && number_ && o->number_) return value_ < o->value_;
    return QTableWidgetItem::operator<(other);
  }

 private:
  double value_ = 0;
  bool number_ = false;
};

}  // namespace

QStringList sweep_arguments(const SweepChoice& c) {
  QStringList args = {QStringLiteral("sweep"),   QStringLiteral("--scenario"), c.scenario,
                      QStringLiteral("--locks"), c.locks,                      QStringLiteral("--machine"),
                      c.machine,                 QStringLiteral("--cores"),    c.cores,
                      QStringLiteral("-o"),      c.out};
  if (c.jobs > 1) args << QStringLiteral("--jobs") << QString::number(c.jobs);
  return args;
}

CompareLocksView::CompareLocksView(const QString& cli, const QString& scenarios, QWidget* parent)
    : QWidget(parent),
      cli_(cli),
      scenarios_(scenarios),
      scenario_(new QComboBox),
      locks_(new QLineEdit(QStringLiteral("graph,central,brlock"))),
      machine_(new QComboBox),
      cores_(new QLineEdit(QStringLiteral("1,2,4,8,16"))),
      jobs_(new QSpinBox),
      run_(new QPushButton(QStringLiteral("Run sweep"))),
      cancel_(new QPushButton(QStringLiteral("Cancel"))),
      progress_(new QProgressBar),
      status_(new QLabel),
      tabs_(new QTabWidget),
      table_(new QTableWidget(this)),
      child_(new ChildRun(this)) {
  scenario_->addItems(scenario_files(scenarios_));
  if (const int i = scenario_->findText(QStringLiteral("teaching/bouncing.toml")); i >= 0) {
    scenario_->setCurrentIndex(i);
  }
  // The machine list is read when the user first opens the combo: no child
  // process at construction.
  machine_->addItem(QStringLiteral("epyc-64"));
  machine_->setEditable(true);
  jobs_->setRange(1, 64);
  jobs_->setValue(1);
  jobs_->setPrefix(QStringLiteral("jobs "));
  cancel_->setEnabled(false);
  progress_->setRange(0, 1000);
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* open = new QPushButton(QStringLiteral("Open sweep folder..."));
  auto* bar = new QHBoxLayout;
  bar->addWidget(open);
  bar->addSpacing(12);
  bar->addWidget(new QLabel(QStringLiteral("scenario")));
  bar->addWidget(scenario_);
  bar->addWidget(new QLabel(QStringLiteral("locks")));
  bar->addWidget(locks_, 1);
  bar->addWidget(new QLabel(QStringLiteral("machine")));
  bar->addWidget(machine_);
  bar->addWidget(new QLabel(QStringLiteral("cores")));
  bar->addWidget(cores_);
  bar->addWidget(jobs_);
  bar->addWidget(run_);
  bar->addWidget(cancel_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  auto* line = new QHBoxLayout;
  line->addWidget(progress_);
  line->addWidget(status_, 1);
  layout->addLayout(line);
  layout->addWidget(tabs_, 1);
  table_->hide();
  status_->setText(QStringLiteral("open a sweep folder (lockscope sweep ... -o DIR) or run a sweep"));

  connect(open, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, QStringLiteral("Open a sweep folder"));
    if (!dir.isEmpty()) open_dir(dir);
  });
  connect(run_, &QPushButton::clicked, this, &CompareLocksView::start_sweep);
  connect(cancel_, &QPushButton::clicked, child_, &ChildRun::cancel);
  connect(child_, &ChildRun::progress, this, [this](double f, const QString& what) {
    progress_->setValue(static_cast<int>(f * 1000));
    status_->setText(what);
  });
  connect(child_, &ChildRun::finished, this, &CompareLocksView::finished);
  bool machines_loaded = false;
  connect(machine_, &QComboBox::highlighted, this, [this, machines_loaded]() mutable {
    if (machines_loaded) return;
    machines_loaded = true;
    const QString current = machine_->currentText();
    for (const auto& m : parse_machines(run_for_output(cli_, {QStringLiteral("machines")}))) {
      if (machine_->findText(m.name) < 0) machine_->addItem(m.name);
    }
    machine_->setCurrentText(current);
  });
}

QString CompareLocksView::status() const { return status_->text(); }

SweepChoice CompareLocksView::choice() const {
  SweepChoice c;
  c.scenario = QDir(scenarios_).filePath(scenario_->currentText());
  c.locks = locks_->text().remove(QLatin1Char(' '));
  c.machine = machine_->currentText();
  c.cores = cores_->text().remove(QLatin1Char(' '));
  c.jobs = jobs_->value();
  c.out = QDir(runs_dir()).filePath(QStringLiteral("sweep-%1-%2")
                                        .arg(QFileInfo(scenario_->currentText()).completeBaseName(),
                                             QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))));
  return c;
}

void CompareLocksView::start_sweep() {
  if (child_->running()) return;
  const SweepChoice c = choice();
  out_ = c.out;
  progress_->setValue(0);
  status_->setText(QStringLiteral("running lockscope %1").arg(sweep_arguments(c).join(QLatin1Char(' '))));
  run_->setEnabled(false);
  cancel_->setEnabled(true);
  child_->start(cli_, sweep_arguments(c));
}

void CompareLocksView::finished(bool ok, const QString& error) {
  run_->setEnabled(true);
  cancel_->setEnabled(false);
  if (!ok) {
    progress_->setValue(0);
    status_->setText(error == QStringLiteral("cancelled") ? error : QStringLiteral("sweep failed: %1").arg(error));
    return;
  }
  progress_->setValue(1000);
  open_dir(out_);
}

QString CompareLocksView::open_dir(const QString& dir) {
  const QDir d(dir);
  const QString csv = d.filePath(QStringLiteral("results.csv"));
  QString error;
  CsvTable table;
  if (const auto text = traces::read_file(csv.toStdString()); !text) {
    error = QStringLiteral("%1: no results.csv (%2; is it a `lockscope sweep -o DIR` folder?)")
                .arg(dir, QString::fromStdString(text.error().message));
  } else {
    auto parsed = parse_csv(*text);
    if (!parsed) {
      error = QStringLiteral("%1: %2").arg(csv, QString::fromStdString(parsed.error()));
    } else {
      table = std::move(*parsed);
    }
  }
  while (tabs_->count() > 0) {
    QWidget* w = tabs_->widget(0);
    tabs_->removeTab(0);
    if (w != table_) w->deleteLater();
  }
  if (!error.isEmpty()) {
    status_->setText(error);
    return error;
  }
  bool any_plot = false;
  for (const QString& stem : kSweepPlots) {
    QPixmap plot(d.filePath(stem + QStringLiteral(".png")));
    any_plot = any_plot || !plot.isNull();
    if (plot.isNull()) {
      auto* label = new QLabel(QStringLiteral("no %1.png in this folder").arg(stem));
      label->setAlignment(Qt::AlignCenter);
      tabs_->addTab(label, stem);
    } else {
      tabs_->addTab(new FitPixmap(std::move(plot)), stem);
    }
  }
  table_->clear();
  table_->setColumnCount(static_cast<int>(table.header.size()));
  table_->setRowCount(static_cast<int>(table.rows.size()));
  QStringList header;
  for (const auto& h : table.header) header << QString::fromStdString(h);
  table_->setHorizontalHeaderLabels(header);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    for (std::size_t c = 0; c < table.rows[r].size(); ++c) {
      auto* item = new CellItem(QString::fromStdString(table.rows[r][c]));
      table_->setItem(static_cast<int>(r), static_cast<int>(c), item);
    }
  }
  table_->setSortingEnabled(true);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->resizeColumnsToContents();
  tabs_->addTab(table_, QStringLiteral("results.csv"));
  if (!any_plot) tabs_->setCurrentWidget(table_);
  status_->setText(QStringLiteral("%1: %2 rows").arg(dir).arg(table.rows.size()));
  return {};
}

}  // namespace lockscope::gui
