#include "gui/app/timeline_view.hpp"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <cmath>

#include "gui/app/details_panel.hpp"
#include "gui/model/violation_window.hpp"
#include "gui/render/hover.hpp"
#include "gui/render/layout.hpp"
#include "gui/render/lanes.hpp"
#include "gui/render/timeline_painter.hpp"

namespace lockscope::gui {

TimelineView::TimelineView(QWidget* parent) : QWidget(parent), details_(new DetailsPanel(this)) {
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setMinimumSize(400, 200);
}

void TimelineView::set_model(std::shared_ptr<const TimelineModel> model) {
  model_ = std::move(model);
  message_.clear();
  const bool had_selection = state_.selection.has_value();
  state_ = {};
  if (model_) state_.selected_lines.assign(model_->timeline().lines.size(), false);
  details_->hide();
  if (had_selection) emit rangeCleared();
  if (model_) prepare_frame_caches(*model_, size());
  violation_ = 0;
  // A run that broke mutual exclusion opens where it first did.
  if (!show_violation(0)) fit_all();
}

bool TimelineView::show_violation(std::size_t i) {
  if (!model_ || i >= model_->violations().size()) return false;
  violation_ = i;
  fit_range_ = open_on_violation(*model_, i, state_);
  const Layout layout(*model_, size());
  view_ = ViewTransform::fit(fit_range_->t0, fit_range_->t1, layout.data.width());
  fitted_ = true;
  update();
  return true;
}

void TimelineView::set_message(const QString& message) {
  model_.reset();
  message_ = message;
  const bool had_selection = state_.selection.has_value();
  state_ = {};
  details_->hide();
  if (had_selection) emit rangeCleared();
  update();
}

void TimelineView::fit_all() {
  if (model_) view_ = fit_view(*model_, size());
  fitted_ = true;
  fit_range_.reset();
  update();
}

void TimelineView::select_range(std::uint64_t t0, std::uint64_t t1) {
  if (!model_) return;
  if (t1 < t0) std::swap(t0, t1);
  if (t1 == t0) return;
  state_.selection = TimeRange{t0, t1};
  update();
  emit rangeSelected(static_cast<std::int64_t>(t0), static_cast<std::int64_t>(t1));
}

void TimelineView::clear_range() {
  if (!state_.selection) return;
  state_.selection.reset();
  update();
  emit rangeCleared();
}

void TimelineView::toggle_line(std::uint32_t line) {
  if (!model_) return;
  state_.toggle_line(line, model_->timeline().lines.size());
  update();
}

void TimelineView::set_only_selected_lines(bool only) {
  state_.only_selected = only;
  update();
}

void TimelineView::zoom_to_selection() {
  if (!model_ || !state_.selection) return;
  const Layout layout(*model_, size());
  view_ = ViewTransform::fit(state_.selection->t0, state_.selection->t1, layout.data.width());
  fitted_ = false;
  update();
}

int TimelineView::data_left() const { return Layout::kLabelWidth; }

void TimelineView::paintEvent(QPaintEvent* /*event*/) {
  QPainter p(this);
  if (model_) {
    // Painted into an image first: RectFiller then writes the span pixels
    // directly (see rect_filler.hpp), and the image is one blit.
    const qreal dpr = devicePixelRatioF();
    const QSize pixels = (QSizeF(size()) * dpr).toSize();
    if (frame_.size() != pixels) {
      frame_ = QImage(pixels, QImage::Format_ARGB32_Premultiplied);
      frame_.setDevicePixelRatio(dpr);
    }
    {
      QPainter ip(&frame_);
      paint_timeline(ip, *model_, view_, size(), state_);
    }
    p.drawImage(0, 0, frame_);
  } else {
    paint_message(p, size(), message_);
  }
}

void TimelineView::resizeEvent(QResizeEvent* /*event*/) {
  if (!model_) return;
  const Layout layout(*model_, size());
  // A wider window's frames can need more marks: grown once here, not by
  // the frames that follow (a no-op when they are large enough).
  prepare_lanes(*model_, layout);
  if (!fitted_) {
    view_ = view_.resized(layout.data.width());
  } else if (fit_range_) {
    view_ = ViewTransform::fit(fit_range_->t0, fit_range_->t1, layout.data.width());
  } else {
    view_ = fit_view(*model_, size());
  }
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
  if (event->button() != Qt::LeftButton || !model_) return;
  const Layout layout(*model_, size());
  const QPoint pos = event->position().toPoint();
  press_x_ = last_x_ = event->position().x();
  moved_ = false;
  const bool on_ruler = layout.ruler.contains(pos);
  drag_ = (event->modifiers() & Qt::ShiftModifier) || on_ruler ? Drag::select : Drag::pan;
}

void TimelineView::mouseMoveEvent(QMouseEvent* event) {
  if (!model_) return;
  const double x = event->position().x();
  if (drag_ != Drag::none && std::abs(x - press_x_) >= 3) moved_ = true;
  if (drag_ == Drag::pan && moved_) {
    view_ = view_.panned(x - last_x_);
    fitted_ = false;
    last_x_ = x;
    update();
    return;
  }
  if (drag_ == Drag::select && moved_) {
    // Shown live; the signal goes out on release.
    state_.selection = range_between(view_, press_x_ - data_left(), x - data_left(), model_->end_time());
    update();
    return;
  }
  const Layout layout(*model_, size());
  const QString text = hover_text(*model_, layout, view_, event->position().toPoint(), state_);
  if (text.isEmpty()) {
    QToolTip::hideText();
  } else {
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
  }
}

void TimelineView::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton || !model_) return;
  const Drag drag = drag_;
  drag_ = Drag::none;
  if (drag == Drag::select && moved_) {
    const auto r = range_between(view_, press_x_ - data_left(), event->position().x() - data_left(), model_->end_time());
    if (r) {
      select_range(r->t0, r->t1);
    } else {
      clear_range();
    }
    return;
  }
  if (!moved_) click(event->position().toPoint());
}

void TimelineView::click(QPoint pos) {
  const Layout layout(*model_, size());
  if (pos.x() < Layout::kLabelWidth && pos.y() >= layout.data.top()) {
    const auto lane = layout.lane_at(pos.y());
    if (lane && model_->lanes()[*lane].kind == LaneKind::line) toggle_line(model_->lanes()[*lane].index);
    return;
  }
  const auto details = details_at(*model_, layout, view_, state_, pos);
  if (details) {
    details_->show_details(*details, pos);
  } else {
    details_->hide();
  }
}

void TimelineView::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_F: fit_all(); return;
    case Qt::Key_T: set_only_selected_lines(!state_.only_selected); return;
    case Qt::Key_Z: zoom_to_selection(); return;
    case Qt::Key_V:
      if (model_ && !model_->violations().empty()) {
        const std::size_t n = model_->violations().size();
        show_violation((event->modifiers() & Qt::ShiftModifier) ? (violation_ + n - 1) % n : (violation_ + 1) % n);
      }
      return;
    case Qt::Key_Escape:
      if (!details_->isHidden()) {  // not isVisible(): that is false while the view itself is hidden
        details_->hide();
      } else {
        clear_range();
      }
      return;
    default: break;
  }
  QWidget::keyPressEvent(event);
}

}  // namespace lockscope::gui
