// Perfetto export: a timeline as Chrome trace-event JSON, which
// ui.perfetto.dev (and chrome://tracing) opens. Layout:
//
//   process 1 "<machine>: <lock>"   one thread track per worker (tid = worker
//                                   index + 1, named "<name> (core c)"), an
//                                   X (complete) event per state span named
//                                   after the state and, when the timeline
//                                   has locks of other names (a recording,
//                                   span_lock_label), the span's lock:
//                                   "reading cache_lock"; and a C (counter)
//                                   track per timeline counter;
//   process 2 "cachelines"          one thread track per line that moved
//                                   (tid = line index + 1), an X event per
//                                   transfer named "<kind> c3->c5" (or
//                                   "<kind> mem->c5"), args line/from/to.
//
// Flow arrows (s/f events, "bp":"e") join each transfer's source to its
// destination: they start on the worker running on the source core if that
// worker has an exported span at the transfer's start, otherwise on the
// transfer's own slice in the line track, and they end in the span of the
// worker on the destination core that encloses the transfer's end. A
// transfer whose destination has no such span (for instance because
// `running` spans are left out) gets no arrow; it is still on its line
// track. When several workers share a core, the first whose span covers
// the time is used.
//
// Times: timeline picoseconds become microseconds written exactly, with up
// to six fractional digits (ts = ps / 1e6). Perfetto itself keeps whole
// nanoseconds, so sub-nanosecond spans show with zero length there.
// The output is deterministic: equal timelines give equal bytes.
#pragma once

#include <iosfwd>

#include "traces/timeline.hpp"

namespace lockscope::traces {

struct PerfettoOptions {
  // `running` spans (outside any lock) are usually most of a timeline and
  // add nothing but colour; leave them out unless asked.
  bool include_running = false;
  bool include_transfers = true;  // line tracks
  bool include_flows = true;      // arrows; need include_transfers
  bool include_counters = true;
};

void write_perfetto(std::ostream& out, const Timeline& timeline, const PerfettoOptions& options = {});

}  // namespace lockscope::traces
