// replay(): runs a workload trace against a lock on a simulated machine.
//
// One process runs one simulation (SimGrid's engine is a process-wide
// singleton), so replay() may be called once per process; the GUI and
// `lockscope sweep` start a child process per run.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "engine/replay/lock_spec.hpp"
#include "engine/replay/replay_options.hpp"
#include "engine/replay/replay_result.hpp"
#include "traces/workload.hpp"

namespace lockscope::engine::replay {

// The lock names replay knows: the bench names that are written in
// lockimpl/ (graph, graph-asym, central), graph-qemu (QEMU's merged loop),
// and every knob combination of the graph lock as
// graph:<full|asym>:<if_writer|always>:<held|polling>.
std::span<const std::string_view> sim_lock_names();
// Empty for a correct lock; for one broken on purpose (graph-nofence, ...),
// what it leaves out.
std::string_view sim_lock_broken(std::string_view name);
// Whether --lock may name `name` (parameters included: "bravo:slots=64").
bool is_sim_lock(std::string_view name);
// Empty when is_sim_lock(name); else why not, in one line, naming it.
std::string sim_lock_problem(std::string_view name);

// Precondition: is_sim_lock(options.lock), and no earlier replay in this
// process. Never throws for a bad trace at run time: the result's `error`
// says what went wrong.
ReplayResult replay(const traces::WorkloadTrace& trace, const ReplayOptions& options);

}  // namespace lockscope::engine::replay
