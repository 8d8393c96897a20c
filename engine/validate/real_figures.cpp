#include "engine/validate/real_figures.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>
#include <utility>

#include "traces/csv.hpp"
#include "traces/read_file.hpp"

namespace lockscope::engine::validate {
namespace {

constexpr std::string_view kHeader =
    "case,lock,threads,write_permille,cs_ns,think_ns,metric,unit,real,simulated,error_pct,note";
constexpr std::size_t kFields = 12;
constexpr std::size_t kCaseField = 0;
constexpr std::size_t kMetricField = 6;
constexpr std::size_t kRealField = 8;
constexpr std::size_t kNoteField = 11;
constexpr std::string_view kFloorBefore = "simulated includes the ";
constexpr std::string_view kFloorAfter = " ns clock floor";

// validate.csv never quotes (its writer replaces commas and quotes in a
// note), so a field starts one past the commas before it.
std::size_t column_of(const traces::CsvRecord& r, std::size_t field) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < field && i < r.fields.size(); ++i) column += r.fields[i].size() + 1;
  return column;
}

std::optional<Metric> metric_named(std::string_view name) {
  for (const Metric m : kMetrics) {
    if (metric_name(m) == name) return m;
  }
  return std::nullopt;
}

std::optional<double> number(std::string_view text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return v;
}

std::optional<double> floor_in(std::string_view note) {
  const std::size_t at = note.find(kFloorBefore);
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view rest = note.substr(at + kFloorBefore.size());
  const std::size_t end = rest.find(kFloorAfter);
  if (end == std::string_view::npos) return std::nullopt;
  return number(rest.substr(0, end));
}

double median(std::vector<double> v) {
  std::ranges::sort(v);
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct OneFile {
  std::map<std::string, std::map<Metric, double>> by_case;
  std::optional<double> floor;
};

std::expected<OneFile, traces::ParseError> parse_one(std::string_view text, const std::string& file) {
  auto records = traces::split_csv(text, file);
  if (!records) return std::unexpected(records.error());
  if (records->empty()) return std::unexpected(traces::ParseError{file, 0, 0, "empty: not a validate.csv"});
  const traces::CsvRecord& head = records->front();
  std::string joined;
  for (std::size_t i = 0; i < head.fields.size(); ++i) joined += (i == 0 ? "" : ",") + head.fields[i];
  if (joined != kHeader) {
    return std::unexpected(traces::ParseError{file, head.line, 1,
                                              "not a validate.csv header (expected '" + std::string(kHeader) + "')"});
  }
  OneFile out;
  for (std::size_t i = 1; i < records->size(); ++i) {
    const traces::CsvRecord& r = (*records)[i];
    if (r.fields.size() != kFields) {
      return std::unexpected(traces::ParseError{
          file, r.line, 1, "expected " + std::to_string(kFields) + " fields, found " + std::to_string(r.fields.size())});
    }
    const auto metric = metric_named(r.fields[kMetricField]);
    if (!metric) {
      return std::unexpected(traces::ParseError{file, r.line, column_of(r, kMetricField),
                                                "unknown metric '" + r.fields[kMetricField] + "'"});
    }
    if (auto floor = floor_in(r.fields[kNoteField])) out.floor = floor;
    const std::string& real = r.fields[kRealField];
    if (real == "n/a") continue;
    const auto value = number(real);
    if (!value) {
      return std::unexpected(traces::ParseError{file, r.line, column_of(r, kRealField),
                                                "the real figure '" + real + "' is not a number >= 0 or n/a"});
    }
    out.by_case[r.fields[kCaseField]][*metric] = *value;
  }
  return out;
}

}  // namespace

std::optional<double> RealFigures::find(const std::string& case_name, Metric m) const {
  const auto c = by_case.find(case_name);
  if (c == by_case.end()) return std::nullopt;
  const auto f = c->second.find(m);
  if (f == c->second.end()) return std::nullopt;
  return f->second;
}

std::expected<RealFigures, traces::ParseError> parse_real_figures(const std::vector<std::string>& texts,
                                                                  const std::vector<std::string>& files) {
  std::map<std::string, std::map<Metric, std::vector<double>>> pooled;
  std::vector<double> floors;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto one = parse_one(texts[i], files.at(i));
    if (!one) return std::unexpected(one.error());
    for (const auto& [name, metrics] : one->by_case) {
      for (const auto& [m, v] : metrics) pooled[name][m].push_back(v);
    }
    if (one->floor) floors.push_back(*one->floor);
  }
  RealFigures out;
  out.files = texts.size();
  for (auto& [name, metrics] : pooled) {
    for (auto& [m, values] : metrics) out.by_case[name][m] = median(std::move(values));
  }
  if (!floors.empty()) out.clock_floor_ns = median(std::move(floors));
  return out;
}

std::expected<RealFigures, traces::ParseError> read_real_figures(const std::vector<std::string>& paths) {
  std::vector<std::string> texts;
  for (const std::string& path : paths) {
    auto text = traces::read_file(path, traces::kMaxTextInputBytes);
    if (!text) return std::unexpected(text.error());
    texts.push_back(std::move(*text));
  }
  return parse_real_figures(texts, paths);
}

void use_real_figures(std::vector<MetricRow>& rows, const RealFigures& figures) {
  for (MetricRow& row : rows) row.real = figures.find(row.what.name(), row.metric);
}

}  // namespace lockscope::engine::validate
