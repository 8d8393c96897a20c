#include "gui/app/timeline_view.hpp"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <cmath>

#include "gui/render/hover.hpp"
#include "gui/render/layout.hpp"
#include "gui/render/timeline_painter.hpp"

namespace lockscope::gui {

TimelineView::TimelineView(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setMinimumSize(400, 200);
}

void TimelineView::set_model(std::shared_ptr<const TimelineModel> model) {
  model_ = std::move(model);
  message_.clear();
  fit_all();
}

void TimelineView::set_message(const QString& message) {
  model_.reset();
  message_ = message;
  update();
}

void TimelineView::fit_all() {
  if (model_) view_ = fit_view(*model_, size());
  fitted_ = true;
  update();
}

int TimelineView::data_left() const { return Layout::kLabelWidth; }

void TimelineView::paintEvent(QPaintEvent* /*event*/) {
  QPainter p(this);
  if (model_) {
    paint_timeline(p, *model_, view_, size());
  } else {
    paint_message(p, size(), message_);
  }
}

void TimelineView::resizeEvent(QResizeEvent* /*event*/) {
  if (!model_) return;
  if (fitted_) {
    view_ = fit_view(*model_, size());
    return;
  }
  const Layout layout(*model_, size());
  view_ = view_.resized(layout.data.width());
}

void TimelineView::wheelEvent(QWheelEvent* event) {
  if (!model_) return;
  const double steps = event->angleDelta().y() / 120.0;
  const double x = event->position().x() - data_left();
  view_ = view_.zoomed(x, std::pow(1.25, steps));
  fitted_ = false;
  update();
  event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) drag_x_ = event->position().x();
}

void TimelineView::mouseMoveEvent(QMouseEvent* event) {
  if (!model_) return;
  if (drag_x_) {
    view_ = view_.panned(event->position().x() - *drag_x_);
    fitted_ = false;
    drag_x_ = event->position().x();
    update();
    return;
  }
  const Layout layout(*model_, size());
  const QString text = hover_text(*model_, layout, view_, event->position().toPoint());
  if (text.isEmpty()) {
    QToolTip::hideText();
  } else {
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
  }
}

void TimelineView::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) drag_x_.reset();
}

void TimelineView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_F) {
    fit_all();
    return;
  }
  QWidget::keyPressEvent(event);
}

}  // namespace lockscope::gui
