// Reading a whole input file for the machine readers, with the error as a
// ParseError about the whole file. Internal to engine/machine.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <expected>
#include <string>

#include "traces/parse_error.hpp"

namespace lockscope::engine::machine::detail {

// Larger inputs are refused rather than read: a 4096-core matrix in CSV is
// well under this.
inline constexpr long kMaxInputBytes = 512L << 20;

inline std::expected<std::string, traces::ParseError> read_text_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return std::unexpected(traces::ParseError{path, 0, 0, std::string("cannot read: ") +
                                                             std::strerror(errno)});
  }
  std::string text;
  char buf[1 << 16];
  bool too_big = false;
  for (std::size_t got; (got = std::fread(buf, 1, sizeof buf, f)) > 0;) {
    text.append(buf, got);
    if (static_cast<long>(text.size()) > kMaxInputBytes) {
      too_big = true;
      break;
    }
  }
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (too_big) {
    return std::unexpected(traces::ParseError{path, 0, 0, "file is larger than 512 MiB"});
  }
  if (failed) {
    return std::unexpected(
        traces::ParseError{path, 0, 0, std::string("cannot read: ") + std::strerror(err)});
  }
  return text;
}

}  // namespace lockscope::engine::machine::detail
