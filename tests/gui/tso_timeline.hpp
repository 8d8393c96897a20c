// A small tso run: two workers on two cores inside lock 0 together at
// 4,500 ps, and the stores their cores buffered around it (two overlapping
// on core 0, one on core 1 that never became visible).
#pragma once

#include "traces/timeline.hpp"

namespace lockscope::gui::testing {

inline traces::Timeline tso_timeline() {
  using S = traces::WorkerState;
  traces::Timeline t;
  t.lock = "graph-nofence";
  t.machine = "two-core";
  t.cores = 2;
  t.end_time = 10000;
  t.locks = {{"graph-nofence"}};
  t.workers.push_back({"reader", 0, {{0, 1000, S::running}, {1000, 5000, S::reading, 0}, {5000, 10000, S::running}}});
  t.workers.push_back({"writer", 1, {{0, 2000, S::running}, {2000, 4500, S::draining, 0}, {4500, 6000, S::writing, 0},
                                     {6000, 10000, S::running}}});
  t.lines = {{"ctx[0].readers"}, {"has_writer"}};
  t.buffered_stores = {{800, 3000, 0, 0, 1}, {1500, 2500, 0, 1, 7}, {1800, 2600, 1, 1, 1},
                       {7000, traces::kNeverVisible, 1, 0, ~std::uint64_t{0}}};
  t.violations = {{4500, 0, 1, 0}, {8000, 0, 0, 1}};
  return t;
}

}  // namespace lockscope::gui::testing
