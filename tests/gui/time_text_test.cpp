#include "gui/model/time_text.hpp"

#include <gtest/gtest.h>

namespace lockscope::gui {
namespace {

TEST(TimeText, FourSignificantDigitsInTheUnitOfTheMagnitude) {
  EXPECT_EQ(time_text(343000), "343 ns");
  EXPECT_EQ(time_text(1.5877e9), "1.588 ms");
  EXPECT_EQ(time_text(12), "12 ps");
  EXPECT_EQ(time_text(0), "0 ps");
  EXPECT_EQ(time_text(-2500), "-2.5 ns");
}

TEST(TimeText, UnitBoundariesBelongToTheLargerUnit) {
  EXPECT_EQ(time_text(999), "999 ps");
  EXPECT_EQ(time_text(1e3), "1 ns");
  EXPECT_EQ(time_text(999999), "1000 ns");  // %.4g rounds up, the unit stays
  EXPECT_EQ(time_text(1e6), "1 µs");
  EXPECT_EQ(time_text(1e9), "1 ms");
  EXPECT_EQ(time_text(1e12), "1 s");
  EXPECT_EQ(time_text(3.6e15), "3600 s");
}

// One spelling of the microsecond everywhere the GUI shows one (it was "us"
// in the statistics and "µs" on the ruler and in the hover text).
TEST(TimeText, MicrosecondsAreSpelledWithTheMicroSign) {
  EXPECT_EQ(time_text(1.5e6), "1.5 µs");
  EXPECT_EQ(time_text(2e6, 1e6, 1e6), "2 µs");
}

TEST(TimeText, RulerLabelsShareTheUnitOfTheStep) {
  EXPECT_EQ(time_text(250000, 100000, 100000), "250 ns");
  EXPECT_EQ(time_text(1.5e6, 5e5, 5e5), "1500 ns");
  EXPECT_EQ(time_text(3e9, 1e9, 1e9), "3 ms");
  EXPECT_EQ(time_text(0, 1e6, 1e6), "0 µs");
  EXPECT_EQ(time_text(0.5, 0.1, 0.1), "0.5 ps");  // below a picosecond: decimals
}

TEST(TimeText, HoverTimesKeepTheDecimalsThatResolveTheSpan) {
  // 1.467423 ms shown with a 100 ns span: a tenth of it is 10 ns, five
  // decimals of a millisecond.
  EXPECT_EQ(time_text(1467423400, 1467423400, 1e4), "1.46742 ms");
  EXPECT_EQ(time_text(1467423400, 1467423400, 1e9), "1 ms");
  EXPECT_EQ(time_text(740, 740, 1), "740 ps");
  // At most nine decimals, however fine the resolution.
  EXPECT_EQ(time_text(1e12, 1e12, 1e-3), "1.000000000 s");
}

}  // namespace
}  // namespace lockscope::gui
