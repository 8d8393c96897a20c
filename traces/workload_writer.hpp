// Workload-trace writer: a WorkloadTrace as text (docs/trace-format.md).
//
// The output is a pure function of the trace, byte for byte: the header,
// the origin as a `# origin: ...` comment, then each worker's ops as one
// block in worker order, then `end <op count>`. For every trace the reader
// accepts, read(write(t)) == t, and write(read(text)) is the canonical form
// of `text` (comments other than the origin, spacing and worker interleaving
// are not kept).
//
// The writer streams through a fixed buffer (no std::string per line) and
// does not validate: a trace the reader would reject (a worker left holding
// a lock, say) is written as it is and fails when read back. Write errors
// are left in the destination: check `out.good()` or `std::ferror(out)`.
#pragma once

#include "traces/workload.hpp"

#include <cstdio>
#include <iosfwd>

namespace lockscope::traces {

void write_workload(std::ostream& out, const WorkloadTrace& trace);
void write_workload(std::FILE* out, const WorkloadTrace& trace);

}  // namespace lockscope::traces
