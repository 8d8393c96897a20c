#include "engine/replay/step_counter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace lockscope::engine::replay {
namespace {

using traces::CounterSample;

std::vector<CounterSample> samples_of(StepCounter& c) {
  std::vector<std::uint64_t> scratch;
  std::vector<CounterSample> out;
  c.take_samples(scratch, out);
  return out;
}

// The header's example: a reader entering at 5 executed before one entering
// at 4 still shows one reader at 4 and two at 5.
TEST(StepCounter, StepsExecutedOutOfTimeOrderGiveTheCountAtEachTime) {
  StepCounter c;
  c.step(5, true);
  c.step(4, true);
  c.step(9, false);
  c.step(7, false);
  EXPECT_EQ(samples_of(c), (std::vector<CounterSample>{{4, 1}, {5, 2}, {7, 1}, {9, 0}}));
}

TEST(StepCounter, StepsAtOneTimeFoldIntoOneSample) {
  StepCounter c;
  c.step(3, true);
  c.step(3, true);
  c.step(6, true);
  c.step(6, false);  // in and out at 6: no change, one sample
  c.step(8, false);
  EXPECT_EQ(samples_of(c), (std::vector<CounterSample>{{3, 2}, {6, 2}, {8, 1}}));
}

// Workers, each with its intervals in its own time order, interleaved in
// chunks of a few steps as the simulator executes them: every sample is the
// number of intervals [in, out) that hold its time.
TEST(StepCounter, EqualsACountOfIntervalsAtEverySampleTime) {
  std::mt19937_64 rng(11);
  struct Interval {
    std::uint64_t in, out;
  };
  std::vector<std::vector<Interval>> workers(16);
  for (auto& w : workers) {
    std::uint64_t at = rng() % 1000;
    for (int i = 0; i < 400; ++i) {
      const std::uint64_t in = at + rng() % 300;
      const std::uint64_t out = in + rng() % 200;  // zero-length sometimes
      w.push_back({in, out});
      at = out;
    }
  }
  StepCounter c;
  std::vector<std::size_t> next(workers.size());
  for (bool more = true; more;) {
    more = false;
    for (std::size_t w = 0; w < workers.size(); ++w) {
      for (std::size_t k = rng() % 4; k > 0 && next[w] < workers[w].size(); --k, ++next[w]) {
        c.step(workers[w][next[w]].in, true);
        c.step(workers[w][next[w]].out, false);
      }
      more = more || next[w] < workers[w].size();
    }
  }
  const auto samples = samples_of(c);
  ASSERT_FALSE(samples.empty());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (i > 0) {
      ASSERT_LT(samples[i - 1].time, samples[i].time);
    }
    std::int64_t want = 0;
    for (const auto& w : workers) {
      want += std::count_if(w.begin(), w.end(), [&](const Interval& v) {
        return v.in <= samples[i].time && samples[i].time < v.out;
      });
    }
    ASSERT_EQ(samples[i].value, want) << "at " << samples[i].time;
  }
  EXPECT_EQ(samples.back().value, 0);
}

}  // namespace
}  // namespace lockscope::engine::replay
