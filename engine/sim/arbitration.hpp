// The key by which a contended line picks its next owner (Arbitration in
// sim_world.hpp says what each rule stands for). Pure, so that the rules can
// be tested without a simulation: the smallest key wins.
#pragma once

#include <algorithm>

#include "engine/coherence/cost_model.hpp"
#include "engine/sim/sim_world.hpp"

namespace lockscope::engine::sim {

// `issue`: when the request left its core; `landed`: when the line arrived at
// its current holder (the moment of the decision); `distance`: the latency
// from the requester to that holder.
inline Picos arbitration_key(Arbitration rule, Picos issue, Picos landed, Picos distance) {
  switch (rule) {
    case Arbitration::nearest_first: return std::max(issue, landed) + distance;
    case Arbitration::arrival: return issue + distance;
    case Arbitration::fifo: return issue;
  }
  return issue;
}

}  // namespace lockscope::engine::sim
