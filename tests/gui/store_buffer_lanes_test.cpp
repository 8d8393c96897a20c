// A tso run in the GUI: store-buffer lanes (one per core, overlapping stores
// stacked in rows, folded per pixel column when dense), their place among
// the lanes, and the window a violation opens on with its workers
// highlighted; the bars, labels and highlight as painted.
#include <gtest/gtest.h>

#include <QGuiApplication>
#include <QImage>
#include <cmath>

#include "gui/model/timeline_model.hpp"
#include "gui/model/violation_window.hpp"
#include "gui/render/colors.hpp"
#include "gui/render/hover.hpp"
#include "gui/render/layout.hpp"
#include "gui/render/timeline_painter.hpp"
#include "small_timeline.hpp"
#include "tso_timeline.hpp"

namespace lockscope::gui {
namespace {

TEST(StoreBufferLanes, OneLanePerCoreBetweenTheWorkersAndTheLines) {
  const TimelineModel m(testing::tso_timeline());
  ASSERT_EQ(m.lanes().size(), 2U + 2U + 2U);
  EXPECT_EQ(m.lanes()[0].kind, LaneKind::worker);
  EXPECT_EQ(m.lanes()[2].kind, LaneKind::store_buffer);
  EXPECT_EQ(m.lanes()[2].core, 0U);
  EXPECT_EQ(m.lanes()[3].kind, LaneKind::store_buffer);
  EXPECT_EQ(m.lanes()[3].core, 1U);
  EXPECT_EQ(m.line_lane(0), 4U);
  EXPECT_EQ(m.line_lane(1), 5U);
  EXPECT_EQ(m.event_count(2), 2U);
  EXPECT_TRUE(m.visible(2, 0, 10000, 100).empty()) << "store-buffer lanes draw their own marks";
  // No stores, no lanes: an sc run looks as it always did.
  const TimelineModel sc(testing::small_timeline());
  for (const Lane& l : sc.lanes()) EXPECT_NE(l.kind, LaneKind::store_buffer);
}

TEST(StoreBufferLanes, OverlappingStoresStackInRows) {
  const TimelineModel m(testing::tso_timeline());
  const StoreBufferLanes& sb = m.store_buffers();
  EXPECT_EQ(sb.rows(0), 2U);
  EXPECT_EQ(sb.row_of(0), 0U);
  EXPECT_EQ(sb.row_of(1), 1U) << "stored while the first was still buffered";
  EXPECT_EQ(sb.rows(1), 1U);
  EXPECT_EQ(sb.row_of(2), 0U);
  EXPECT_EQ(sb.row_of(3), 0U) << "the row freed at 2,600";
  EXPECT_EQ(sb.end_of(m.timeline().buffered_stores[3]), 10000U) << "never visible: shown to the end";
}

TEST(StoreBufferLanes, MarksAreExactWhenZoomedAndFoldedWhenDense) {
  const TimelineModel m(testing::tso_timeline());
  const auto wide = m.store_buffers().marks(0, 0, 10000, 1000);
  ASSERT_EQ(wide.size(), 2U);
  EXPECT_EQ(wide[0].start, 800U);
  EXPECT_EQ(wide[0].end, 3000U);
  EXPECT_EQ(wide[1].row, 1U);
  EXPECT_FALSE(wide[0].folded());
  // One pixel for the whole run: one mark per row.
  const auto one = m.store_buffers().marks(1, 0, 10000, 1);
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one[0].count, 2U);
  EXPECT_EQ(one[0].end, 10000U);
  // A window that sees only the end of the first store still draws it.
  const auto late = m.store_buffers().marks(0, 2900, 3100, 100);
  ASSERT_EQ(late.size(), 1U);
  EXPECT_EQ(late[0].store, 0U);
  EXPECT_TRUE(m.store_buffers().marks(0, 3100, 5000, 100).empty());
}

TEST(StoreBufferLanes, WhatACoreHeldAtATime) {
  const TimelineModel m(testing::tso_timeline());
  const StoreBufferLanes& sb = m.store_buffers();
  EXPECT_EQ(sb.buffered_at(0, 2000), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(sb.buffered_at(0, 2800), (std::vector<std::size_t>{0}));
  EXPECT_TRUE(sb.buffered_at(0, 3000).empty()) << "visible at 3,000";
  EXPECT_EQ(sb.buffered_at(1, 9000), (std::vector<std::size_t>{3}));
  EXPECT_TRUE(sb.buffered_at(5, 9000).empty());
  EXPECT_EQ(sb.store_at(0, 1, 2000), 1U);
  EXPECT_EQ(sb.store_at(0, 0, 2000), 0U);
  EXPECT_FALSE(sb.store_at(0, 1, 2700).has_value());
}

TEST(ViolationWindow, CoversBothCriticalSectionsAndTheStoresHeldThen) {
  const TimelineModel m(testing::tso_timeline());
  const TimeRange w = violation_window(m, 0);
  // The reader's [1000, 5000) and the writer's [4500, 6000), with a margin.
  EXPECT_LT(w.t0, 1000U);
  EXPECT_GT(w.t1, 6000U);
  EXPECT_LT(w.duration(), m.end_time());
  ViewState state;
  const TimeRange again = open_on_violation(m, 1, state);
  EXPECT_EQ(state.highlighted_workers, (std::vector<std::uint32_t>{0, 1}));
  // At 8,000 core 1 still held the store that never drained: it is in view.
  EXPECT_LE(again.t0, 7000U);
  EXPECT_TRUE(state.is_highlighted(0) && state.is_highlighted(1));
  const TimeRange none = open_on_violation(m, 2, state);
  EXPECT_TRUE(state.highlighted_workers.empty());
  EXPECT_EQ(none.t1, m.end_time());
}

QGuiApplication& app() {
  static int argc = 1;
  static char name[] = "lockscope_gui_tests";
  static char* argv[] = {name, nullptr};
  static QGuiApplication instance(argc, argv);
  return instance;
}

TEST(StoreBufferRendering, BarsInTheLinesColorAndTheHighlightedWorkers) {
  app();
  const TimelineModel m(testing::tso_timeline());
  const QSize size(900, 400);
  const Layout layout(m, size);
  const ViewTransform view = fit_view(m, size);
  ViewState state;
  (void)open_on_violation(m, 0, state);
  const QImage image = render_timeline(m, view, size, state);
  const auto x_of = [&](double t) { return layout.data.left() + static_cast<int>(std::floor(view.to_px(t))); };
  // Core 0's lane: row 0 holds ctx[0].readers (line 0) from 800 to 3000.
  const LaneGeometry& g = layout.lanes[2];
  const int rows = 2;
  const int row_h = (g.height - 1) / rows;
  EXPECT_EQ(image.pixel(x_of(2900), g.top + 1), line_color(0).rgb());
  EXPECT_EQ(image.pixel(x_of(2490), g.top + row_h + 1), line_color(1).rgb());  // past its label
  EXPECT_NE(image.pixel(x_of(3500), g.top + 1), line_color(0).rgb()) << "visible at 3,000: the bar ends";
  // The highlighted workers' labels are tinted; an unhighlighted render is not.
  const QPoint label(2, layout.lanes[0].center());
  const QImage plain = render_timeline(m, view, size, ViewState{});
  EXPECT_NE(image.pixel(label), plain.pixel(label));
  // The tooltip names the store and its value.
  const QString tip = hover_text(m, layout, view, QPoint(x_of(2000), g.top + 1), state);
  EXPECT_TRUE(tip.contains(QStringLiteral("ctx[0].readers = 1"))) << tip.toStdString();
  const auto details = details_at(m, layout, view, state, QPoint(x_of(9000), layout.lanes[3].top + 1));
  ASSERT_TRUE(details.has_value());
  EXPECT_EQ(details->kind, Details::Kind::buffered_store);
  EXPECT_TRUE(details->title.contains(QStringLiteral("= -1"))) << details->title.toStdString();
}

}  // namespace
}  // namespace lockscope::gui
