// CSV text split into records (RFC 4180: quoted fields may hold commas,
// doubled quotes and line breaks; CRLF or LF line ends; blank lines are
// skipped). Shared by results.csv (sweep_results.hpp) and the GUI's table of
// any CSV (gui/model/csv_table.hpp).
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "traces/parse_error.hpp"

namespace lockscope::traces {

struct CsvRecord {
  std::size_t line = 0;  // where the record starts, 1-based
  std::vector<std::string> fields;
};

// An unclosed quote is an error at `file` and the line where the text ends.
[[nodiscard]] std::expected<std::vector<CsvRecord>, ParseError> split_csv(std::string_view text,
                                                                          std::string_view file);

}  // namespace lockscope::traces
