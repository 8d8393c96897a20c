// The shared-data cacheline table, perf c2c's view of a run: per cacheline,
// its transfers (the line moving into a cache: a fill from memory, a share,
// an ownership change), its invalidations (a sharer losing its copy to
// another core's store; no data moves) and the cores that took part.
// lockscope replay's summary (text and JSON, docs/replay.md) and the GUI's
// statistics dock (docs/gui.md) show this one model. It lives with the
// formats because both sides build it from what a run leaves and the GUI
// links traces/ but never engine/ (as traces/fairness.hpp does).
//
// Two ways in, one table:
//   - per-line totals: the simulator's coherence directory counts every
//     line's transfers and invalidations and the cores that missed on it
//     as it runs; the replay hands one row per line to
//     cacheline_table(rows), which keeps no transfer log for it.
//   - a timeline: cacheline_table(timeline, t0, t1) counts the transfers
//     and invalidations starting in [t0, t1]; a line's cores are their
//     sources (not memory) and destinations.
// Over a whole run the two agree line by line: a core that misses on a
// line is the destination of that miss's transfer, or (a store by the
// line's only sharer, which logs nothing) of the earlier one that made it
// a sharer; and every source or invalidated sharer got its copy by a miss.
// tests/gui/replay_agreement_test.cpp checks it on a real replay.
//
// Rows: one per line with a transfer or an invalidation, the most of both
// together first, ties in line order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "traces/timeline.hpp"

namespace lockscope::traces {

struct CachelineRow {
  std::uint32_t line = 0;  // the line's id: its index in Timeline::lines, the directory's LineId
  std::string name;        // "graph.has_writer"; "a + b" when two variables share the line
  std::uint64_t transfers = 0;      // fills, shares, ownership
  std::uint64_t invalidations = 0;  // TransferKind::invalidation
  std::vector<std::uint32_t> cores;  // ascending: the cores that took part (see above)
  [[nodiscard]] std::uint64_t traffic() const { return transfers + invalidations; }
  friend bool operator==(const CachelineRow&, const CachelineRow&) = default;
};

// The table of per-line totals given in line order: lines without traffic
// dropped, the rest ordered as above.
[[nodiscard]] std::vector<CachelineRow> cacheline_table(std::vector<CachelineRow> lines);

// The table of a timeline's transfers and invalidations starting in
// [t0, t1] (the bounds are swapped if t1 < t0); transfers of a line the
// timeline does not name are skipped.
[[nodiscard]] std::vector<CachelineRow> cacheline_table(const Timeline& timeline, std::uint64_t t0,
                                                        std::uint64_t t1);

}  // namespace lockscope::traces
