// Workload-trace reader: the text form of a WorkloadTrace (specified in
// docs/trace-format.md) back into memory, validated. Versions 1 and 2 read;
// a gzip-compressed trace (it starts with the bytes 1f 8b) is inflated on
// the fly by read_workload and read_workload_file alike.
//
// The reader streams: it holds one line at a time (plus the trace being
// built), splits it into tokens by hand and converts numbers with
// std::from_chars, so a ten-million-op trace reads in a few seconds. It
// stops at the FIRST problem and returns it as a ParseError (file, 1-based
// line and column of the offending token, one-line message); it never
// returns a partial trace. No input makes it crash: binary garbage, NUL
// bytes, over-long lines (rejected past kMaxWorkloadLineBytes), empty files
// and corrupt or truncated gzip streams are all ordinary errors (line and
// column count in the decompressed text).
//
// What is checked, per worker while streaming: known worker ids and ops,
// exactly the values an op takes (decimal, not negative, in range), lock
// pairing, context ids below kMaxWorkloadContexts, and a worker never
// destroying the context it runs in. Lock pairing in version 1: a worker
// holds at most one lock; rdunlock needs the read lock, wrunlock the write
// lock. In version 2: lock ids below the declared count; a worker may hold
// several locks, nested in any order, but never re-acquires (nor tries) a
// lock it holds; rdunlock L needs L held for read, wrunlock L for write; a
// mutex is never read-locked. In both: `hold` only while holding at least
// one lock, `think` only while holding none. At the end: the
// `end <op count>` trailer (a missing trailer or a wrong count means a
// truncated file), no worker still holding a lock, and context lifetimes
// that some replay order could satisfy (an initial context is destroyed
// before it is created again, a non-initial one is created before it is
// destroyed or entered). Which worker's op happens first is the replay's
// business, not the reader's: the order in which lines of different workers
// interleave in the file carries no meaning.
#pragma once

#include "traces/parse_error.hpp"
#include "traces/workload.hpp"

#include <cstddef>
#include <cstdint>
#include <expected>
#include <iosfwd>
#include <string>
#include <string_view>

namespace lockscope::traces {

// Context ids are below this, so a lock sized by context_capacity() stays
// small; `contexts N` is at most this.
inline constexpr std::uint32_t kMaxWorkloadContexts = 1U << 20;
// `workers M` is at most this.
inline constexpr std::uint32_t kMaxWorkloadWorkers = 1U << 20;
// `locks N` (version 2) is at most this.
inline constexpr std::uint32_t kMaxWorkloadLocks = 1U << 20;
// A worker holds at most this many locks at once (version 2), which bounds
// the per-op cost of the nesting checks on hostile input.
inline constexpr std::size_t kMaxWorkloadHeldLocks = 1024;
// A longer line (comments included) is an error, which bounds the reader's
// memory on garbage input.
inline constexpr std::size_t kMaxWorkloadLineBytes = std::size_t{1} << 20;

// Reads a whole trace from `in`; `file_name` only labels errors. Reads
// `in`'s stream buffer directly (the stream's formatting state is unused).
// A gzip stream (first bytes 1f 8b; several concatenated members are one
// stream, as for gzip(1)) is inflated while reading; a corrupt or truncated
// one is an error, never a shorter trace.
[[nodiscard]] std::expected<WorkloadTrace, ParseError> read_workload(std::istream& in,
                                                                     std::string_view file_name);

// Opens `path` and reads it, plain or gzip (by content, not by name); a
// file that cannot be opened is a ParseError with line 0.
[[nodiscard]] std::expected<WorkloadTrace, ParseError> read_workload_file(const std::string& path);

}  // namespace lockscope::traces
