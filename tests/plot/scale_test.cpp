#include "plot/model/scale.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace lockscope::plot {
namespace {

TEST(Scale, LogTwoOverCoreCountsTicksEveryPowerOfTwo) {
  const Scale s = Scale::logarithmic(1, 64, 2);
  ASSERT_EQ(s.ticks().size(), 7u);
  EXPECT_EQ(s.ticks().front().label, "1");
  EXPECT_EQ(s.ticks().back().label, "64");
  EXPECT_DOUBLE_EQ(s.to_unit(1), 0.0);
  EXPECT_DOUBLE_EQ(s.to_unit(8), 0.5);
  EXPECT_DOUBLE_EQ(s.to_unit(64), 1.0);
}

TEST(Scale, ForValuesPicksLogWhenTheySpanDecadesAndLinearFromZeroOtherwise) {
  const std::vector<double> wide = {5e6, 2e7, 1e9};
  const Scale log = Scale::for_values(wide);
  EXPECT_TRUE(log.is_log());
  EXPECT_DOUBLE_EQ(log.lo(), 1e6);
  EXPECT_DOUBLE_EQ(log.hi(), 1e9);
  EXPECT_EQ(log.ticks()[1].label, "10M");
  const Scale lin = Scale::for_values(std::vector<double>{1.5, 2.0});
  EXPECT_FALSE(lin.is_log());
  EXPECT_DOUBLE_EQ(lin.lo(), 0.0);
  EXPECT_GE(lin.hi(), 2.0);
  const std::vector<double> with_zero = {0, 100, 10000};
  EXPECT_FALSE(Scale::for_values(with_zero).is_log());
  EXPECT_TRUE(Scale::for_values(with_zero).shows(0));
  EXPECT_FALSE(log.shows(0));
}

TEST(Scale, ShortNumbersUseSiSuffixes) {
  EXPECT_EQ(short_number(1500), "1.5k");
  EXPECT_EQ(short_number(2e6), "2M");
  EXPECT_EQ(short_number(1e9), "1G");
  EXPECT_EQ(short_number(0.25), "0.25");
  EXPECT_EQ(short_number(0), "0");
}

}  // namespace
}  // namespace lockscope::plot
