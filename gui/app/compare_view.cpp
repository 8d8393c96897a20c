#include "gui/app/compare_view.hpp"

#include <QHeaderView>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QSplitter>
#include <QTableWidget>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "gui/model/run_stats.hpp"
#include "gui/model/shared_axis.hpp"
#include "gui/render/hover.hpp"
#include "gui/render/layout.hpp"
#include "gui/render/timeline_painter.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::gui {
namespace {

constexpr int kGap = 6;  // between the two halves

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

CompareCanvas::CompareCanvas(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setMinimumSize(400, 300);
}

void CompareCanvas::set_models(std::shared_ptr<const TimelineModel> a, std::shared_ptr<const TimelineModel> b) {
  models_ = {std::move(a), std::move(b)};
  message_.clear();
  fit_all();
}

void CompareCanvas::set_message(const QString& message) {
  models_ = {};
  message_ = message;
  update();
}

QRect CompareCanvas::half(int i) const {
  const int h = (height() - kGap) / 2;
  return {0, i == 0 ? 0 : h + kGap, width(), h};
}

void CompareCanvas::fit_all() {
  if (ready()) view_ = shared_fit(*models_[0], *models_[1], width() - Layout::kLabelWidth);
  fitted_ = true;
  update();
}

void CompareCanvas::set_view(const ViewTransform& view) {
  view_ = view;
  fitted_ = false;
  update();
}

void CompareCanvas::paintEvent(QPaintEvent* /*event*/) {
  QPainter p(this);
  if (!ready()) {
    paint_message(p, size(), message_.isEmpty() ? QStringLiteral("open two timelines: File > Compare") : message_);
    return;
  }
  p.fillRect(rect(), QColor(0x90, 0x98, 0xa8));
  for (int i = 0; i < 2; ++i) {
    const QRect r = half(i);
    p.save();
    p.translate(r.topLeft());
    p.setClipRect(QRect(QPoint(0, 0), r.size()));
    paint_timeline(p, *models_[static_cast<std::size_t>(i)], view_, r.size());
    p.restore();
  }
}

void CompareCanvas::resizeEvent(QResizeEvent* /*event*/) {
  if (!ready()) return;
  if (fitted_) {
    fit_all();
  } else {
    view_ = view_.resized(width() - Layout::kLabelWidth);
  }
}

void CompareCanvas::wheelEvent(QWheelEvent* event) {
  if (!ready()) return;
  const double steps = event->angleDelta().y() / 120.0;
  view_ = view_.zoomed(event->position().x() - Layout::kLabelWidth, std::pow(1.25, steps));
  fitted_ = false;
  update();
  event->accept();
}

void CompareCanvas::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) drag_x_ = event->position().x();
}

void CompareCanvas::mouseMoveEvent(QMouseEvent* event) {
  if (!ready()) return;
  if (drag_x_) {
    view_ = view_.panned(event->position().x() - *drag_x_);
    drag_x_ = event->position().x();
    fitted_ = false;
    update();
    return;
  }
  const QPoint pos = event->position().toPoint();
  for (int i = 0; i < 2; ++i) {
    const QRect r = half(i);
    if (!r.contains(pos)) continue;
    const auto& model = *models_[static_cast<std::size_t>(i)];
    const QString text = hover_text(model, Layout(model, r.size()), view_, pos - r.topLeft());
    if (text.isEmpty()) {
      QToolTip::hideText();
    } else {
      QToolTip::showText(event->globalPosition().toPoint(), text, this);
    }
    return;
  }
}

void CompareCanvas::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) drag_x_.reset();
}

void CompareCanvas::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_F) {
    fit_all();
    return;
  }
  QWidget::keyPressEvent(event);
}

CompareView::CompareView(QWidget* parent)
    : QWidget(parent), canvas_(new CompareCanvas), summary_(new QTableWidget) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(canvas_);
  split->addWidget(summary_);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 0);
  layout->addWidget(split);
  summary_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  summary_->verticalHeader()->setDefaultSectionSize(22);
  summary_->setMinimumWidth(330);
  summary_->hide();
}

QString CompareView::open(const QString& a, const QString& b) {
  std::array<std::shared_ptr<const TimelineModel>, 2> models;
  const std::array<QString, 2> paths = {a, b};
  for (std::size_t i = 0; i < 2; ++i) {
    auto timeline = traces::read_timeline_file(paths[i].toStdString());
    if (!timeline) {
      const QString error = q(timeline.error().to_string());
      canvas_->set_message(error);
      summary_->hide();
      return error;
    }
    models[i] = std::make_shared<const TimelineModel>(std::move(*timeline));
  }
  set_models(models[0], models[1]);
  return {};
}

void CompareView::set_models(std::shared_ptr<const TimelineModel> a, std::shared_ptr<const TimelineModel> b) {
  const std::array<const TimelineModel*, 2> models = {a.get(), b.get()};
  // A real run against its replay: one run's time is measured, not simulated.
  const bool any_measured = models[0]->measured() || models[1]->measured();
  const QStringList metrics = {QStringLiteral("machine"),
                               any_measured ? QStringLiteral("time") : QStringLiteral("simulated time"),
                               QStringLiteral("ops/s"),         QStringLiteral("reads/s"),
                               QStringLiteral("writes/s"),      QStringLiteral("read wait p50"),
                               QStringLiteral("read wait p99"), QStringLiteral("write wait p50"),
                               QStringLiteral("write wait p99"), QStringLiteral("transfers/op")};
  summary_->clear();
  summary_->setRowCount(static_cast<int>(metrics.size()));
  summary_->setColumnCount(2);
  summary_->setVerticalHeaderLabels(metrics);
  for (int c = 0; c < 2; ++c) {
    const TimelineModel& m = *models[static_cast<std::size_t>(c)];
    const RunStats s = run_stats(m, 0, m.end_time());
    const auto& tl = m.timeline();
    // A run without writes has no write wait: a dash, not "0 ps".
    const auto wait = [](const std::vector<std::uint64_t>& waits, double at) {
      return waits.empty() ? QStringLiteral("—") : q(time_text(static_cast<double>(quantile(waits, at))));
    };
    // A measured run has no cacheline data: a dash, not "0.000" transfers.
    const bool lines = !tl.lines.empty();
    const QStringList values = {
        m.measured() ? q(tl.machine) : QStringLiteral("%1, %2 cores").arg(q(tl.machine)).arg(tl.cores),
        q(time_text(static_cast<double>(m.end_time()))),
        q(si(s.ops_per_second())),
        q(si(s.reads_per_second())),
        q(si(s.writes_per_second())),
        wait(s.read_waits, 0.5),
        wait(s.read_waits, 0.99),
        wait(s.write_waits, 0.5),
        wait(s.write_waits, 0.99),
        lines ? QString::number(s.transfers_per_op(), 'f', 3) : QStringLiteral("—")};
    summary_->setHorizontalHeaderItem(
        c, new QTableWidgetItem(QStringLiteral("%1 %2").arg(c == 0 ? QStringLiteral("top:") : QStringLiteral("bottom:"),
                                                             m.measured() ? QStringLiteral("measured run") : q(tl.lock))));
    for (int r = 0; r < values.size(); ++r) {
      auto* item = new QTableWidgetItem(values[r]);
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      summary_->setItem(r, c, item);
    }
  }
  summary_->resizeColumnsToContents();
  // Wide enough for both columns (a recorder's machine string is long), up
  // to 560 px; the canvas keeps the rest.
  int width = summary_->verticalHeader()->sizeHint().width() + 2 * summary_->frameWidth() + 4;
  for (int c = 0; c < 2; ++c) width += summary_->columnWidth(c);
  summary_->setMinimumWidth(std::clamp(width, 330, 560));
  summary_->show();
  canvas_->set_models(std::move(a), std::move(b));
}

}  // namespace lockscope::gui
