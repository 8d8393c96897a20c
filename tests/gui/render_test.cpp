// Rendered checks: paint the small known timeline offscreen and read back
// the colors where a reading span, a draining span and a transfer must be.
#include <gtest/gtest.h>

#include <QGuiApplication>
#include <QImage>
#include <cmath>

#include "gui/model/timeline_model.hpp"
#include "gui/render/colors.hpp"
#include "gui/render/hover.hpp"
#include "gui/render/layout.hpp"
#include "gui/render/ruler.hpp"
#include "gui/render/timeline_painter.hpp"
#include "small_timeline.hpp"

namespace lockscope::gui {
namespace {

QGuiApplication& app() {
  static int argc = 1;
  static char name[] = "lockscope_gui_tests";
  static char* argv[] = {name, nullptr};
  static QGuiApplication instance(argc, argv);
  return instance;
}

class Rendered : public ::testing::Test {
 protected:
  void SetUp() override { app(); }
  const TimelineModel model{testing::small_timeline()};
  const QSize size{800, 300};
  const Layout layout{model, size};
  const ViewTransform view = fit_view(model, size);
  [[nodiscard]] QPoint at(double t, std::size_t lane) const {
    return {layout.data.left() + static_cast<int>(std::floor(view.to_px(t))), layout.lanes[lane].center()};
  }
};

TEST_F(Rendered, SpansAndTransfersHaveTheirColors) {
  const QImage image = render_timeline(model, view, size);
  ASSERT_FALSE(image.isNull());
  // Lane 0 is worker a (core 0): reading at 3.3 ns; writing at 8.3 ns (off the ruler's grid lines).
  EXPECT_EQ(image.pixel(at(3300, 0)), state_color(traces::WorkerState::reading).rgb());
  EXPECT_EQ(image.pixel(at(8300, 0)), state_color(traces::WorkerState::writing).rgb());
  // Lane 1 is worker b (core 1): draining readers at 4.3 ns.
  EXPECT_EQ(image.pixel(at(4300, 1)), state_color(traces::WorkerState::draining).rgb());
  // Lane 2 is line "counter": a tick at 1.5 ns in the line's color.
  EXPECT_EQ(image.pixel(at(1500, 2) + QPoint(1, 0)), line_color(0).rgb());
  // Between ticks, only the light wash.
  EXPECT_NE(image.pixel(at(3300, 2)), line_color(0).rgb());
}

TEST_F(Rendered, TransferArrowGoesFromSourceToDestinationCore) {
  const QImage image = render_timeline(model, view, size);
  // The 1.5 ns transfer goes core 0 -> core 1, drawn from lane 0's middle
  // to lane 1's; halfway down it sits between x(1500) and x(1600).
  const int y = (layout.lanes[0].center() + layout.lanes[1].center()) / 2;
  const int xa = at(1500, 0).x();
  const int xb = at(1600, 0).x() + 1;
  bool found = false;
  for (int x = xa - 1; x <= xb + 1 && !found; ++x) {
    const QColor c = image.pixelColor(x, y);
    const QColor l = line_color(0);
    found = std::abs(c.hue() - l.hue()) < 12 && c.saturation() > 60;
  }
  EXPECT_TRUE(found);
}

TEST_F(Rendered, HoverNamesTheSpanAndTheTransfer) {
  EXPECT_TRUE(hover_text(model, layout, view, at(3000, 0)).contains(QStringLiteral("reading")));
  EXPECT_TRUE(hover_text(model, layout, view, at(4000, 1)).contains(QStringLiteral("draining")));
  EXPECT_TRUE(hover_text(model, layout, view, at(1500, 2)).contains(QStringLiteral("core 1")));
  EXPECT_TRUE(hover_text(model, layout, view, QPoint(2, 2)).isEmpty());
}

TEST(Ruler, StepsAndLabels) {
  EXPECT_DOUBLE_EQ(ruler_step(1000, 90), 100000);  // 90 ns -> 100 ns
  EXPECT_DOUBLE_EQ(ruler_step(1, 90), 100);
  EXPECT_EQ(format_time(250000, 100000), QStringLiteral("250 ns"));
  EXPECT_EQ(format_time(1.5e6, 5e5), QStringLiteral("1500 ns"));
  EXPECT_EQ(format_time(2e6, 1e6), QStringLiteral("2 µs"));
  EXPECT_EQ(format_time(3e9, 1e9), QStringLiteral("3 ms"));
}

}  // namespace
}  // namespace lockscope::gui
