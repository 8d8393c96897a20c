// TimelineView's input handling, driven with synthetic Qt events on the
// offscreen platform: shift-drag selects a range (and says so), Esc clears
// it, a plain drag pans, the wheel zooms around the cursor, a click opens the
// details panel (naming the span's lock in a measured run), a click on a
// line's label selects it, T and F toggle the filter and fit. The drawing and hit-testing it calls are tested in
// render_test.cpp; this is the wiring between them.
#include "gui/app/timeline_view.hpp"

#include <gtest/gtest.h>

#include <QApplication>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>
#include <memory>
#include <vector>

#include "gui/app/details_panel.hpp"
#include "gui/render/layout.hpp"
#include "tests/gui/measured_timeline.hpp"
#include "tests/gui/small_timeline.hpp"
#include "tests/gui/tso_timeline.hpp"

namespace lockscope::gui {
namespace {

class TimelineViewInput : public ::testing::Test {
 protected:
  void SetUp() override {
    view.resize(900, 400);
    view.set_model(std::make_shared<const TimelineModel>(testing::small_timeline()));
    QObject::connect(&view, &TimelineView::rangeSelected,
                     [this](std::int64_t t0, std::int64_t t1) { selected.push_back({t0, t1}); });
    QObject::connect(&view, &TimelineView::rangeCleared, [this] { ++cleared; });
  }

  // The x of simulated time t, and the y of lane `lane`'s middle.
  [[nodiscard]] QPoint at(double t, std::size_t lane) const {
    const Layout layout(*model(), view.size());
    return {layout.data.left() + static_cast<int>(view.transform().to_px(t)), layout.lanes[lane].center()};
  }
  [[nodiscard]] const TimelineModel* model() const { return view.model(); }

  void mouse(QEvent::Type type, QPoint pos, Qt::MouseButtons buttons, Qt::KeyboardModifiers mods = {}) {
    const Qt::MouseButton button = type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton;
    QMouseEvent e(type, QPointF(pos), view.mapToGlobal(QPointF(pos)), button, buttons, mods);
    QApplication::sendEvent(&view, &e);
  }
  void drag(QPoint from, QPoint to, Qt::KeyboardModifiers mods = {}) {
    mouse(QEvent::MouseButtonPress, from, Qt::LeftButton, mods);
    mouse(QEvent::MouseMove, (from + to) / 2, Qt::LeftButton, mods);
    mouse(QEvent::MouseMove, to, Qt::LeftButton, mods);
    mouse(QEvent::MouseButtonRelease, to, Qt::NoButton, mods);
  }
  void key(int k) {
    QKeyEvent e(QEvent::KeyPress, k, Qt::NoModifier);
    QApplication::sendEvent(&view, &e);
  }

  TimelineView view;
  std::vector<std::pair<std::int64_t, std::int64_t>> selected;
  int cleared = 0;
};

TEST_F(TimelineViewInput, ShiftDragSelectsARangeAndEscClearsIt) {
  drag(at(2000, 0), at(4000, 0), Qt::ShiftModifier);
  ASSERT_EQ(selected.size(), 1U);
  // To within a pixel's worth of time.
  const double px = view.transform().ps_per_px();
  EXPECT_NEAR(static_cast<double>(selected[0].first), 2000, 1.5 * px);
  EXPECT_NEAR(static_cast<double>(selected[0].second), 4000, 1.5 * px);
  ASSERT_TRUE(view.view_state().selection);
  key(Qt::Key_Escape);
  EXPECT_EQ(cleared, 1);
  EXPECT_FALSE(view.view_state().selection);
}

TEST_F(TimelineViewInput, PlainDragPansWithoutSelecting) {
  const double t0 = view.transform().t0();
  drag(at(5000, 0), at(3000, 0));  // drag left: later times come into view
  EXPECT_GT(view.transform().t0(), t0 + 1000);
  EXPECT_TRUE(selected.empty());
  key(Qt::Key_F);
  EXPECT_DOUBLE_EQ(view.transform().t0(), t0);
}

TEST_F(TimelineViewInput, WheelZoomsAroundTheCursor) {
  const QPoint p = at(5000, 0);
  const double before = view.transform().ps_per_px();
  QWheelEvent e(QPointF(p), view.mapToGlobal(QPointF(p)), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                Qt::NoScrollPhase, false);
  QApplication::sendEvent(&view, &e);
  EXPECT_NEAR(view.transform().ps_per_px(), before / (1.25 * 1.25), before * 1e-9);
  // The time under the cursor stays under the cursor.
  EXPECT_NEAR(view.transform().to_px(5000), at(5000, 0).x() - Layout(*model(), view.size()).data.left(), 1.0);
}

TEST_F(TimelineViewInput, ClickOpensTheDetailsOfTheSpanUnderIt) {
  auto* panel = view.findChild<DetailsPanel*>();
  ASSERT_NE(panel, nullptr);
  EXPECT_FALSE(panel->isVisibleTo(&view));
  mouse(QEvent::MouseButtonPress, at(3000, 0), Qt::LeftButton);
  mouse(QEvent::MouseButtonRelease, at(3000, 0), Qt::NoButton);
  EXPECT_TRUE(panel->isVisibleTo(&view));
  EXPECT_TRUE(panel->text().contains(QStringLiteral("reading"))) << panel->text().toStdString();
  key(Qt::Key_Escape);
  EXPECT_FALSE(panel->isVisibleTo(&view));
}

TEST_F(TimelineViewInput, ClickOnALineLabelSelectsItAndTFilters) {
  const auto lane = model()->line_lane(0);
  ASSERT_TRUE(lane);
  const Layout layout(*model(), view.size());
  const QPoint label(10, layout.lanes[*lane].center());
  mouse(QEvent::MouseButtonPress, label, Qt::LeftButton);
  mouse(QEvent::MouseButtonRelease, label, Qt::NoButton);
  EXPECT_TRUE(view.view_state().shows_transfers(0));
  key(Qt::Key_T);
  EXPECT_TRUE(view.view_state().only_selected);
  EXPECT_TRUE(view.view_state().shows_transfers(0));
  EXPECT_FALSE(view.view_state().shows_transfers(1)) << "line 1 is not selected, so the filter hides it";
}

// A measured run: the click names the span's lock; T and a click below the
// threads (where line lanes would be) change nothing and break nothing.
TEST_F(TimelineViewInput, ClickOnAMeasuredSpanNamesItsLock) {
  view.set_model(std::make_shared<const TimelineModel>(testing::measured_timeline()));
  auto* panel = view.findChild<DetailsPanel*>();
  ASSERT_NE(panel, nullptr);
  mouse(QEvent::MouseButtonPress, at(5500, 1), Qt::LeftButton);  // thread 102 in stats_lock
  mouse(QEvent::MouseButtonRelease, at(5500, 1), Qt::NoButton);
  ASSERT_TRUE(panel->isVisibleTo(&view));
  EXPECT_TRUE(panel->text().contains(QStringLiteral("stats_lock (mutex)"))) << panel->text().toStdString();
  EXPECT_TRUE(panel->text().contains(QStringLiteral("writing")));
  key(Qt::Key_Escape);
  key(Qt::Key_T);
  const Layout layout(*model(), view.size());
  const QPoint below(layout.data.left() + 20, layout.lanes.back().top + layout.lanes.back().height + 20);
  ASSERT_LT(below.y(), layout.data.bottom());
  mouse(QEvent::MouseButtonPress, below, Qt::LeftButton);
  mouse(QEvent::MouseButtonRelease, below, Qt::NoButton);
  mouse(QEvent::MouseButtonPress, QPoint(10, below.y()), Qt::LeftButton);  // the label column there
  mouse(QEvent::MouseButtonRelease, QPoint(10, below.y()), Qt::NoButton);
  EXPECT_FALSE(panel->isVisibleTo(&view));
  EXPECT_TRUE(view.view_state().selected_lines.empty());
  EXPECT_FALSE(view.grab().isNull());
}

// A run that broke mutual exclusion opens on its first violation with the
// two workers highlighted; V and shift+V step through them; F fits all and
// keeps the highlight; a resize keeps the violation's window.
TEST(TimelineViewViolations, OpensOnTheFirstAndStepsWithV) {
  TimelineView view;
  view.resize(900, 400);
  view.set_model(std::make_shared<const TimelineModel>(testing::tso_timeline()));
  const auto shows = [&](double t) { return view.transform().t0() <= t && t <= view.transform().t1(); };
  EXPECT_EQ(view.current_violation(), 0U);
  EXPECT_TRUE(shows(4500));
  EXPECT_FALSE(shows(9500)) << "the window, not the whole run";
  EXPECT_EQ(view.view_state().highlighted_workers, (std::vector<std::uint32_t>{1, 0}));
  view.resize(1200, 500);
  QResizeEvent resize(QSize(1200, 500), QSize(900, 400));
  QApplication::sendEvent(&view, &resize);
  EXPECT_TRUE(shows(4500));
  EXPECT_FALSE(shows(9500));
  QKeyEvent v(QEvent::KeyPress, Qt::Key_V, Qt::NoModifier);
  QApplication::sendEvent(&view, &v);
  EXPECT_EQ(view.current_violation(), 1U);
  EXPECT_TRUE(shows(8000));
  EXPECT_EQ(view.view_state().highlighted_workers, (std::vector<std::uint32_t>{0, 1}));
  QApplication::sendEvent(&view, &v);
  EXPECT_EQ(view.current_violation(), 0U) << "wraps around";
  QKeyEvent back(QEvent::KeyPress, Qt::Key_V, Qt::ShiftModifier);
  QApplication::sendEvent(&view, &back);
  EXPECT_EQ(view.current_violation(), 1U);
  view.fit_all();
  EXPECT_TRUE(shows(0) && shows(9999));
  // A run without violations opens fitted, nothing highlighted.
  view.set_model(std::make_shared<const TimelineModel>(testing::small_timeline()));
  EXPECT_TRUE(view.view_state().highlighted_workers.empty());
  EXPECT_FALSE(view.show_violation(0));
}

}  // namespace
}  // namespace lockscope::gui
