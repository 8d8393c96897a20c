// clock_floor.txt: what validate keeps of its clock's spread, and reads back
// under --real-from (engine/validate/clock_floor_file.hpp).
#include "engine/validate/clock_floor_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace lockscope::engine::validate {
namespace {

TEST(ClockFloorFile, SamplesRoundTrip) {
  const std::vector<std::uint64_t> samples = {19, 20, 20, 21, 31, 240};
  auto back = parse_clock_floor(clock_floor_text(samples), "clock_floor.txt");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, samples);
}

TEST(ClockFloorFile, CommentsBlankLinesAndSpacesAreSkipped) {
  auto back = parse_clock_floor("# a comment\n\n  20 \r\n\t21\n", "f");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, (std::vector<std::uint64_t>{20, 21}));
}

TEST(ClockFloorFile, ABadSampleIsNamedByFileLineAndColumn) {
  auto bad = parse_clock_floor("# floor\n20\n  21x\n", "run/clock_floor.txt");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().to_string(), "run/clock_floor.txt:3:5: `21x` is not a clock-floor sample (a whole number of ns)");
  bad = parse_clock_floor("20\n-3\n", "f");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().line, 2U);
  EXPECT_EQ(bad.error().column, 1U);
  bad = parse_clock_floor("# nothing else\n", "f");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "no clock-floor samples");
}

TEST(ClockFloorFile, ARunWithoutTheFileHasNoSamplesAndOneWithItIsRead) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("lockscope_floor_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto none = read_clock_floor_beside(dir / "validate.csv");
  ASSERT_TRUE(none.has_value()) << none.error().to_string();
  EXPECT_TRUE(none->empty());
  std::ofstream(dir / kClockFloorFile) << clock_floor_text({22, 23});
  auto some = read_clock_floor_beside(dir / "validate.csv");
  std::ofstream(dir / kClockFloorFile) << "oops\n";
  auto broken = read_clock_floor_beside(dir / "validate.csv");
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(some.has_value()) << some.error().to_string();
  EXPECT_EQ(*some, (std::vector<std::uint64_t>{22, 23}));
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().line, 1U);
}

}  // namespace
}  // namespace lockscope::engine::validate
