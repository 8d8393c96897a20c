#include "engine/replay/wait_instrument.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <vector>

namespace lockscope::engine::replay {
namespace {

TEST(WaitInstrument, WithoutSamplesItAddsNothing) {
  WaitInstrument exact;
  WaitInstrument empty({}, 7);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(exact.read(), 0U);
    EXPECT_EQ(empty.read(), 0U);
  }
}

// Every read is one of the samples, each about as often as the others, and
// a seed gives the same reads again (seed 0 included: no stuck generator).
TEST(WaitInstrument, ReadsAreTheSamplesUniformlyAndRepeatWithTheSeed) {
  const std::vector<std::uint64_t> samples = {20, 30, 40, 1000};
  for (const std::uint64_t seed : {0U, 1U, 12345U}) {
    WaitInstrument a(samples, seed);
    WaitInstrument b(samples, seed);
    std::map<std::uint64_t, int> seen;
    constexpr int kReads = 40'000;
    for (int i = 0; i < kReads; ++i) {
      const std::uint64_t v = a.read();
      ASSERT_EQ(v, b.read());
      ++seen[v];
    }
    ASSERT_EQ(seen.size(), samples.size()) << "seed " << seed;
    for (const auto& [value, count] : seen) EXPECT_NEAR(count, kReads / 4, kReads / 40) << value;
  }
  WaitInstrument one(samples, 1);
  WaitInstrument other(samples, 2);
  int same = 0;
  for (int i = 0; i < 1000; ++i) same += one.read() == other.read();
  EXPECT_LT(same, 400) << "two seeds, two sequences";
}

}  // namespace
}  // namespace lockscope::engine::replay
