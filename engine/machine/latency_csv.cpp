// Importing a core-to-core-latency CSV (layout in machine_file.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "engine/machine/machine_file.hpp"
#include "traces/read_file.hpp"

namespace lockscope::engine::machine {

namespace {

using traces::ParseError;

enum class Kind { kEmpty, kNumber, kText };

struct Cell {
  std::string_view text;  // trimmed
  std::size_t column = 0;  // 1-based, where the cell starts
  Kind kind = Kind::kEmpty;
  double value = std::numeric_limits<double>::quiet_NaN();
};

struct Row {
  std::size_t line = 0;  // 1-based
  std::vector<Cell> cells;
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

Cell classify(std::string_view raw, std::size_t column) {
  std::size_t lead = 0;
  while (lead < raw.size() && (raw[lead] == ' ' || raw[lead] == '\t')) ++lead;
  std::string_view t = raw.substr(lead);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  Cell c{t, column + lead, Kind::kEmpty, std::numeric_limits<double>::quiet_NaN()};
  if (t.empty() || iequals(t, "nan") || iequals(t, "-nan")) return c;
  std::string_view digits = t;
  if (digits.front() == '+') digits.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty()) {
    c.kind = Kind::kNumber;
    c.value = v;
  } else if (ec == std::errc::result_out_of_range) {
    c.kind = Kind::kNumber;
    c.value = std::numeric_limits<double>::infinity();
  } else {
    c.kind = Kind::kText;
  }
  return c;
}

std::vector<Row> split(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte-order mark
  std::vector<Row> rows;
  std::size_t line = 0;
  while (!text.empty()) {
    ++line;
    const std::size_t nl = text.find('\n');
    std::string_view l = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    Row row{line, {}};
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = l.find(',', start);
      row.cells.push_back(classify(l.substr(start, comma == std::string_view::npos
                                                       ? std::string_view::npos
                                                       : comma - start),
                                   start + 1));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    rows.push_back(std::move(row));
  }
  // Trailing blank lines (a final newline, an editor's extra lines) are not rows.
  while (!rows.empty() && rows.back().cells.size() == 1 && rows.back().cells[0].text.empty()) {
    rows.pop_back();
  }
  return rows;
}

bool has_text(const Cell& c) { return c.kind == Kind::kText; }

// CPU ids: whole numbers, not negative, strictly increasing.
bool are_ids(const std::vector<const Cell*>& cells) {
  double last = -1;
  for (const Cell* c : cells) {
    if (c->kind != Kind::kNumber || c->value != std::floor(c->value) || c->value <= last) {
      return false;
    }
    last = c->value;
  }
  return !cells.empty();
}

}  // namespace

std::expected<Machine, ParseError> parse_latency_csv(std::string_view text,
                                                     const std::string& source,
                                                     const MachineParameters& base) {
  const std::vector<Row> rows = split(text);
  if (rows.empty()) return std::unexpected(ParseError{source, 0, 0, "no rows: the file is empty"});
  const std::size_t width = rows[0].cells.size();
  for (const Row& r : rows) {
    if (r.cells.size() != width) {
      return std::unexpected(ParseError{
          source, r.line, 0,
          fmt::format("{} cells on this line but {} on line {}; every line of the matrix has N "
                      "cells",
                      r.cells.size(), width, rows[0].line)});
    }
  }

  // Header row and column: a text label in them, or CPU ids where the shape
  // says there is one line or column too many, or CPU ids along both.
  bool header_row = std::any_of(rows[0].cells.begin(), rows[0].cells.end(), has_text);
  bool header_col = false;
  for (std::size_t i = header_row ? 1 : 0; i < rows.size(); ++i) {
    header_col = header_col || has_text(rows[i].cells[0]);
  }
  auto top = [&](std::size_t from) {
    std::vector<const Cell*> cells;
    for (std::size_t k = from; k < width; ++k) cells.push_back(&rows[0].cells[k]);
    return cells;
  };
  auto side = [&](std::size_t from) {
    std::vector<const Cell*> cells;
    for (std::size_t k = from; k < rows.size(); ++k) cells.push_back(&rows[k].cells[0]);
    return cells;
  };
  const std::size_t c_first = header_col ? 1 : 0;
  if (!header_row && rows.size() == width - c_first + 1 && are_ids(top(c_first))) {
    header_row = true;
  }
  if (!header_col && width == rows.size() - (header_row ? 1 : 0) + 1 &&
      are_ids(side(header_row ? 1 : 0))) {
    header_col = true;
  }
  if (!header_row && !header_col && rows.size() == width && width >= 3 &&
      rows[0].cells[0].kind == Kind::kEmpty) {
    const std::vector<const Cell*> t = top(1);
    const std::vector<const Cell*> sd = side(1);
    bool same = are_ids(t) && are_ids(sd);
    for (std::size_t k = 0; same && k < t.size(); ++k) same = t[k]->value == sd[k]->value;
    header_row = header_col = same;
  }
  const std::size_t r0 = header_row ? 1 : 0;
  const std::size_t c0 = header_col ? 1 : 0;
  const std::size_t n_rows = rows.size() - r0;
  const std::size_t n = width - c0;
  if (n == 0 || n_rows == 0) {
    return std::unexpected(ParseError{source, 0, 0, "no latencies, only a header"});
  }
  if (n_rows > n) {
    return std::unexpected(ParseError{
        source, rows[r0 + n].line, 0,
        fmt::format("more rows than columns: the matrix is {} wide, so it has {} rows{}", n, n,
                    n_rows % n == 0 ? " (several matrices one after another? run "
                                      "core-to-core-latency with a single --bench)"
                                    : "")});
  }
  if (n_rows < n) {
    return std::unexpected(ParseError{
        source, 0, 0, fmt::format("{} rows for {} columns: the matrix must be N x N", n_rows, n)});
  }
  if (n > kMaxCores) {
    return std::unexpected(ParseError{
        source, 0, 0, fmt::format("{} cores; at most {} are supported", n, kMaxCores)});
  }

  auto cell = [&](std::size_t i, std::size_t j) -> const Cell& { return rows[r0 + i].cells[c0 + j]; };
  auto line = [&](std::size_t i) { return rows[r0 + i].line; };
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const Cell& c = cell(i, j);
      if (c.kind == Kind::kText) {
        return std::unexpected(
            ParseError{source, line(i), c.column, fmt::format("'{}' is not a number", c.text)});
      }
      if (c.kind != Kind::kNumber || i == j) continue;
      if (!std::isfinite(c.value)) {
        return std::unexpected(ParseError{source, line(i), c.column,
                                          fmt::format("'{}' is not a finite number", c.text)});
      }
      if (c.value <= 0) {
        return std::unexpected(
            ParseError{source, line(i), c.column,
                       fmt::format("latency {} between CPUs {} and {} must be positive", c.text,
                                   i, j)});
      }
    }
  }

  std::vector<double> lat(n * n, base.l1_hit_ns);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const Cell& c = cell(i, j);
      const Cell& mirror = cell(j, i);
      if (c.kind == Kind::kNumber) {
        lat[i * n + j] = c.value;
      } else if (mirror.kind == Kind::kNumber) {
        lat[i * n + j] = mirror.value;
      } else {
        return std::unexpected(ParseError{
            source, line(std::max(i, j)), cell(std::max(i, j), std::min(i, j)).column,
            fmt::format("no latency between CPUs {} and {}: cells ({}, {}) and ({}, {}) are both "
                        "empty",
                        std::min(i, j), std::max(i, j), i, j, j, i)});
      }
    }
  }
  return make_machine(base, {}, std::move(lat));
}

std::expected<Machine, ParseError> read_latency_csv(const std::string& path,
                                                    const MachineParameters& base) {
  auto text = traces::read_file(path, traces::kMaxTextInputBytes);
  if (!text) return std::unexpected(text.error());
  return parse_latency_csv(*text, path, base);
}

}  // namespace lockscope::engine::machine
