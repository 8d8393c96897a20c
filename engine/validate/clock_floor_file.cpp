#include "engine/validate/clock_floor_file.hpp"

#include <fmt/format.h>

#include <charconv>
#include <system_error>

#include "traces/read_file.hpp"

namespace lockscope::engine::validate {

std::string clock_floor_text(const std::vector<std::uint64_t>& samples) {
  std::string out = "# lockscope validate: the clock floor added to simulated waits, one sample (ns) per line\n";
  for (const std::uint64_t s : samples) out += fmt::format("{}\n", s);
  return out;
}

std::expected<std::vector<std::uint64_t>, traces::ParseError> parse_clock_floor(std::string_view text,
                                                                                const std::string& file) {
  std::vector<std::uint64_t> samples;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    const std::size_t last = line.find_last_not_of(" \t");
    const std::string_view word = line.substr(first, last + 1 - first);
    std::uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
    if (ec != std::errc{} || ptr != word.data() + word.size()) {
      const std::size_t bad = static_cast<std::size_t>(ptr - word.data());
      return std::unexpected(traces::ParseError{
          file, line_no, first + (ec == std::errc{} ? bad : 0) + 1,
          fmt::format("`{}` is not a clock-floor sample (a whole number of ns)", word)});
    }
    samples.push_back(v);
  }
  if (samples.empty()) return std::unexpected(traces::ParseError{file, 0, 0, "no clock-floor samples"});
  return samples;
}

std::expected<std::vector<std::uint64_t>, traces::ParseError> read_clock_floor_beside(
    const std::filesystem::path& csv) {
  const std::filesystem::path path = csv.parent_path() / kClockFloorFile;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::vector<std::uint64_t>{};
  auto text = traces::read_file(path.string(), traces::kMaxTextInputBytes);
  if (!text) return std::unexpected(text.error());
  return parse_clock_floor(*text, path.string());
}

}  // namespace lockscope::engine::validate
