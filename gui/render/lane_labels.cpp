#include "gui/render/lane_labels.hpp"

#include <QHash>
#include <QImage>
#include <QPainter>
#include <algorithm>
#include <string>
#include <vector>

#include "gui/render/colors.hpp"
#include "gui/render/rect_filler.hpp"

namespace lockscope::gui {
namespace {

const QColor kLabelPen(0x20, 0x20, 0x20);

// QFontMetrics::elidedText shapes the whole label, every frame, for every
// lane: a third of the labels' cost. Its answer depends only on the font,
// the text and the width, so it is remembered (per thread: painting also
// happens off the GUI thread in tests and exports).
QString elided(const QFontMetrics& fm, const QFont& font, const QString& text, int width) {
  thread_local QHash<QString, QString> cache;
  constexpr qsizetype kMaxEntries = 4096;
  const QString key = font.key() + QChar(0x1f) + QString::number(width) + QChar(0x1f) + text;
  if (const auto it = cache.constFind(key); it != cache.constEnd()) return *it;
  if (cache.size() >= kMaxEntries) cache.clear();
  QString out = fm.elidedText(text, Qt::ElideMiddle, width);
  cache.insert(key, out);
  return out;
}

QFont label_font(const QPainter& p, const Layout& layout) {
  int font_px = 9;
  if (!layout.lanes.empty()) font_px = std::clamp(layout.lanes.front().height - 2, 6, 10);
  QFont font = p.font();
  font.setPixelSize(font_px);
  return font;
}

// Everything one lane's label is drawn from.
struct LaneLabel {
  LaneKind kind = LaneKind::worker;
  std::uint32_t index = 0;
  std::uint32_t core = 0;
  int top = 0;
  int height = 0;
  bool highlighted = false;
  bool selected = false;
  bool shows_transfers = false;
  std::string text;

  [[nodiscard]] bool same(const Lane& lane, const LaneGeometry& g, const ViewState& state) const {
    return kind == lane.kind && index == lane.index && core == lane.core && top == g.top && height == g.height &&
           highlighted == (lane.kind == LaneKind::worker && state.is_highlighted(lane.index)) &&
           selected == (lane.kind == LaneKind::line && state.is_selected(lane.index)) &&
           shows_transfers == (lane.kind == LaneKind::line && state.shows_transfers(lane.index)) && text == lane.label;
  }
};

// The last column drawn on this thread, and what it was drawn from.
struct LabelColumn {
  std::vector<LaneLabel> lanes;
  QFont font;
  QPainter::RenderHints hints;
  QRect area;
  bool measured = false;
  QImage image;  // the target's format; `area` holds the labels

  [[nodiscard]] bool holds(const QPainter& p, const TimelineModel& model, const Layout& layout, const ViewState& state,
                           const QFont& f, QImage::Format format, const QRect& a) const {
    const auto& model_lanes = model.lanes();
    const std::size_t n = std::min(model_lanes.size(), layout.lanes.size());
    if (image.isNull() || image.format() != format || area != a || measured != model.measured() ||
        hints != p.renderHints() || lanes.size() != n || !(font == f)) {
      return false;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!lanes[i].same(model_lanes[i], layout.lanes[i], state)) return false;
    }
    return true;
  }

  void redraw(const QPainter& p, const TimelineModel& model, const Layout& layout, const ViewState& state,
              const QFont& f, QImage::Format format, const QRect& a) {
    const auto& model_lanes = model.lanes();
    const std::size_t n = std::min(model_lanes.size(), layout.lanes.size());
    lanes.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const Lane& lane = model_lanes[i];
      lanes[i] = LaneLabel{lane.kind,
                           lane.index,
                           lane.core,
                           layout.lanes[i].top,
                           layout.lanes[i].height,
                           lane.kind == LaneKind::worker && state.is_highlighted(lane.index),
                           lane.kind == LaneKind::line && state.is_selected(lane.index),
                           lane.kind == LaneKind::line && state.shows_transfers(lane.index),
                           lane.label};
    }
    font = f;
    hints = p.renderHints();
    area = a;
    measured = model.measured();
    // Drawn at the same coordinates as on the target, so every glyph lands
    // on the same pixels; only `area` is copied out.
    image = QImage(a.right() + 1, a.bottom() + 1, format);
    QPainter cp(&image);
    cp.setRenderHints(hints);
    cp.setFont(p.font());
    draw_labels(cp, model, layout, state);
  }
};

}  // namespace

void draw_labels(QPainter& p, const TimelineModel& model, const Layout& layout, const ViewState& state) {
  p.fillRect(QRect(0, layout.data.top(), Layout::kLabelWidth, layout.data.height()), QColor(0xfa, 0xfa, 0xfb));
  const auto& lanes = model.lanes();
  const QFont font = label_font(p, layout);
  p.setFont(font);
  const QFontMetrics fm(font);
  p.setPen(kLabelPen);
  for (std::size_t i = 0; i < lanes.size() && i < layout.lanes.size(); ++i) {
    const auto& g = layout.lanes[i];
    if (lanes[i].kind == LaneKind::worker && g.height < 6) continue;
    // A measured run's threads carry no real core: their name alone.
    QString text = lanes[i].kind != LaneKind::line && !model.measured()
                       ? QStringLiteral("c%1 ").arg(lanes[i].core) + QString::fromStdString(lanes[i].label)
                       : QString::fromStdString(lanes[i].label);
    int x = 4;
    if (lanes[i].kind == LaneKind::worker && state.is_highlighted(lanes[i].index)) {
      p.fillRect(QRect(0, g.top, Layout::kLabelWidth, g.height - 1), QColor(0xf6, 0xc8, 0xcc));
    }
    if (lanes[i].kind == LaneKind::line) {
      const std::uint32_t line = lanes[i].index;
      if (state.is_selected(line)) p.fillRect(QRect(0, g.top, Layout::kLabelWidth, g.height - 1), QColor(0xdd, 0xe6, 0xf7));
      p.fillRect(QRect(x, g.center() - 4, 8, 8), line_color(line));
      if (!state.shows_transfers(line)) p.fillRect(QRect(x + 1, g.center() - 3, 6, 6), Qt::white);
      x += 12;
    }
    text = elided(fm, font, text, Layout::kLabelWidth - x - 4);
    p.drawText(QRect(x, g.top, Layout::kLabelWidth - x - 4, g.height), Qt::AlignVCenter | Qt::AlignLeft, text);
  }
}

void paint_labels(QPainter& p, const TimelineModel& model, const Layout& layout, const ViewState& state) {
  const QRect area(0, layout.data.top(), Layout::kLabelWidth, layout.data.height());
  RectFiller fill(p, area);
  // Copying pixels is right only where drawing would write exactly them:
  // a raster image without a transform or a clip.
  if (!fill.direct() || p.hasClipping() || area.isEmpty()) {
    draw_labels(p, model, layout, state);
    return;
  }
  thread_local LabelColumn column;
  const QFont font = label_font(p, layout);
  const QImage::Format format = fill.format();
  if (!column.holds(p, model, layout, state, font, format, area)) column.redraw(p, model, layout, state, font, format, area);
  fill.copy(column.image, area);
  // As drawing leaves them: the two paths leave the painter alike.
  p.setFont(font);
  p.setPen(kLabelPen);
}

}  // namespace lockscope::gui
