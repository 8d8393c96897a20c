#include "gui/model/frame_marks.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "gui/model/parallel_for.hpp"

namespace lockscope::gui {

std::vector<LaneMarks> frame_marks(const TimelineModel& model, double t0, double t1, double pixels,
                                   const ViewState& state, std::size_t lanes, unsigned threads) {
  std::vector<LaneMarks> out;
  frame_marks(model, t0, t1, pixels, state, lanes, out, threads);
  return out;
}

void frame_marks(const TimelineModel& model, double t0, double t1, double pixels, const ViewState& state,
                 std::size_t lanes, std::vector<LaneMarks>& out, unsigned threads) {
  lanes = std::min(lanes, model.lanes().size());
  if (out.size() < lanes) out.resize(lanes);
  const auto one = [&](std::size_t i) {
    const Lane& l = model.lanes()[i];
    LaneMarks& lane = out[i];
    lane.states.clear();
    if (l.kind == LaneKind::worker) {
      model.visible(i, t0, t1, pixels, lane.marks);
    } else if (l.kind == LaneKind::line) {
      const bool transfers = state.shows_transfers(l.index);
      if (!transfers) lane.marks.clear();
      model.line_lane_marks(i, t0, t1, pixels, lane.states, transfers ? &lane.marks : nullptr, lane.scratch);
    } else {
      lane.marks.clear();
    }
  };
  if (threads == 0) {
    threads = model.timeline().event_count() < kParallelFrameEvents ? 1U : model_threads();
  }
  parallel_for(lanes, threads, one);
}

MostLaneMarks most_lane_marks(const TimelineModel& model, std::size_t lane, double pixels) {
  const std::size_t columns = 2 * static_cast<std::size_t>(std::ceil(std::max(pixels, 0.0))) + 4;
  MostLaneMarks most;
  most.marks = std::min(columns, model.event_count(lane) + 2);
  const Lane& l = model.lanes()[lane];
  if (l.kind == LaneKind::line) most.states = std::min(columns, model.line_segments(l.index).size() + 2);
  return most;
}

void prepare_frame_marks(const TimelineModel& model, double pixels, std::size_t lanes, std::vector<LaneMarks>& out,
                         std::size_t budget) {
  lanes = std::min(lanes, model.lanes().size());
  if (out.size() < lanes) out.resize(lanes);
  std::vector<std::size_t> order(lanes);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return model.event_count(a) > model.event_count(b); });
  // Emptied, sized, emptied: the writes fault the pages in, the capacity
  // stays (resizing a vector that still holds marks could give it twice n).
  const auto touch = [](auto& v, std::size_t n) {
    if (v.capacity() >= n) return;
    v.clear();
    v.resize(n);
    v.clear();
  };
  std::size_t used = 0;
  for (const std::size_t i : order) {
    const LaneKind kind = model.lanes()[i].kind;
    if (kind != LaneKind::worker && kind != LaneKind::line) continue;
    const MostLaneMarks most = most_lane_marks(model, i, pixels);
    const std::size_t bytes = most.marks * sizeof(Mark) + most.states * (sizeof(Mark) + sizeof(LineMark));
    if (used + bytes > budget) break;
    used += bytes;
    touch(out[i].marks, most.marks);
    if (kind == LaneKind::line) {
      touch(out[i].states, most.states);
      touch(out[i].scratch, most.states);
    }
  }
}

}  // namespace lockscope::gui
