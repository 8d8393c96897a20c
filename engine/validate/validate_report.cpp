#include "engine/validate/validate_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/stats/human_count.hpp"

namespace lockscope::engine::validate {
namespace {

std::optional<double> present(const stats::LatencySummary& s, std::uint64_t value) {
  if (s.samples == 0) return std::nullopt;
  return static_cast<double>(value);
}

std::string figure(std::optional<double> v) { return v ? fmt::format("{:.6g}", *v) : "n/a"; }

std::string csv_field(std::string text) {
  for (char& c : text) {
    if (c == ',' || c == '\n' || c == '"') c = ';';
  }
  return text;
}

std::string pct_cell(std::optional<double> e) { return e ? fmt::format("{:+.0f}%", *e) : "n/a"; }

}  // namespace

std::string_view metric_name(Metric m) {
  switch (m) {
    case Metric::throughput: return "throughput";
    case Metric::read_wait_p50: return "read_wait_p50";
    case Metric::read_wait_p99: return "read_wait_p99";
    case Metric::write_wait_p50: return "write_wait_p50";
    case Metric::write_wait_p99: return "write_wait_p99";
    case Metric::transfers_per_op: return "transfers_per_op";
    case Metric::sleeps_per_op: return "sleeps_per_op";
  }
  return "?";
}

std::string_view metric_unit(Metric m) {
  switch (m) {
    case Metric::throughput: return "ops/s";
    case Metric::transfers_per_op: return "lines/op";
    case Metric::sleeps_per_op: return "sleeps/op";
    default: return "ns";
  }
}

std::optional<double> error_percent(std::optional<double> real, std::optional<double> simulated) {
  if (!real || !simulated || *real == 0) return std::nullopt;
  return (*simulated - *real) / *real * 100.0;
}

std::optional<double> MetricRow::error_pct() const { return error_percent(real, simulated); }

std::string floor_note(const std::vector<std::uint64_t>& sorted_floor) {
  if (sorted_floor.empty()) return "";
  return fmt::format("simulated includes the {:.0f} ns clock floor (one of {} back-to-back reads per wait; p99 {} ns)",
                     median_floor_ns(sorted_floor), sorted_floor.size(), p99_floor_ns(sorted_floor));
}

std::vector<MetricRow> metric_rows(const std::vector<CaseResult>& results, const std::string& wait_note) {
  std::vector<MetricRow> rows;
  for (const CaseResult& r : results) {
    const bool sim_ok = r.error.empty() || r.sim.healthy();
    const bench::BenchResult& b = r.real;
    const replay::ReplayResult& s = r.sim;
    auto add = [&](Metric m, std::optional<double> real, std::optional<double> sim) {
      const bool wait = m != Metric::throughput && m != Metric::transfers_per_op && m != Metric::sleeps_per_op;
      std::string note = r.error;
      if (wait && !wait_note.empty()) note = note.empty() ? wait_note : note + "; " + wait_note;
      MetricRow row{r.what, m, real, sim_ok ? sim : std::nullopt, std::move(note)};
      rows.push_back(std::move(row));
    };
    add(Metric::throughput, b.ops_per_sec, s.lock_ops() != 0 ? std::optional(s.throughput_ops_per_sim_sec())
                                                             : std::nullopt);
    add(Metric::read_wait_p50, present(b.read_latency_ns, b.read_latency_ns.p50),
        present(s.read_wait_ns, s.read_wait_ns.p50));
    add(Metric::read_wait_p99, present(b.read_latency_ns, b.read_latency_ns.p99),
        present(s.read_wait_ns, s.read_wait_ns.p99));
    if (r.what.write_permille != 0) {
      add(Metric::write_wait_p50, present(b.write_latency_ns, b.write_latency_ns.p50),
          present(s.write_wait_ns, s.write_wait_ns.p50));
      add(Metric::write_wait_p99, present(b.write_latency_ns, b.write_latency_ns.p99),
          present(s.write_wait_ns, s.write_wait_ns.p99));
    }
    add(Metric::transfers_per_op, r.real_transfers_per_op,
        s.lock_ops() != 0 ? std::optional(s.transfers_per_op()) : std::nullopt);
    add(Metric::sleeps_per_op, r.real_sleeps_per_op,
        s.lock_ops() != 0 ? std::optional(s.sleeps_per_op()) : std::nullopt);
  }
  return rows;
}

std::string validate_csv(const std::vector<MetricRow>& rows) {
  std::string out = "case,lock,threads,write_permille,cs_ns,think_ns,metric,unit,real,simulated,error_pct,note\n";
  for (const MetricRow& r : rows) {
    const std::optional<double> e = r.error_pct();
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(r.what.name()), csv_field(r.what.lock),
                       r.what.threads, r.what.write_permille, r.what.cs_ns, r.what.think_ns, metric_name(r.metric),
                       metric_unit(r.metric), figure(r.real), figure(r.simulated),
                       e ? fmt::format("{:.2f}", *e) : "n/a", csv_field(r.note));
  }
  return out;
}

ErrorSummary summarize(const std::vector<MetricRow>& rows) {
  ErrorSummary s;
  std::array<double, kMetrics.size()> sums{};
  for (const MetricRow& r : rows) {
    const std::optional<double> e = r.error_pct();
    if (!e) continue;
    const auto i = static_cast<std::size_t>(r.metric);
    ++s.by_metric[i].rows;
    sums[i] += std::abs(*e);
    if (r.metric == Metric::read_wait_p99 || r.metric == Metric::write_wait_p99) {
      ++s.p99_rows;
      if (std::abs(*e) <= 35.0) ++s.p99_within_35;
    }
  }
  for (std::size_t i = 0; i < sums.size(); ++i) {
    if (s.by_metric[i].rows != 0) s.by_metric[i].mean_abs_pct = sums[i] / static_cast<double>(s.by_metric[i].rows);
  }
  return s;
}

void print_validate_table(std::FILE* out, const std::vector<MetricRow>& rows) {
  std::size_t width = 4;
  for (const MetricRow& r : rows) width = std::max(width, r.what.name().size());
  fmt::print(out, "{:<{}}  {:>10} {:>10} {:>6}  {:>7} {:>7} {:>7} {:>7}  {:>12} {:>6}  {:>13} {:>7}\n", "case",
             width, "ops/s real", "sim", "err", "rd p50", "rd p99", "wr p50", "wr p99", "xfer/op real", "sim",
             "sleep/op real", "sim");
  fmt::print(out, "{:<{}}  {:>10} {:>10} {:>6}  {:>31}\n", "", width, "", "", "", "wait error (sim - real) / real");
  for (std::size_t i = 0; i < rows.size();) {
    // A case's rows are consecutive (metric_rows' order).
    std::array<const MetricRow*, kMetrics.size()> by{};
    const ValidateCase& what = rows[i].what;
    std::size_t j = i;
    for (; j < rows.size() && rows[j].what == what; ++j) by[static_cast<std::size_t>(rows[j].metric)] = &rows[j];
    auto err = [&](Metric m) {
      const MetricRow* r = by[static_cast<std::size_t>(m)];
      return r == nullptr ? std::string("—") : pct_cell(r->error_pct());
    };
    const MetricRow* thr = by[static_cast<std::size_t>(Metric::throughput)];
    const MetricRow* xfer = by[static_cast<std::size_t>(Metric::transfers_per_op)];
    const MetricRow* sleeps = by[static_cast<std::size_t>(Metric::sleeps_per_op)];
    auto rate = [](std::optional<double> v) { return v ? stats::human_count(*v) : std::string("n/a"); };
    auto per_op = [](std::optional<double> v) { return v ? fmt::format("{:.2f}", *v) : std::string("n/a"); };
    auto rare = [](std::optional<double> v) { return v ? fmt::format("{:.4f}", *v) : std::string("n/a"); };
    fmt::print(out, "{:<{}}  {:>10} {:>10} {:>6}  {:>7} {:>7} {:>7} {:>7}  {:>12} {:>6}  {:>13} {:>7}{}\n",
               what.name(), width,
               rate(thr != nullptr ? thr->real : std::nullopt), rate(thr != nullptr ? thr->simulated : std::nullopt),
               err(Metric::throughput), err(Metric::read_wait_p50), err(Metric::read_wait_p99),
               err(Metric::write_wait_p50), err(Metric::write_wait_p99),
               per_op(xfer != nullptr ? xfer->real : std::nullopt),
               per_op(xfer != nullptr ? xfer->simulated : std::nullopt),
               rare(sleeps != nullptr ? sleeps->real : std::nullopt),
               rare(sleeps != nullptr ? sleeps->simulated : std::nullopt), rows[i].note.empty() ? "" : "  " + rows[i].note);
    i = j;
  }
  const ErrorSummary s = summarize(rows);
  std::vector<std::string> parts;
  for (const Metric m : kMetrics) {
    const MetricError& e = s.of(m);
    parts.push_back(e.rows == 0 ? fmt::format("{} n/a", metric_name(m))
                                : fmt::format("{} {:.1f}% ({})", metric_name(m), e.mean_abs_pct, e.rows));
  }
  fmt::print(out, "\nmean |error| (cases): {}\n", fmt::join(parts, ", "));
  fmt::print(out, "p99 waits within ±35%: {} of {}\n", s.p99_within_35, s.p99_rows);
}

}  // namespace lockscope::engine::validate
