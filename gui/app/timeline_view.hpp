// TimelineView: the interactive timeline widget. Painting is delegated to
// paint_timeline; this class turns input into a new ViewTransform and
// ViewState:
//   wheel            zoom around the cursor
//   drag             pan
//   shift+drag, or drag on the ruler   select a time range (band + duration)
//   click            details of the span, transfer (tick or arrow) or line state
//   click a line's label               select / unselect that line
//   T                show only the selected lines' transfers (toggle)
//   Z                zoom to the selected range;  Esc  clear it;  F  fit all
//   V, shift+V       the next / previous mutual-exclusion violation, its two
//                    workers highlighted (a timeline that has violations
//                    opens on the first)
//   hover            tooltip
// Times in the signals are the model's: integer picoseconds from the start
// of the run.
#pragma once

#include <QImage>
#include <QString>
#include <QWidget>
#include <cstdint>
#include <memory>
#include <optional>

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_state.hpp"
#include "gui/model/view_transform.hpp"

namespace lockscope::gui {

class DetailsPanel;

class TimelineView : public QWidget {
  Q_OBJECT

 public:
  explicit TimelineView(QWidget* parent = nullptr);

  void set_model(std::shared_ptr<const TimelineModel> model);
  // Replaces the timeline with a message (no file, or the reader's error).
  void set_message(const QString& message);
  void fit_all();
  // Shows violation i (TimelineModel::violations) with its two workers
  // highlighted; false if there is none.
  bool show_violation(std::size_t i);
  [[nodiscard]] std::size_t current_violation() const { return violation_; }

  [[nodiscard]] const TimelineModel* model() const { return model_.get(); }
  [[nodiscard]] const ViewTransform& transform() const { return view_; }
  [[nodiscard]] const ViewState& view_state() const { return state_; }

  // Selects [t0, t1] (ps) as if dragged, emitting rangeSelected.
  void select_range(std::uint64_t t0, std::uint64_t t1);
  void clear_range();
  void toggle_line(std::uint32_t line);
  void set_only_selected_lines(bool only);
  void zoom_to_selection();

 signals:
  // A time range was selected: [t0, t1] in picoseconds, t0 < t1.
  void rangeSelected(std::int64_t t0, std::int64_t t1);
  void rangeCleared();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  enum class Drag { none, pan, select };
  [[nodiscard]] int data_left() const;
  void click(QPoint pos);

  std::shared_ptr<const TimelineModel> model_;
  QString message_;
  ViewTransform view_;
  ViewState state_;
  Drag drag_ = Drag::none;
  double press_x_ = 0;
  double last_x_ = 0;
  bool moved_ = false;
  bool fitted_ = true;  // refit on resize until the user zooms or pans
  std::optional<TimeRange> fit_range_;  // what to refit to: a violation's window, or (none) all
  std::size_t violation_ = 0;
  DetailsPanel* details_;
  QImage frame_;  // the last frame, reused while the size stays
};

}  // namespace lockscope::gui
