#include "gui/app/main_window.hpp"

#include <gtest/gtest.h>

#include "gui/app/statistics_dock.hpp"

namespace lockscope::gui {
namespace {

TEST(MainWindow, ABadTimelineShowsAClearMessage) {
  MainWindow window;
  const QString error = window.open(QStringLiteral(LOCKSCOPE_TEST_SOURCE_DIR "/CMakeLists.txt"));
  EXPECT_FALSE(error.isEmpty());
  EXPECT_TRUE(error.contains(QStringLiteral("CMakeLists.txt"))) << error.toStdString();
  EXPECT_FALSE(error.contains(QLatin1Char('\n')));
  EXPECT_EQ(window.statistics()->stats().ops(), 0U);
  EXPECT_FALSE(window.compare(QStringLiteral("/nonexistent.lstl"), QStringLiteral("/nonexistent.lstl")).isEmpty());
}

}  // namespace
}  // namespace lockscope::gui
