// Reading a whole input file into memory: the one way lockscope does it
// (scenario, machine, sweep and validate CSV files, timelines, a scenario's
// narrative). The error is a ParseError about the whole file that names it
// and says why, as the OS does: "cannot open: No such file or directory",
// "cannot read: Is a directory". Pipes and /proc files, whose size is not
// known ahead, are read to their end.
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <limits>
#include <string>

#include "traces/parse_error.hpp"

namespace lockscope::traces {

// The limit for text that people write or export by hand (machine files,
// core-to-core CSVs, validate.csv): a 4096-core matrix in CSV is well under
// this, and a mistaken multi-gigabyte input is refused rather than read.
inline constexpr std::size_t kMaxTextInputBytes = std::size_t{512} << 20;

// Told how much of a file has been read (done of total bytes) after each
// read of at most kReadChunkBytes; false stops reading with the error
// "cancelled". Only for regular files, whose size is known.
using ReadProgress = std::function<bool(std::size_t done, std::size_t total)>;
inline constexpr std::size_t kReadChunkBytes = std::size_t{1} << 20;

// The bytes of `path`. A file larger than `max_bytes` is refused
// ("larger than N MiB") instead of filling memory.
[[nodiscard]] std::expected<std::string, ParseError> read_file(
    const std::string& path, std::size_t max_bytes = std::numeric_limits<std::size_t>::max(),
    const ReadProgress& progress = {});

}  // namespace lockscope::traces
