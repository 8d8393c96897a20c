// The text of /proc/PID/maps, parsed: which file (if any) is mapped at each
// address range, at which file offset. The interposer stores the recorded
// process's maps at the end of a recording, so addresses resolve offline.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lockscope::record {

struct Mapping {
  std::uint64_t start = 0;
  std::uint64_t end = 0;     // one past the last byte
  std::uint64_t offset = 0;  // file offset of `start`
  std::string perms;         // "r-xp"
  std::string path;          // "/usr/bin/prog", "[heap]", or empty (anonymous)
};

// Lines that do not parse are skipped: the maps of a real process always
// parse, and a corrupt recording must not stop the rest of the decoding.
[[nodiscard]] std::vector<Mapping> parse_proc_maps(std::string_view text);

}  // namespace lockscope::record
