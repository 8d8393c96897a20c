// Running replays in child processes. SimGrid allows one simulation per
// process, so anything that runs several (a comparison, the explorer, a
// sweep) forks a child per run: the child replays, writes the timeline file
// if asked, and sends its summary back through a pipe.
#pragma once

#include <string>

#include "engine/replay/replay_options.hpp"
#include "engine/replay/replay_result.hpp"
#include "traces/workload.hpp"

namespace lockscope::engine::replay {

// A child writes `timeline_path` itself when non-empty (the timeline never
// crosses the pipe). A child that dies reports it in `error`.
ReplayResult replay_in_child(const traces::WorkloadTrace& trace, const ReplayOptions& options,
                             const std::string& timeline_path);

// The summary fields of a result (everything but the timeline) as text and
// back; what crosses the pipe.
std::string encode_summary(const ReplayResult& r);
ReplayResult decode_summary(const std::string& text);

}  // namespace lockscope::engine::replay
