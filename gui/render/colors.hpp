// The timeline's palette: one color per worker state, one per cacheline.
#pragma once

#include <QColor>
#include <cstdint>

#include "traces/timeline.hpp"

namespace lockscope::gui {

[[nodiscard]] QColor state_color(traces::WorkerState state);
[[nodiscard]] QColor line_color(std::uint32_t line);
[[nodiscard]] const char* state_label(traces::WorkerState state);

}  // namespace lockscope::gui
