// TimelineView: the interactive timeline widget. Painting is delegated to
// paint_timeline; this class only turns input into a new ViewTransform:
// wheel zooms around the cursor, dragging pans, 'F' fits the whole run,
// hovering shows a tooltip.
#pragma once

#include <QString>
#include <QWidget>
#include <memory>
#include <optional>

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_transform.hpp"

namespace lockscope::gui {

class TimelineView : public QWidget {
 public:
  explicit TimelineView(QWidget* parent = nullptr);

  void set_model(std::shared_ptr<const TimelineModel> model);
  // Replaces the timeline with a message (no file, or the reader's error).
  void set_message(const QString& message);
  void fit_all();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  [[nodiscard]] int data_left() const;

  std::shared_ptr<const TimelineModel> model_;
  QString message_;
  ViewTransform view_;
  std::optional<double> drag_x_;
  bool fitted_ = true;  // refit on resize until the user zooms or pans
};

}  // namespace lockscope::gui
