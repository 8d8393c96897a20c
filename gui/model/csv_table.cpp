#include "gui/model/csv_table.hpp"

#include <iterator>

namespace lockscope::gui {

std::expected<CsvTable, std::string> parse_csv(std::string_view text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  bool any = false;  // the current record has content
  std::size_t line = 1;
  std::size_t record_line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      any = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        record.push_back(std::move(field));
        records.push_back(std::move(record));
        if (records.size() > 1 && records.back().size() != records.front().size()) {
          return std::unexpected("line " + std::to_string(record_line) + ": " +
                                 std::to_string(records.back().size()) + " fields, the header has " +
                                 std::to_string(records.front().size()));
        }
      }
      record.clear();
      field.clear();
      any = false;
      ++line;
      record_line = line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) return std::unexpected("line " + std::to_string(record_line) + ": unterminated quote");
  if (any || !field.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
    if (records.size() > 1 && records.back().size() != records.front().size()) {
      return std::unexpected("line " + std::to_string(record_line) + ": " + std::to_string(records.back().size()) +
                             " fields, the header has " + std::to_string(records.front().size()));
    }
  }
  if (records.empty()) return std::unexpected(std::string("line 1: empty file, no header"));
  CsvTable table;
  table.header = std::move(records.front());
  table.rows.assign(std::make_move_iterator(records.begin() + 1), std::make_move_iterator(records.end()));
  return table;
}

}  // namespace lockscope::gui
