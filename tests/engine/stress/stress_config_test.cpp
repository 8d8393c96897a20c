#include "engine/stress/stress_config.hpp"

#include <gtest/gtest.h>

namespace lockscope::engine::stress {
namespace {

TEST(StressParseCount, PlainScientificAndPowerForms) {
  EXPECT_EQ(parse_count("2000000").value(), 2'000'000U);
  EXPECT_EQ(parse_count("1_000_000").value(), 1'000'000U);
  EXPECT_EQ(parse_count("2e7").value(), 20'000'000U);
  EXPECT_EQ(parse_count("1E9").value(), 1'000'000'000U);
  EXPECT_EQ(parse_count("1.5e8").value(), 150'000'000U);
  EXPECT_EQ(parse_count("1.50e1").value(), 15U);
  EXPECT_EQ(parse_count("10^9").value(), 1'000'000'000U);
  EXPECT_EQ(parse_count("1e19").value(), 10'000'000'000'000'000'000U);
  EXPECT_EQ(parse_count("18446744073709551615").value(), 18'446'744'073'709'551'615U);
}

TEST(StressParseCount, RejectsWhatIsNotAWholePositiveCount) {
  for (const char* bad : {"", "0", "0e5", "-5", "abc", "1e", "e9", "1.5", "1.25e1", "1e20", "18446744073709551616",
                          "2^64", "1e9x", " 1", "1..5e3", "^3"}) {
    const auto r = parse_count(bad);
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r) {
      EXPECT_NE(r.error().find("whole number"), std::string::npos) << bad;
    }
  }
}

TEST(StressResult, TotalsAndRate) {
  StressResult r;
  r.ops[static_cast<std::size_t>(OpKind::read)] = 30;
  r.ops[static_cast<std::size_t>(OpKind::write)] = 10;
  r.violations[static_cast<std::size_t>(ViolationKind::torn_read)] = 2;
  r.elapsed_sec = 2;
  EXPECT_EQ(r.total_ops(), 40U);
  EXPECT_EQ(r.total_violations(), 2U);
  EXPECT_DOUBLE_EQ(r.ops_per_sec(), 20.0);
  EXPECT_EQ(op_name(OpKind::orphaned_read), "orphaned_read");
  EXPECT_EQ(violation_name(ViolationKind::writer_saw_reader), "writer_saw_reader");
}

}  // namespace
}  // namespace lockscope::engine::stress
