// cacheline_table: the shared-data cacheline table of a time range, like
// perf c2c's: per line, the transfers (the line moving: fills, shares,
// ownership) and the invalidations starting in [t0, t1], counted apart as
// lockscope replay's summary counts them, and which cores were involved.
// Plain C++ (no Qt); the statistics panel will show it.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "gui/model/timeline_model.hpp"

namespace lockscope::gui {

struct CachelineRow {
  std::uint32_t line = 0;             // index into Timeline::lines
  std::uint64_t transfers = 0;        // fills, shares, ownership, starting in [t0, t1]
  std::uint64_t invalidations = 0;    // TransferKind::invalidation, starting in [t0, t1]
  std::set<std::uint32_t> cores;      // sources (not memory) and destinations
};

// One row per line with a transfer or invalidation in [t0, t1], the most
// (transfers + invalidations) first.
[[nodiscard]] std::vector<CachelineRow> cacheline_table(const TimelineModel& model, std::uint64_t t0,
                                                        std::uint64_t t1);

}  // namespace lockscope::gui
