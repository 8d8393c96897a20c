// lockscope-gui's command line (gui/app/command_line.hpp): every option the
// modes take, the checks on their values, and --help, --version and a bad
// flag. command_line.cmake runs the binary for the last three.
#include "gui/app/command_line.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <vector>

namespace lockscope::gui {
namespace {

std::expected<CommandLine, CommandLineExit> parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv = {"lockscope-gui"};
  argv.insert(argv.end(), args);
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

// A usage error: status 2 and one line naming `fragment`.
void expect_usage_error(std::initializer_list<const char*> args, const std::string& fragment) {
  const auto line = parse(args);
  ASSERT_FALSE(line.has_value());
  EXPECT_EQ(line.error().status, 2);
  EXPECT_EQ(std::count(line.error().text.begin(), line.error().text.end(), '\n'), 1) << line.error().text;
  EXPECT_TRUE(line.error().text.ends_with('\n')) << line.error().text;
  EXPECT_NE(line.error().text.find(fragment), std::string::npos) << line.error().text;
}

TEST(CommandLine, WithoutArgumentsOpensTheTeachingRun) {
  const auto line = parse({});
  ASSERT_TRUE(line.has_value());
  EXPECT_TRUE(line->shot.timeline.isEmpty());
  EXPECT_TRUE(line->compare.isEmpty());
  EXPECT_TRUE(line->sweep.isEmpty());
  EXPECT_FALSE(line->headless());
}

TEST(CommandLine, HelpListsEveryOptionAndTheModes) {
  for (const char* flag : {"--help", "-h"}) {
    const auto line = parse({flag});
    ASSERT_FALSE(line.has_value());
    EXPECT_EQ(line.error().status, 0);
    const std::string& help = line.error().text;
    for (const char* option : {"--compare", "--sweep", "--screenshot", "--size", "--range", "--select", "--lines",
                               "--window", "--run-dialog", "--benchmark", "--version", "TIMELINE"}) {
      EXPECT_NE(help.find(option), std::string::npos) << option << " missing from\n" << help;
    }
    EXPECT_NE(help.find("lockscope-gui --compare A.lstl B.lstl"), std::string::npos) << help;
  }
}

TEST(CommandLine, VersionIsTheProjects) {
  const auto line = parse({"--version"});
  ASSERT_FALSE(line.has_value());
  EXPECT_EQ(line.error().status, 0);
  EXPECT_EQ(line.error().text, "lockscope-gui " LOCKSCOPE_VERSION "\n");
}

TEST(CommandLine, AnUnknownOptionIsOneErrorLine) {
  expect_usage_error({"--bogus"}, "--bogus");
  expect_usage_error({"--screenshot", "out.png", "--windw", "a.lstl"}, "--windw");
}

TEST(CommandLine, OneModeOnly) {
  expect_usage_error({"a.lstl", "b.lstl"}, "b.lstl");
  expect_usage_error({"a.lstl", "--sweep", "dir"}, "give one of TIMELINE, --compare A B, --sweep DIR");
  expect_usage_error({"--compare", "a.lstl", "b.lstl", "c.lstl"}, "give one of");
}

TEST(CommandLine, CompareTakesTwoTimelines) {
  const auto line = parse({"--compare", "a.lstl", "b.lstl", "--screenshot", "out.png"});
  ASSERT_TRUE(line.has_value()) << line.error().text;
  EXPECT_EQ(line->compare, (QStringList{QStringLiteral("a.lstl"), QStringLiteral("b.lstl")}));
  EXPECT_TRUE(line->whole_window());
  expect_usage_error({"--compare", "a.lstl"}, "--compare");
}

TEST(CommandLine, ReadsTheScreenshotsSizeRangeSelectionAndLines) {
  const auto line = parse({"--screenshot", "out.svg", "--size", "800x400", "--range", "1us:2us", "--select",
                           "1500ns:1600ns", "--lines", "line 1,,line 2", "a.lstl"});
  ASSERT_TRUE(line.has_value()) << line.error().text;
  EXPECT_TRUE(line->screenshot);
  EXPECT_TRUE(line->headless());
  EXPECT_FALSE(line->whole_window());
  EXPECT_EQ(line->shot.out, QStringLiteral("out.svg"));
  EXPECT_EQ(line->shot.timeline, QStringLiteral("a.lstl"));
  EXPECT_EQ(line->shot.size, QSize(800, 400));
  ASSERT_TRUE(line->shot.range.has_value());
  EXPECT_DOUBLE_EQ(line->shot.range->first, 1e6);
  EXPECT_DOUBLE_EQ(line->shot.range->second, 2e6);
  ASSERT_TRUE(line->shot.select.has_value());
  EXPECT_DOUBLE_EQ(line->shot.select->first, 1.5e6);
  EXPECT_EQ(line->shot.lines, (QStringList{QStringLiteral("line 1"), QStringLiteral("line 2")}));
}

TEST(CommandLine, ChecksTheValuesOfScreenshotOptions) {
  expect_usage_error({"--screenshot", "o.png", "--size", "100x50", "a.lstl"}, "--size must be WxH");
  expect_usage_error({"--screenshot", "o.png", "--size", "800", "a.lstl"}, "--size must be WxH");
  expect_usage_error({"--screenshot", "o.png", "--range", "2us:1us", "a.lstl"}, "--range must be T0:T1");
  expect_usage_error({"--screenshot", "o.png", "--select", "1us", "a.lstl"}, "--select must be T0:T1");
  expect_usage_error({"--screenshot"}, "--screenshot");
}

TEST(CommandLine, TheTimelineAloneNeedsATimeline) {
  expect_usage_error({"--screenshot", "o.png"}, "--screenshot needs a TIMELINE");
  expect_usage_error({"--benchmark"}, "--benchmark needs a TIMELINE");
  for (const char* mode : {"--window", "--run-dialog"}) {
    const auto line = parse({"--screenshot", "o.png", mode});
    ASSERT_TRUE(line.has_value()) << line.error().text;
    EXPECT_TRUE(line->whole_window());
  }
  const auto bench = parse({"--benchmark", "a.lstl"});
  ASSERT_TRUE(bench.has_value()) << bench.error().text;
  EXPECT_TRUE(bench->benchmark);
  EXPECT_TRUE(bench->headless());
}

}  // namespace
}  // namespace lockscope::gui
