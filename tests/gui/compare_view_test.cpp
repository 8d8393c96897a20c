#include "gui/app/compare_view.hpp"

#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QTableWidget>
#include <QWheelEvent>
#include <memory>

#include "gui/render/layout.hpp"
#include "tests/gui/small_timeline.hpp"
#include "tests/gui/waits_timeline.hpp"

namespace lockscope::gui {
namespace {

TEST(CompareView, ZoomingMovesBothRunsOnOneAxis) {
  CompareView view;
  view.resize(1200, 700);
  view.set_models(std::make_shared<const TimelineModel>(testing::small_timeline()),
                  std::make_shared<const TimelineModel>(testing::waits_timeline()));
  auto* canvas = view.canvas();
  canvas->resize(900, 600);
  canvas->fit_all();
  EXPECT_DOUBLE_EQ(canvas->view().t0(), 0.0);
  EXPECT_NEAR(canvas->view().t1(), 10000.0, 1e-6);  // the longer run fills the width
  EXPECT_EQ(canvas->half(0).width(), canvas->half(1).width());
  QWheelEvent wheel(QPointF(Layout::kLabelWidth + 355.0, 100), QPointF(), QPoint(), QPoint(0, 120), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QCoreApplication::sendEvent(canvas, &wheel);
  EXPECT_LT(canvas->view().t1() - canvas->view().t0(), 10000.0 / 1.2);  // zoomed in, for both halves
  // The summaries sit side by side: one column per run.
  ASSERT_EQ(view.summary()->columnCount(), 2);
  EXPECT_TRUE(view.summary()->horizontalHeaderItem(0)->text().contains(QStringLiteral("test")));
  EXPECT_TRUE(view.summary()->horizontalHeaderItem(1)->text().contains(QStringLiteral("waits")));
}

TEST(CompareView, ABadFileShowsTheReadersError) {
  CompareView view;
  const QString error = view.open(QStringLiteral(LOCKSCOPE_TEST_SOURCE_DIR "/CMakeLists.txt"),
                                  QStringLiteral(LOCKSCOPE_TEST_SOURCE_DIR "/CMakeLists.txt"));
  EXPECT_FALSE(error.isEmpty());
  EXPECT_TRUE(error.contains(QStringLiteral("CMakeLists.txt"))) << error.toStdString();
}

}  // namespace
}  // namespace lockscope::gui
