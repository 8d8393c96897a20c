// CompareView: two timelines one above the other on one time axis (say the
// `graph` run against the `central` run of one scenario), with their
// summaries side by side. One ViewTransform drives both halves (see
// gui/model/shared_axis.hpp), so zooming or panning either moves both:
// wheel zooms around the cursor, drag pans, F fits both runs.
#pragma once

#include <QString>
#include <QWidget>
#include <array>
#include <memory>
#include <optional>

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_transform.hpp"

class QTableWidget;

namespace lockscope::gui {

class CompareCanvas : public QWidget {
 public:
  explicit CompareCanvas(QWidget* parent = nullptr);
  void set_models(std::shared_ptr<const TimelineModel> a, std::shared_ptr<const TimelineModel> b);
  void set_message(const QString& message);
  void fit_all();
  void set_view(const ViewTransform& view);
  [[nodiscard]] const ViewTransform& view() const { return view_; }
  // The rectangle half `i` (0 top, 1 bottom) is painted in.
  [[nodiscard]] QRect half(int i) const;

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  [[nodiscard]] bool ready() const { return models_[0] && models_[1]; }

  std::array<std::shared_ptr<const TimelineModel>, 2> models_;
  QString message_;
  ViewTransform view_;
  std::optional<double> drag_x_;
  bool fitted_ = true;
};

class CompareView : public QWidget {
 public:
  explicit CompareView(QWidget* parent = nullptr);
  // Opens two timelines; a bad file shows the reader's error instead.
  // Returns the error, empty on success.
  QString open(const QString& a, const QString& b);
  void set_models(std::shared_ptr<const TimelineModel> a, std::shared_ptr<const TimelineModel> b);
  [[nodiscard]] CompareCanvas* canvas() const { return canvas_; }
  [[nodiscard]] QTableWidget* summary() const { return summary_; }

 private:
  CompareCanvas* canvas_;
  QTableWidget* summary_;
};

}  // namespace lockscope::gui
