#include "plot/model/series.hpp"

#include <gtest/gtest.h>

namespace lockscope::plot {
namespace {

traces::SweepRow row(std::string lock, std::uint32_t cores, std::string permille, double tput) {
  traces::SweepRow r;
  r.lock = std::move(lock);
  r.cores = cores;
  r.params = {{"writes.write_permille", std::move(permille)}, {"reads.cs_ns", "5"}};
  r.lock_ops = 10;
  r.read_ops = 10;
  r.throughput_ops_per_sec = tput;
  return r;
}

TEST(SweepSeries, OneSeriesPerLockAndVaryingValueSortedByCores) {
  traces::SweepTable t;
  t.param_keys = {"writes.write_permille", "reads.cs_ns"};
  t.rows = {row("graph", 8, "0", 3), row("graph", 1, "0", 1), row("graph", 1, "1", 2), row("central", 1, "0", 4)};
  const auto series = build_series(t, Metric::throughput);
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0].label(), "graph, write_permille=0");  // reads.cs_ns never varies
  ASSERT_EQ(series[0].points.size(), 2u);
  EXPECT_DOUBLE_EQ(series[0].points[0].x, 1);
  EXPECT_DOUBLE_EQ(series[0].points[1].y, 3);
  EXPECT_EQ(series[1].variant_index, 1u);
  EXPECT_EQ(series[2].lock, "central");
  EXPECT_EQ(series[2].variant_index, 0u);
}

TEST(SweepSeries, VariantNamesKeysByTheirLastPartUnlessThatIsAmbiguous) {
  traces::SweepTable t;
  t.param_keys = {"reads.cs_ns", "writes.cs_ns"};
  t.rows = {row("graph", 1, "0", 1), row("graph", 1, "0", 1)};
  t.rows[0].params = {{"reads.cs_ns", "5"}, {"writes.cs_ns", "100"}};
  t.rows[1].params = {{"reads.cs_ns", "50"}, {"writes.cs_ns", "200"}};
  const auto series = build_series(t, Metric::throughput);
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[1].label(), "graph, reads.cs_ns=50, writes.cs_ns=200");
}

TEST(SweepSeries, FailedRunsAndMissingMeasurementsLeaveGaps) {
  traces::SweepTable t;
  t.rows = {row("graph", 1, "0", 1), row("graph", 2, "0", 2)};
  t.rows[1].status = "failed";
  EXPECT_EQ(build_series(t, Metric::throughput)[0].points.size(), 1u);
  // No writes: no write wait.
  EXPECT_TRUE(build_series(t, Metric::write_wait_p99)[0].points.empty());
  EXPECT_TRUE(build_series(t, Metric::write_wait_p99, true).empty());
  // Bench rows have no transfer counts.
  t.rows[0].world = "bench";
  EXPECT_TRUE(build_series(t, Metric::transfers_per_op)[0].points.empty());
}

}  // namespace
}  // namespace lockscope::plot
