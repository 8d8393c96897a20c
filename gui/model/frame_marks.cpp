#include "gui/model/frame_marks.hpp"

#include <algorithm>

#include "gui/model/parallel_for.hpp"

namespace lockscope::gui {

std::vector<LaneMarks> frame_marks(const TimelineModel& model, double t0, double t1, double pixels,
                                   const ViewState& state, std::size_t lanes, unsigned threads) {
  lanes = std::min(lanes, model.lanes().size());
  std::vector<LaneMarks> out(lanes);
  const auto one = [&](std::size_t i) {
    const Lane& l = model.lanes()[i];
    if (l.kind == LaneKind::worker) {
      out[i].marks = model.visible(i, t0, t1, pixels);
    } else if (l.kind == LaneKind::line) {
      auto both = model.line_lane_marks(i, t0, t1, pixels, state.shows_transfers(l.index));
      out[i].states = std::move(both.states);
      out[i].marks = std::move(both.transfers);
    }
  };
  if (threads == 0) {
    threads = model.timeline().event_count() < kParallelFrameEvents ? 1U : model_threads();
  }
  parallel_for(lanes, threads, one);
  return out;
}

}  // namespace lockscope::gui
