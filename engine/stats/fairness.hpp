// Fairness of a run across its workers (Jain's index, max/min): defined in
// traces/fairness.hpp, which the GUI shares without linking the engine.
// The replay's recorder, result and summary name it `stats::` from here.
#pragma once

#include "traces/fairness.hpp"

namespace lockscope::engine::stats {

using traces::Fairness;
using traces::WorkerAcquisitions;
using traces::fairness;

}  // namespace lockscope::engine::stats
