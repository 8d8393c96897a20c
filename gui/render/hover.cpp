#include "gui/render/hover.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "gui/model/time_text.hpp"
#include "gui/render/colors.hpp"
#include "gui/render/store_buffers.hpp"

namespace lockscope::gui {
namespace {


// A time in the unit of its own magnitude (1.467423 ms, not 1467423400 ps),
// with the decimals that still resolve a tenth of `len`.
QString time_of(std::uint64_t t, std::uint64_t len) {
  const auto v = static_cast<double>(t);
  return QString::fromStdString(time_text(v, v, std::max(static_cast<double>(len) / 10, 1.0)));
}

QString interval(std::uint64_t a, std::uint64_t b) {
  return time_of(a, b - a) + QStringLiteral(" → ") + time_of(b, b - a) + QStringLiteral(" (") + time_of(b - a, b - a) +
         QStringLiteral(")");
}

QString core_name(std::int64_t core) {
  return core < 0 ? QStringLiteral("memory") : QStringLiteral("core %1").arg(core);
}

double distance_to_segment(QPointF p, QPointF a, QPointF b) {
  const double dx = b.x() - a.x();
  const double dy = b.y() - a.y();
  const double len2 = dx * dx + dy * dy;
  double u = len2 > 0 ? ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / len2 : 0;
  u = std::clamp(u, 0.0, 1.0);
  return std::hypot(p.x() - (a.x() + u * dx), p.y() - (a.y() + u * dy));
}

Details transfer_details(const TimelineModel& model, std::size_t i) {
  const auto& x = model.timeline().transfers[i];
  Details d;
  d.kind = Details::Kind::transfer;
  d.transfer = i;
  d.title = QStringLiteral("transfer of %1").arg(QString::fromStdString(model.timeline().lines[x.line].name));
  d.fields = {{QStringLiteral("kind"), QString::fromUtf8(traces::to_string(x.kind))},
              {QStringLiteral("line"), QString::fromStdString(model.timeline().lines[x.line].name)},
              {QStringLiteral("source"), core_name(x.from)},
              {QStringLiteral("destination"), core_name(x.to)},
              {QStringLiteral("start"), time_of(x.start, x.end - x.start)},
              {QStringLiteral("duration"), time_of(x.end - x.start, x.end - x.start)}};
  return d;
}

// The buffered store under pos in a store-buffer lane.
std::optional<std::size_t> store_under(const TimelineModel& model, const Layout& layout, std::size_t lane, QPoint pos,
                                       const ViewTransform& view) {
  const Lane& l = model.lanes()[lane];
  const std::uint32_t row = store_row_at(model, lane, layout.lanes[lane], pos.y());
  const double t = view.to_time(pos.x() - layout.data.left());
  if (t < 0) return std::nullopt;
  // A bar narrower than a pixel is still hit within two of them.
  const auto slack = static_cast<std::uint64_t>(std::ceil(2 * view.ps_per_px()));
  const auto ut = static_cast<std::uint64_t>(t);
  if (auto i = model.store_buffers().store_at(l.index, row, ut)) return i;
  if (auto i = model.store_buffers().store_at(l.index, row, ut + slack)) return i;
  return model.store_buffers().store_at(l.index, row, ut > slack ? ut - slack : 0);
}

QString visible_text(const traces::BufferedStoreRecord& s) {
  if (s.visible == traces::kNeverVisible) return QStringLiteral("never (still buffered at the end)");
  return time_of(s.visible, std::max<std::uint64_t>(s.visible - s.stored, 1));
}

Details store_details(const TimelineModel& model, std::size_t i) {
  const auto& s = model.timeline().buffered_stores[i];
  const std::uint64_t end = model.store_buffers().end_of(s);
  Details d;
  d.kind = Details::Kind::buffered_store;
  d.title = QStringLiteral("buffered store: ") + store_text(model, i);
  d.fields = {{QStringLiteral("store"), store_text(model, i)},
              {QStringLiteral("core"), QString::number(s.core)},
              {QStringLiteral("stored"), time_of(s.stored, std::max<std::uint64_t>(end - s.stored, 1))},
              {QStringLiteral("visible to other cores"), visible_text(s)},
              {QStringLiteral("only its core saw it for"), time_of(end - s.stored, std::max<std::uint64_t>(end - s.stored, 1))}};
  return d;
}

// The lock a span is about, when the timeline names locks (several, or a
// measured run); empty for a one-lock simulated run, so its tooltips and
// details stay as they always were, and for spans about no lock.
QString span_lock(const TimelineModel& model, const traces::Span& s) {
  if (!model.names_locks()) return {};
  const std::string* name = model.lock_name(s.lock);
  return name != nullptr ? QString::fromStdString(*name) : QString();
}

}  // namespace

std::optional<std::size_t> arrow_near(const TimelineModel& model, const Layout& layout, const ViewTransform& view,
                                      const ViewState& state, QPoint pos, double radius) {
  if (!layout.data.contains(pos)) return std::nullopt;
  const auto& tr = model.timeline().transfers;
  const double x = pos.x() - layout.data.left();
  const double hi = view.to_time(x + radius + 2);
  const double lo = view.to_time(x - radius - 8) - static_cast<double>(model.longest_transfer());
  const auto first = static_cast<std::uint64_t>(std::max(lo, 0.0));
  auto it = std::partition_point(tr.begin(), tr.end(), [first](const traces::LineTransfer& t) { return t.start < first; });
  std::optional<std::size_t> best;
  double best_d = radius;
  int scanned = 0;
  for (; it != tr.end() && static_cast<double>(it->start) <= hi && scanned < 20000; ++it, ++scanned) {
    if (!state.shows_transfers(it->line)) continue;
    const auto lane = model.line_lane(it->line);
    if (!lane || *lane >= layout.lanes.size()) continue;
    const int lane_y = layout.lanes[*lane].center();
    const int y0 = it->from >= 0 ? layout.core_y(static_cast<std::uint32_t>(it->from)).value_or(lane_y) : lane_y;
    const int y1 = layout.core_y(it->to).value_or(lane_y);
    const double x0 = layout.data.left() + view.to_px(static_cast<double>(it->start));
    const double x1 = std::max(layout.data.left() + view.to_px(static_cast<double>(it->end)), x0 + 2);
    const double d = distance_to_segment(QPointF(pos), QPointF(x0, y0), QPointF(x1, y1));
    if (d <= best_d) {
      best_d = d;
      best = static_cast<std::size_t>(it - tr.begin());
    }
  }
  return best;
}

std::optional<Details> details_at(const TimelineModel& model, const Layout& layout, const ViewTransform& view,
                                  const ViewState& state, QPoint pos) {
  if (!layout.data.contains(pos)) return std::nullopt;
  const double t = view.to_time(pos.x() - layout.data.left());
  if (t < 0) return std::nullopt;
  const auto ut = static_cast<std::uint64_t>(t);
  const auto lane = layout.lane_at(pos.y());
  if (lane && model.lanes()[*lane].kind == LaneKind::line) {
    const Lane& l = model.lanes()[*lane];
    const auto tolerance = static_cast<std::uint64_t>(std::ceil(4 * view.ps_per_px()));
    if (state.shows_transfers(l.index)) {
      if (const auto i = model.transfer_near(ut, *lane, tolerance)) return transfer_details(model, *i);
    }
    const LineSegment* seg = model.line_state_at(*lane, ut);
    if (seg == nullptr) return std::nullopt;
    const auto& segs = model.line_segments(l.index);
    const std::uint64_t end = model.segment_end(l.index, static_cast<std::size_t>(seg - segs.data()));
    Details d;
    d.kind = Details::Kind::line_state;
    d.title = QString::fromStdString(l.label);
    d.fields = {{QStringLiteral("line"), QString::fromStdString(l.label)},
                {QStringLiteral("state"), QString::fromUtf8(line_state_label(seg->state))}};
    if (seg->state == LineState::modified || seg->state == LineState::exclusive) {
      d.fields.emplace_back(QStringLiteral("core"), core_name(seg->core));
    } else if (seg->state == LineState::shared) {
      d.fields.emplace_back(QStringLiteral("sharers"), QString::number(seg->holders));
      d.fields.emplace_back(QStringLiteral("last to join"), core_name(seg->core));
    } else if (seg->state == LineState::moving) {
      d.fields.emplace_back(QStringLiteral("destination"), core_name(seg->core));
    }
    d.fields.emplace_back(QStringLiteral("start"), time_of(seg->start, end - seg->start));
    d.fields.emplace_back(QStringLiteral("duration"),
                          time_of(end - seg->start, end - seg->start));
    return d;
  }
  if (lane && model.lanes()[*lane].kind == LaneKind::store_buffer) {
    if (const auto i = store_under(model, layout, *lane, pos, view)) return store_details(model, *i);
    return std::nullopt;
  }
  // Arrows cross the worker lanes: they win over the span below them.
  if (const auto i = arrow_near(model, layout, view, state, pos)) return transfer_details(model, *i);
  if (!lane) return std::nullopt;
  const Lane& l = model.lanes()[*lane];
  const auto* s = model.span_at(*lane, ut);
  if (s == nullptr) return std::nullopt;
  Details d;
  d.kind = Details::Kind::span;
  d.title = QString::fromStdString(l.label);
  const bool measured = model.measured();
  // A measured thread has no real core (TimelineModel): none is shown.
  d.fields.emplace_back(measured ? QStringLiteral("thread") : QStringLiteral("worker"), QString::fromStdString(l.label));
  if (!measured) d.fields.emplace_back(QStringLiteral("core"), QString::number(l.core));
  d.fields.emplace_back(QStringLiteral("state"), QString::fromUtf8(state_label(s->state)));
  if (const QString lock = span_lock(model, *s); !lock.isEmpty()) d.fields.emplace_back(QStringLiteral("lock"), lock);
  d.fields.emplace_back(QStringLiteral("start"), time_of(s->start, s->end - s->start));
  d.fields.emplace_back(QStringLiteral("duration"), time_of(s->end - s->start, s->end - s->start));
  return d;
}

QString hover_text(const TimelineModel& model, const Layout& layout, const ViewTransform& view, QPoint pos,
                   const ViewState& state) {
  if (!layout.data.contains(pos)) return {};
  const auto lane = layout.lane_at(pos.y());
  if (!lane) return {};
  const double t = view.to_time(pos.x() - layout.data.left());
  if (t < 0) return {};
  const auto ut = static_cast<std::uint64_t>(t);
  const Lane& l = model.lanes()[*lane];
  const auto& tl = model.timeline();
  if (l.kind == LaneKind::worker) {
    const auto* s = model.span_at(*lane, ut);
    if (s == nullptr) return {};
    const QString who = model.measured() ? QString::fromStdString(l.label)
                                         : QStringLiteral("%1 (core %2)").arg(QString::fromStdString(l.label)).arg(l.core);
    QString what = QString::fromUtf8(state_label(s->state));
    if (const QString lock = span_lock(model, *s); !lock.isEmpty()) what += QStringLiteral("\nlock: ") + lock;
    return QStringLiteral("%1\n%2\n%3").arg(who, what, interval(s->start, s->end));
  }
  if (l.kind == LaneKind::store_buffer) {
    const auto k = store_under(model, layout, *lane, pos, view);
    if (!k) return QStringLiteral("core %1: store buffer").arg(l.core);
    const auto& b = tl.buffered_stores[*k];
    return QStringLiteral("core %1 store buffer\n%2\nstored %3, visible %4")
        .arg(l.core)
        .arg(store_text(model, *k), time_of(b.stored, std::max<std::uint64_t>(model.store_buffers().end_of(b) - b.stored, 1)),
             visible_text(b));
  }
  const auto tolerance = static_cast<std::uint64_t>(std::ceil(4 * view.ps_per_px()));
  const auto i = state.shows_transfers(l.index) ? model.transfer_near(ut, *lane, tolerance) : std::nullopt;
  if (!i) {
    const LineSegment* seg = model.line_state_at(*lane, ut);
    if (seg == nullptr) return QString::fromStdString(l.label);
    QString what = QString::fromUtf8(line_state_label(seg->state));
    if (seg->state == LineState::modified || seg->state == LineState::exclusive) {
      what += QStringLiteral(" on core %1").arg(seg->core);
    } else if (seg->state == LineState::shared) {
      what += QStringLiteral(" by %1 cores").arg(seg->holders);
    } else if (seg->state == LineState::moving) {
      what += QStringLiteral(" to core %1").arg(seg->core);
    }
    const auto& segs = model.line_segments(l.index);
    const std::uint64_t end = model.segment_end(l.index, static_cast<std::size_t>(seg - segs.data()));
    return QStringLiteral("%1\n%2\n%3").arg(QString::fromStdString(l.label), what, interval(seg->start, end));
  }
  const auto& x = tl.transfers[*i];
  return QStringLiteral("%1\n%2: %3 → core %4\n%5")
      .arg(QString::fromStdString(l.label), QString::fromUtf8(traces::to_string(x.kind)), core_name(x.from))
      .arg(x.to)
      .arg(interval(x.start, x.end));
}

}  // namespace lockscope::gui
