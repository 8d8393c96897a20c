#include "traces/csv.hpp"

namespace lockscope::traces {

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::expected<std::vector<CsvRecord>, ParseError> split_csv(std::string_view text, std::string_view file) {
  std::vector<CsvRecord> records;
  CsvRecord current{1, {}};
  std::string field;
  std::size_t line = 1;
  bool quoted = false;
  bool any = false;  // the current record has content
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
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
      current.fields.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        current.fields.push_back(std::move(field));
        records.push_back(std::move(current));
      }
      field.clear();
      any = false;
      ++line;
      current = CsvRecord{line, {}};
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) return std::unexpected(ParseError{std::string(file), line, 0, "a quoted field is not closed"});
  if (any || !field.empty()) {
    current.fields.push_back(std::move(field));
    records.push_back(std::move(current));
  }
  return records;
}

}  // namespace lockscope::traces
