#include "traces/exact_micros.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace lockscope::traces {
namespace {

TEST(ExactMicros, KeepsEveryPicosecondAndDropsTrailingZeros) {
  EXPECT_EQ(exact_micros(1234567), "1.234567");
  EXPECT_EQ(exact_micros(5000000), "5");
  EXPECT_EQ(exact_micros(1500000), "1.5");
  EXPECT_EQ(exact_micros(1), "0.000001");
  EXPECT_EQ(exact_micros(100), "0.0001");
  EXPECT_EQ(exact_micros(0), "0");
}

TEST(ExactMicros, AtTheMicrosecondBoundary) {
  EXPECT_EQ(exact_micros(999999), "0.999999");
  EXPECT_EQ(exact_micros(1000000), "1");
  EXPECT_EQ(exact_micros(1000001), "1.000001");
}

TEST(ExactMicros, LargestTimeHasNoExponent) {
  EXPECT_EQ(exact_micros(std::numeric_limits<std::uint64_t>::max()), "18446744073709.551615");
}

TEST(ExactMicros, AppendsToWhatIsThere) {
  std::string out = "t=";
  append_exact_micros(out, 2500000);
  EXPECT_EQ(out, "t=2.5");
}

}  // namespace
}  // namespace lockscope::traces
