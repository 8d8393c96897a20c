// One simulation, start to end: SimGrid's engine (configured as every
// simulation here needs it), one host per core, the SimWorld, and a main
// actor that runs the caller's code as worker 0 on core 0. The main actor
// may start further workers with spawn_worker.
//
// SimGrid allows one simulation per process (its engine is a singleton):
// run_simulation may be called once; callers that need several fork a child
// per simulation.
#pragma once

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Host.hpp>

#include <functional>
#include <vector>

#include "engine/coherence/cost_model.hpp"
#include "engine/sim/sim_world.hpp"

namespace lockscope::engine::sim {

using SimHosts = std::vector<simgrid::s4u::Host*>;
using SimMain = std::function<void(SimWorld&, const SimHosts&)>;
using SimAfter = std::function<void(SimWorld&)>;

struct SimulationEnd {
  bool main_finished = false;  // false: the engine ran out of runnable actors first (a deadlock)
  Picos end_time = 0;          // SimGrid's clock when the engine stopped
};

// Runs `main` in a simulation of `costs.cores` cores and returns once no
// actor can run any more. The main actor is attached to the world as worker
// `main_id` (core 0, context 0); the world is running (accesses cost time)
// from its first instruction until the engine stops. `after`, if given, sees
// the world (its directory, its statistics) once the engine has stopped and
// before the world is gone.
SimulationEnd run_simulation(const coherence::CostModel& costs, const SimCosts& sim_costs, const SimMain& main,
                             unsigned main_id = 0, const SimAfter& after = {});

// How many workers one simulation can hold on this machine. Each is a
// SimGrid actor with a stack of its own, and its guard page splits the
// stack into two memory mappings; the kernel caps a process's mappings at
// vm.max_map_count (65530 by default, so about 30,000 workers). Past it,
// SimGrid aborts mid-run; callers refuse such a workload up front.
unsigned max_sim_workers();

// From an actor of the running simulation: starts an actor on
// `hosts[worker.core]` that attaches itself to `worker` (which must outlive
// it) and runs `body`.
simgrid::s4u::ActorPtr spawn_worker(const SimHosts& hosts, SimWorker& worker, std::function<void()> body);

}  // namespace lockscope::engine::sim
