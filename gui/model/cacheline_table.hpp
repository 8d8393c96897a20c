// cacheline_table: the shared-data cacheline table of a time range, like
// perf c2c's: per line, the transfers starting in [t0, t1], how many of them
// were invalidations, and which cores the line travelled between.
// Plain C++ (no Qt); the statistics panel will show it.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "gui/model/timeline_model.hpp"

namespace lockscope::gui {

struct CachelineRow {
  std::uint32_t line = 0;             // index into Timeline::lines
  std::uint64_t transfers = 0;        // all kinds, starting in [t0, t1]
  std::uint64_t invalidations = 0;    // TransferKind::invalidation among them
  std::set<std::uint32_t> cores;      // sources (not memory) and destinations
};

// One row per line with at least one transfer in [t0, t1], most transfers first.
[[nodiscard]] std::vector<CachelineRow> cacheline_table(const TimelineModel& model, std::uint64_t t0,
                                                        std::uint64_t t1);

}  // namespace lockscope::gui
