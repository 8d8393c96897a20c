#include "gui/render/lanes.hpp"

#include <QHash>
#include <QImage>
#include <QPainter>
#include <QStaticText>
#include <array>
#include <algorithm>
#include <cmath>
#include <optional>

#include "gui/model/frame_marks.hpp"
#include "gui/model/time_text.hpp"
#include "gui/render/colors.hpp"
#include "gui/render/rect_filler.hpp"
#include "gui/render/ruler.hpp"
#include "gui/render/store_buffers.hpp"

namespace lockscope::gui {
namespace {

// A frame's marks, kept from frame to frame on the thread that paints (the
// GUI's, or a headless caller's): a frame reuses the last one's memory
// instead of faulting fresh pages in.
std::vector<LaneMarks>& frame_buffers() {
  thread_local std::vector<LaneMarks> frame;
  return frame;
}

struct PixelRange {
  int x0;
  int x1;  // exclusive, > x0
};

// Called once per mark (a hundred thousand a whole-run frame): inlined, it
// costs no call and no packing of its pair into a register.
[[gnu::always_inline]] inline PixelRange to_pixels(const Mark& m, const ViewTransform& view, const QRect& data) {
  const double a = std::clamp(view.to_px(static_cast<double>(m.start)), -1.0, view.width() + 1);
  const double b = std::clamp(view.to_px(static_cast<double>(m.end)), -1.0, view.width() + 1);
  const int x0 = data.left() + static_cast<int>(floor_to_int(a));
  const int x1 = std::max(x0 + 1, data.left() + static_cast<int>(floor_to_int(b)));
  return {x0, x1};
}

void paint_worker_lane(RectFiller& fill, const std::vector<Mark>& marks, const ViewTransform& view,
                       const QRect& data, const LaneGeometry& g) {
  std::array<QRgb, kStateCount> colors{};
  for (int s = 0; s < kStateCount; ++s) colors[static_cast<std::size_t>(s)] = state_color(static_cast<WorkerState>(s)).rgb();
  for (const Mark& m : marks) {
    const auto [x0, x1] = to_pixels(m, view, data);
    fill.fill(x0, g.top, x1 - x0, g.height - (g.height > 4 ? 1 : 0), colors[static_cast<std::size_t>(m.state)]);
  }
}

void paint_arrow(QPainter& p, RectFiller& fill, bool smooth, QPointF from, QPointF to, const QColor& color) {
  if (smooth && fill.direct()) {
    fill.smooth_line(from, to, color);
  } else {
    p.drawLine(from, to);
  }
  const double dx = to.x() - from.x();
  const double dy = to.y() - from.y();
  const double len = std::hypot(dx, dy);
  if (len < 4) return;
  const double ux = dx / len;
  const double uy = dy / len;
  const QPointF head[3] = {to, QPointF(to.x() - 6 * ux + 3 * uy, to.y() - 6 * uy - 3 * ux),
                           QPointF(to.x() - 6 * ux - 3 * uy, to.y() - 6 * uy + 3 * ux)};
  p.save();
  p.setPen(Qt::NoPen);
  p.setBrush(color);
  p.drawConvexPolygon(head, 3);
  p.restore();
}

const QColor kMovingFill(0xe4, 0xe4, 0xe4);

// State labels, shaped once. Each QPainter::drawText shapes its text anew
// (HarfBuzz, Qt's text engine): a view of 64 lines with a few hundred
// labels took 75-105 ms a frame, half of it shaping the same few strings
// ("M c3", "S ×2", "→ c7"). They are shaped once per font and kept, per
// painting thread.
struct StateLabel {
  QStaticText text;
  int width = 0;
};

class StateLabels {
 public:
  // This thread's labels in `font` (those of another font are dropped).
  static StateLabels& in(const QFont& font) {
    thread_local StateLabels labels;
    if (font != labels.font_) {
      labels.cache_.clear();
      labels.font_ = font;
    }
    return labels;
  }

  // The label of a mark's state, or null for a state that has none.
  const StateLabel* of(const LineMark& m) {
    const std::uint32_t number = m.state == LineState::shared ? m.holders : m.core;
    const std::uint64_t key = std::uint64_t{static_cast<std::uint8_t>(m.state)} << 32 | number;
    if (const auto it = cache_.constFind(key); it != cache_.constEnd()) return &*it;
    QString text;
    if (m.state == LineState::modified || m.state == LineState::exclusive) {
      text = QStringLiteral("%1 c%2").arg(QLatin1String(to_string(m.state))).arg(m.core);
    } else if (m.state == LineState::shared) {
      text = QStringLiteral("S ×%1").arg(m.holders);
    } else if (m.state == LineState::moving) {
      text = QStringLiteral("→ c%1").arg(m.core);
    } else {
      return nullptr;
    }
    if (cache_.size() > 4096) cache_.clear();
    StateLabel label;
    label.text = QStaticText(text);
    label.text.setTextFormat(Qt::PlainText);
    label.text.prepare(QTransform(), font_);
    label.width = QFontMetrics(font_).horizontalAdvance(text);
    return &*cache_.insert(key, std::move(label));
  }

 private:
  QHash<std::uint64_t, StateLabel> cache_;
  QFont font_;
};

void paint_line_states(QPainter& p, RectFiller& fill, const std::vector<LineMark>& marks, const ViewTransform& view,
                       const QRect& data, int top, int height, int& labels_left) {
  const QFontMetrics fm(p.font());
  StateLabels& labels = StateLabels::in(p.font());
  std::array<QRgb, kLineStateCount> colors{};
  for (int s = 0; s < kLineStateCount; ++s) colors[static_cast<std::size_t>(s)] = line_state_color(static_cast<LineState>(s)).rgb();
  for (const LineMark& m : marks) {
    if (m.state == LineState::invalid) continue;
    const auto [x0, x1] = to_pixels({m.start, m.end, m.count, WorkerState::running, 0}, view, data);
    if (m.state == LineState::moving) {
      fill.hatch(x0, top, x1 - x0, height, kMovingFill, line_state_color(m.state));
    } else {
      fill.fill(x0, top, x1 - x0, height, colors[static_cast<std::size_t>(m.state)]);
    }
    if (m.folded() || labels_left <= 0 || height < 7) continue;
    const StateLabel* label = labels.of(m);
    if (label == nullptr) continue;
    const int visible = std::min(x1, data.right()) - std::max(x0, data.left());
    if (label->width + 4 > visible) continue;
    p.setPen(m.state == LineState::modified ? QColor(Qt::white) : QColor(0x20, 0x20, 0x20));
    // Vertically centred in the band, as drawText's AlignVCenter puts it.
    p.drawStaticText(QPointF(std::max(x0, data.left()) + 2, top + (height - fm.height()) / 2.0), label->text);
    --labels_left;
  }
}

// A line lane's wash is the first thing painted on its lane, and
// paint_timeline has just filled the frame white: it comes out one opaque
// color, which QPainter blends once here (64 translucent fills were 4 % of
// a frame) and RectFiller then writes. The blend is checked to be the same
// at every pixel of a wide strip, else the caller fills translucent.
std::optional<QRgb> wash_over_white(const QColor& wash) {
  thread_local QHash<QRgb, std::optional<QRgb>> cache;
  const QRgb key = wash.rgba();
  if (const auto it = cache.constFind(key); it != cache.constEnd()) return *it;
  constexpr int kStrip = 2048;
  QImage strip(kStrip, 1, QImage::Format_ARGB32_Premultiplied);
  strip.fill(Qt::white);
  {
    QPainter sp(&strip);
    sp.fillRect(QRect(0, 0, kStrip, 1), wash);
  }
  const auto* px = reinterpret_cast<const QRgb*>(strip.constScanLine(0));
  std::optional<QRgb> out = px[0];
  if (qAlpha(px[0]) != 255 || !std::all_of(px, px + kStrip, [&](QRgb c) { return c == px[0]; })) out.reset();
  if (cache.size() > 4096) cache.clear();
  cache.insert(key, out);
  return out;
}

}  // namespace

void prepare_lanes(const TimelineModel& model, const Layout& layout) {
  prepare_frame_marks(model, layout.data.width(), std::min(model.lanes().size(), layout.lanes.size()), frame_buffers(),
                      kPreparedMarkBytes);
}

void paint_lanes(QPainter& p, const TimelineModel& model, const ViewTransform& view, const Layout& layout,
                 const ViewState& state) {
  const QRect& data = layout.data;
  const auto& lanes = model.lanes();
  const double t0 = view.t0();
  const double t1 = view.t1();
  std::vector<std::size_t> arrow_lanes;  // line lanes whose transfers are shown
  bool arrows = true;
  std::size_t arrow_count = 0;
  int labels_left = kMaxStateLabels;
  RectFiller fill(p, data);
  constexpr std::size_t kTickHeightCache = 256;
  std::vector<int> tick_heights;
  // State labels fill their band's height, 7 to 10 px.
  for (std::size_t i = 0; i < lanes.size() && i < layout.lanes.size(); ++i) {
    if (lanes[i].kind != LaneKind::line) continue;
    const int h = layout.lanes[i].height - 1;
    QFont small = p.font();
    small.setPixelSize(std::clamp(h - std::clamp(h / 3, 3, 8) - 1, 7, 10));
    p.setFont(small);
    break;
  }
  std::vector<LaneMarks>& frame = frame_buffers();  // may hold more lanes than this model's
  const std::size_t lane_count = std::min(lanes.size(), layout.lanes.size());
  frame_marks(model, t0, t1, view.width(), state, lane_count, frame);
  for (std::size_t i = 0; i < lane_count; ++i) {
    if (lanes[i].kind == LaneKind::worker) {
      paint_worker_lane(fill, frame[i].marks, view, data, layout.lanes[i]);
      continue;
    }
    if (lanes[i].kind == LaneKind::store_buffer) {
      paint_store_buffer_lane(p, fill, model, i, view, data, layout.lanes[i], labels_left);
      continue;
    }
    const auto& g = layout.lanes[i];
    const std::uint32_t line = lanes[i].index;
    const bool shown = state.shows_transfers(line);
    const QColor color = line_color(line);
    const QRgb color_rgb = color.rgb();
    QColor wash = color;
    wash.setAlpha(shown ? 22 : 8);
    const QRect lane_rect(data.left(), g.top, data.width(), g.height - 1);
    if (const auto opaque = fill.direct() ? wash_over_white(wash) : std::nullopt) {
      fill.fill(lane_rect.x(), lane_rect.y(), lane_rect.width(), lane_rect.height(), *opaque);
    } else {
      p.fillRect(lane_rect, wash);
    }
    // The MESI band above, the transfer ticks in a strip below.
    const int strip = std::clamp((g.height - 1) / 3, 3, 8);
    const int band = g.height - 1 - strip;
    // The states and the ticks came from one walk of the line's pyramid.
    paint_line_states(p, fill, frame[i].states, view, data, g.top, band, labels_left);
    if (!shown) continue;
    const std::vector<Mark>& marks = frame[i].marks;
    std::uint32_t max_count = 1;
    for (const Mark& m : marks) max_count = std::max(max_count, m.count);
    const double log_max = std::log2(1.0 + max_count);
    // Taller ticks where more transfers fold into one pixel. A whole-run
    // frame has tens of thousands of ticks but few distinct counts: their
    // heights are remembered rather than taking a log2 per tick.
    tick_heights.assign(std::min<std::size_t>(max_count, kTickHeightCache) + 1, -1);
    const auto tick_height = [&](std::uint32_t count) {
      const auto compute = [&] {
        const double f = max_count > 1 ? 0.35 + 0.65 * std::log2(1.0 + count) / log_max : 1.0;
        return std::max(2, static_cast<int>(std::lround(strip * f)));
      };
      if (count >= tick_heights.size()) return compute();
      int& h = tick_heights[count];
      if (h < 0) h = compute();
      return h;
    };
    for (const Mark& m : marks) {
      if (m.folded()) arrows = false;
      const auto [x0, x1] = to_pixels(m, view, data);
      const int h = tick_height(m.count);
      fill.fill(x0, g.top + g.height - 1 - h, std::max(1, std::min(x1 - x0, 3)), h, color_rgb);
    }
    arrow_count += marks.size();
    arrow_lanes.push_back(i);
  }
  if (!arrows || arrow_count > kMaxArrows) return;
  p.save();
  // Antialiased arrows for views with few of them. On a raster target their
  // shafts are drawn by RectFiller::smooth_line; through QPainter each
  // shaft is a stroke whose spans Qt hands to its thread pool.
  const bool smooth = arrow_count <= kMaxSmoothArrows;
  p.setRenderHint(QPainter::Antialiasing, smooth);
  p.setClipRect(data);
  const auto& transfers = model.timeline().transfers;
  for (const std::size_t lane : arrow_lanes) {
    const std::vector<Mark>& marks = frame[lane].marks;
    QColor color = line_color(lanes[lane].index);
    // Many arrows: opaque one-pixel cosmetic lines, which the raster engine
    // draws straight into the pixels. A wider or translucent pen goes
    // through the stroker and span blending, which Qt hands to its thread
    // pool per line: 1,100 arrows cost 40 ms of thread hand-offs on a VM.
    if (smooth) color.setAlpha(210);
    p.setPen(smooth ? QPen(color, 1.2) : QPen(color, 0));
    const int lane_y = layout.lanes[lane].center();
    for (const Mark& m : marks) {
      const auto& t = transfers[m.transfer];
      const int y0 = t.from >= 0 ? layout.core_y(static_cast<std::uint32_t>(t.from)).value_or(lane_y) : lane_y;
      const int y1 = layout.core_y(t.to).value_or(lane_y);
      const double x0 = data.left() + view.to_px(static_cast<double>(t.start));
      const double x1 = data.left() + view.to_px(static_cast<double>(t.end));
      paint_arrow(p, fill, smooth, QPointF(x0, y0), QPointF(std::max(x1, x0 + 2), y1), color);
    }
  }
  p.restore();
}

void paint_selection(QPainter& p, const Layout& layout, const ViewTransform& view, const ViewState& state) {
  if (!state.selection) return;
  const TimeRange& r = *state.selection;
  const double a = std::clamp(view.to_px(static_cast<double>(r.t0)), -2.0, view.width() + 2);
  const double b = std::clamp(view.to_px(static_cast<double>(r.t1)), -2.0, view.width() + 2);
  const int x0 = layout.data.left() + static_cast<int>(std::floor(a));
  const int x1 = std::max(x0 + 1, layout.data.left() + static_cast<int>(std::ceil(b)));
  p.save();
  p.setClipRect(layout.data.united(layout.ruler));
  p.fillRect(QRect(x0, layout.ruler.top(), x1 - x0, layout.data.bottom() - layout.ruler.top() + 1),
             QColor(0x30, 0x70, 0xe0, 40));
  p.setPen(QPen(QColor(0x30, 0x70, 0xe0, 200), 1));
  p.drawLine(x0, layout.ruler.top(), x0, layout.data.bottom());
  p.drawLine(x1, layout.ruler.top(), x1, layout.data.bottom());
  const double len = static_cast<double>(r.duration());
  const double step = ruler_step(std::max(len, 1.0) / 5, 1);
  const QString text = QString::fromStdString(time_text(len, step, step));
  QFont font = p.font();
  font.setPixelSize(11);
  font.setBold(true);
  p.setFont(font);
  const QFontMetrics fm(font);
  const int w = fm.horizontalAdvance(text) + 10;
  const int cx = std::clamp((x0 + x1) / 2, layout.data.left() + w / 2, layout.data.right() - w / 2);
  const QRect box(cx - w / 2, layout.ruler.top() + 2, w, layout.ruler.height() - 4);
  p.fillRect(box, QColor(0x30, 0x70, 0xe0));
  p.setPen(Qt::white);
  p.drawText(box, Qt::AlignCenter, text);
  p.restore();
}

}  // namespace lockscope::gui
