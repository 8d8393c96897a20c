// Workload-trace writer: a WorkloadTrace as text (docs/trace-format.md).
//
// The output is a pure function of the trace, byte for byte: the header,
// the origin as a `# origin: ...` comment, then each worker's ops as one
// block in worker order, then `end <op count>`. It is version 1 when the
// trace fits in it (!trace.needs_version2(): one implicit rwlock, no
// observed waits, no failed tries, no late starts), so that generated
// traces and golden files keep their bytes, and version 2 otherwise. For
// every trace the reader accepts, read(write(t)) == t, and
// write(read(text)) is the canonical form of `text` (comments other than
// the origin, spacing and worker interleaving are not kept).
//
// The writer streams through a fixed buffer (no std::string per line) and
// does not validate: a trace the reader would reject (a worker left holding
// a lock, say) is written as it is and fails when read back. Write errors
// are left in the destination: check `out.good()` or `std::ferror(out)`.
#pragma once

#include "traces/workload.hpp"

#include <cstdio>
#include <expected>
#include <iosfwd>
#include <string>

namespace lockscope::traces {

struct WorkloadWriteOptions {
  // Write version 2 even when the trace fits in version 1 (its version-2
  // rendering: no `locks` line, every lock op naming lock 0).
  bool force_version2 = false;
};

void write_workload(std::ostream& out, const WorkloadTrace& trace, const WorkloadWriteOptions& options = {});
void write_workload(std::FILE* out, const WorkloadTrace& trace, const WorkloadWriteOptions& options = {});

// Writes `path`, gzip-compressed when it ends in `.gz` (read_workload_file
// reads both), plain otherwise. The bytes go to a temporary file beside
// `path` (`<path>.tmp.<pid>`, same directory, so the rename is atomic), which
// is flushed to disk and renamed over `path` only when complete: on error
// nothing is left behind and an existing `path` is untouched. The error is
// one line naming the file.
[[nodiscard]] std::expected<void, std::string> write_workload_file(const std::string& path,
                                                                   const WorkloadTrace& trace,
                                                                   const WorkloadWriteOptions& options = {});

}  // namespace lockscope::traces
