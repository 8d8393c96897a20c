#include <gtest/gtest.h>

#include <random>

#include "engine/machine/machine_file.hpp"
#include "temp_dir.hpp"

namespace lockscope::engine::machine {
namespace {

using lockscope::testing::TempDir;

// What `core-to-core-latency --csv` prints for four CPUs: the lower triangle,
// every other cell empty, one line per CPU.
constexpr std::string_view kFourCpus =
    ",,,\n"
    "6.25,,,\n"
    "24.23333333333333,24.46666666666667,,\n"
    "24.483333333333327,24.216666666666665,6.000000000000001,\n";

MachineParameters params() {
  MachineParameters p;
  p.name = "i9";
  p.l1_hit_ns = 1.25;
  return p;
}

TEST(LatencyCsv, ImportsTheCoreToCoreLatencyLayout) {
  const TempDir dir;
  const std::string path = dir.write("i9.csv", kFourCpus);
  auto m = read_latency_csv(path, params());
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  EXPECT_EQ(m->name, "i9");
  ASSERT_EQ(m->cores(), 4U);
  EXPECT_EQ(m->latency(1, 0), 6.25);
  EXPECT_EQ(m->latency(0, 1), 6.25);  // the upper triangle mirrors the lower
  EXPECT_EQ(m->latency(3, 2), 6.000000000000001);
  EXPECT_EQ(m->latency(2, 3), 6.000000000000001);
  EXPECT_EQ(m->latency(0, 3), 24.483333333333327);
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(m->latency(i, i), 1.25);
  EXPECT_TRUE(validate(*m).has_value());
  // SMT siblings (6 ns) are told apart from the other cores (24 ns).
  EXPECT_EQ(m->core_group, (std::vector<std::string>{"group0", "group0", "group1", "group1"}));
}

TEST(LatencyCsv, KeepsBothDirectionsOfAFullMatrix) {
  auto m = parse_latency_csv(",20,30\n21,,31\n32,33,\n", "full.csv", params());
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  EXPECT_EQ(m->latency(0, 1), 20);
  EXPECT_EQ(m->latency(1, 0), 21);
  EXPECT_EQ(m->latency(2, 1), 33);
}

TEST(LatencyCsv, AcceptsNanCrlfSpacesAndTrailingBlankLines) {
  auto m = parse_latency_csv("NaN, nan\r\n 20.5 ,NaN\r\n\r\n\n", "win.csv", params());
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  EXPECT_EQ(m->cores(), 2U);
  EXPECT_EQ(m->latency(0, 1), 20.5);
}

TEST(LatencyCsv, SkipsAHeaderRowAndColumnOfCpuIds) {
  auto m = parse_latency_csv(",0,2,4\n0,,,\n2,20,,\n4,90,91,\n", "ids.csv", params());
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  ASSERT_EQ(m->cores(), 3U);
  EXPECT_EQ(m->latency(1, 0), 20);
  EXPECT_EQ(m->latency(2, 1), 91);
}

TEST(LatencyCsv, SkipsATextHeaderRow) {
  auto m = parse_latency_csv("cpu0,cpu1\n,\n20,\n", "text.csv", params());
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  EXPECT_EQ(m->cores(), 2U);
  EXPECT_EQ(m->latency(0, 1), 20);
}

TEST(LatencyCsv, SkipsATextHeaderRowWithIdsDownTheSide) {
  auto m = parse_latency_csv("cpu,0,1\n0,,\n1,20,\n", "text.csv", params());
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  EXPECT_EQ(m->cores(), 2U);
  EXPECT_EQ(m->latency(1, 0), 20);
}

TEST(LatencyCsv, TextCellIsReportedWhereItIs) {
  auto m = parse_latency_csv(",,\n20,,\n90,  oops,\n", "bad.csv", params());
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().file, "bad.csv");
  EXPECT_EQ(m.error().line, 3U);
  EXPECT_EQ(m.error().column, 6U);
  EXPECT_NE(m.error().message.find("'oops' is not a number"), std::string::npos);
}

TEST(LatencyCsv, NegativeAndZeroLatenciesAreRejected) {
  auto neg = parse_latency_csv(",\n-20,\n", "neg.csv", params());
  ASSERT_FALSE(neg.has_value());
  EXPECT_EQ(neg.error().line, 2U);
  EXPECT_EQ(neg.error().column, 1U);
  EXPECT_FALSE(parse_latency_csv(",\n0,\n", "zero.csv", params()).has_value());
  EXPECT_FALSE(parse_latency_csv(",\ninf,\n", "inf.csv", params()).has_value());
}

TEST(LatencyCsv, RaggedLineIsReported) {
  auto m = parse_latency_csv(",,\n20,\n90,91,\n", "ragged.csv", params());
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().line, 2U);
  EXPECT_NE(m.error().message.find("2 cells"), std::string::npos) << m.error().to_string();
}

TEST(LatencyCsv, TwoMatricesOneAfterAnotherAreRejected) {
  auto m = parse_latency_csv(",\n20,\n,\n21,\n", "two.csv", params());
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().line, 3U);
  EXPECT_NE(m.error().message.find("--bench"), std::string::npos) << m.error().to_string();
}

TEST(LatencyCsv, PairMissingBothWaysIsRejected) {
  auto m = parse_latency_csv(",,\n20,,\n90,,\n", "hole.csv", params());
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().line, 3U);
  EXPECT_EQ(m.error().column, 4U);
  EXPECT_NE(m.error().message.find("CPUs 1 and 2"), std::string::npos) << m.error().to_string();
}

TEST(LatencyCsv, EmptyOrMissingFileIsAWholeFileError) {
  auto empty = parse_latency_csv("\n\n", "empty.csv", params());
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().line, 0U);
  auto missing = read_latency_csv("/nonexistent/lockscope.csv", params());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().line, 0U);
}

TEST(LatencyCsv, GarbageNeverCrashes) {
  std::mt19937 rng(11);
  const std::string alphabet = ",,,,\n\n0123456789.-+eE naNNinf\r\"x\xff";
  for (int round = 0; round < 300; ++round) {
    std::string text(static_cast<std::size_t>(rng() % 120), ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    auto m = parse_latency_csv(text, "g.csv", params());
    if (m) {
      EXPECT_TRUE(validate(*m).has_value()) << text;
    }
  }
}

}  // namespace
}  // namespace lockscope::engine::machine
