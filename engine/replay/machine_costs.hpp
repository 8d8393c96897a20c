// From a machine description to what the simulator charges: the coherence
// cost model (picoseconds, cores x cores, with the per-state costs a
// calibrated machine gives), the fence and barrier costs, the arbitration
// rule, the memory model with its store buffer depth, and the scheduler's
// slice and switch costs.
#pragma once

#include "engine/coherence/cost_model.hpp"
#include "engine/machine/machine.hpp"
#include "engine/sim/sim_world.hpp"

namespace lockscope::engine::replay {

coherence::CostModel cost_model(const machine::Machine& m);
sim::SimCosts sim_costs(const machine::Machine& m);

}  // namespace lockscope::engine::replay
