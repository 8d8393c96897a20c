#include "gui/model/progress_line.hpp"

#include <gtest/gtest.h>

namespace lockscope::gui {
namespace {

TEST(ProgressLine, ReadsTheReplayPercentage) {
  const auto p = parse_progress_line("... central: 42% of the trace");
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->fraction, 0.42);
  EXPECT_EQ(p->what, "central: 42% of the trace");
  // Terminal mode: carriage return and erase-line escapes around it.
  const auto tty = parse_progress_line("\r\033[K... graph: 7% of the trace");
  ASSERT_TRUE(tty);
  EXPECT_DOUBLE_EQ(tty->fraction, 0.07);
  EXPECT_EQ(tty->what, "graph: 7% of the trace");
}

TEST(ProgressLine, ReadsCountsOfASweep) {
  const auto p = parse_progress_line("... [3/12] graph on 4 cores");
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->fraction, 0.25);
  EXPECT_FALSE(parse_progress_line("... replaying graph on 8 simulated cores"));
  EXPECT_FALSE(parse_progress_line("lockscope: --machine: no machine 'x'"));
  EXPECT_FALSE(parse_progress_line("   "));
  EXPECT_DOUBLE_EQ(parse_progress_line("150%")->fraction, 1.0);  // clamped
}

TEST(ProgressLine, ErrorLineIsTheLastNonProgressLine) {
  EXPECT_EQ(error_line("... central: 12% of the trace\nlockscope: central: the replay process failed\n"
                       "... graph: 50% of the trace\n"),
            "lockscope: central: the replay process failed");
  EXPECT_EQ(error_line("\r\033[Klockscope: --machine: unknown machine 'nope'\n"),
            "lockscope: --machine: unknown machine 'nope'");
  EXPECT_EQ(error_line("... graph: 50% of the trace\n"), "");
  EXPECT_EQ(error_line(""), "");
}

}  // namespace
}  // namespace lockscope::gui
