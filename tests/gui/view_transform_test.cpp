#include "gui/model/view_transform.hpp"

#include <gtest/gtest.h>

namespace lockscope::gui {
namespace {

TEST(ViewTransform, FitMapsTheRunOntoTheWidth) {
  const auto v = ViewTransform::fit(0, 1'000'000, 1000);
  EXPECT_DOUBLE_EQ(v.to_px(0), 0);
  EXPECT_DOUBLE_EQ(v.to_px(1'000'000), 1000);
  EXPECT_DOUBLE_EQ(v.ps_per_px(), 1000);
  EXPECT_DOUBLE_EQ(v.t1(), 1'000'000);
}

TEST(ViewTransform, TimePixelRoundTrip) {
  const ViewTransform v(12345.0, 3.7, 800);
  for (const double t : {0.0, 12345.0, 99999.0, 1e12}) EXPECT_NEAR(v.to_time(v.to_px(t)), t, 1e-6 * (1 + t));
  for (const double x : {-5.0, 0.0, 400.5, 800.0}) EXPECT_NEAR(v.to_px(v.to_time(x)), x, 1e-9);
}

TEST(ViewTransform, ZoomKeepsTheAnchorFixed) {
  const auto v = ViewTransform::fit(0, 1'000'000, 1000);
  const double before = v.to_time(250);
  const auto z = v.zoomed(250, 8);
  EXPECT_NEAR(z.to_time(250), before, 1e-6);
  EXPECT_DOUBLE_EQ(z.ps_per_px(), 125);
  const auto back = z.zoomed(250, 1.0 / 8);
  EXPECT_NEAR(back.t0(), v.t0(), 1e-6);
  // The deepest zoom is bounded.
  EXPECT_GE(v.zoomed(0, 1e12).ps_per_px(), ViewTransform::kMinPsPerPx);
}

TEST(ViewTransform, PanMovesContentWithTheMouse) {
  const auto v = ViewTransform::fit(0, 1000, 100);
  const auto p = v.panned(10);  // drag right by 10 px: earlier times come into view
  EXPECT_DOUBLE_EQ(p.t0(), -100);
  EXPECT_DOUBLE_EQ(p.to_px(0), 10);
}

}  // namespace
}  // namespace lockscope::gui
