#include "gui/model/violation_window.hpp"

#include <algorithm>

namespace lockscope::gui {
namespace {

// The reading or writing span of `worker` that covers t, if any.
const traces::Span* inside_at(const traces::Timeline& tl, std::uint32_t worker, std::uint64_t t) {
  if (worker >= tl.workers.size()) return nullptr;
  const auto& spans = tl.workers[worker].spans;
  auto it = std::partition_point(spans.begin(), spans.end(), [t](const traces::Span& s) { return s.end < t; });
  for (; it != spans.end() && it->start <= t; ++it) {
    if (it->state == traces::WorkerState::reading || it->state == traces::WorkerState::writing) return &*it;
  }
  return nullptr;
}

}  // namespace

TimeRange violation_window(const TimelineModel& model, std::size_t i) {
  const auto& vs = model.violations();
  if (i >= vs.size()) return {0, model.end_time()};
  const traces::ExclusionViolation& v = vs[i];
  const auto& tl = model.timeline();
  std::uint64_t a = v.time;
  std::uint64_t b = v.time;
  for (const std::uint32_t w : {v.entering, v.inside}) {
    if (const traces::Span* s = inside_at(tl, w, v.time)) {
      a = std::min(a, s->start);
      b = std::max(b, s->end);
    }
    // What that worker's core still held in its store buffer then: the
    // store that was not yet visible is the story.
    if (w < tl.workers.size()) {
      for (const std::size_t k : model.store_buffers().buffered_at(tl.workers[w].core, v.time)) {
        a = std::min(a, tl.buffered_stores[k].stored);
        b = std::max(b, model.store_buffers().end_of(tl.buffered_stores[k]));
      }
    }
  }
  // At least 20 ns (a twentieth of a shorter run), and a quarter of the
  // width again on each side.
  const std::uint64_t width = std::max<std::uint64_t>(b - a, std::min<std::uint64_t>(20'000, model.end_time() / 20));
  const std::uint64_t margin = width / 4;
  const std::uint64_t mid = a / 2 + b / 2;
  const std::uint64_t half = width / 2 + margin;
  const std::uint64_t lo = mid > half ? mid - half : 0;
  const std::uint64_t hi = std::min(model.end_time(), mid + half);
  return {lo, std::max(hi, lo + 1)};
}

TimeRange open_on_violation(const TimelineModel& model, std::size_t i, ViewState& state) {
  state.highlighted_workers.clear();
  if (i < model.violations().size()) {
    state.highlighted_workers = {model.violations()[i].entering, model.violations()[i].inside};
  }
  return violation_window(model, i);
}

}  // namespace lockscope::gui
