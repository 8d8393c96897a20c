// The clock floor a validate run added to its simulated waits, kept beside
// its validate.csv (clock_floor.txt): `--real-from` reads it back, so that a
// model change is compared through the very same instrument, sample for
// sample, instead of a fresh measurement whose spread moves a few p99 rows
// from run to run (docs/fidelity.md, ninth round).
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "traces/parse_error.hpp"

namespace lockscope::engine::validate {

inline constexpr std::string_view kClockFloorFile = "clock_floor.txt";

// One sample (ns) per line, after a comment line that says what they are.
[[nodiscard]] std::string clock_floor_text(const std::vector<std::uint64_t>& samples);

// The samples of a clock_floor.txt; `file` names it in errors. Blank lines
// and lines starting with '#' are skipped; anything else must be a whole
// number of ns, and there must be at least one.
[[nodiscard]] std::expected<std::vector<std::uint64_t>, traces::ParseError> parse_clock_floor(
    std::string_view text, const std::string& file);

// The clock_floor.txt beside `csv` (an earlier run's validate.csv): its
// samples, an empty vector when there is none (runs from before the file
// existed), or the error that reading it gave.
[[nodiscard]] std::expected<std::vector<std::uint64_t>, traces::ParseError> read_clock_floor_beside(
    const std::filesystem::path& csv);

}  // namespace lockscope::engine::validate
