// The real side of earlier `lockscope validate` runs, read back from their
// validate.csv files: `validate --real-from` replays the simulated side
// only and compares it with these, so that a change to the model is judged
// against the very same real figures (or their median over several runs,
// which damps this machine's run-to-run noise), not against a new real run
// that differs by 10-20 % on its own.
#pragma once

#include <cstddef>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/validate/validate_report.hpp"
#include "traces/parse_error.hpp"

namespace lockscope::engine::validate {

struct RealFigures {
  // Per case name ("graph t2 w100 cs0 th0") and metric: the median of the
  // real figures the files give for it. A figure a file gives as n/a is
  // left out of the median; a key no file gives is absent.
  std::map<std::string, std::map<Metric, double>> by_case;
  // The clock floor the earlier runs added to their simulated waits (their
  // notes say it), median over the files; empty if no note gave one.
  std::optional<double> clock_floor_ns;
  std::size_t files = 0;

  [[nodiscard]] std::optional<double> find(const std::string& case_name, Metric m) const;
};

// Reads and pools validate.csv files. Every error is `file:line:column:
// message` (a wrong header, an unknown metric, a figure that is not a
// number), and nothing is pooled from a file with an error.
[[nodiscard]] std::expected<RealFigures, traces::ParseError> read_real_figures(
    const std::vector<std::string>& paths);

// The same from texts already read, named `files` (for tests).
[[nodiscard]] std::expected<RealFigures, traces::ParseError> parse_real_figures(
    const std::vector<std::string>& texts, const std::vector<std::string>& files);

// Replaces every row's real figure with the pooled one (n/a where the files
// have none).
void use_real_figures(std::vector<MetricRow>& rows, const RealFigures& figures);

}  // namespace lockscope::engine::validate
