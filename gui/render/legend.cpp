#include "gui/render/legend.hpp"

#include <QPainter>

#include "gui/render/colors.hpp"

namespace lockscope::gui {

QString no_lines_note(const TimelineModel& model) {
  if (!model.timeline().lines.empty()) return {};
  return model.measured() ? QString::fromUtf8(kMeasuredNoLinesNote) : QStringLiteral("no cacheline lanes");
}

void paint_legend(QPainter& p, const QRect& legend, const TimelineModel& model) {
  p.fillRect(legend, QColor(0xf4, 0xf5, 0xf7));
  p.setFont(QFont(p.font().family(), 8));
  const QFontMetrics fm(p.font());
  int x = legend.left() + 8;
  const int y = legend.top() + (legend.height() - 10) / 2;
  const auto source = model.timeline().source;
  for (int s = 0; s < traces::kWorkerStateCount; ++s) {
    const auto state = static_cast<traces::WorkerState>(s);
    if (!state_possible(state, source)) continue;
    p.fillRect(QRect(x, y, 14, 10), state_color(state));
    const QString text = QString::fromUtf8(state_label(state));
    p.setPen(QColor(0x30, 0x30, 0x30));
    p.drawText(x + 18, y + 9, text);
    x += 18 + fm.horizontalAdvance(text) + 14;
  }
  p.setPen(QColor(0x30, 0x30, 0x30));
  if (const QString note = no_lines_note(model); !note.isEmpty()) {
    p.drawText(x, y + 9, QStringLiteral("| ") + note);
    return;
  }
  p.drawText(x, y + 9, QStringLiteral("| line:"));
  x += fm.horizontalAdvance(QStringLiteral("| line:")) + 8;
  for (const LineState st : {LineState::modified, LineState::exclusive, LineState::shared, LineState::moving}) {
    const QColor c = line_state_color(st);
    if (st == LineState::moving) {
      p.fillRect(QRect(x, y, 14, 10), QColor(0xe4, 0xe4, 0xe4));
      p.fillRect(QRect(x, y, 14, 10), QBrush(c, Qt::BDiagPattern));
    } else {
      p.fillRect(QRect(x, y, 14, 10), c);
    }
    const QString text = QString::fromUtf8(st == LineState::moving ? "moving" : to_string(st));
    p.setPen(QColor(0x30, 0x30, 0x30));
    p.drawText(x + 18, y + 9, text);
    x += 18 + fm.horizontalAdvance(text) + 10;
  }
  p.drawText(x, y + 9, QStringLiteral("| ticks, arrows: transfers"));
  x += fm.horizontalAdvance(QStringLiteral("| ticks, arrows: transfers")) + 10;
  if (!model.timeline().buffered_stores.empty()) {
    const QString text = QStringLiteral("| store buffer: stored → visible");
    p.drawText(x, y + 9, text);
    x += fm.horizontalAdvance(text) + 10;
  }
  if (!model.violations().empty()) {
    p.fillRect(QRect(x, y, 10, 10), QColor(0xd0, 0x10, 0x20));
    p.setPen(Qt::white);
    p.drawText(QRect(x, y, 10, 10), Qt::AlignCenter, QStringLiteral("!"));
    p.setPen(QColor(0x30, 0x30, 0x30));
    p.drawText(x + 14, y + 9, QStringLiteral("%1 violation%2 (V: next)")
                                  .arg(model.violations().size())
                                  .arg(model.violations().size() == 1 ? "" : "s"));
  }
}

}  // namespace lockscope::gui
