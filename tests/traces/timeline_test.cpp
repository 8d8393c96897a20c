#include "traces/timeline.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace lockscope::traces {
namespace {

TEST(SetCounterAt, StepsAtOneTimeFoldIntoTheValueAfterTheLast) {
  std::vector<CounterSample> samples;
  set_counter_at(samples, 0, 0);
  set_counter_at(samples, 5, 1);
  set_counter_at(samples, 5, 2);
  set_counter_at(samples, 5, 1);
  set_counter_at(samples, 9, 0);
  const std::vector<CounterSample> expected{{0, 0}, {5, 1}, {9, 0}};
  EXPECT_EQ(samples, expected);
}

TEST(SetCounterAt, AFirstStepStartsTheSamples) {
  std::vector<CounterSample> samples;
  set_counter_at(samples, 7, 3);
  ASSERT_EQ(samples.size(), 1U);
  EXPECT_EQ(samples[0], (CounterSample{7, 3}));
}

}  // namespace
}  // namespace lockscope::traces
