// The timeline's palette: one color per worker state, one per cacheline.
#pragma once

#include <QColor>
#include <cstdint>

#include "gui/model/timeline_model.hpp"
#include "traces/timeline.hpp"

namespace lockscope::gui {

[[nodiscard]] QColor state_color(traces::WorkerState state);
[[nodiscard]] QColor line_color(std::uint32_t line);
[[nodiscard]] const char* state_label(traces::WorkerState state);
// Whether a run of `source` can be in `state`: a recording sees only
// running, waiting to read, reading, waiting to write and writing.
[[nodiscard]] bool state_possible(traces::WorkerState state, traces::TimelineSource source);
// MESI: a palette apart from the worker states' (purples and teal, a gray
// hatch while the line travels); I is left empty.
[[nodiscard]] QColor line_state_color(LineState state);
[[nodiscard]] const char* line_state_label(LineState state);

}  // namespace lockscope::gui
