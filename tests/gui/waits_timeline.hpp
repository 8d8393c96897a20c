// A hand-built timeline with known lock waits, for the statistics tests.
//   worker r (core 0): running [0,100) waiting_read [100,300) queued_read [300,400) reading [400,500)
//                      running [500,2000) reading [2000,2100) running [2100,3000)
//   worker w (core 1): running [0,600) waiting_write [600,700) draining [700,1000) writing [1000,1200)
//                      running [1200,3000)
//   line 0 "lock": 0 -> 1 at [650,700], 1 -> 0 at [1900,1950]
// Read waits: 300 (the first read), 0 (the second). Write wait: 400.
#pragma once

#include "traces/timeline.hpp"

namespace lockscope::gui::testing {

inline traces::Timeline waits_timeline() {
  using S = traces::WorkerState;
  using K = traces::TransferKind;
  traces::Timeline t;
  t.lock = "waits";
  t.machine = "two-core";
  t.cores = 2;
  t.end_time = 3000;
  t.workers.push_back({"r", 0,
                       {{0, 100, S::running},
                        {100, 300, S::waiting_read},
                        {300, 400, S::queued_read},
                        {400, 500, S::reading},
                        {500, 2000, S::running},
                        {2000, 2100, S::reading},
                        {2100, 3000, S::running}}});
  t.workers.push_back({"w", 1,
                       {{0, 600, S::running},
                        {600, 700, S::waiting_write},
                        {700, 1000, S::draining},
                        {1000, 1200, S::writing},
                        {1200, 3000, S::running}}});
  t.lines = {{"lock"}};
  t.transfers = {{650, 700, 0, 0, 1, K::ownership}, {1900, 1950, 0, 1, 0, K::invalidation}};
  return t;
}

}  // namespace lockscope::gui::testing
