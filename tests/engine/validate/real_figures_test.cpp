// validate --real-from: the real figures of earlier runs, read back from
// their validate.csv and pooled by median.
#include "engine/validate/real_figures.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockscope::engine::validate {
namespace {

const std::string kHeader =
    "case,lock,threads,write_permille,cs_ns,think_ns,metric,unit,real,simulated,error_pct,note\n";

std::string row(const std::string& metric, const std::string& real, const std::string& note = "") {
  return "graph t2 w0 cs0 th0,graph,2,0,0,0," + metric + ",ns," + real + ",1,0.00," + note + "\n";
}

TEST(RealFigures, PoolsEachFigureByItsMedianOverTheFiles) {
  const std::vector<std::string> texts = {
      kHeader + row("throughput", "100") + row("read_wait_p99", "40", "simulated includes the 20 ns clock floor"),
      kHeader + row("throughput", "300") + row("read_wait_p99", "n/a"),
      kHeader + row("throughput", "200") + row("read_wait_p99", "60",
                                                "simulated includes the 22 ns clock floor (one of 10001 "
                                                "back-to-back reads per wait; p99 31 ns)")};
  const auto f = parse_real_figures(texts, {"a.csv", "b.csv", "c.csv"});
  ASSERT_TRUE(f.has_value()) << f.error().to_string();
  EXPECT_EQ(f->files, 3U);
  EXPECT_DOUBLE_EQ(*f->find("graph t2 w0 cs0 th0", Metric::throughput), 200);
  // n/a is left out: the median of 40 and 60.
  EXPECT_DOUBLE_EQ(*f->find("graph t2 w0 cs0 th0", Metric::read_wait_p99), 50);
  EXPECT_FALSE(f->find("graph t2 w0 cs0 th0", Metric::write_wait_p99).has_value());
  EXPECT_FALSE(f->find("central t1 w0 cs0 th0", Metric::throughput).has_value());
  EXPECT_DOUBLE_EQ(*f->clock_floor_ns, 21);
}

TEST(RealFigures, ReplacesTheRealFigureOfEveryRow) {
  const auto f = parse_real_figures({kHeader + row("throughput", "250")}, {"a.csv"});
  ASSERT_TRUE(f.has_value());
  ValidateCase c{"graph", 2, 0, 0, 0};
  std::vector<MetricRow> rows = {{c, Metric::throughput, 1.0, 300.0, ""}, {c, Metric::read_wait_p50, 5.0, 6.0, ""}};
  use_real_figures(rows, *f);
  EXPECT_DOUBLE_EQ(*rows[0].real, 250);
  EXPECT_DOUBLE_EQ(*rows[0].error_pct(), 20);
  EXPECT_FALSE(rows[1].real.has_value());
}

TEST(RealFigures, BadInputIsAnErrorWithFileLineAndColumn) {
  auto e = parse_real_figures({"a,b\n"}, {"x.csv"});
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().to_string().substr(0, 10), "x.csv:1:1:");
  e = parse_real_figures({kHeader + row("throughput", "12") + row("throughput", "fast")}, {"y.csv"});
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().line, 3U);
  EXPECT_EQ(e.error().column, 49U);  // where the real figure starts
  EXPECT_NE(e.error().message.find("'fast'"), std::string::npos);
  e = parse_real_figures({kHeader + row("speed", "12")}, {"z.csv"});
  ASSERT_FALSE(e.has_value());
  EXPECT_NE(e.error().message.find("unknown metric 'speed'"), std::string::npos);
  e = parse_real_figures({kHeader + "graph,2\n"}, {"w.csv"});
  ASSERT_FALSE(e.has_value());
  EXPECT_NE(e.error().message.find("expected 12 fields, found 2"), std::string::npos);
}

}  // namespace
}  // namespace lockscope::engine::validate
