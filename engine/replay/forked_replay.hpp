// Running replays in child processes. SimGrid allows one simulation per
// process, so anything that runs several (a comparison, the explorer, a
// sweep) forks a child per run: the child replays, writes the timeline file
// if asked, and sends its summary back through a pipe.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "engine/replay/replay_options.hpp"
#include "engine/replay/replay_result.hpp"
#include "traces/workload.hpp"

namespace lockscope::engine::replay {

// A child writes `timeline_path` itself when non-empty (the timeline never
// crosses the pipe). A child that dies reports it in `error`.
ReplayResult replay_in_child(const traces::WorkloadTrace& trace, const ReplayOptions& options,
                             const std::string& timeline_path);

// A replay child started without waiting for it, so that a sweep can keep
// several running: the parent reads `fd` to end of file (poll it with
// others), then calls finish_replay_child.
struct ReplayChild {
  pid_t pid = -1;
  int fd = -1;         // the read end of the summary pipe
  ReplayResult failed;  // what to report if the child fails: who it was
};

// Forks a child that calls `run` and sends the result's summary down the
// pipe. `identity` names the run (lock, machine, cores, seed) for errors.
// On failure to fork, pid is -1 and failed.error says why.
ReplayChild start_replay_child(const std::function<ReplayResult()>& run, const ReplayResult& identity);

// Reaps the child and decodes `text` (everything read from its pipe); closes
// the pipe. A child that died or sent a cut-off summary is an error result.
ReplayResult finish_replay_child(ReplayChild& child, const std::string& text);

// The summary fields of a result (everything but the timeline) as text and
// back; what crosses the pipe.
std::string encode_summary(const ReplayResult& r);
ReplayResult decode_summary(const std::string& text);

}  // namespace lockscope::engine::replay
