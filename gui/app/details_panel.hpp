// DetailsPanel: the small panel a click opens over the timeline, listing
// what was clicked (a span: worker, core, state, start, duration; a
// transfer: kind, line, source, destination, start, duration; a line's
// MESI state: line, state, owner or sharers, start, duration). It stays
// until the next click elsewhere or Esc.
#pragma once

#include <QFrame>
#include <QPoint>

#include "gui/render/hover.hpp"

class QLabel;

namespace lockscope::gui {

class DetailsPanel : public QFrame {
 public:
  explicit DetailsPanel(QWidget* parent);
  // Shows `details` with its top-left near `at` (parent coordinates), kept inside the parent.
  void show_details(const Details& details, QPoint at);
  [[nodiscard]] QString text() const;

 private:
  QLabel* label_;
};

}  // namespace lockscope::gui
