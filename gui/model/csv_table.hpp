// csv_table: a small CSV reader for sweep results (DIR/results.csv written
// by `lockscope sweep`): a header row, then rows of the same width. Quoted
// fields ("a,b", "say ""hi""") are understood. Plain C++ (no Qt).
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace lockscope::gui {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// An error says "line N: ..." (1-based).
[[nodiscard]] std::expected<CsvTable, std::string> parse_csv(std::string_view text);

}  // namespace lockscope::gui
