#include "gui/model/shared_axis.hpp"

#include <gtest/gtest.h>

#include "tests/gui/small_timeline.hpp"
#include "tests/gui/waits_timeline.hpp"

namespace lockscope::gui {
namespace {

TEST(SharedAxis, FitsTheLongerRunAndKeepsTimesAligned) {
  const TimelineModel a(testing::small_timeline());  // ends at 10000
  const TimelineModel b(testing::waits_timeline());  // ends at 3000
  EXPECT_EQ(shared_end(a, b), 10000U);
  EXPECT_EQ(shared_end(b, a), 10000U);
  const ViewTransform fit = shared_fit(b, a, 1000);
  EXPECT_DOUBLE_EQ(fit.t0(), 0.0);
  EXPECT_DOUBLE_EQ(fit.to_px(10000), 1000.0);
  // The shorter run ends at 3/10 of the width, on the same axis.
  EXPECT_DOUBLE_EQ(fit.to_px(static_cast<double>(b.end_time())), 300.0);
}

}  // namespace
}  // namespace lockscope::gui
