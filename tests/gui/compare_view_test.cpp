#include "gui/app/compare_view.hpp"

#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QTableWidget>
#include <QWheelEvent>
#include <memory>

#include "gui/render/colors.hpp"
#include "gui/render/layout.hpp"
#include "gui/render/timeline_painter.hpp"
#include "tests/gui/measured_timeline.hpp"
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

// The real run above its replay: different numbers of locks (2 and 2, or 2
// and none) and of lines (none above; 3 or 2 below), one time axis.
TEST(CompareView, MeasuredRunAboveItsReplay) {
  for (const auto& replay : {testing::replay_timeline(), testing::small_timeline()}) {
    CompareView view;
    view.resize(1200, 700);
    const auto real = std::make_shared<const TimelineModel>(testing::measured_timeline());
    const auto sim = std::make_shared<const TimelineModel>(replay);
    view.set_models(real, sim);
    auto* canvas = view.canvas();
    canvas->resize(900, 600);
    canvas->fit_all();
    EXPECT_NEAR(canvas->view().t1(), 10000.0, 1e-6);  // the real run is the longer here
    const QTableWidget* summary = view.summary();
    ASSERT_EQ(summary->columnCount(), 2);
    EXPECT_EQ(summary->horizontalHeaderItem(0)->text(), QStringLiteral("top: measured run"));
    EXPECT_EQ(summary->horizontalHeaderItem(1)->text(), QStringLiteral("bottom: %1").arg(QString::fromStdString(replay.lock)));
    const int last = summary->rowCount() - 1;
    EXPECT_EQ(summary->verticalHeaderItem(last)->text(), QStringLiteral("transfers/op"));
    EXPECT_EQ(summary->item(last, 0)->text(), QStringLiteral("—")) << "nothing measured the real run's lines";
    EXPECT_NE(summary->item(last, 1)->text(), QStringLiteral("—"));
    EXPECT_EQ(summary->verticalHeaderItem(1)->text(), QStringLiteral("time"));
    EXPECT_EQ(summary->item(0, 0)->text(), QStringLiteral("this machine (2 CPUs), measured"));
    // Both halves painted on the one axis: a reading span at the same time in each.
    const QImage image = canvas->grab().toImage();
    for (int i = 0; i < 2; ++i) {
      const auto& model = i == 0 ? *real : *sim;
      const QRect half = canvas->half(i);
      const Layout layout(model, half.size());
      // Thread 101 reads [1.5, 3) ns; the first worker of either replay reads at 1.8 ns (off
      // small_timeline's 1.5 ns arrow and the 2 ns grid line).
      const double t = i == 0 ? 2300 : 1800;
      const QPoint p = half.topLeft() + QPoint(layout.data.left() + static_cast<int>(canvas->view().to_px(t)),
                                               layout.lanes[0].center());
      EXPECT_EQ(image.pixel(p), state_color(traces::WorkerState::reading).rgb()) << "half " << i;
    }
    EXPECT_EQ(Layout(*real, canvas->half(0).size()).lanes.size(), 3U) << "no line lanes above";
  }
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
