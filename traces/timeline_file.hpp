// The native timeline file (`.lstl`): a compact binary form of a Timeline
// that the GUI loads in about the time it takes to read the bytes. The
// layout, byte by byte, is in docs/timeline-format.md; in short:
//
//   magic "\x89LSTL\r\n\x1a" | u32 version | sections | 0x00 | FNV-1a 64
//
// Sections (header, from version 3 the locks, workers, lines, transfers,
// counters, and from version 2 the line upgrades, in that order) are
// an id byte, a LEB128 length and a payload. Integers are LEB128 varints;
// times are delta-encoded within each lane (a worker's spans, the transfer
// list, a counter's samples), and a span's state or a transfer's kind shares
// a varint with its duration, so a span costs 3 to 5 bytes and a transfer
// 6 to 10. A span's lock costs nothing when implied (none while running,
// else the worker's last lock) and one more varint otherwise. The trailing
// checksum covers every byte before it. The writer writes version 3; the
// reader also reads versions 1 and 2, whose spans it puts on one lock named
// after Timeline::lock (lock 0; kNoLock while running).
//
// Invariants (checked by the writer, which refuses to write a timeline that
// breaks one, and by the reader, which refuses a file that breaks one):
//   - every worker's core and every transfer's `to` are < cores; a
//     transfer's `from` is -1 (memory) or < cores; its line < lines.size();
//   - a span's lock is kNoLock or < locks.size(); the source is an
//     enumerator;
//   - a worker's spans are sorted and do not overlap (start <= end, and each
//     starts at or after the previous one's end); gaps are allowed;
//   - transfers are sorted by start, counter samples and upgrades by time
//     (ties allowed); an upgrade's line and core exist;
//     each transfer has start <= end;
//   - states and kinds are enumerators; no time overflows 64 bits, and a
//     span lasts less than 2^61 ps (27 days), a transfer less than 2^62 ps.
// The reader also rejects truncation, corruption (checksum), unknown
// versions, counts larger than the bytes left could hold (so a corrupt count
// never allocates much), and trailing bytes; it never returns part of a
// timeline. Writing is deterministic: equal timelines give equal bytes.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>

#include "traces/parse_error.hpp"
#include "traces/read_file.hpp"
#include "traces/timeline.hpp"

namespace lockscope::traces {

// The eight bytes every timeline file starts with. The high first byte and
// the CR LF / Ctrl-Z pair catch text-mode transfers, as in PNG.
inline constexpr std::string_view kTimelineMagic{"\x89LSTL\r\n\x1a", 8};

// The file's bytes, or a one-sentence description of the first invariant
// (see above) the timeline breaks.
[[nodiscard]] std::expected<std::string, std::string> encode_timeline(const Timeline& timeline);

// Writes the file's bytes to `out`. Precondition: the timeline keeps the
// invariants above; a timeline that does not is a programming error, and
// this aborts with a message naming the broken invariant.
void write_timeline(std::ostream& out, const Timeline& timeline);

// Writes to a temporary file beside `path` (same directory, so the rename
// is atomic), flushes it to disk, and renames it over `path` only when
// complete. The error is one line naming the file; on error nothing is left
// behind and an existing `path` is untouched.
[[nodiscard]] std::expected<void, std::string> write_timeline_file(const std::filesystem::path& path,
                                                                   const Timeline& timeline);

// Told how far decoding has come, in bytes of the file, at each section and
// every 65,536 spans or transfers (a 100 M-event file: a few hundred calls);
// returning false stops decoding with the error "cancelled". The listener
// read_file takes (ReadProgress), so one can hear of both.
using DecodeProgress = ReadProgress;

// Decodes a whole file held in memory (for instance mapped). Errors have
// line = 0 and a message starting "offset N:", N being the byte offset where
// decoding stopped.
[[nodiscard]] std::expected<Timeline, ParseError> decode_timeline(std::string_view bytes, std::string_view file_name,
                                                                  const DecodeProgress& progress = {});

// Reads `in` to its end, then decodes it as above.
[[nodiscard]] std::expected<Timeline, ParseError> read_timeline(std::istream& in, std::string_view file_name);

// Reads and decodes a file. A regular file is mapped (mapped_file.hpp) and
// decoded from the mapping, and `progress` hears of the decoding, in bytes
// of the file. A file that cannot be mapped (a pipe, /proc) is read first,
// and `progress` hears of both as one count: reading the file's N bytes, then
// decoding them, of 2N in all.
[[nodiscard]] std::expected<Timeline, ParseError> read_timeline_file(const std::filesystem::path& path,
                                                                     const DecodeProgress& progress = {});

}  // namespace lockscope::traces
