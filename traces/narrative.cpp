#include "traces/narrative.hpp"

#include <algorithm>

#include "traces/read_file.hpp"

namespace lockscope::traces {

std::string narrative_of_text(std::string_view text) {
  std::string out;
  std::size_t pending_blank = 0;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
      if (!out.empty()) ++pending_blank;
      continue;
    }
    if (line[first] != '#') break;
    line.remove_prefix(first + 1);
    if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    out.append(pending_blank, '\n');
    pending_blank = 0;
    out += line;
    out += '\n';
  }
  return out;
}

std::string narrative(const std::string& path) {
  const auto text = read_file(path);
  return text ? narrative_of_text(*text) : std::string();
}

}  // namespace lockscope::traces
