#include "gui/model/csv_table.hpp"

#include <iterator>

#include "traces/csv.hpp"

namespace lockscope::gui {

std::expected<CsvTable, std::string> parse_csv(std::string_view text) {
  auto records = traces::split_csv(text, "");
  if (!records) return std::unexpected("line " + std::to_string(records.error().line) + ": " + records.error().message);
  if (records->empty()) return std::unexpected(std::string("line 1: empty file, no header"));
  const std::size_t width = records->front().fields.size();
  for (const traces::CsvRecord& r : *records) {
    if (r.fields.size() != width) {
      return std::unexpected("line " + std::to_string(r.line) + ": " + std::to_string(r.fields.size()) +
                             " fields, the header has " + std::to_string(width));
    }
  }
  CsvTable table;
  table.header = std::move(records->front().fields);
  for (auto it = std::next(records->begin()); it != records->end(); ++it) table.rows.push_back(std::move(it->fields));
  return table;
}

}  // namespace lockscope::gui
