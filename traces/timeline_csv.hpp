// CSV exports of a timeline, for spreadsheets and pandas.
//
// Transfers, one row each:
//
//   start_ps,end_ps,line,line_name,from,to,kind
//
// Times are integer picoseconds; `from` is a core, or -1 for memory; `kind`
// is to_string(TransferKind). Rows are in the timeline's order (by start).
//
// Spans, one row each:
//
//   worker,worker_name,core,start_ps,end_ps,state,lock,lock_name
//
// `state` is to_string(WorkerState); `lock` is the index into
// Timeline::locks and `lock_name` its name, both empty for a span about no
// lock (running). Rows go worker by worker, each in time order.
//
// Names are quoted (RFC 4180) when they hold a comma, a quote or a line
// break. The output is deterministic.
#pragma once

#include <iosfwd>

#include "traces/timeline.hpp"

namespace lockscope::traces {

void write_transfers_csv(std::ostream& out, const Timeline& timeline);
void write_spans_csv(std::ostream& out, const Timeline& timeline);

}  // namespace lockscope::traces
