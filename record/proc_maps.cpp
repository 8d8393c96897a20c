#include "record/proc_maps.hpp"

#include <charconv>

namespace lockscope::record {

namespace {

bool hex(std::string_view& s, std::uint64_t& v) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc{} || p == s.data()) return false;
  s.remove_prefix(static_cast<std::size_t>(p - s.data()));
  return true;
}

std::string_view field(std::string_view& s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  const std::size_t n = std::min(s.find(' '), s.size());
  const std::string_view f = s.substr(0, n);
  s.remove_prefix(n);
  return f;
}

}  // namespace

std::vector<Mapping> parse_proc_maps(std::string_view text) {
  std::vector<Mapping> maps;
  while (!text.empty()) {
    const std::size_t eol = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(std::min(eol + 1, text.size()));
    // start-end perms offset dev inode [path]
    Mapping m;
    if (!hex(line, m.start) || line.empty() || line.front() != '-') continue;
    line.remove_prefix(1);
    if (!hex(line, m.end) || m.end < m.start) continue;
    m.perms = std::string(field(line));
    std::string_view offset = field(line);
    if (!hex(offset, m.offset)) continue;
    field(line);  // device
    field(line);  // inode
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    m.path = std::string(line);
    maps.push_back(std::move(m));
  }
  return maps;
}

}  // namespace lockscope::record
