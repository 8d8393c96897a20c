#include "traces/sweep_results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>

#include "traces/csv.hpp"
#include "traces/read_file.hpp"

namespace lockscope::traces {
namespace {

template <class T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty()) {
    out = T{};
    return true;
  }
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

bool parse_bool(std::string_view s, bool& out) {
  if (s == "1" || s == "true") out = true;
  else if (s == "0" || s == "false" || s.empty()) out = false;
  else return false;
  return true;
}

// Shortest text that reads back to the same double.
std::string number(double v) { return fmt::format("{}", v); }

// One column: its header name, how a row prints into it and reads from it.
struct Column {
  std::string_view name;
  std::function<std::string(const SweepRow&)> get;
  std::function<bool(SweepRow&, std::string_view)> set;
};

#define LOCKSCOPE_TEXT(field) \
  Column{#field, [](const SweepRow& r) { return r.field; }, [](SweepRow& r, std::string_view s) { \
           r.field = std::string(s);                                                               \
           return true;                                                                             \
         }}
#define LOCKSCOPE_INT(field) \
  Column{#field, [](const SweepRow& r) { return std::to_string(r.field); }, \
         [](SweepRow& r, std::string_view s) { return parse_number(s, r.field); }}
#define LOCKSCOPE_REAL(field) \
  Column{#field, [](const SweepRow& r) { return number(r.field); }, \
         [](SweepRow& r, std::string_view s) { return parse_number(s, r.field); }}
#define LOCKSCOPE_BOOL(field) \
  Column{#field, [](const SweepRow& r) { return std::string(r.field ? "1" : "0"); }, \
         [](SweepRow& r, std::string_view s) { return parse_bool(s, r.field); }}

// Before the parameter columns.
const std::vector<Column>& head_columns() {
  static const std::vector<Column> columns = {LOCKSCOPE_TEXT(world), LOCKSCOPE_TEXT(scenario),
                                              LOCKSCOPE_TEXT(machine), LOCKSCOPE_TEXT(lock),
                                              LOCKSCOPE_INT(cores)};
  return columns;
}

// After them.
const std::vector<Column>& tail_columns() {
  static const std::vector<Column> columns = {
      LOCKSCOPE_INT(seed),
      LOCKSCOPE_TEXT(status),
      LOCKSCOPE_TEXT(error),
      LOCKSCOPE_REAL(sim_time_ns),
      LOCKSCOPE_INT(lock_ops),
      LOCKSCOPE_INT(read_ops),
      LOCKSCOPE_INT(write_ops),
      LOCKSCOPE_REAL(throughput_ops_per_sec),
      LOCKSCOPE_INT(read_wait_p50_ns),
      LOCKSCOPE_INT(read_wait_p99_ns),
      LOCKSCOPE_INT(read_wait_max_ns),
      LOCKSCOPE_INT(write_wait_p50_ns),
      LOCKSCOPE_INT(write_wait_p99_ns),
      LOCKSCOPE_INT(write_wait_max_ns),
      LOCKSCOPE_INT(line_transfers),
      LOCKSCOPE_REAL(transfers_per_op),
      LOCKSCOPE_INT(violations),
      LOCKSCOPE_INT(residual_readers),
      LOCKSCOPE_BOOL(deadlock),
      LOCKSCOPE_BOOL(missed_wakeup),
      LOCKSCOPE_REAL(wall_sec),
      LOCKSCOPE_REAL(sim_ops_per_wall_sec),
  };
  return columns;
}

#undef LOCKSCOPE_TEXT
#undef LOCKSCOPE_INT
#undef LOCKSCOPE_REAL
#undef LOCKSCOPE_BOOL

const Column* find_column(std::string_view name) {
  for (const auto* list : {&head_columns(), &tail_columns()}) {
    for (const Column& c : *list) {
      if (c.name == name) return &c;
    }
  }
  return nullptr;
}

}  // namespace

std::string SweepRow::param(std::string_view key) const {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return {};
}

std::string write_sweep_csv(const SweepTable& table) {
  std::string out;
  // A separator before every cell but a line's first: an empty first cell
  // (a row whose world is "") must not swallow the comma after it.
  bool first_in_line = true;
  auto cell = [&out, &first_in_line](std::string_view s) {
    if (!first_in_line) out += ',';
    first_in_line = false;
    out += csv_field(s);
  };
  auto end_line = [&out, &first_in_line] {
    out += '\n';
    first_in_line = true;
  };
  for (const Column& c : head_columns()) cell(c.name);
  for (const std::string& k : table.param_keys) cell(k);
  for (const Column& c : tail_columns()) cell(c.name);
  end_line();
  for (const SweepRow& r : table.rows) {
    for (const Column& c : head_columns()) cell(c.get(r));
    for (const std::string& k : table.param_keys) cell(r.param(k));
    for (const Column& c : tail_columns()) cell(c.get(r));
    end_line();
  }
  return out;
}

std::expected<SweepTable, ParseError> read_sweep_csv(std::string_view text, std::string_view file) {
  auto records = split_csv(text, file);
  if (!records) return std::unexpected(records.error());
  if (records->empty()) return std::unexpected(ParseError{std::string(file), 0, 0, "empty file: no header row"});
  const CsvRecord& header = records->front();
  std::vector<const Column*> columns;
  SweepTable table;
  for (const std::string& name : header.fields) {
    const Column* c = find_column(name);
    if (c == nullptr) {
      if (name.empty()) return std::unexpected(ParseError{std::string(file), header.line, 0, "a header is empty"});
      table.param_keys.push_back(name);
    }
    columns.push_back(c);
  }
  for (const std::string_view required : {"lock", "cores", "status"}) {
    if (std::ranges::find(header.fields, required) == header.fields.end()) {
      return std::unexpected(ParseError{std::string(file), header.line, 0,
                                        fmt::format("no `{}` column: not a lockscope results.csv", required)});
    }
  }
  for (std::size_t i = 1; i < records->size(); ++i) {
    const CsvRecord& rec = (*records)[i];
    if (rec.fields.size() != header.fields.size()) {
      return std::unexpected(ParseError{std::string(file), rec.line, 0,
                                        fmt::format("{} fields; the header has {}", rec.fields.size(),
                                                    header.fields.size())});
    }
    SweepRow row;
    for (std::size_t f = 0; f < rec.fields.size(); ++f) {
      if (columns[f] == nullptr) {
        row.params.emplace_back(header.fields[f], rec.fields[f]);
      } else if (!columns[f]->set(row, rec.fields[f])) {
        return std::unexpected(ParseError{std::string(file), rec.line, f + 1,
                                          fmt::format("{} is \"{}\", not a valid value", header.fields[f],
                                                      rec.fields[f])});
      }
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::expected<SweepTable, ParseError> read_sweep_csv_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::unexpected(text.error());
  return read_sweep_csv(*text, path);
}

}  // namespace lockscope::traces
