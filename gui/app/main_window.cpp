#include "gui/app/main_window.hpp"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QProgressBar>
#include <QStatusBar>
#include <QTabWidget>
#include <memory>

#include "gui/app/child_run.hpp"
#include "gui/app/compare_locks_view.hpp"
#include "gui/app/compare_view.hpp"
#include "gui/app/export_view.hpp"
#include "gui/app/locate.hpp"
#include "gui/app/run_dialog.hpp"
#include "gui/app/statistics_dock.hpp"
#include "gui/app/timeline_loader.hpp"
#include "gui/app/timeline_view.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::gui {
namespace {

QString open_timeline_dialog(QWidget* parent, const QString& title) {
  return QFileDialog::getOpenFileName(parent, title, QString(), QStringLiteral("Timelines (*.lstl);;All files (*)"));
}

}  // namespace

MainWindow::MainWindow()
    : tabs_(new QTabWidget(this)),
      view_(new TimelineView),
      compare_(new CompareView),
      locks_(new CompareLocksView(lockscope_cli(), scenarios_dir())),
      stats_(new StatisticsDock(this)),
      loader_(new TimelineLoader(this)),
      loading_(new QProgressBar) {
  setWindowTitle(QStringLiteral("lockscope"));
  loading_->setRange(0, 1000);
  loading_->setMaximumWidth(240);
  loading_->hide();
  statusBar()->addPermanentWidget(loading_);
  connect(loader_, &TimelineLoader::progress, this, [this](double fraction, const QString& what) {
    // Below zero: indexing, which has no measure; the bar runs without one.
    loading_->setRange(0, fraction < 0 ? 0 : 1000);
    if (fraction >= 0) loading_->setValue(static_cast<int>(fraction * 1000));
    loading_->show();
    view_->set_message(what + QStringLiteral("..."));
  });
  connect(loader_, &TimelineLoader::finished, this,
          [this](std::shared_ptr<const TimelineModel> model, const QString& path, const QString& error) {
            loading_->hide();
            if (model == nullptr) {
              show_error(path, error);
            } else {
              show_model(std::move(model), path);
            }
          });
  tabs_->addTab(view_, QStringLiteral("Timeline"));
  tabs_->addTab(compare_, QStringLiteral("Compare"));
  tabs_->addTab(locks_, QStringLiteral("Compare locks"));
  setCentralWidget(tabs_);
  addDockWidget(Qt::RightDockWidgetArea, stats_);
  // A range selected on the timeline narrows the statistics to it.
  connect(view_, &TimelineView::rangeSelected, stats_, &StatisticsDock::set_range);
  connect(view_, &TimelineView::rangeCleared, stats_, &StatisticsDock::clear_range);
  view_->set_message(QStringLiteral("open a timeline: File > Open, or File > Run a scenario"));

  auto* file = menuBar()->addMenu(QStringLiteral("&File"));
  auto* open_action = file->addAction(QStringLiteral("&Open..."));
  open_action->setShortcut(QKeySequence::Open);
  connect(open_action, &QAction::triggered, this, [this] {
    const QString path = open_timeline_dialog(this, QStringLiteral("Open a timeline"));
    if (!path.isEmpty()) open_in_background(path);
  });
  auto* compare_action = file->addAction(QStringLiteral("&Compare..."));
  connect(compare_action, &QAction::triggered, this, [this] {
    const QString a = open_timeline_dialog(this, QStringLiteral("Compare: the first (top) timeline"));
    if (a.isEmpty()) return;
    const QString b = open_timeline_dialog(this, QStringLiteral("Compare: the second (bottom) timeline"));
    if (!b.isEmpty()) compare(a, b);
  });
  auto* run_action = file->addAction(QStringLiteral("&Run a scenario..."));
  run_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  connect(run_action, &QAction::triggered, this, &MainWindow::run_dialog);
  auto* sweep_action = file->addAction(QStringLiteral("Open a s&weep..."));
  connect(sweep_action, &QAction::triggered, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, QStringLiteral("Open a sweep folder"));
    if (!dir.isEmpty()) open_sweep(dir);
  });
  file->addSeparator();
  auto* fit = file->addAction(QStringLiteral("&Fit all"));
  fit->setShortcut(QKeySequence(Qt::Key_F));
  connect(fit, &QAction::triggered, this, [this] {
    view_->fit_all();
    compare_->canvas()->fit_all();
  });
  // ---- File > Export PNG… / Export SVG… (gui/app/export_view.hpp) ----
  for (const ExportFormat format : {ExportFormat::png, ExportFormat::svg}) {
    const bool svg = format == ExportFormat::svg;
    auto* action = file->addAction(svg ? QStringLiteral("Export &SVG…") : QStringLiteral("&Export PNG…"));
    connect(action, &QAction::triggered, this, [this, format, svg] {
      if (view_->model() == nullptr) return;
      const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export the view"), QString(),
                                                        svg ? QStringLiteral("SVG (*.svg)") : QStringLiteral("PNG (*.png)"));
      if (path.isEmpty()) return;
      const auto done = export_view(path, format, *view_->model(), view_->transform(), view_->view_state(), view_->size());
      statusBar()->showMessage(done ? QStringLiteral("exported %1").arg(path) : done.error());
    });
  }
  // ---- end of the export block ----
  file->addSeparator();
  auto* quit = file->addAction(QStringLiteral("&Quit"));
  quit->setShortcut(QKeySequence::Quit);
  connect(quit, &QAction::triggered, this, &QWidget::close);
  auto* view_menu = menuBar()->addMenu(QStringLiteral("&View"));
  view_menu->addAction(stats_->toggleViewAction());
  // The dock belongs to the Timeline tab.
  connect(tabs_, &QTabWidget::currentChanged, this, [this](int i) { stats_->setVisible(i == kTimelineTab); });
  resize(1400, 800);
}

QString MainWindow::open(const QString& path) {
  show_tab(kTimelineTab);
  auto timeline = traces::read_timeline_file(path.toStdString());
  if (!timeline) {
    const QString error = QString::fromStdString(timeline.error().to_string());
    show_error(path, error);
    return error;
  }
  show_model(std::make_shared<const TimelineModel>(std::move(*timeline)), path);
  return {};
}

bool MainWindow::open_in_background(const QString& path) {
  show_tab(kTimelineTab);
  if (!loader_->start(path)) {
    statusBar()->showMessage(QStringLiteral("still opening the last file; %1 not opened").arg(path));
    return false;
  }
  return true;
}

void MainWindow::show_error(const QString& path, const QString& error) {
  view_->set_message(error);
  stats_->set_model(nullptr);
  statusBar()->showMessage(QStringLiteral("could not open %1").arg(path));
}

void MainWindow::show_model(std::shared_ptr<const TimelineModel> model, const QString& path) {
  view_->set_model(model);
  stats_->set_model(model);
  setWindowTitle(model->measured() ? QStringLiteral("lockscope — %1 (measured run)").arg(path)
                                   : QStringLiteral("lockscope — %1").arg(path));
  statusBar()->showMessage(path);
}

QString MainWindow::compare(const QString& a, const QString& b) {
  show_tab(kCompareTab);
  const QString error = compare_->open(a, b);
  statusBar()->showMessage(error.isEmpty() ? QStringLiteral("%1 (top) against %2 (bottom)").arg(a, b)
                                           : QStringLiteral("could not compare: %1").arg(error));
  return error;
}

QString MainWindow::open_sweep(const QString& dir) {
  show_tab(kCompareLocksTab);
  const QString error = locks_->open_dir(dir);
  statusBar()->showMessage(error.isEmpty() ? dir : error);
  return error;
}

bool MainWindow::open_teaching() {
  const TeachingRun run = teaching_run();
  if (run.central.isEmpty()) {
    generate_teaching();
    return false;
  }
  open(run.central);
  compare(run.central, run.graph);
  statusBar()->showMessage(QStringLiteral("teaching run: the bouncing scenario, central (top) against graph "
                                          "(bottom), 8 cores of epyc-64"));
  return true;
}

void MainWindow::generate_teaching() {
  const QString scenarios = scenarios_dir();
  const QString cli = lockscope_cli();
  if (scenarios.isEmpty() || teaching_child_ != nullptr) {
    view_->set_message(QStringLiteral("open a timeline: File > Open, or File > Run a scenario\n"
                                      "(the bundled teaching run was not found next to this executable)"));
    return;
  }
  // The build did not make it (a GUI built without the CLI, or copied
  // elsewhere): replay it once into the cache folder, about a second.
  QDir().mkpath(teaching_cache_dir());
  view_->set_message(QStringLiteral("replaying the teaching run (bouncing, central and graph)..."));
  teaching_child_ = new ChildRun(this);
  connect(teaching_child_, &ChildRun::progress, this, [this](double, const QString& what) {
    view_->set_message(QStringLiteral("replaying the teaching run: %1").arg(what));
  });
  connect(teaching_child_, &ChildRun::finished, this, [this](bool ok, const QString& error) {
    if (ok && !teaching_run().central.isEmpty()) {
      open_teaching();
    } else {
      view_->set_message(QStringLiteral("open a timeline: File > Open, or File > Run a scenario\n"
                                        "(could not replay the teaching run: %1)").arg(error));
    }
  });
  teaching_child_->start(cli, teaching_arguments(scenarios, teaching_cache_dir()));
}

void MainWindow::show_tab(Tab tab) {
  tabs_->setCurrentIndex(tab);
  stats_->setVisible(tab == kTimelineTab);
}

void MainWindow::run_dialog() {
  auto* dialog = new RunDialog(lockscope_cli(), scenarios_dir(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &RunDialog::timelineReady, this, [this](const QString& path) { open(path); });
  dialog->show();
}

}  // namespace lockscope::gui
