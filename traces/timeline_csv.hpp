// Transfers CSV: a timeline's cacheline transfers, one row each, for
// spreadsheets and pandas. Columns:
//
//   start_ps,end_ps,line,line_name,from,to,kind
//
// Times are integer picoseconds; `from` is a core, or -1 for memory; `kind`
// is to_string(TransferKind). `line_name` is quoted (RFC 4180) when it holds
// a comma, a quote or a line break. Rows are in the timeline's order (by
// start). The output is deterministic.
#pragma once

#include <iosfwd>

#include "traces/timeline.hpp"

namespace lockscope::traces {

void write_transfers_csv(std::ostream& out, const Timeline& timeline);

}  // namespace lockscope::traces
