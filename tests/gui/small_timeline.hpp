// A hand-built two-core timeline with known spans and transfers, shared by
// the model and rendered tests.
//   worker a (core 0): running [0,1000) reading [1000,5000) running [5000,6000) writing [6000,10000)
//   worker b (core 1): running [0,2000) draining [2000,6000) running [6000,10000)
//   line 0 "counter": 0 -> 1 at [1500,1600], 1 -> 0 at [5500,5600]
//   line 1 "flag":    memory -> 0 at [100,200]
#pragma once

#include "traces/timeline.hpp"

namespace lockscope::gui::testing {

inline traces::Timeline small_timeline() {
  using S = traces::WorkerState;
  using K = traces::TransferKind;
  traces::Timeline t;
  t.lock = "test";
  t.machine = "two-core";
  t.cores = 2;
  t.end_time = 10000;
  // Core 1's worker first, to check that lanes are grouped by core.
  t.workers.push_back({"b", 1, {{0, 2000, S::running}, {2000, 6000, S::draining}, {6000, 10000, S::running}}});
  t.workers.push_back(
      {"a", 0, {{0, 1000, S::running}, {1000, 5000, S::reading}, {5000, 6000, S::running}, {6000, 10000, S::writing}}});
  t.lines = {{"counter"}, {"flag"}};
  t.transfers = {{100, 200, 1, -1, 0, K::fill}, {1500, 1600, 0, 0, 1, K::ownership}, {5500, 5600, 0, 1, 0, K::ownership}};
  return t;
}

}  // namespace lockscope::gui::testing
