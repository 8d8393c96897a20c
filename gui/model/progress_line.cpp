#include "gui/model/progress_line.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace lockscope::gui {
namespace {

// Drops "\r" and ANSI escapes ("\033[K") that a terminal-mode child may print.
std::string clean(std::string_view line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\r') continue;
    if (c == '\033') {
      ++i;
      if (i < line.size() && line[i] == '[') {
        while (i + 1 < line.size() && std::isalpha(static_cast<unsigned char>(line[i + 1])) == 0) ++i;
        ++i;
      }
      continue;
    }
    out += c;
  }
  const auto first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  out.erase(0, first);
  out.erase(out.find_last_not_of(" \t") + 1);
  return out;
}

std::optional<double> number_before(std::string_view s, std::size_t end) {
  std::size_t begin = end;
  while (begin > 0 && (std::isdigit(static_cast<unsigned char>(s[begin - 1])) != 0 || s[begin - 1] == '.')) --begin;
  if (begin == end) return std::nullopt;
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data() + begin, s.data() + end, v);
  if (ec != std::errc{} || p != s.data() + end) return std::nullopt;
  return v;
}

std::optional<double> number_after(std::string_view s, std::size_t begin) {
  std::size_t end = begin;
  while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end])) != 0) ++end;
  if (begin == end) return std::nullopt;
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data() + begin, s.data() + end, v);
  if (ec != std::errc{}) return std::nullopt;
  return v;
}

}  // namespace

std::optional<ProgressLine> parse_progress_line(std::string_view raw) {
  std::string line = clean(raw);
  if (line.starts_with("... ")) line.erase(0, 4);
  if (line.empty()) return std::nullopt;
  ProgressLine out;
  out.what = line;
  const std::string_view s = line;
  if (const auto pct = s.find('%'); pct != std::string_view::npos) {
    if (const auto v = number_before(s, pct)) {
      out.fraction = std::clamp(*v / 100.0, 0.0, 1.0);
      return out;
    }
  }
  for (std::size_t slash = s.find('/'); slash != std::string_view::npos; slash = s.find('/', slash + 1)) {
    const auto done = number_before(s, slash);
    const auto total = number_after(s, slash + 1);
    if (done && total && *total > 0 && *done <= *total) {
      out.fraction = *done / *total;
      return out;
    }
  }
  return std::nullopt;
}

std::string error_line(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find_first_of("\n\r", start), text.size());
    lines.push_back(clean(text.substr(start, end - start)));
    start = end + 1;
  }
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (it->empty() || it->starts_with("... ") || parse_progress_line(*it)) continue;
    return *it;
  }
  return {};
}

}  // namespace lockscope::gui
