#include "traces/sweep_results.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lockscope::traces {
namespace {

SweepTable sample() {
  SweepTable t;
  t.param_keys = {"writes.write_permille"};
  SweepRow ok;
  ok.scenario = "bouncing";
  ok.machine = "epyc-64";
  ok.lock = "graph";
  ok.cores = 8;
  ok.params = {{"writes.write_permille", "0.1"}};
  ok.seed = 1;
  ok.sim_time_ns = 100123.5;
  ok.lock_ops = 9000;
  ok.read_ops = 8999;
  ok.write_ops = 1;
  ok.throughput_ops_per_sec = 8.99e10;
  ok.read_wait_p50_ns = 3;
  ok.read_wait_p99_ns = 40;
  ok.read_wait_max_ns = 90;
  ok.write_wait_p50_ns = 500;
  ok.write_wait_p99_ns = 700;
  ok.write_wait_max_ns = 800;
  ok.line_transfers = 120;
  ok.transfers_per_op = 0.0133;
  ok.wall_sec = 0.25;
  ok.sim_ops_per_wall_sec = 36000;
  SweepRow bad;
  bad.scenario = "bouncing";
  bad.machine = "epyc-64";
  bad.lock = "central";
  bad.cores = 64;
  bad.params = {{"writes.write_permille", "0.1"}};
  bad.status = "failed";
  bad.error = "the replay process died (signal 9), \"killed\"\nsecond line";
  t.rows = {ok, bad};
  return t;
}

TEST(SweepResults, WrittenCsvHasAHeaderAndOneLinePerRunWithParametersAfterCores) {
  const std::string csv = write_sweep_csv(sample());
  EXPECT_EQ(csv.rfind("world,scenario,machine,lock,cores,writes.write_permille,seed,status,error,", 0), 0u) << csv;
  for (const char* column : {"throughput_ops_per_sec", "read_wait_p50_ns", "read_wait_p99_ns", "write_wait_p50_ns",
                             "write_wait_p99_ns", "transfers_per_op", "wall_sec", "sim_ops_per_wall_sec"}) {
    EXPECT_NE(csv.find(column), std::string::npos) << column;
  }
  EXPECT_NE(csv.find("\nsim,bouncing,epyc-64,graph,8,0.1,1,ok,,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",failed,\"the replay process died (signal 9), \"\"killed\"\"\nsecond line\","),
            std::string::npos)
      << csv;
}

TEST(SweepResults, ReadingWhatWasWrittenGivesTheSameRows) {
  const SweepTable in = sample();
  auto out = read_sweep_csv(write_sweep_csv(in), "results.csv");
  ASSERT_TRUE(out.has_value()) << out.error().to_string();
  EXPECT_EQ(out->param_keys, in.param_keys);
  ASSERT_EQ(out->rows.size(), 2u);
  const SweepRow& a = out->rows[0];
  EXPECT_EQ(a.lock, "graph");
  EXPECT_EQ(a.cores, 8u);
  EXPECT_EQ(a.param("writes.write_permille"), "0.1");
  EXPECT_EQ(a.status, "ok");
  EXPECT_DOUBLE_EQ(a.sim_time_ns, 100123.5);
  EXPECT_EQ(a.lock_ops, 9000u);
  EXPECT_DOUBLE_EQ(a.throughput_ops_per_sec, 8.99e10);
  EXPECT_EQ(a.read_wait_p99_ns, 40u);
  EXPECT_EQ(a.write_wait_p99_ns, 700u);
  EXPECT_DOUBLE_EQ(a.transfers_per_op, 0.0133);
  const SweepRow& b = out->rows[1];
  EXPECT_TRUE(b.failed());
  EXPECT_EQ(b.error, in.rows[1].error);
}

// Found by fuzz_sweep_csv (fuzz/regressions/sweep_csv/): the writer put a
// comma before a cell only when the line so far was not empty, so a row
// whose first cells were empty lost their separators and did not read back.
TEST(SweepResults, RowWithEmptyLeadingCellsReadsBack) {
  SweepTable in = sample();
  in.rows[0].world = "";
  in.rows[0].scenario = "";
  auto out = read_sweep_csv(write_sweep_csv(in), "results.csv");
  ASSERT_TRUE(out.has_value()) << out.error().to_string();
  ASSERT_EQ(out->rows.size(), 2u);
  EXPECT_EQ(out->rows[0].world, "");
  EXPECT_EQ(out->rows[0].scenario, "");
  EXPECT_EQ(out->rows[0].lock, "graph");
}

TEST(SweepResults, RowWithTheWrongFieldCountIsAnErrorAtItsLine) {
  std::string csv = write_sweep_csv(sample());
  csv += "sim,x,y,graph,4\n";
  auto out = read_sweep_csv(csv, "r.csv");
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().file, "r.csv");
  EXPECT_EQ(out.error().line, 5u);  // the quoted error spans lines 3 and 4
  EXPECT_NE(out.error().message.find("fields; the header has"), std::string::npos) << out.error().to_string();
}

TEST(SweepResults, BadNumberIsAnErrorAtItsLineAndColumn) {
  SweepTable t = sample();
  t.rows.resize(1);
  std::string csv = write_sweep_csv(t);
  const auto at = csv.find(",8,0.1,");
  csv.replace(at, 3, ",eight,");
  auto out = read_sweep_csv(csv, "r.csv");
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().line, 2u);
  EXPECT_EQ(out.error().column, 5u);
  EXPECT_NE(out.error().message.find("cores is \"eight\""), std::string::npos) << out.error().to_string();
}

TEST(SweepResults, FileWithoutTheRequiredColumnsIsRejected) {
  auto out = read_sweep_csv("a,b,c\n1,2,3\n", "other.csv");
  ASSERT_FALSE(out.has_value());
  EXPECT_NE(out.error().message.find("not a lockscope results.csv"), std::string::npos);
  EXPECT_FALSE(read_sweep_csv("", "empty.csv").has_value());
  EXPECT_FALSE(read_sweep_csv_file("/nonexistent/results.csv").has_value());
}

}  // namespace
}  // namespace lockscope::traces
