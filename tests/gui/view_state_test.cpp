#include "gui/model/view_state.hpp"

#include <gtest/gtest.h>

namespace lockscope::gui {
namespace {

TEST(ViewState, LineFilterShowsOnlySelectedLines) {
  ViewState s;
  EXPECT_TRUE(s.shows_transfers(0));
  EXPECT_TRUE(s.shows_transfers(7));
  s.only_selected = true;
  EXPECT_FALSE(s.shows_transfers(0));
  s.toggle_line(1, 3);
  EXPECT_TRUE(s.is_selected(1));
  EXPECT_TRUE(s.shows_transfers(1));
  EXPECT_FALSE(s.shows_transfers(2));
  s.toggle_line(1, 3);
  EXPECT_FALSE(s.shows_transfers(1));
  s.toggle_line(9, 3);  // no such line
  EXPECT_FALSE(s.is_selected(9));
}

TEST(ViewState, RangeSelectionMapsPixelsToPicoseconds) {
  const auto v = ViewTransform::fit(0, 1'000'000, 1000);  // 1 ns per pixel
  const auto r = range_between(v, 250, 100, 1'000'000);   // dragged leftwards
  ASSERT_TRUE(r);
  EXPECT_EQ(r->t0, 100'000U);
  EXPECT_EQ(r->t1, 250'000U);
  EXPECT_EQ(r->duration(), 150'000U);
  // Clamped to the run.
  const auto c = range_between(v, -50, 2000, 1'000'000);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, (TimeRange{0, 1'000'000}));
  EXPECT_FALSE(range_between(v, -50, -10, 1'000'000));  // all before the start
  const auto zoomed = v.zoomed(0, 1000);                 // 1 ps per pixel
  const auto z = range_between(zoomed, 10, 20, 1'000'000);
  ASSERT_TRUE(z);
  EXPECT_EQ(*z, (TimeRange{10, 20}));
}

}  // namespace
}  // namespace lockscope::gui
