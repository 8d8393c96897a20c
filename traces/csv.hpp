// CSV per RFC 4180, both ways: text split into records (quoted fields may
// hold commas, doubled quotes and line breaks; CRLF or LF line ends; blank
// lines are skipped), and one field quoted for writing. Shared by results.csv
// (sweep_results.hpp), the timeline CSVs (timeline_csv.hpp) and the GUI's
// table of any CSV (gui/model/csv_table.hpp).
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

// One field as written: as it is, or in double quotes (inner quotes doubled)
// when it holds a comma, a quote or a line break. split_csv reads it back.
[[nodiscard]] std::string csv_field(std::string_view s);

}  // namespace lockscope::traces
