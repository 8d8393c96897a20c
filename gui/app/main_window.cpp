#include "gui/app/main_window.hpp"

#include <QFileDialog>
#include <QMenuBar>
#include <QStatusBar>
#include <memory>

#include "gui/app/export_view.hpp"
#include "gui/app/timeline_view.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::gui {

MainWindow::MainWindow() : view_(new TimelineView(this)) {
  setWindowTitle(QStringLiteral("lockscope"));
  setCentralWidget(view_);
  view_->set_message(QStringLiteral("open a timeline: File > Open"));
  auto* file = menuBar()->addMenu(QStringLiteral("&File"));
  auto* open_action = file->addAction(QStringLiteral("&Open..."));
  open_action->setShortcut(QKeySequence::Open);
  connect(open_action, &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open a timeline"), QString(),
                                                      QStringLiteral("Timelines (*.lstl);;All files (*)"));
    if (!path.isEmpty()) open(path);
  });
  auto* fit = file->addAction(QStringLiteral("&Fit all"));
  fit->setShortcut(QKeySequence(Qt::Key_F));
  connect(fit, &QAction::triggered, view_, [this] { view_->fit_all(); });
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
  resize(1400, 800);
}

void MainWindow::open(const QString& path) {
  auto timeline = traces::read_timeline_file(path.toStdString());
  if (!timeline) {
    view_->set_message(QString::fromStdString(timeline.error().to_string()));
    statusBar()->showMessage(QStringLiteral("could not open %1").arg(path));
    return;
  }
  view_->set_model(std::make_shared<const TimelineModel>(std::move(*timeline)));
  setWindowTitle(QStringLiteral("lockscope — %1").arg(path));
  statusBar()->showMessage(path);
}

}  // namespace lockscope::gui
