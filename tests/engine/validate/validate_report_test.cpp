#include "engine/validate/validate_report.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

namespace lockscope::engine::validate {
namespace {

// A case as both sides might have measured it, figures chosen so the
// errors are round numbers.
CaseResult made_up(ValidateCase what) {
  CaseResult r;
  r.what = std::move(what);
  r.real.ops_per_sec = 100e6;
  r.real.read_ops = 900;
  r.real.write_ops = r.what.write_permille != 0 ? 100 : 0;
  r.real.read_latency_ns = {50, 20, 80, 200};
  if (r.what.write_permille != 0) r.real.write_latency_ns = {100, 200, 1000, 2000};
  r.sim.read_ops = r.real.read_ops;
  r.sim.write_ops = r.real.write_ops;
  // 1000 ops in 8 us of simulated time: 125 M ops/s, +25%.
  r.sim.sim_time_ps = 8'000'000;
  if (r.sim.lock_ops() != 1000) r.sim.sim_time_ps = r.sim.lock_ops() * 8'000;
  r.sim.read_wait_ns = {900, 10, 100, 300};  // p50 -50%, p99 +25%
  if (r.what.write_permille != 0) r.sim.write_wait_ns = {100, 300, 700, 900};  // +50%, -30%
  r.sim.line_transfers = 2 * r.sim.lock_ops();
  r.sim.sleeps = r.sim.lock_ops() / 100;  // 0.01 per operation
  return r;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string f; std::getline(in, f, ',');) out.push_back(f);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

TEST(ValidateReport, ErrorIsSimulatedMinusRealOverReal) {
  EXPECT_DOUBLE_EQ(*error_percent(100.0, 125.0), 25.0);
  EXPECT_DOUBLE_EQ(*error_percent(200.0, 100.0), -50.0);
  EXPECT_DOUBLE_EQ(*error_percent(3.0, 3.0), 0.0);
  EXPECT_FALSE(error_percent(0.0, 5.0).has_value()) << "no error against a real figure of 0";
  EXPECT_FALSE(error_percent(std::nullopt, 5.0).has_value());
  EXPECT_FALSE(error_percent(5.0, std::nullopt).has_value());
}

TEST(ValidateReport, ReadOnlyCaseHasNoWriteRows) {
  const std::vector<MetricRow> rows = metric_rows({made_up({"graph", 2, 0, 0, 200})});
  ASSERT_EQ(rows.size(), 5U);
  EXPECT_EQ(rows[0].metric, Metric::throughput);
  EXPECT_EQ(rows[1].metric, Metric::read_wait_p50);
  EXPECT_EQ(rows[2].metric, Metric::read_wait_p99);
  EXPECT_EQ(rows[3].metric, Metric::transfers_per_op);
  EXPECT_EQ(rows[4].metric, Metric::sleeps_per_op);
  EXPECT_FALSE(rows[4].real.has_value()) << "no context-switch counter given";
  EXPECT_DOUBLE_EQ(*rows[4].simulated, 0.01);
  EXPECT_NEAR(*rows[0].error_pct(), 25.0, 1e-9);
  EXPECT_NEAR(*rows[1].error_pct(), -50.0, 1e-9);
  EXPECT_NEAR(*rows[2].error_pct(), 25.0, 1e-9);
  EXPECT_FALSE(rows[3].real.has_value()) << "no counter given";
  EXPECT_DOUBLE_EQ(*rows[3].simulated, 2.0);
}

TEST(ValidateReport, CaseWithWritesHasWriteWaitRows) {
  const std::vector<MetricRow> rows = metric_rows({made_up({"central", 1, 100, 100, 0})});
  ASSERT_EQ(rows.size(), 7U);
  EXPECT_EQ(rows[3].metric, Metric::write_wait_p50);
  EXPECT_EQ(rows[4].metric, Metric::write_wait_p99);
  EXPECT_NEAR(*rows[3].error_pct(), 50.0, 1e-9);
  EXPECT_NEAR(*rows[4].error_pct(), -30.0, 1e-9);
}

TEST(ValidateReport, TheFloorNoteGoesOnWaitRowsAndNoFigureMoves) {
  // The replay timed its waits with the clock's samples; the rows say so.
  const std::string note = floor_note({20, 20, 20, 30});
  EXPECT_EQ(note, "simulated includes the 20 ns clock floor (one of 4 back-to-back reads per wait; p99 30 ns)");
  EXPECT_EQ(floor_note({}), "");
  const std::vector<MetricRow> rows = metric_rows({made_up({"central", 1, 100, 100, 0})}, note);
  ASSERT_EQ(rows.size(), 7U);
  EXPECT_DOUBLE_EQ(*rows[0].simulated, 125e6);
  EXPECT_TRUE(rows[0].note.empty());
  EXPECT_DOUBLE_EQ(*rows[1].simulated, 10.0);   // read p50, as the replay timed it
  EXPECT_DOUBLE_EQ(*rows[2].simulated, 100.0);  // read p99
  EXPECT_DOUBLE_EQ(*rows[3].simulated, 300.0);  // write p50
  EXPECT_DOUBLE_EQ(*rows[4].simulated, 700.0);  // write p99
  EXPECT_DOUBLE_EQ(*rows[5].simulated, 2.0);
  for (int i = 1; i <= 4; ++i) EXPECT_EQ(rows[i].note, note);
  EXPECT_TRUE(rows[5].note.empty());
  EXPECT_TRUE(rows[6].note.empty()) << "sleeps are no wait";
}

TEST(ValidateReport, CsvHasTheHeaderAndOneRowPerCaseAndMetric) {
  CaseResult with_counter = made_up({"graph", 2, 100, 0, 0});
  with_counter.real_transfers_per_op = 1.5;
  with_counter.real_sleeps_per_op = 0.02;
  const std::vector<MetricRow> rows = metric_rows({made_up({"graph", 1, 0, 0, 0}), with_counter});
  const std::vector<std::string> csv = lines(validate_csv(rows));
  ASSERT_EQ(csv.size(), 1 + 5 + 7U);
  EXPECT_EQ(csv[0], "case,lock,threads,write_permille,cs_ns,think_ns,metric,unit,real,simulated,error_pct,note");
  for (const std::string& line : csv) EXPECT_EQ(fields(line).size(), 12U) << line;
  EXPECT_EQ(csv[1], "graph t1 w0 cs0 th0,graph,1,0,0,0,throughput,ops/s,1e+08,1.25e+08,25.00,");
  EXPECT_EQ(csv[2], "graph t1 w0 cs0 th0,graph,1,0,0,0,read_wait_p50,ns,20,10,-50.00,");
  // Without a hardware counter the real side is n/a, and so is the error.
  EXPECT_EQ(csv[4], "graph t1 w0 cs0 th0,graph,1,0,0,0,transfers_per_op,lines/op,n/a,2,n/a,");
  EXPECT_EQ(csv[5], "graph t1 w0 cs0 th0,graph,1,0,0,0,sleeps_per_op,sleeps/op,n/a,0.01,n/a,");
  EXPECT_EQ(csv[11], "graph t2 w100 cs0 th0,graph,2,100,0,0,transfers_per_op,lines/op,1.5,2,33.33,");
  EXPECT_EQ(csv[12], "graph t2 w100 cs0 th0,graph,2,100,0,0,sleeps_per_op,sleeps/op,0.02,0.01,-50.00,");
}

TEST(ValidateReport, FailedReplayKeepsRealFiguresAndSaysWhy) {
  CaseResult failed = made_up({"pflock", 2, 10, 0, 0});
  failed.sim.deadlock = true;
  failed.error = "the replay deadlocked";
  const std::vector<MetricRow> rows = metric_rows({failed});
  for (const MetricRow& r : rows) {
    EXPECT_FALSE(r.simulated.has_value()) << metric_name(r.metric);
    EXPECT_EQ(r.note, "the replay deadlocked");
  }
  EXPECT_TRUE(rows[0].real.has_value());
  const std::string csv = validate_csv(rows);
  EXPECT_NE(csv.find("throughput,ops/s,1e+08,n/a,n/a,the replay deadlocked"), std::string::npos) << csv;
}

TEST(ValidateReport, NoteWithCommasStaysOneField) {
  CaseResult failed = made_up({"graph", 1, 0, 0, 0});
  failed.sim.error = "bad, very bad";
  failed.error = "replay failed: bad, very bad";
  for (const std::string& line : lines(validate_csv(metric_rows({failed})))) EXPECT_EQ(fields(line).size(), 12U);
}

TEST(ValidateReport, SummaryAveragesAbsoluteErrorsAndCountsP99WithinTarget) {
  const std::vector<MetricRow> rows =
      metric_rows({made_up({"graph", 1, 0, 0, 0}), made_up({"graph", 2, 100, 0, 0})});
  const ErrorSummary s = summarize(rows);
  EXPECT_EQ(s.of(Metric::throughput).rows, 2U);
  EXPECT_NEAR(s.of(Metric::throughput).mean_abs_pct, 25.0, 1e-9);
  EXPECT_NEAR(s.of(Metric::read_wait_p50).mean_abs_pct, 50.0, 1e-9);
  EXPECT_EQ(s.of(Metric::write_wait_p99).rows, 1U);
  EXPECT_EQ(s.of(Metric::transfers_per_op).rows, 0U);
  // read p99 +25% twice, write p99 -30% once: all within +-35%.
  EXPECT_EQ(s.p99_rows, 3U);
  EXPECT_EQ(s.p99_within_35, 3U);
}

TEST(ValidateReport, TableHasOneLinePerCaseAndTheSummary) {
  const std::vector<MetricRow> rows =
      metric_rows({made_up({"graph", 1, 0, 0, 0}), made_up({"central", 2, 100, 0, 200})});
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buf, &size);
  print_validate_table(out, rows);
  std::fclose(out);
  const std::string text(buf, size);
  std::free(buf);
  const std::vector<std::string> t = lines(text);
  ASSERT_GE(t.size(), 6U) << text;
  EXPECT_NE(t[0].find("ops/s real"), std::string::npos);
  EXPECT_EQ(t[2].rfind("graph t1 w0 cs0 th0", 0), 0U) << t[2];
  EXPECT_NE(t[2].find("+25%"), std::string::npos) << t[2];
  EXPECT_EQ(t[3].rfind("central t2 w100 cs0 th200", 0), 0U) << t[3];
  EXPECT_NE(t[3].find("-30%"), std::string::npos) << t[3];
  EXPECT_NE(text.find("mean |error|"), std::string::npos);
  EXPECT_NE(text.find("p99 waits within ±35%: 3 of 3"), std::string::npos) << text;
}

}  // namespace
}  // namespace lockscope::engine::validate
